namespace EmbeddedTcp.Simulation
{
    /// <summary>Physical properties of the links of a <see cref="SimulatedWire"/> or <see cref="SimulatedSwitch"/>.</summary>
    public sealed class LinkOptions
    {
        /// <summary>Link speed in bits per second. Default 10 Mbit/s (the ENC28J60's 10BASE-T).</summary>
        public long BitsPerSecond { get; set; } = 10_000_000;

        /// <summary>Propagation delay in nanoseconds. Default 500 ns (about 100 m of cable).</summary>
        public long PropagationDelayNs { get; set; } = 500;

        /// <summary>
        /// Random extra link delay, uniform in [0, JitterNs] nanoseconds. Link jitter never
        /// reorders the frames of one sender (a cable does not); use a <see cref="FaultInjector"/>
        /// for that. Default 0.
        /// </summary>
        public long JitterNs { get; set; }

        /// <summary>Frames that may be in flight on the whole network at once (preallocated). Default 256.</summary>
        public int MaxFramesInFlight { get; set; } = 256;
    }
}
