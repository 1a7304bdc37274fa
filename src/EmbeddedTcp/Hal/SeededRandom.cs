namespace EmbeddedTcp.Hal
{
    /// <summary>A small seeded generator (xorshift32*); deterministic, allocation-free. Not for secrets on a real device.</summary>
    public sealed class SeededRandom : IRandomSource
    {
        private uint _state;

        /// <summary>Creates a generator; equal seeds give equal sequences.</summary>
        public SeededRandom(uint seed)
        {
            _state = seed == 0 ? 0x9E3779B9u : seed;
        }

        /// <inheritdoc />
        public uint NextUInt32()
        {
            uint x = _state;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            _state = x;
            return x * 0x2545F491u;
        }
    }
}
