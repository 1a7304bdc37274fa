namespace EmbeddedTcp.Wire
{
    /// <summary>Outcome of parsing untrusted bytes. Parsers never throw; they return one of these.</summary>
    public enum WireResult
    {
        /// <summary>The header is valid; every accessor of the view is in bounds.</summary>
        Ok = 0,
        /// <summary>The buffer (or the given length) is shorter than the header or a length field says.</summary>
        Truncated,
        /// <summary>A field holds an illegal value (length field too small, illegal option length...).</summary>
        Malformed,
        /// <summary>The checksum does not verify.</summary>
        BadChecksum,
        /// <summary>Well-formed but not something this stack handles (IP version other than 4, non-Ethernet ARP...).</summary>
        Unsupported,
    }
}
