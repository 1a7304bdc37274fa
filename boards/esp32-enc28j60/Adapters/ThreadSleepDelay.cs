using System.Threading;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Boards.Esp32Enc28j60
{
    /// <summary><see cref="IDelay"/> over <see cref="Thread.Sleep(int)"/> (used only for the chip's reset timing).</summary>
    public sealed class ThreadSleepDelay : IDelay
    {
        /// <inheritdoc />
        public void DelayMilliseconds(int milliseconds)
        {
            if (milliseconds > 0)
            {
                Thread.Sleep(milliseconds);
            }
        }
    }
}
