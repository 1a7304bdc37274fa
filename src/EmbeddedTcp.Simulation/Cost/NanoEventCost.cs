using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EmbeddedTcp.Simulation.Cost
{
    /// <summary>IL instructions, interpreted calls and native calls of one event on nanoCLR.</summary>
    public sealed class NanoEventCost
    {
        /// <summary>IL instructions per event.</summary>
        public double Il;
        /// <summary>Interpreted calls per event.</summary>
        public double Calls;
        /// <summary>Native calls per event.</summary>
        public double NativeCalls;
    }
}
