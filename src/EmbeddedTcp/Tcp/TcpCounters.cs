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

    /// <summary>Why an incoming segment was dropped.</summary>
    public enum TcpDropReason : byte
    {
        /// <summary>Header shorter than 20 bytes or a data offset beyond the segment.</summary>
        Malformed = 0,
        /// <summary>Checksum (with the pseudo-header) did not verify.</summary>
        BadChecksum,
        /// <summary>An illegal option length.</summary>
        BadOptions,
        /// <summary>No connection or listener for the segment (answered with RST unless it was one).</summary>
        NoConnection,
        /// <summary>Failed the RFC 9293 sequence-number acceptability test (answered with ACK).</summary>
        OutOfWindow,
        /// <summary>An RST that was not exact (challenge ACK) or outside the window.</summary>
        RstNotExact,
        /// <summary>RST in TIME_WAIT, ignored per RFC 1337.</summary>
        RstInTimeWait,
        /// <summary>A SYN in a synchronized state (RFC 5961 challenge ACK).</summary>
        SynInWindow,
        /// <summary>An ACK for data never sent, or too old (RFC 5961 5.2).</summary>
        BadAck,
        /// <summary>A segment without ACK in a state that requires one.</summary>
        NoAck,
        /// <summary>The listener's backlog was full of established, unaccepted connections.</summary>
        BacklogFull,
        /// <summary>No free connection entry for a new SYN.</summary>
        TableFull,
        /// <summary>Out-of-order data that would need more reassembly ranges than configured.</summary>
        ReassemblyFull,
        /// <summary>A segment that the state does not expect (e.g. a bare ACK to SYN_SENT without SYN).</summary>
        Unexpected,
        /// <summary>Number of reasons (array size).</summary>
        Count,
    }

    /// <summary>Per-stack TCP counters. Plain fields: reading them never allocates.</summary>
    public sealed class TcpCounters
    {
        /// <summary>Segments handed to TCP by the IP layer.</summary>
        public long SegmentsIn;
        /// <summary>Segments TCP emitted.</summary>
        public long SegmentsOut;
        /// <summary>Segments resent after a timeout or by fast retransmit.</summary>
        public long Retransmissions;
        /// <summary>Fast retransmits (three duplicate ACKs).</summary>
        public long FastRetransmits;
        /// <summary>Retransmission timer expiries.</summary>
        public long RetransmitTimeouts;
        /// <summary>RST segments received (any state).</summary>
        public long ResetsIn;
        /// <summary>RST segments sent.</summary>
        public long ResetsOut;
        /// <summary>RFC 5961 challenge ACKs sent.</summary>
        public long ChallengeAcks;
        /// <summary>Challenge ACKs not sent because of the rate limit.</summary>
        public long ChallengeAcksSuppressed;
        /// <summary>Active opens (SYN sent).</summary>
        public long ActiveOpens;
        /// <summary>Passive opens (SYN accepted by a listener).</summary>
        public long PassiveOpens;
        /// <summary>Half-open entries recycled for a newer SYN (SYN flood defence).</summary>
        public long HalfOpenRecycled;
        /// <summary>TIME_WAIT entries reused because the table was full.</summary>
        public long TimeWaitReused;
        /// <summary>Out-of-order data segments stored for reassembly.</summary>
        public long OutOfOrderSegments;
        /// <summary>Zero-window probes sent.</summary>
        public long ZeroWindowProbes;
        /// <summary>Keepalive probes sent.</summary>
        public long KeepaliveProbes;
        /// <summary>Connections that ended with an error (reset, timeout...).</summary>
        public long ConnectionErrors;
        /// <summary>Segments the output layer could not take (no frame buffer).</summary>
        public long OutputFailures;
        /// <summary>ICMP errors that matched a connection and were acted on.</summary>
        public long IcmpErrors;
        /// <summary>ICMP errors for no connection or quoting a sequence number outside the flight (RFC 5927).</summary>
        public long IcmpIgnored;
        /// <summary>Dropped segments, total.</summary>
        public long Dropped;
        /// <summary>Dropped segments by <see cref="TcpDropReason"/>.</summary>
        public readonly long[] DropsByReason = new long[(int)TcpDropReason.Count];
    }
}
