namespace EmbeddedTcp.Hal
{
    /// <summary>
    /// An Ethernet device as the stack sees it: whole frames in and out, a MAC address and a
    /// link state. Implemented by the ENC28J60 driver on the board, by simulated devices and
    /// by the Linux TAP device on the desktop. Frames carry no preamble and no FCS; a frame is
    /// 14..1514 bytes (the driver pads short frames to 60 bytes on the wire).
    /// Implementations must not allocate in <see cref="Receive"/>, <see cref="Send"/> or
    /// <see cref="Poll"/>.
    /// </summary>
    public interface INetworkDevice
    {
        /// <summary>Copies the device's 6-byte MAC address into <paramref name="destination"/> at <paramref name="offset"/>.</summary>
        void GetMacAddress(byte[] destination, int offset);

        /// <summary>True while the physical link is up.</summary>
        bool LinkUp { get; }

        /// <summary>
        /// Copies the next received frame into <paramref name="buffer"/> at <paramref name="offset"/>.
        /// Returns its length in bytes, or 0 when no frame is waiting. A frame longer than
        /// <paramref name="capacity"/> is dropped (and counted by the device), never truncated.
        /// </summary>
        int Receive(byte[] buffer, int offset, int capacity);

        /// <summary>
        /// Queues one frame of <paramref name="length"/> bytes for transmission. Returns false
        /// when the device could not take it (link down, transmitter busy past its bounded
        /// wait, hardware error); the frame is then dropped and the stack's own
        /// retransmission recovers.
        /// </summary>
        bool Send(byte[] frame, int offset, int length);

        /// <summary>
        /// Housekeeping driven by the stack's poll loop: link state, error recovery and
        /// watchdogs. <paramref name="nowMs"/> is the host's monotonic time in milliseconds.
        /// </summary>
        void Poll(long nowMs);
    }
}
