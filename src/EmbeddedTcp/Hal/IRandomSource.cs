namespace EmbeddedTcp.Hal
{
    /// <summary>
    /// Randomness injected into the stack: the ISN secret (RFC 6528), ephemeral ports, DHCP
    /// transaction ids. On the board a hardware RNG; in tests and simulation a seeded generator,
    /// so runs are reproducible.
    /// </summary>
    public interface IRandomSource
    {
        /// <summary>The next 32 random bits.</summary>
        uint NextUInt32();
    }
}
