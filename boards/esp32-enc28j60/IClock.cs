namespace EmbeddedTcp.Boards.Esp32Enc28j60
{
    /// <summary>
    /// A monotonic millisecond clock for the board loop. The core never reads a clock; the
    /// board reads this one once per <see cref="BoardRunner.RunOnce"/> and passes the value down.
    /// On the ESP32 it is <c>HighResTimer.GetCurrent() / 1000</c> (microseconds since boot);
    /// in desktop tests a virtual clock.
    /// </summary>
    public interface IClock
    {
        /// <summary>Milliseconds since an arbitrary fixed origin; never goes backwards.</summary>
        long NowMs { get; }
    }
}
