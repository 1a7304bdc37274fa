namespace EmbeddedTcp.NanoSupport
{
    /// <summary>
    /// Raw-byte edits of Ethernet/IPv4/TCP frames, mscorlib only, for crafting hostile or
    /// replayed frames from a frame captured on a <see cref="MemoryLink"/>: big-endian reads and
    /// writes, and the IPv4 header and TCP checksums recomputed after a change. It knows the
    /// frame layout our stacks emit (Ethernet II, IPv4 at offset 14) and nothing of the core's
    /// Wire types, on purpose: a measurement built on it does not change when they do.
    /// </summary>
    public static class FrameBytes
    {
        /// <summary>Offset of the IPv4 header in an Ethernet II frame.</summary>
        public const int Ip = 14;
        /// <summary>Offset of the IPv4 header checksum.</summary>
        public const int IpChecksum = Ip + 10;
        /// <summary>Offset of the IPv4 total length.</summary>
        public const int IpTotalLength = Ip + 2;
        /// <summary>Offset of the IPv4 protocol byte.</summary>
        public const int IpProtocol = Ip + 9;
        /// <summary>Offset of the IPv4 source address.</summary>
        public const int IpSource = Ip + 12;
        /// <summary>Offset of the IPv4 destination address.</summary>
        public const int IpDestination = Ip + 16;

        /// <summary>Offset of the transport header when the IPv4 header has no options (as ours).</summary>
        public const int Transport = Ip + 20;
        /// <summary>TCP sequence number (no IPv4 options).</summary>
        public const int TcpSeq = Transport + 4;
        /// <summary>TCP acknowledgment number (no IPv4 options).</summary>
        public const int TcpAck = Transport + 8;
        /// <summary>TCP data offset byte (no IPv4 options).</summary>
        public const int TcpDataOffset = Transport + 12;
        /// <summary>TCP flags byte (no IPv4 options).</summary>
        public const int TcpFlags = Transport + 13;
        /// <summary>TCP checksum (no IPv4 options).</summary>
        public const int TcpChecksum = Transport + 16;

        /// <summary>Reads a big-endian 16-bit value.</summary>
        public static int ReadU16(byte[] b, int offset)
        {
            return (b[offset] << 8) | b[offset + 1];
        }

        /// <summary>Writes a big-endian 16-bit value.</summary>
        public static void WriteU16(byte[] b, int offset, int value)
        {
            b[offset] = (byte)(value >> 8);
            b[offset + 1] = (byte)value;
        }

        /// <summary>Reads a big-endian 32-bit value.</summary>
        public static uint ReadU32(byte[] b, int offset)
        {
            return ((uint)b[offset] << 24) | ((uint)b[offset + 1] << 16) | ((uint)b[offset + 2] << 8) | b[offset + 3];
        }

        /// <summary>Writes a big-endian 32-bit value.</summary>
        public static void WriteU32(byte[] b, int offset, uint value)
        {
            b[offset] = (byte)(value >> 24);
            b[offset + 1] = (byte)(value >> 16);
            b[offset + 2] = (byte)(value >> 8);
            b[offset + 3] = (byte)value;
        }

        /// <summary>Length of the IPv4 header in bytes (IHL × 4).</summary>
        public static int IpHeaderLength(byte[] frame)
        {
            return (frame[Ip] & 0x0F) * 4;
        }

        /// <summary>Recomputes the IPv4 header checksum after the header was changed.</summary>
        public static void FixIpChecksum(byte[] frame)
        {
            frame[IpChecksum] = 0;
            frame[IpChecksum + 1] = 0;
            uint sum = Sum(frame, Ip, IpHeaderLength(frame), 0);
            WriteU16(frame, IpChecksum, Fold(sum));
        }

        /// <summary>
        /// Recomputes the TCP checksum (pseudo-header of the IPv4 addresses, protocol 6 and the
        /// TCP length the IPv4 total length implies) after the segment was changed.
        /// </summary>
        public static void FixTcpChecksum(byte[] frame)
        {
            int tcp = Ip + IpHeaderLength(frame);
            int length = ReadU16(frame, IpTotalLength) - IpHeaderLength(frame);
            frame[tcp + 16] = 0;
            frame[tcp + 17] = 0;
            uint sum = Sum(frame, IpSource, 8, 0);
            sum += 6;
            sum += (uint)length;
            sum = Sum(frame, tcp, length, sum);
            WriteU16(frame, tcp + 16, Fold(sum));
        }

        /// <summary>The one's complement sum (16 bits, folded, not complemented) of a byte range: what a checksum-offloading device reports.</summary>
        public static int FoldedSum(byte[] b, int offset, int length)
        {
            return ~Fold(Sum(b, offset, length, 0)) & 0xFFFF;
        }

        /// <summary>Stores the complement of the one's complement sum of bytes <paramref name="start"/>..<paramref name="end"/>-1 at <paramref name="field"/>: what a checksum-offloading device does on send.</summary>
        public static void FillChecksum(byte[] b, int start, int end, int field)
        {
            WriteU16(b, field, Fold(Sum(b, start, end - start, 0)));
        }

        private static uint Sum(byte[] b, int offset, int length, uint sum)
        {
            int end = offset + length;
            int i = offset;
            for (; i + 1 < end; i += 2)
            {
                sum += (uint)((b[i] << 8) | b[i + 1]);
            }

            if (i < end)
            {
                sum += (uint)(b[i] << 8);
            }

            return sum;
        }

        private static int Fold(uint sum)
        {
            while ((sum >> 16) != 0)
            {
                sum = (sum & 0xFFFF) + (sum >> 16);
            }

            return (int)(~sum & 0xFFFF);
        }
    }
}
