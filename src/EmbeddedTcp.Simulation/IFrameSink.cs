namespace EmbeddedTcp.Simulation
{
    /// <summary>
    /// Receives the frames a <see cref="FaultInjector"/> lets through. The frame bytes are only
    /// valid during the call: copy them.
    /// </summary>
    public interface IFrameSink
    {
        /// <summary>
        /// One frame out of the injector, to be delivered <paramref name="extraDelayNs"/>
        /// nanoseconds later than it would have been without faults.
        /// </summary>
        void Accept(byte[] frame, int offset, int length, long extraDelayNs);
    }
}
