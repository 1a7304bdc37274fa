namespace EmbeddedTcp.Wire
{
    /// <summary>Ethernet II EtherType values used by the stack.</summary>
    public static class EtherType
    {
        /// <summary>IPv4.</summary>
        public const ushort Ipv4 = 0x0800;
        /// <summary>ARP.</summary>
        public const ushort Arp = 0x0806;
    }
}
