namespace EmbeddedTcp.Wire
{
    /// <summary>
    /// The BOOTP/DHCP message (RFC 2131 2, RFC 951) read and written in place in <c>byte[]</c> at
    /// offset 0 (the UDP payload): field offsets, the magic cookie, the ports, and the writers of a
    /// client's BOOTREQUEST header and options. Options are read by <see cref="DhcpOptions"/>.
    /// </summary>
    public static class DhcpMessage
    {
        /// <summary>The server's UDP port.</summary>
        public const int ServerPort = 67;
        /// <summary>The client's UDP port.</summary>
        public const int ClientPort = 68;

        /// <summary>op: 1 BOOTREQUEST, 2 BOOTREPLY.</summary>
        public const int OpOffset = 0;
        /// <summary>htype: hardware address type.</summary>
        public const int HardwareTypeOffset = 1;
        /// <summary>hlen: hardware address length.</summary>
        public const int HardwareLengthOffset = 2;
        /// <summary>xid: transaction id (4 bytes).</summary>
        public const int XidOffset = 4;
        /// <summary>secs: seconds since the client began (2 bytes).</summary>
        public const int SecsOffset = 8;
        /// <summary>flags: the broadcast bit is the top bit of the first byte.</summary>
        public const int FlagsOffset = 10;
        /// <summary>ciaddr: the client's address while it has one (4 bytes).</summary>
        public const int ClientAddressOffset = 12;
        /// <summary>yiaddr: the address offered or leased (4 bytes).</summary>
        public const int YourAddressOffset = 16;
        /// <summary>chaddr: the client's hardware address (16 bytes, 6 used).</summary>
        public const int ClientHardwareOffset = 28;
        /// <summary>The magic cookie (4 bytes) before the options.</summary>
        public const int CookieOffset = 236;
        /// <summary>The first option.</summary>
        public const int OptionsOffset = 240;
        /// <summary>The magic cookie 99.130.83.99 (RFC 2131 3).</summary>
        public const uint MagicCookie = 0x63825363;
        /// <summary>Shortest message a client sends (BOOTP's minimum; some relays drop shorter ones).</summary>
        public const int MinimumLength = 300;

        /// <summary>A lease, T1 or T2 of this many seconds is infinite (RFC 2131 3.3).</summary>
        public const uint InfiniteSeconds = 0xFFFFFFFF;

        /// <summary>op of a client's message.</summary>
        public const byte BootRequest = 1;
        /// <summary>op of a server's message.</summary>
        public const byte BootReply = 2;
        /// <summary>htype of Ethernet.</summary>
        public const byte HardwareEthernet = 1;
        /// <summary>hlen of Ethernet.</summary>
        public const byte EthernetAddressLength = 6;
        /// <summary>The broadcast flag (first byte of flags).</summary>
        public const byte BroadcastFlag = 0x80;

        /// <summary>True when the message is a BOOTREPLY for Ethernet (op 2, htype 1, hlen 6); the caller checked that the header is there.</summary>
        public static bool IsEthernetReply(byte[] m)
        {
            return m[OpOffset] == BootReply && m[HardwareTypeOffset] == HardwareEthernet && m[HardwareLengthOffset] == EthernetAddressLength;
        }

        /// <summary>
        /// Writes a BOOTREQUEST header into <paramref name="b"/> (already zeroed, at least
        /// <see cref="OptionsOffset"/> bytes): op, Ethernet, <paramref name="xid"/>, the broadcast
        /// flag, ciaddr, chaddr from <paramref name="mac"/> and the magic cookie. Returns
        /// <see cref="OptionsOffset"/>, where the options go.
        /// </summary>
        public static int WriteRequestHeader(byte[] b, uint xid, bool broadcast, uint ciaddr, byte[] mac)
        {
            b[OpOffset] = BootRequest;
            b[HardwareTypeOffset] = HardwareEthernet;
            b[HardwareLengthOffset] = EthernetAddressLength;
            NetOrder.WriteU32(b, XidOffset, xid);
            if (broadcast)
            {
                b[FlagsOffset] = BroadcastFlag;
            }

            Ipv4Address.Write(b, ClientAddressOffset, ciaddr);
            System.Array.Copy(mac, 0, b, ClientHardwareOffset, EthernetAddressLength);
            NetOrder.WriteU32(b, CookieOffset, MagicCookie);
            return OptionsOffset;
        }

        /// <summary>Writes the seconds field, clamped to 0..65535.</summary>
        public static void WriteSecs(byte[] b, long seconds)
        {
            if (seconds > 0xFFFF)
            {
                seconds = 0xFFFF;
            }

            if (seconds < 0)
            {
                seconds = 0;
            }

            NetOrder.WriteU16(b, SecsOffset, (ushort)seconds);
        }

        /// <summary>
        /// Writes option 53 (<paramref name="type"/>) and option 61, the client identifier (hardware
        /// type 1 and <paramref name="mac"/>), at <paramref name="p"/>; returns the offset after them.
        /// </summary>
        public static int WriteTypeAndClientId(byte[] b, int p, byte type, byte[] mac)
        {
            b[p++] = DhcpOptionCode.MessageType;
            b[p++] = 1;
            b[p++] = type;
            b[p++] = DhcpOptionCode.ClientId;
            b[p++] = EthernetAddressLength + 1;
            b[p++] = HardwareEthernet;
            System.Array.Copy(mac, 0, b, p, EthernetAddressLength);
            return p + EthernetAddressLength;
        }

        /// <summary>Writes a 4-byte address option at <paramref name="p"/>; returns the offset after it.</summary>
        public static int WriteAddressOption(byte[] b, int p, byte code, uint address)
        {
            b[p] = code;
            b[p + 1] = 4;
            Ipv4Address.Write(b, p + 2, address);
            return p + 6;
        }

        /// <summary>
        /// Writes option 57 (<paramref name="maxMessageSize"/>) and option 55, the parameters a client
        /// asks for (subnet mask, router, DNS servers, NTP servers, lease, T1, T2), at
        /// <paramref name="p"/>; returns the offset after them.
        /// </summary>
        public static int WriteRequestParameters(byte[] b, int p, int maxMessageSize)
        {
            b[p++] = DhcpOptionCode.MaxMessageSize;
            b[p++] = 2;
            NetOrder.WriteU16(b, p, (ushort)maxMessageSize);
            p += 2;
            b[p++] = DhcpOptionCode.ParameterRequestList;
            b[p++] = 7;
            b[p++] = DhcpOptionCode.SubnetMask;
            b[p++] = DhcpOptionCode.Router;
            b[p++] = DhcpOptionCode.DnsServers;
            b[p++] = DhcpOptionCode.NtpServers;
            b[p++] = DhcpOptionCode.LeaseTime;
            b[p++] = DhcpOptionCode.RenewalTime;
            b[p++] = DhcpOptionCode.RebindingTime;
            return p;
        }

        /// <summary>
        /// Writes an option of <paramref name="code"/> with <paramref name="length"/> bytes of
        /// <paramref name="value"/> (1..255) at <paramref name="p"/>; returns the offset after it.
        /// </summary>
        public static int WriteBytesOption(byte[] b, int p, byte code, byte[] value, int length)
        {
            b[p] = code;
            b[p + 1] = (byte)length;
            System.Array.Copy(value, 0, b, p + 2, length);
            return p + 2 + length;
        }
    }
}
