namespace EmbeddedTcp.Services
{
    /// <summary>Result of a DNS query (see <see cref="DnsClient.GetResult"/>).</summary>
    public enum DnsStatus
    {
        /// <summary>Still waiting for an answer.</summary>
        Pending = 0,
        /// <summary>An A record was found (from the cache or a server); the address is valid.</summary>
        Resolved,
        /// <summary>The name does not exist (NXDOMAIN) or has no A record (NODATA).</summary>
        NotFound,
        /// <summary>No usable answer after every try on every server.</summary>
        Timeout,
        /// <summary>The servers failed (SERVFAIL, REFUSED, truncated answers...), or the handle is not valid.</summary>
        Error,
    }
}
