namespace EmbeddedTcp.Wire
{
    /// <summary>ARP operation codes.</summary>
    public static class ArpOperation
    {
        /// <summary>who-has.</summary>
        public const ushort Request = 1;
        /// <summary>is-at.</summary>
        public const ushort Reply = 2;
    }
}
