namespace EmbeddedTcp.Services
{
    /// <summary>SNTP client counters. Plain fields: reading them never allocates.</summary>
    public sealed class SntpCounters
    {
        /// <summary>Requests sent (retries included).</summary>
        public long RequestsSent;
        /// <summary>Replies accepted: the offset was set from them.</summary>
        public long Synchronizations;
        /// <summary>Requests that got no usable answer before the next try.</summary>
        public long Timeouts;
        /// <summary>Kiss-o'-Death RATE: the client backed off.</summary>
        public long KissRate;
        /// <summary>Kiss-o'-Death DENY or RSTR: the client stopped.</summary>
        public long KissDeny;
        /// <summary>Other Kiss-o'-Death codes (stratum 0): the reply is not used.</summary>
        public long KissOther;
        /// <summary>Dropped: the origin timestamp is not our request's transmit timestamp (RFC 5905 "bogus").</summary>
        public long DroppedBogus;
        /// <summary>Dropped: not from our server's port 123, or no request outstanding.</summary>
        public long DroppedUnexpected;
        /// <summary>Dropped: shorter than 48 bytes, not server mode, unknown version, zero timestamps.</summary>
        public long DroppedMalformed;
        /// <summary>Good replies not used because the request had waited for ARP (its send time is unknown); asked again at once.</summary>
        public long SamplesDiscarded;
        /// <summary>Dropped: leap indicator 3 (server clock not synchronized) or stratum over 15.</summary>
        public long DroppedUnsynchronized;
    }
}
