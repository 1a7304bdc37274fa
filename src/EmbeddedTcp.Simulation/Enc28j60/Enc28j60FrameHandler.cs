using System;
using EmbeddedTcp.Drivers.Enc28j60;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Simulation.Enc28j60
{
    /// <summary>
    /// Receives a frame the chip put on the wire (no FCS, padded as the MAC pads). A named
    /// delegate rather than Action&lt;byte[], int, int&gt;, so this file also compiles against
    /// nanoFramework's mscorlib (it has no three-argument Action) and the model runs on nanoCLR.
    /// </summary>
    public delegate void Enc28j60FrameHandler(byte[] frame, int offset, int length);
}
