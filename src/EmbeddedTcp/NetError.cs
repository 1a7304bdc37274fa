namespace EmbeddedTcp
{
    /// <summary>
    /// The one error type of the whole stack: result codes of every user call (TCP, UDP, DNS,
    /// multicast). Non-negative values are successes (a handle or a byte count, 0 meaning
    /// "would block"); negative values are these errors.
    /// </summary>
    public static class NetError
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
