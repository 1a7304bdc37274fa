namespace EmbeddedTcp.Tcp
{
    /// <summary>Why a connection changed state (recorded with each state-change trace event).</summary>
    public enum TcpCause : byte
    {
        /// <summary>User OPEN (active or passive).</summary>
        UserOpen = 1,
        /// <summary>User CLOSE (or shutdown of the sending side).</summary>
        UserClose,
        /// <summary>User ABORT.</summary>
        UserAbort,
        /// <summary>A SYN arrived.</summary>
        ReceivedSyn,
        /// <summary>A SYN-ACK arrived.</summary>
        ReceivedSynAck,
        /// <summary>An ACK arrived.</summary>
        ReceivedAck,
        /// <summary>A FIN arrived.</summary>
        ReceivedFin,
        /// <summary>A FIN that also acknowledged our FIN arrived.</summary>
        ReceivedFinAck,
        /// <summary>An acceptable RST arrived.</summary>
        ReceivedRst,
        /// <summary>The retransmission limit was reached.</summary>
        RetransmitTimeout,
        /// <summary>TIME_WAIT's 2*MSL ran out.</summary>
        TimeWaitExpired,
        /// <summary>An orphaned FIN_WAIT_2 waited longer than the FIN_WAIT_2 timeout.</summary>
        FinWait2Timeout,
        /// <summary>Keepalive probes went unanswered.</summary>
        KeepaliveTimeout,
        /// <summary>The entry was taken for a new connection (TIME_WAIT reuse, half-open recycling).</summary>
        Recycled,
        /// <summary>An ICMP hard error arrived.</summary>
        IcmpError,
        /// <summary>Data arrived for a connection the user had already closed (answered with RST).</summary>
        DataAfterClose,
    }
}
