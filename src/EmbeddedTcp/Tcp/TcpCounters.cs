namespace EmbeddedTcp.Tcp
{
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
