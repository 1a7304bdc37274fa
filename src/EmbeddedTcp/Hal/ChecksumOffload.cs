namespace EmbeddedTcp.Hal
{
    /// <summary>Where <see cref="IChecksumOffload.ReceivedSum"/> starts: the IPv4 header, after the 14-byte Ethernet header.</summary>
    public static class ChecksumOffload
    {
        /// <summary>Offset in the frame where the received sum starts.</summary>
        public const int ReceiveSumStart = 14;
    }
}
