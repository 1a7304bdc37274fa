using System;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace EmbeddedTcp.Simulation.Cost
{
    /// <summary>
    /// What nanoCLR's work costs on an ESP32, from <c>esp32-cost-model.json</c> (an embedded
    /// resource; README.md beside it gives the sources and the uncertainty). Calibrated on the GPIO
    /// toggle loop of nanoframework/Home #1013: one iteration takes half a period of the measured
    /// frequency, and is <see cref="LoopIl"/> IL instructions, <see cref="LoopCalls"/> interpreted
    /// calls and <see cref="LoopNativeCalls"/> native calls (counted on the kit). Calls are weighed
    /// in IL equivalents (<see cref="CallIlEquivalents"/>, <see cref="NativeCallIlEquivalents"/>,
    /// measured on the kit's host), so one IL equivalent takes <see cref="IlNs"/>.
    /// </summary>
    public sealed class Esp32CostModel
    {
        /// <summary>The names <see cref="Get"/> knows, the default first.</summary>
        public static readonly string[] Names = { "esp32-psram", "esp32", "none" };

        /// <summary>The default model of the simulator and the bench's line-rate figure (see README.md: the goals are stated for it).</summary>
        public const string DefaultName = "esp32-psram";

        private static JsonDocument s_doc;

        private Esp32CostModel()
        {
        }

        /// <summary>Model name (<c>esp32</c>, <c>esp32-psram</c>).</summary>
        public string Name { get; private set; }

        /// <summary>nanoFramework firmware target (ESP32_REV3, ESP32_PSRAM_REV3).</summary>
        public string Target { get; private set; }

        /// <summary>Toggle-loop output frequency measured on that target, Hz.</summary>
        public double GpioToggleHz { get; private set; }

        /// <summary>IL instructions per iteration of the calibration loop.</summary>
        public int LoopIl { get; private set; }

        /// <summary>Interpreted calls per iteration of the calibration loop.</summary>
        public int LoopCalls { get; private set; }

        /// <summary>Native calls per iteration of the calibration loop.</summary>
        public int LoopNativeCalls { get; private set; }

        /// <summary>An interpreted call in IL equivalents.</summary>
        public double CallIlEquivalents { get; private set; }

        /// <summary>A native call in IL equivalents.</summary>
        public double NativeCallIlEquivalents { get; private set; }

        /// <summary>SPI clock, Hz.</summary>
        public long SpiClockHz { get; private set; }

        /// <summary>ESP-IDF's own time per SPI transaction (queue, chip select, completion), ns.</summary>
        public double SpiTransactionOverheadNs { get; private set; }

        /// <summary>One iteration of the calibration loop: half a period, ns.</summary>
        public double LoopIterationNs => 1e9 / (2 * GpioToggleHz);

        /// <summary>ns per IL equivalent.</summary>
        public double IlNs => LoopIterationNs / (LoopIl + LoopCalls * CallIlEquivalents + LoopNativeCalls * NativeCallIlEquivalents);

        /// <summary>IL instructions per second when there are no calls (1e9 / <see cref="IlNs"/>).</summary>
        public double IlPerSecond => 1e9 / IlNs;

        /// <summary>CPU time of the given work, ns.</summary>
        public double CpuNs(double il, double calls, double nativeCalls)
        {
            return (il + calls * CallIlEquivalents + nativeCalls * NativeCallIlEquivalents) * IlNs;
        }

        /// <summary>SPI time the CPU waits for (the transfers are synchronous): bits on the clock plus IDF's per-transaction time, ns.</summary>
        public double SpiNs(long bytes, long transactions)
        {
            return bytes * 8.0 * 1e9 / SpiClockHz + transactions * SpiTransactionOverheadNs;
        }

        /// <summary>The model called <paramref name="name"/>; null for "none"; throws for an unknown name.</summary>
        public static Esp32CostModel Get(string name)
        {
            if (name == "none")
            {
                return null;
            }

            JsonElement root = Document.RootElement;
            foreach (JsonElement m in root.GetProperty("models").EnumerateArray())
            {
                if (m.GetProperty("name").GetString() != name)
                {
                    continue;
                }

                JsonElement loop = root.GetProperty("calibration_loop");
                JsonElement w = root.GetProperty("weights");
                JsonElement spi = root.GetProperty("spi");
                return new Esp32CostModel
                {
                    Name = name,
                    Target = m.GetProperty("target").GetString(),
                    GpioToggleHz = m.GetProperty("gpio_toggle_hz").GetDouble(),
                    LoopIl = loop.GetProperty("il_per_iteration").GetInt32(),
                    LoopCalls = loop.GetProperty("calls_per_iteration").GetInt32(),
                    LoopNativeCalls = loop.GetProperty("native_calls_per_iteration").GetInt32(),
                    CallIlEquivalents = w.GetProperty("call_il_equivalents").GetDouble(),
                    NativeCallIlEquivalents = w.GetProperty("native_call_il_equivalents").GetDouble(),
                    SpiClockHz = spi.GetProperty("clock_hz").GetInt64(),
                    SpiTransactionOverheadNs = spi.GetProperty("transaction_overhead_ns").GetDouble(),
                };
            }

            throw new ArgumentException("unknown CPU model '" + name + "' (known: " + string.Join(", ", Names) + ")");
        }

        /// <summary>One line: target, time per IL, per native call.</summary>
        public string Describe()
        {
            return string.Format(CultureInfo.InvariantCulture,
                "{0} model ({1}): {2:F0} ns per IL instruction ({3:F2} M IL/s), {4:F1} µs per native call, SPI {5} MHz + {6:F0} µs per transaction (calibrated on the GPIO toggle loop of nanoframework/Home #1013, {7:F0} kHz)",
                Name, Target, IlNs, IlPerSecond / 1e6, NativeCallIlEquivalents * IlNs / 1000, SpiClockHz / 1_000_000, SpiTransactionOverheadNs / 1000, GpioToggleHz / 1000);
        }

        /// <summary>The parsed JSON data.</summary>
        internal static JsonDocument Document
        {
            get
            {
                if (s_doc == null)
                {
                    s_doc = JsonDocument.Parse(ReadResource("esp32-cost-model.json"));
                }

                return s_doc;
            }
        }

        internal static string ReadResource(string file)
        {
            using Stream s = typeof(Esp32CostModel).Assembly.GetManifestResourceStream("EmbeddedTcp.Simulation.Cost." + file)
                ?? throw new InvalidOperationException("embedded resource " + file + " missing");
            using var r = new StreamReader(s);
            return r.ReadToEnd();
        }
    }
}
