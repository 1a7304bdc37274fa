namespace EmbeddedTcp.Wire
{
    /// <summary>ICMPv4 codes used by the stack.</summary>
    public static class IcmpCode
    {
        /// <summary>Destination unreachable: net unreachable.</summary>
        public const byte NetUnreachable = 0;
        /// <summary>Destination unreachable: host unreachable.</summary>
        public const byte HostUnreachable = 1;
        /// <summary>Destination unreachable: protocol unreachable.</summary>
        public const byte ProtocolUnreachable = 2;
        /// <summary>Destination unreachable: port unreachable.</summary>
        public const byte PortUnreachable = 3;
        /// <summary>Destination unreachable: fragmentation needed and DF set (RFC 1191: carries the next-hop MTU).</summary>
        public const byte FragmentationNeeded = 4;
        /// <summary>Time exceeded: TTL exceeded in transit.</summary>
        public const byte TtlExceeded = 0;
        /// <summary>Time exceeded: fragment reassembly time exceeded.</summary>
        public const byte ReassemblyTimeExceeded = 1;
    }
}
