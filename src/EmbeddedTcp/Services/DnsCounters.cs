namespace EmbeddedTcp.Services
{
    /// <summary>DNS client counters. Plain fields: reading them never allocates.</summary>
    public sealed class DnsCounters
    {
        /// <summary>Queries sent (first tries).</summary>
        public long QueriesSent;
        /// <summary>Queries sent again after a timeout or a server failure (to the same or the other server).</summary>
        public long Retransmissions;
        /// <summary>Names answered from the cache.</summary>
        public long CacheHits;
        /// <summary>Responses accepted (any RCODE).</summary>
        public long ResponsesIn;
        /// <summary>Queries that ended Resolved from a server.</summary>
        public long Resolved;
        /// <summary>Queries that ended NotFound.</summary>
        public long NotFound;
        /// <summary>Queries that ended Timeout.</summary>
        public long Timeouts;
        /// <summary>Queries that ended Error.</summary>
        public long Errors;
        /// <summary>Responses with a failure RCODE or the TC bit (the next try goes out at once).</summary>
        public long ServerFailures;
        /// <summary>Dropped: shorter than a header, QR clear, opcode not 0, bad or looping names, records past the end.</summary>
        public long DroppedMalformed;
        /// <summary>Dropped: datagram larger than the receive buffer (512 bytes).</summary>
        public long DroppedOversize;
        /// <summary>Dropped: id matches no pending query.</summary>
        public long DroppedWrongId;
        /// <summary>Dropped: question not echoed (count, name, type or class differ).</summary>
        public long DroppedWrongQuestion;
        /// <summary>Dropped: not from a configured server's port 53.</summary>
        public long DroppedWrongSource;
    }
}
