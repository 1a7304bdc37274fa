namespace EmbeddedTcp.Wire
{
    /// <summary>
    /// The SNTP/NTP message (RFC 4330 4, RFC 5905 7.3) read and written in place in <c>byte[]</c> at
    /// offset 0 (the UDP payload), without extensions or MAC: field offsets, modes, the Kiss-o'-Death
    /// codes, the client request and the NTP timestamp.
    /// </summary>
    public static class SntpMessage
    {
        /// <summary>The server's UDP port.</summary>
        public const int ServerPort = 123;
        /// <summary>Length of a message without extensions or MAC.</summary>
        public const int Length = 48;
        /// <summary>Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01).</summary>
        public const long NtpToUnixSeconds = 2208988800L;

        /// <summary>LI (2 bits), VN (3 bits), Mode (3 bits).</summary>
        public const int LeapVersionModeOffset = 0;
        /// <summary>Stratum (0 = Kiss-o'-Death).</summary>
        public const int StratumOffset = 1;
        /// <summary>Reference identifier; the kiss code when the stratum is 0.</summary>
        public const int ReferenceIdOffset = 12;
        /// <summary>Originate timestamp (8 bytes): the request's transmit timestamp, echoed.</summary>
        public const int OriginateOffset = 24;
        /// <summary>Receive timestamp (8 bytes): T2.</summary>
        public const int ReceiveOffset = 32;
        /// <summary>Transmit timestamp (8 bytes): T3, or a client's nonce.</summary>
        public const int TransmitOffset = 40;

        /// <summary>The first byte of a client request: LI 0, version 4, mode 3 (client).</summary>
        public const byte ClientRequestHeader = 0x23;
        /// <summary>Mode 4: server.</summary>
        public const int ModeServer = 4;
        /// <summary>Leap indicator 3: the server's clock is not synchronized.</summary>
        public const int LeapUnsynchronized = 3;
        /// <summary>Highest stratum of a synchronized server.</summary>
        public const int MaxStratum = 15;
        /// <summary>Kiss code RATE (the client asks too often).</summary>
        public const uint KissRate = 0x52415445;
        /// <summary>Kiss code DENY (access denied).</summary>
        public const uint KissDeny = 0x44454E59;
        /// <summary>Kiss code RSTR (access restricted).</summary>
        public const uint KissRestrict = 0x52535452;

        /// <summary>The mode of the message.</summary>
        public static int Mode(byte[] m)
        {
            return m[LeapVersionModeOffset] & 7;
        }

        /// <summary>The version of the message.</summary>
        public static int Version(byte[] m)
        {
            return (m[LeapVersionModeOffset] >> 3) & 7;
        }

        /// <summary>The leap indicator of the message.</summary>
        public static int Leap(byte[] m)
        {
            return m[LeapVersionModeOffset] >> 6;
        }

        /// <summary>
        /// Writes a client request into <paramref name="b"/> (at least <see cref="Length"/> bytes)
        /// from offset 0: all zero but the header byte and the transmit timestamp, which is the nonce
        /// <paramref name="nonceHigh"/>:<paramref name="nonceLow"/> the server echoes.
        /// </summary>
        public static void WriteClientRequest(byte[] b, uint nonceHigh, uint nonceLow)
        {
            System.Array.Clear(b, 0, Length);
            b[LeapVersionModeOffset] = ClientRequestHeader;
            NetOrder.WriteU32(b, TransmitOffset, nonceHigh);
            NetOrder.WriteU32(b, TransmitOffset + 4, nonceLow);
        }

        /// <summary>
        /// An NTP timestamp (64 bits at <paramref name="offset"/>) as ms since 1970. RFC 4330 3: a
        /// seconds value with its top bit clear is in era 1, from 2036-02-07 on.
        /// </summary>
        public static long NtpToUnixMs(byte[] m, int offset)
        {
            uint seconds = NetOrder.ReadU32(m, offset);
            uint fraction = NetOrder.ReadU32(m, offset + 4);
            long s = seconds;
            if ((seconds & 0x80000000) == 0)
            {
                s += 0x100000000L;
            }

            return (s - NtpToUnixSeconds) * 1000 + (long)(((ulong)fraction * 1000) >> 32);
        }
    }
}
