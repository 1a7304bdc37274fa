using EmbeddedTcp.Drivers.Enc28j60;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;

namespace EmbeddedTcp.Boards.Esp32Enc28j60
{
    /// <summary>
    /// Receives the frames the board loop drains from the ENC28J60. Until the network stack is
    /// wired in, this is how a caller (a test, a diagnostic) sees received frames.
    /// The buffer is only valid during the call.
    /// </summary>
    public interface IFrameHandler
    {
        /// <summary>One received Ethernet frame (no FCS) of <paramref name="length"/> bytes at <paramref name="offset"/>.</summary>
        void OnFrame(byte[] frame, int offset, int length, long nowMs);
    }
}
