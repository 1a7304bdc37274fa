namespace EmbeddedTcp.Tcp
{
    /// <summary>The eleven states of RFC 9293 section 3.3.2.</summary>
    public enum TcpState : byte
    {
        Closed = 0,
        Listen,
        SynSent,
        SynReceived,
        Established,
        FinWait1,
        FinWait2,
        Closing,
        TimeWait,
        CloseWait,
        LastAck,
    }

    /// <summary>State names as the RFC writes them, without allocating (enum ToString boxes).</summary>
    public static class TcpStateNames
    {
        private static readonly string[] Names =
        {
            "CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1",
            "FIN_WAIT_2", "CLOSING", "TIME_WAIT", "CLOSE_WAIT", "LAST_ACK",
        };

        // Static readonly, not a literal: on nanoCLR every executed ldstr makes a new string.
        private static readonly string Unknown = "?";

        /// <summary>The RFC name of <paramref name="state"/>, e.g. "SYN_RECEIVED" ("?" for a value outside the enum).</summary>
        public static string Of(TcpState state)
        {
            int i = (int)state;
            return i >= 0 && i < Names.Length ? Names[i] : Unknown;
        }
    }

    /// <summary>
    /// Result codes of the TCP user calls. Non-negative values are successes (a handle or a
    /// byte count, 0 meaning "would block"); negative values are these errors.
    /// </summary>
    public static class TcpError
    {
        /// <summary>Success.</summary>
        public const int Ok = 0;
        /// <summary>The handle is not (or no longer) a live connection or listener: closed and reused, or never valid.</summary>
        public const int InvalidHandle = -1;
        /// <summary>No free entry in the fixed connection or listener table.</summary>
        public const int NoResources = -2;
        /// <summary>The call is not allowed in the connection's state (e.g. send after close).</summary>
        public const int InvalidState = -3;
        /// <summary>The peer reset the connection.</summary>
        public const int ConnectionReset = -4;
        /// <summary>Retransmissions or keepalive probes went unanswered; the connection was aborted.</summary>
        public const int TimedOut = -5;
        /// <summary>The peer refused the connection (RST in answer to our SYN).</summary>
        public const int ConnectionRefused = -6;
        /// <summary>The peer closed its side and every byte it sent has been read (end of stream).</summary>
        public const int EndOfStream = -7;
        /// <summary>The local port is already listening.</summary>
        public const int AddressInUse = -8;
        /// <summary>An ICMP hard error (destination unreachable) ended the connection attempt.</summary>
        public const int Unreachable = -9;
        /// <summary>A bad argument (port 0, null buffer, negative length...).</summary>
        public const int InvalidArgument = -10;
        /// <summary>The connection was aborted locally.</summary>
        public const int Aborted = -11;
    }
}
