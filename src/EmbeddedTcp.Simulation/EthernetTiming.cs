using System;

namespace EmbeddedTcp.Simulation
{
    /// <summary>
    /// How long a frame occupies an Ethernet link. A frame as the stack sees it (no preamble,
    /// no FCS) takes on the wire: 8 bytes preamble + SFD, the frame padded to 60 bytes, 4 bytes
    /// FCS (so at least 64), and 12 bytes of inter-frame gap before the next frame may start.
    /// </summary>
    public static class EthernetTiming
    {
        /// <summary>Preamble (7) + start frame delimiter (1), in bytes.</summary>
        public const int PreambleAndSfdBytes = 8;
        /// <summary>Frame check sequence length in bytes.</summary>
        public const int FcsBytes = 4;
        /// <summary>Minimum frame length including FCS, in bytes.</summary>
        public const int MinimumFrameBytes = 64;
        /// <summary>Inter-frame gap in byte times.</summary>
        public const int InterFrameGapBytes = 12;
        /// <summary>Largest frame without FCS (no VLAN tag).</summary>
        public const int MaxFrameBytes = 1514;

        /// <summary>
        /// Byte times a frame of <paramref name="frameLength"/> bytes (without FCS) uses on the
        /// wire: 8 + max(frameLength + 4, 64) + 12.
        /// </summary>
        public static int WireBytes(int frameLength)
        {
            int withFcs = frameLength + FcsBytes;
            if (withFcs < MinimumFrameBytes)
            {
                withFcs = MinimumFrameBytes;
            }

            return PreambleAndSfdBytes + withFcs + InterFrameGapBytes;
        }

        /// <summary>
        /// Serialization delay in nanoseconds (rounded up) of a frame of
        /// <paramref name="frameLength"/> bytes at <paramref name="bitsPerSecond"/>.
        /// A 60-byte frame at 10 Mbit/s: 84 bytes = 672 bits = 67 200 ns.
        /// </summary>
        public static long SerializationDelayNs(int frameLength, long bitsPerSecond)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bitsPerSecond);

            long bits = (long)WireBytes(frameLength) * 8;
            // bits * 1e9 fits in a long for any frame below 10^9 bits.
            return (bits * 1_000_000_000L + bitsPerSecond - 1) / bitsPerSecond;
        }
    }
}
