namespace EmbeddedTcp.Apps.Sockets
{
    /// <summary>A monotonic millisecond clock (the host reads it; the core never does).</summary>
    public interface IHostClock
    {
        /// <summary>Milliseconds since an arbitrary fixed origin; never goes backwards.</summary>
        long NowMs { get; }
    }
}
