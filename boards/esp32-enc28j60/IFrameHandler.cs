namespace EmbeddedTcp.Boards.Esp32Enc28j60
{
    /// <summary>
    /// Receives the frames the board loop drains from the ENC28J60 when the firmware is not
    /// started (<see cref="BoardRunner.FrameHandler"/>): how driver bring-up and tests see received
    /// frames. Once the firmware runs, the network stack drains the chip itself.
    /// The buffer is only valid during the call.
    /// </summary>
    public interface IFrameHandler
    {
        /// <summary>One received Ethernet frame (no FCS) of <paramref name="length"/> bytes at <paramref name="offset"/>.</summary>
        void OnFrame(byte[] frame, int offset, int length, long nowMs);
    }
}
