namespace EmbeddedTcp
{
    /// <summary>
    /// The one handle scheme of every table the stack hands out (TCP connections and listeners,
    /// UDP sockets, DNS queries): a positive int
    /// <c>kind &lt;&lt; 28 | generation &lt;&lt; 12 | index</c>. The kind tag (bits 28–30) differs per
    /// table, so a handle of one kind is refused by every other kind's calls with
    /// <see cref="NetError.InvalidHandle"/>; the generation (1–65535, bumped when a slot is freed)
    /// makes a stale handle invalid; bit 31 is never set, so no negative value (an error code)
    /// decodes to a slot. Decoders compare <c>handle &amp; KindMask</c> with the kind in one step,
    /// which also rejects negative values and 0. Constants only: no calls, no allocation on nanoCLR.
    /// </summary>
    public static class Handles
    {
        /// <summary>Bits of the table index (tables up to 4,096 entries).</summary>
        public const int IndexBits = 12;

        /// <summary>Mask of the table index.</summary>
        public const int IndexMask = (1 << IndexBits) - 1;

        /// <summary>Largest generation; the next after it is 1 again.</summary>
        public const int MaxGeneration = 0xFFFF;

        /// <summary>Mask of the kind tag, including the sign bit.</summary>
        public const int KindMask = unchecked((int)0xF0000000);

        /// <summary>Kind tag of a TCP connection handle.</summary>
        public const int TcpConnection = 1 << 28;

        /// <summary>Kind tag of a TCP listener handle.</summary>
        public const int TcpListener = 2 << 28;

        /// <summary>Kind tag of a UDP socket handle.</summary>
        public const int UdpSocket = 3 << 28;

        /// <summary>Kind tag of a DNS query handle.</summary>
        public const int DnsQuery = 4 << 28;

        /// <summary>The handle of slot <paramref name="index"/> at <paramref name="generation"/> in a table of <paramref name="kind"/>.</summary>
        public static int Make(int kind, int generation, int index)
        {
            return kind | (generation << IndexBits) | index;
        }

        /// <summary>The generation a handle carries.</summary>
        public static int GenerationOf(int handle)
        {
            return (handle >> IndexBits) & MaxGeneration;
        }

        /// <summary>The generation after <paramref name="generation"/> (wraps to 1, never 0).</summary>
        public static int Next(int generation)
        {
            return generation >= MaxGeneration ? 1 : generation + 1;
        }
    }
}
