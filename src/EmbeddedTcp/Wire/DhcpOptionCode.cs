namespace EmbeddedTcp.Wire
{
    /// <summary>DHCP option codes (RFC 2132) the client sends or reads.</summary>
    public static class DhcpOptionCode
    {
        /// <summary>Pad: one byte, no length.</summary>
        public const byte Pad = 0;
        /// <summary>Subnet mask (4 bytes).</summary>
        public const byte SubnetMask = 1;
        /// <summary>Routers (a list of addresses; the first is used).</summary>
        public const byte Router = 3;
        /// <summary>DNS servers (a list of addresses; the first two are used).</summary>
        public const byte DnsServers = 6;
        /// <summary>Host name.</summary>
        public const byte HostName = 12;
        /// <summary>NTP servers (a list of addresses; the first two are used).</summary>
        public const byte NtpServers = 42;
        /// <summary>Requested IP address (4 bytes).</summary>
        public const byte RequestedAddress = 50;
        /// <summary>IP address lease time, seconds (4 bytes).</summary>
        public const byte LeaseTime = 51;
        /// <summary>DHCP message type (1 byte, <see cref="DhcpMessageType"/>).</summary>
        public const byte MessageType = 53;
        /// <summary>Server identifier (4 bytes).</summary>
        public const byte ServerId = 54;
        /// <summary>Parameter request list.</summary>
        public const byte ParameterRequestList = 55;
        /// <summary>Maximum DHCP message size (2 bytes).</summary>
        public const byte MaxMessageSize = 57;
        /// <summary>Renewal (T1) time, seconds (4 bytes).</summary>
        public const byte RenewalTime = 58;
        /// <summary>Rebinding (T2) time, seconds (4 bytes).</summary>
        public const byte RebindingTime = 59;
        /// <summary>Client identifier (hardware type + address).</summary>
        public const byte ClientId = 61;
        /// <summary>End: one byte, no length.</summary>
        public const byte End = 255;
    }
}
