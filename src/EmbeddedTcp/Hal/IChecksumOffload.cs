namespace EmbeddedTcp.Hal
{
    /// <summary>
    /// Implemented by an <see cref="INetworkDevice"/> that can compute the Internet checksum
    /// (RFC 1071) over a range of a frame it holds, as network drivers declare checksum offload.
    /// The stack checks for it once, at construction; devices without it (TAP, in-memory links)
    /// keep the software checksum. The IPv4 header checksum (20 bytes) stays in software: it
    /// costs fewer interpreted instructions than the SPI transactions of one offload.
    /// </summary>
    public interface IChecksumOffload
    {
        /// <summary>
        /// Shortest range (bytes) worth offloading: below it the device's own transactions cost more
        /// than summing in software, so the stack sums shorter segments itself and the device reports
        /// no <see cref="ReceivedSum"/> for shorter frames.
        /// </summary>
        int MinimumOffloadLength { get; }

        /// <summary>
        /// The one's complement sum (16 bits, folded, not complemented) of the bytes from offset
        /// <see cref="ChecksumOffload.ReceiveSumStart"/> to the end of the frame that the last
        /// <see cref="INetworkDevice.Receive"/> returned, as the device computed it; -1 when the
        /// device has none for that frame (too short to be worth it, or the device could not).
        /// The stack may still check a frame in software when the sum disagrees.
        /// </summary>
        int ReceivedSum { get; }

        /// <summary>
        /// As <see cref="INetworkDevice.Send"/>, and the device stores, big-endian at
        /// <paramref name="checksumOffset"/> of the frame, the one's complement of the one's
        /// complement sum of bytes <paramref name="sumStart"/> .. <paramref name="length"/> - 1.
        /// The caller leaves in the checksum field what the sum must include besides the bytes
        /// (for TCP and UDP the folded pseudo-header sum), so the stored value is the checksum.
        /// </summary>
        bool SendWithChecksum(byte[] frame, int offset, int length, int sumStart, int checksumOffset);
    }
}
