namespace EmbeddedTcp.Simulation
{
    /// <summary>
    /// What a <see cref="FaultInjector"/> does to frames. Rates are probabilities per frame in
    /// [0, 1]; all default to 0 (a perfect link).
    /// </summary>
    public sealed class FaultOptions
    {
        /// <summary>Probability that a frame is dropped.</summary>
        public double LossRate { get; set; }

        /// <summary>Probability that a (not dropped) frame is delivered twice.</summary>
        public double DuplicateRate { get; set; }

        /// <summary>
        /// Probability that a frame is held back and delivered right after the next frame
        /// that passes the injector (only one frame is held at a time).
        /// </summary>
        public double ReorderRate { get; set; }

        /// <summary>
        /// Probability that one random bit of the frame is flipped. This models corruption the
        /// Ethernet FCS did not catch (a bad switch buffer, a faulty DMA, a CRC collision):
        /// the flipped frame is what reaches the stack, so its IP/TCP/UDP checksums must catch
        /// it. Bits are chosen in [<see cref="CorruptFromOffset"/>, length) of the frame.
        /// </summary>
        public double CorruptRate { get; set; }

        /// <summary>
        /// First byte that corruption may touch. Default 14: the Ethernet header is left
        /// alone so the corrupted frame still reaches the stack it was addressed to.
        /// </summary>
        public int CorruptFromOffset { get; set; } = 14;

        /// <summary>Fixed extra delay added to every frame, in nanoseconds.</summary>
        public long DelayNs { get; set; }

        /// <summary>
        /// Random extra delay, uniform in [0, JitterNs] nanoseconds, added to every frame. Jitter
        /// larger than the spacing between frames reorders them, as on a real multipath route.
        /// </summary>
        public long JitterNs { get; set; }

        /// <summary>Largest frame the injector can hold or corrupt (default 1514 bytes).</summary>
        public int MaxFrameLength { get; set; } = EthernetTiming.MaxFrameBytes;
    }
}
