namespace EmbeddedTcp.Wire
{
    /// <summary>DHCP message types (option 53, RFC 2132 9.6; RFC 2131).</summary>
    public static class DhcpMessageType
    {
        /// <summary>DHCPDISCOVER.</summary>
        public const byte Discover = 1;
        /// <summary>DHCPOFFER.</summary>
        public const byte Offer = 2;
        /// <summary>DHCPREQUEST.</summary>
        public const byte Request = 3;
        /// <summary>DHCPDECLINE.</summary>
        public const byte Decline = 4;
        /// <summary>DHCPACK.</summary>
        public const byte Ack = 5;
        /// <summary>DHCPNAK.</summary>
        public const byte Nak = 6;
        /// <summary>DHCPRELEASE.</summary>
        public const byte Release = 7;
        /// <summary>Highest type value accepted in option 53 (RFC 2132 and its successors define 1..18).</summary>
        public const byte Highest = 18;
    }
}
