namespace EmbeddedTcp.Simulation
{
    /// <summary>
    /// A small deterministic pseudo-random generator (PCG-XSH-RR 64/32, O'Neill 2014). Same
    /// seed and stream give the same sequence on every machine and every .NET version, which
    /// <c>System.Random</c> does not promise. Allocation-free; not for cryptography.
    /// </summary>
    public sealed class Pcg32
    {
        private const ulong Multiplier = 6364136223846793005UL;
        private ulong _state;
        private readonly ulong _increment;

        /// <summary>Creates a generator from a seed and an optional stream selector.</summary>
        public Pcg32(ulong seed, ulong stream = 0x14057B7EF767814FUL)
        {
            _increment = (stream << 1) | 1UL;
            _state = 0;
            NextUInt32();
            _state += seed;
            NextUInt32();
        }

        /// <summary>Next uniformly distributed 32-bit value.</summary>
        public uint NextUInt32()
        {
            ulong old = _state;
            _state = unchecked(old * Multiplier + _increment);
            uint xorShifted = (uint)(((old >> 18) ^ old) >> 27);
            int rot = (int)(old >> 59);
            return (xorShifted >> rot) | (xorShifted << ((-rot) & 31));
        }

        /// <summary>Next uniformly distributed 64-bit value (two 32-bit draws).</summary>
        public ulong NextUInt64()
        {
            ulong hi = NextUInt32();
            return (hi << 32) | NextUInt32();
        }

        /// <summary>A value in [0, <paramref name="bound"/>) (0 when bound is 0), from one 64-bit draw.</summary>
        public ulong NextBelow(ulong bound)
        {
            ulong r = NextUInt64();
            return bound == 0 ? 0 : r % bound;
        }

        /// <summary>
        /// Converts a probability in [0, 1] to a 32-bit threshold: an event with that
        /// probability happens when <c>NextUInt32() &lt; threshold</c>. 1.0 gives 2^32 (always).
        /// </summary>
        public static ulong Threshold(double probability)
        {
            if (!(probability > 0))
            {
                return 0;
            }

            if (probability >= 1)
            {
                return 1UL << 32;
            }

            return (ulong)(probability * 4294967296.0);
        }
    }
}
