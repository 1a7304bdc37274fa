namespace EmbeddedTcp.Wire
{
    /// <summary>ICMPv4 message types used by the stack.</summary>
    public static class IcmpType
    {
        /// <summary>Echo reply.</summary>
        public const byte EchoReply = 0;
        /// <summary>Destination unreachable.</summary>
        public const byte DestinationUnreachable = 3;
        /// <summary>Echo request.</summary>
        public const byte EchoRequest = 8;
        /// <summary>Time exceeded.</summary>
        public const byte TimeExceeded = 11;
    }
}
