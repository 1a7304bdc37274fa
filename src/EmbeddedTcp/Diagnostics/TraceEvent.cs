namespace EmbeddedTcp.Diagnostics
{
    /// <summary>
    /// One trace record, copied out of the ring by <see cref="TraceRing.TryRead"/>. A class the reader
    /// allocates once and refills (nanoCLR keeps structs on its heap: a struct here would allocate per read).
    /// </summary>
    public sealed class TraceEvent
    {
        /// <summary>Poll time of the event, in milliseconds.</summary>
        public long TimeMs;
        /// <summary>What happened.</summary>
        public TraceKind Kind;
        /// <summary>Connection table index, or -1.</summary>
        public int Connection;
        /// <summary>Kind-specific values (see <see cref="TraceKind"/>).</summary>
        public int A;
        /// <summary>Kind-specific value.</summary>
        public int B;
        /// <summary>Kind-specific value.</summary>
        public int C;
    }
}
