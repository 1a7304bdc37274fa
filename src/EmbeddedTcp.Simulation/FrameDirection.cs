using System;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Simulation
{
    /// <summary>Which way a traced frame went, seen from the stack.</summary>
    public enum FrameDirection
    {
        /// <summary>A frame the stack received from the device.</summary>
        Received,
        /// <summary>A frame the stack sent and the device accepted.</summary>
        Sent,
        /// <summary>A frame the stack tried to send and the device refused.</summary>
        SendRefused,
    }
}
