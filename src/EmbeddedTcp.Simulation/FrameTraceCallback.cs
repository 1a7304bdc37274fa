using System;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Simulation
{
    /// <summary>
    /// Called by <see cref="Tracer"/> for each frame. <paramref name="frame"/> is only valid
    /// during the call and must not be modified.
    /// </summary>
    public delegate void FrameTraceCallback(FrameDirection direction, long timeNs, byte[] frame, int offset, int length);
}
