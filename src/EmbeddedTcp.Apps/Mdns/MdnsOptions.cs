namespace EmbeddedTcp.Apps.Mdns
{
    /// <summary>Configuration of an <see cref="MdnsResponder"/>, read once at construction.</summary>
    public sealed class MdnsOptions
    {
        /// <summary>
        /// Host name without ".local" (letters, digits and '-', at most 56 bytes so that "-NNN" fits
        /// in a 63-byte label). Null (default): "embeddedtcp-" and the last three bytes of the MAC in hex.
        /// </summary>
        public string HostName;

        /// <summary>TCP port of the HTTP page advertised as <c>_http._tcp</c> (DNS-SD, RFC 6763); 0 = no service. Default 80.</summary>
        public int HttpPort = 80;

        /// <summary>The TXT record of the HTTP service as key=value strings (default "path=/"; RFC 6763 6.3).</summary>
        public string HttpTxt = "path=/";

        /// <summary>TTL of the host name's A record and the SRV record, seconds (default 120, RFC 6762 section 10).</summary>
        public int HostTtl = 120;

        /// <summary>TTL of the PTR and TXT records, seconds (default 4500, RFC 6762 section 10).</summary>
        public int OtherTtl = 4500;

        /// <summary>Datagrams handled per <see cref="MdnsResponder.Poll"/> at most (default 8).</summary>
        public int MaxQueriesPerPoll = 8;
    }
}
