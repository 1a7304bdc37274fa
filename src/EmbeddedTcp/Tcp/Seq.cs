namespace EmbeddedTcp.Tcp
{
    /// <summary>Sequence-number arithmetic modulo 2^32 (RFC 9293 section 3.4).</summary>
    internal static class Seq
    {
        public static bool Lt(uint a, uint b) { return (int)(a - b) < 0; }
        public static bool Le(uint a, uint b) { return (int)(a - b) <= 0; }
        public static bool Gt(uint a, uint b) { return (int)(a - b) > 0; }
        public static bool Ge(uint a, uint b) { return (int)(a - b) >= 0; }
        public static uint Max(uint a, uint b) { return (int)(a - b) >= 0 ? a : b; }
    }
}
