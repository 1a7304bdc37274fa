namespace EmbeddedTcp.Hal
{
    /// <summary>
    /// A short blocking delay for hardware start-up timing (a chip reset, for example). Used
    /// only outside the packet paths. On the board it is Thread.Sleep; in simulation it
    /// returns at once or advances a virtual clock.
    /// </summary>
    public interface IDelay
    {
        /// <summary>Blocks for at least <paramref name="milliseconds"/> milliseconds.</summary>
        void DelayMilliseconds(int milliseconds);
    }
}
