namespace EmbeddedTcp.Wire
{
    /// <summary>
    /// The parsed meaning of a DHCP message's options (RFC 2132) that a client uses, in fixed fields
    /// of a holder its owner allocates once and refills per message (<see cref="Parse"/>), as
    /// <see cref="TcpOptions"/> does for TCP: nanoCLR keeps structs on its heap.
    /// </summary>
    public sealed class DhcpOptions
    {
        /// <summary>Option 53, the message type (<see cref="DhcpMessageType"/>); 0 when absent or out of range.</summary>
        public int MessageType;
        /// <summary>Option 54, the server identifier; 0 when absent.</summary>
        public uint ServerId;
        /// <summary>Option 1, the subnet mask (valid when <see cref="HasSubnetMask"/>).</summary>
        public uint SubnetMask;
        /// <summary>Option 1 present with 4 bytes.</summary>
        public bool HasSubnetMask;
        /// <summary>Option 3, the first router; 0 when absent.</summary>
        public uint Router;
        /// <summary>Option 6, the first DNS server; 0 when absent.</summary>
        public uint Dns0;
        /// <summary>Option 6, the second DNS server; 0 when absent.</summary>
        public uint Dns1;
        /// <summary>Option 51, the lease, seconds (valid when <see cref="HasLease"/>).</summary>
        public uint LeaseSeconds;
        /// <summary>Option 51 present with 4 bytes.</summary>
        public bool HasLease;
        /// <summary>Option 58, T1, seconds (valid when <see cref="HasRenewal"/>).</summary>
        public uint RenewalSeconds;
        /// <summary>Option 58 present with 4 bytes.</summary>
        public bool HasRenewal;
        /// <summary>Option 59, T2, seconds (valid when <see cref="HasRebinding"/>).</summary>
        public uint RebindingSeconds;
        /// <summary>Option 59 present with 4 bytes.</summary>
        public bool HasRebinding;
        /// <summary>Option 42, the first NTP server; 0 when absent.</summary>
        public uint Ntp0;
        /// <summary>Option 42, the second NTP server; 0 when absent.</summary>
        public uint Ntp1;
        /// <summary>Options of the last <see cref="Parse"/> ignored because their length was wrong for their code.</summary>
        public int Ignored;

        /// <summary>
        /// Reads the options from <see cref="DhcpMessage.OptionsOffset"/> to <paramref name="length"/>
        /// (the caller checked the message is at least that long and fits <paramref name="m"/>). Pad
        /// and End are honoured; an option whose length runs past the message fails the whole message
        /// (<see cref="WireResult.Truncated"/>); an option whose length is wrong for its code is ignored
        /// and counted in <see cref="Ignored"/>; option overload (52) is ignored (sname and file are
        /// never read). Without an End option the message is accepted when the options fill it exactly.
        /// </summary>
        public WireResult Parse(byte[] m, int length)
        {
            Clear();
            int p = DhcpMessage.OptionsOffset;
            while (p < length)
            {
                int code = m[p];
                if (code == DhcpOptionCode.Pad)
                {
                    p++;
                    continue;
                }

                if (code == DhcpOptionCode.End)
                {
                    return WireResult.Ok;
                }

                if (p + 1 >= length)
                {
                    return WireResult.Truncated;
                }

                // The options a client uses, each checked for its length (a wrong one is ignored).
                int len = m[p + 1];
                int v = p + 2;
                if (v + len > length)
                {
                    return WireResult.Truncated;
                }

                if (!Take(code, m, v, len))
                {
                    Ignored++;
                }

                p = v + len;
            }

            return WireResult.Ok;
        }

        // One option a client uses, checked for its length: false when the length is wrong for
        // its code (the caller counts it), true otherwise (unknown codes are skipped).
        private bool Take(int code, byte[] m, int v, int len)
        {
            switch (code)
            {
                case DhcpOptionCode.MessageType:
                    if (len != 1 || m[v] < 1 || m[v] > DhcpMessageType.Highest)
                    {
                        return false;
                    }

                    MessageType = m[v];
                    return true;
                case DhcpOptionCode.ServerId:
                    if (len == 4)
                    {
                        ServerId = Ipv4Address.Read(m, v);
                    }

                    return len == 4;
                case DhcpOptionCode.SubnetMask:
                    if (len == 4)
                    {
                        SubnetMask = Ipv4Address.Read(m, v);
                        HasSubnetMask = true;
                    }

                    return len == 4;
                case DhcpOptionCode.Router:
                    if (len >= 4 && (len & 3) == 0)
                    {
                        Router = Ipv4Address.Read(m, v);
                    }

                    return len >= 4 && (len & 3) == 0;
                case DhcpOptionCode.DnsServers:
                    if (len >= 4 && (len & 3) == 0)
                    {
                        Dns0 = Ipv4Address.Read(m, v);
                        Dns1 = len >= 8 ? Ipv4Address.Read(m, v + 4) : 0;
                    }

                    return len >= 4 && (len & 3) == 0;
                case DhcpOptionCode.NtpServers:
                    if (len >= 4 && (len & 3) == 0)
                    {
                        Ntp0 = Ipv4Address.Read(m, v);
                        Ntp1 = len >= 8 ? Ipv4Address.Read(m, v + 4) : 0;
                    }

                    return len >= 4 && (len & 3) == 0;
                case DhcpOptionCode.LeaseTime:
                    if (len == 4)
                    {
                        LeaseSeconds = NetOrder.ReadU32(m, v);
                        HasLease = true;
                    }

                    return len == 4;
                case DhcpOptionCode.RenewalTime:
                    if (len == 4)
                    {
                        RenewalSeconds = NetOrder.ReadU32(m, v);
                        HasRenewal = true;
                    }

                    return len == 4;
                case DhcpOptionCode.RebindingTime:
                    if (len == 4)
                    {
                        RebindingSeconds = NetOrder.ReadU32(m, v);
                        HasRebinding = true;
                    }

                    return len == 4;
                default:
                    return true;
            }
        }

        private void Clear()
        {
            MessageType = 0;
            ServerId = 0;
            SubnetMask = 0;
            Router = 0;
            Dns0 = 0;
            Dns1 = 0;
            LeaseSeconds = 0;
            RenewalSeconds = 0;
            RebindingSeconds = 0;
            Ntp0 = 0;
            Ntp1 = 0;
            HasSubnetMask = false;
            HasLease = false;
            HasRenewal = false;
            HasRebinding = false;
            Ignored = 0;
        }
    }
}
