namespace EmbeddedTcp.Hal
{
    /// <summary>
    /// A level-sensitive interrupt input read by polling (no events, no allocation). Drivers
    /// use it only as a hint that lets them skip an SPI read when nothing is pending.
    /// </summary>
    public interface IInterruptPin
    {
        /// <summary>True while the device asserts its interrupt line (whatever the electrical polarity).</summary>
        bool IsAsserted { get; }
    }
}
