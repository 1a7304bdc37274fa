namespace EmbeddedTcp.Tcp
{
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
}
