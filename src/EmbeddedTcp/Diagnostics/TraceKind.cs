namespace EmbeddedTcp.Diagnostics
{
    /// <summary>What a trace event records.</summary>
    public enum TraceKind : byte
    {
        /// <summary>A connection changed state: A = old state, B = new state, C = <see cref="EmbeddedTcp.Tcp.TcpCause"/>.</summary>
        StateChange = 1,
        /// <summary>A segment was dropped: A = <see cref="EmbeddedTcp.Tcp.TcpDropReason"/>, B = sequence number (low 31 bits), C = length.</summary>
        SegmentDropped = 2,
        /// <summary>A segment was retransmitted: A = sequence number, B = length, C = 1 for fast retransmit, 0 for a timeout.</summary>
        Retransmit = 3,
        /// <summary>A connection ended with an error reported to the user: A = the <see cref="EmbeddedTcp.NetError"/> code.</summary>
        ConnectionError = 4,
    }
}
