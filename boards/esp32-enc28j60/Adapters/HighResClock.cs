using nanoFramework.Hardware.Esp32;

namespace EmbeddedTcp.Boards.Esp32Enc28j60
{
    /// <summary>
    /// <see cref="IClock"/> over the ESP32's high-resolution timer (microseconds since boot,
    /// monotonic; unaffected by SNTP or RTC changes, unlike DateTime.UtcNow).
    /// </summary>
    public sealed class HighResClock : IClock
    {
        /// <inheritdoc />
        public long NowMs
        {
            get { return (long)(HighResTimer.GetCurrent() / 1000UL); }
        }
    }
}
