using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EmbeddedTcp.Simulation.Cost
{
    /// <summary>
    /// Per-event figures measured on nanoCLR by the kit's meter (tools/EmbeddedTcp.NanoMeter), kept
    /// as data in <c>nanoclr-event-costs.json</c> (an embedded resource), because desktop .NET cannot
    /// count IL. CI re-runs the meter and requires the same numbers (they are deterministic); when
    /// the core's cost changes, <see cref="RegenerateCommand"/> rewrites the file.
    /// </summary>
    public static class NanoEventCosts
    {
        /// <summary>The command that prints (and with --write rewrites) the table from a fresh meter run.</summary>
        public const string RegenerateCommand = "dotnet run -c Release --project tools/EmbeddedTcp.Bench -- cost-table --write";

        /// <summary>The file's name (under src/EmbeddedTcp.Simulation/Cost/).</summary>
        public const string FileName = "nanoclr-event-costs.json";

        private static Dictionary<string, NanoEventCost> s_table;

        /// <summary>Every event of the table, by meter phase name.</summary>
        public static IReadOnlyDictionary<string, NanoEventCost> All
        {
            get
            {
                if (s_table == null)
                {
                    s_table = Parse(Esp32CostModel.ReadResource(FileName));
                }

                return s_table;
            }
        }

        /// <summary>The figures of <paramref name="phase"/>; throws when the table lacks it.</summary>
        public static NanoEventCost Get(string phase)
        {
            if (!All.TryGetValue(phase, out NanoEventCost c))
            {
                throw new InvalidOperationException(FileName + " has no figures for '" + phase + "': regenerate it with " + RegenerateCommand);
            }

            return c;
        }

        /// <summary>Parses the file's text.</summary>
        public static Dictionary<string, NanoEventCost> Parse(string json)
        {
            var table = new Dictionary<string, NanoEventCost>(StringComparer.Ordinal);
            using JsonDocument doc = JsonDocument.Parse(json);
            foreach (JsonProperty p in doc.RootElement.GetProperty("events").EnumerateObject())
            {
                table[p.Name] = new NanoEventCost
                {
                    Il = p.Value.GetProperty("il").GetDouble(),
                    Calls = p.Value.GetProperty("calls").GetDouble(),
                    NativeCalls = p.Value.GetProperty("ncalls").GetDouble(),
                };
            }

            return table;
        }

        /// <summary>Rounds a per-event figure the way the file stores it (two decimals).</summary>
        public static double Round(double v) => Math.Round(v, 2, MidpointRounding.AwayFromZero);

        /// <summary>The file's text for <paramref name="events"/> (phase → figures, already per event), in the given order.</summary>
        public static string Format(IEnumerable<KeyValuePair<string, NanoEventCost>> events, string measuredOn)
        {
            var sb = new StringBuilder();
            sb.Append("{\n");
            sb.Append("  \"about\": \"IL instructions, interpreted calls and native calls per event on nanoCLR, measured by the kit's meter (tools/EmbeddedTcp.NanoMeter; phases in its README). Data for the ESP32 cost model (src/EmbeddedTcp.Simulation/Cost/README.md). CI re-measures and requires these exact figures.\",\n");
            sb.Append("  \"command\": \"").Append(RegenerateCommand).Append("\",\n");
            sb.Append("  \"measured_on\": \"").Append(measuredOn).Append("\",\n");
            sb.Append("  \"events\": {\n");
            bool first = true;
            foreach (KeyValuePair<string, NanoEventCost> e in events)
            {
                if (!first)
                {
                    sb.Append(",\n");
                }

                first = false;
                sb.Append("    \"").Append(e.Key).Append("\": { \"il\": ").Append(N(e.Value.Il)).Append(", \"calls\": ").Append(N(e.Value.Calls))
                    .Append(", \"ncalls\": ").Append(N(e.Value.NativeCalls)).Append(" }");
            }

            sb.Append("\n  }\n}\n");
            return sb.ToString();
        }

        private static string N(double v) => Round(v).ToString("0.##", CultureInfo.InvariantCulture);
    }
}
