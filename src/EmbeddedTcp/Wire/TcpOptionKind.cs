namespace EmbeddedTcp.Wire
{
    /// <summary>TCP option kinds (IANA).</summary>
    public static class TcpOptionKind
    {
        /// <summary>End of option list.</summary>
        public const byte EndOfList = 0;
        /// <summary>No-operation (padding).</summary>
        public const byte NoOperation = 1;
        /// <summary>Maximum segment size (length 4).</summary>
        public const byte Mss = 2;
        /// <summary>Window scale (length 3, RFC 7323).</summary>
        public const byte WindowScale = 3;
        /// <summary>SACK permitted (length 2, RFC 2018).</summary>
        public const byte SackPermitted = 4;
        /// <summary>SACK blocks (length 2 + 8n, RFC 2018).</summary>
        public const byte Sack = 5;
        /// <summary>Timestamps (length 10, RFC 7323).</summary>
        public const byte Timestamps = 8;
    }
}
