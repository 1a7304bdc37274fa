namespace EmbeddedTcp.Tcp
{
    /// <summary>
    /// Initial sequence numbers per RFC 6528: ISN = M + F(localip, localport, remoteip,
    /// remoteport, secretkey), where M is a clock ticking every 4 microseconds (derived from
    /// the poll time) and F is HalfSipHash-2-4 keyed with 64 random bits drawn once at start-up.
    /// Same tuple at different times and different tuples at the same time give unrelated
    /// values; an off-path attacker without the key cannot predict them.
    /// </summary>
    internal sealed class IsnGenerator
    {
        private readonly uint _k0;
        private readonly uint _k1;

        public IsnGenerator(uint k0, uint k1)
        {
            _k0 = k0;
            _k1 = k1;
        }

        public uint Next(uint localIp, ushort localPort, uint remoteIp, ushort remotePort, long nowMs)
        {
            uint m = (uint)(nowMs * 250); // 4 us ticks
            return m + Hash(localIp, remoteIp, ((uint)localPort << 16) | remotePort);
        }

        /// <summary>HalfSipHash-2-4 over three 32-bit words.</summary>
        internal uint Hash(uint w0, uint w1, uint w2)
        {
            uint v0 = _k0;
            uint v1 = _k1;
            uint v2 = 0x6c796765u ^ _k0;
            uint v3 = 0x74656462u ^ _k1;
            Compress(ref v0, ref v1, ref v2, ref v3, w0);
            Compress(ref v0, ref v1, ref v2, ref v3, w1);
            Compress(ref v0, ref v1, ref v2, ref v3, w2);
            Compress(ref v0, ref v1, ref v2, ref v3, 12u << 24); // length block
            v2 ^= 0xff;
            for (int i = 0; i < 4; i++)
            {
                Round(ref v0, ref v1, ref v2, ref v3);
            }

            return v1 ^ v3;
        }

        private static void Compress(ref uint v0, ref uint v1, ref uint v2, ref uint v3, uint m)
        {
            v3 ^= m;
            Round(ref v0, ref v1, ref v2, ref v3);
            Round(ref v0, ref v1, ref v2, ref v3);
            v0 ^= m;
        }

        private static void Round(ref uint v0, ref uint v1, ref uint v2, ref uint v3)
        {
            v0 += v1; v1 = (v1 << 5) | (v1 >> 27); v1 ^= v0; v0 = (v0 << 16) | (v0 >> 16);
            v2 += v3; v3 = (v3 << 8) | (v3 >> 24); v3 ^= v2;
            v0 += v3; v3 = (v3 << 7) | (v3 >> 25); v3 ^= v0;
            v2 += v1; v1 = (v1 << 13) | (v1 >> 19); v1 ^= v2; v2 = (v2 << 16) | (v2 >> 16);
        }
    }
}
