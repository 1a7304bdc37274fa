namespace EmbeddedTcp.Wire
{
    /// <summary>IPv4 protocol numbers (IANA) used by the stack.</summary>
    public static class IpProtocol
    {
        /// <summary>ICMP for IPv4.</summary>
        public const byte Icmp = 1;
        /// <summary>IGMP (RFC 2236).</summary>
        public const byte Igmp = 2;
        /// <summary>TCP.</summary>
        public const byte Tcp = 6;
        /// <summary>UDP.</summary>
        public const byte Udp = 17;
    }
}
