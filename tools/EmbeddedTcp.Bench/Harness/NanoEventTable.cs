using System;
using System.Collections.Generic;
using EmbeddedTcp.Simulation.Cost;

namespace EmbeddedTcp.Bench.Harness
{
    /// <summary>The ESP32 cost model's per-event table (NanoEventCosts) from a meter run.</summary>
    public static class NanoEventTable
    {
        /// <summary>The meter's per-event figures, in the table's order (event phases, then the SPI adapter's).</summary>
        public static List<KeyValuePair<string, NanoEventCost>> FromMeter(NanoMeterOutput o)
        {
            var list = new List<KeyValuePair<string, NanoEventCost>>();
            var phases = new List<string>(NanoMeterRun.EventPhases);
            foreach (var p in NanoMeterRun.SpiPhases)
            {
                phases.Add(p.Key);
            }

            foreach (string phase in phases)
            {
                NanoMeterPerEvent e = o.PerEvent(phase) ?? throw new InvalidOperationException("the meter did not report " + phase);
                list.Add(new KeyValuePair<string, NanoEventCost>(phase, new NanoEventCost { Il = e.Il, Calls = e.Calls, NativeCalls = e.NCalls }));
            }

            return list;
        }

        /// <summary>What the file says its figures were measured on.</summary>
        public const string MeasuredOn = "nanoCLR (nf-interpreter a3e8139a1, kit ../shared/nanoframework), mscorlib 1.17.11, Release builds of the core and the firmware";
    }
}
