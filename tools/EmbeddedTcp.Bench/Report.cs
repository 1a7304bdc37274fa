using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using EmbeddedTcp.Bench.Harness;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation.Cost;

namespace EmbeddedTcp.Bench
{
    /// <summary>The `report` command: every figure of issue 10 in one table, optionally as JSON.</summary>
    internal static class Report
    {
        private static readonly string[] Keys =
        {
            "alloc_bytes_per_segment_rx", "alloc_bytes_per_segment_tx", "alloc_bytes_per_request",
            "ns_per_segment_rx", "ns_per_segment_tx", "goodput_mb_s",
            "scale_ratio_8", "scale_ratio_64", "scale_ratio_256", "line_rate_fraction",
            "modelled_esp32_mbit_rx", "modelled_esp32_mbit_tx", "modelled_esp32_cpu_share_rx", "modelled_esp32_cpu_share_tx",
            "modelled_esp32_noram_mbit_rx", "modelled_esp32_noram_mbit_tx", "modelled_esp32_noram_cpu_share_rx", "modelled_esp32_noram_cpu_share_tx",
            "spi_transactions_rx", "spi_transactions_tx", "spi_bytes_rx", "spi_bytes_tx",
            "spi_transactions_rx_offload", "spi_transactions_tx_offload",
            "nano_core_bytes", "nano_firmware_bytes", "ram_default_bytes", "ram_per_connection_bytes",
            "tap_rx_vs_lwip", "tap_tx_vs_lwip", "tap_rx_mb_s", "tap_tx_mb_s", "kernel_veth_mb_s",
            "nanoclr_alloc_rx", "nanoclr_alloc_tx", "nanoclr_alloc_request", "nanoclr_alloc_idle",
            "nanoclr_il_per_segment_rx", "nanoclr_il_per_segment_tx", "nanoclr_calls_per_segment_rx", "nanoclr_calls_per_segment_tx",
            "nanoclr_il_per_segment_rx_softcsum", "nanoclr_il_per_segment_tx_softcsum",
            "nanoclr_il_driver_rx", "nanoclr_il_driver_tx",
            "nanoclr_heap_default_bytes", "nanoclr_heap_esp32_bytes", "nanoclr_heap_psram_bytes",
        };

        private static readonly Dictionary<string, double?> Json = new Dictionary<string, double?>();
        private static readonly List<string[]> Rows = new List<string[]>();
        private static readonly List<string> Notes = new List<string>();

        public static int Run(string[] args)
        {
            string jsonPath = null;
            bool skipTap = false;
            for (int i = 1; i < args.Length; i++)
            {
                if (args[i] == "--json" && i + 1 < args.Length)
                {
                    jsonPath = args[++i];
                }
                else if (args[i] == "--skip-tap")
                {
                    skipTap = true;
                }
                else { Console.Error.WriteLine("report: unknown option " + args[i]); return 2; }
            }

            foreach (string k in Keys)
            {
                Json[k] = null;
            }

            var total = Stopwatch.StartNew();
            Console.Error.WriteLine("report: measuring (a few minutes; progress on stderr)");

            Step("warm-up (JIT tiering)", () => Measurements.WarmUp());
            Step("allocation", Allocation);
            Step("cost per segment, goodput", CostAndGoodput);
            Step("scale", Scale);
            Step("simulated line rate", LineRateSection);
            Step("SPI cost", Spi);
            Step("footprint", Footprint);
            if (skipTap)
            {
                Add("8 TAP", "real peers over TAP", "skipped", "--skip-tap");
                Notes.Add("TAP: skipped (--skip-tap).");
            }
            else
            {
                Step("TAP peers", () => TapPeers.Run(Add, Set, Notes));
            }

            Step("nanoCLR meter", NanoClr);

            Print(total.Elapsed);
            if (jsonPath != null)
            {
                File.WriteAllText(jsonPath, ToJson());
                Console.WriteLine();
                Console.WriteLine("JSON written to " + jsonPath);
            }

            return 0;
        }

        private static void Step(string name, Action action)
        {
            var sw = Stopwatch.StartNew();
            Console.Error.Write("report: " + name + "... ");
            try
            {
                action();
                Console.Error.WriteLine(sw.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s");
            }
            catch (Exception e)
            {
                Console.Error.WriteLine("FAILED: " + e.Message);
                Notes.Add(name + ": failed: " + e.GetType().Name + ": " + e.Message);
            }
        }

        internal static void Add(string section, string figure, string value, string note)
        {
            Rows.Add(new[] { section, figure, value, note ?? "" });
        }

        internal static void Set(string key, double? value)
        {
            if (!Json.ContainsKey(key))
            {
                throw new ArgumentException("unknown key " + key);
            }

            Json[key] = value;
        }

        internal static string F(double v, string format = "0.##") { return v.ToString(format, CultureInfo.InvariantCulture); }

        // ------------------------------------------------------------------ sections

        private static void Allocation()
        {
            AllocationResult a = Measurements.Allocation(16 << 20, 5000);
            Set("alloc_bytes_per_segment_rx", a.PerSegmentRx);
            Set("alloc_bytes_per_segment_tx", a.PerSegmentTx);
            Set("alloc_bytes_per_request", a.PerRequest);
            string bulk = a.Segments + " segments of a 16 MiB bulk transfer after 1 MiB warm-up";
            Add("1 allocation", "bytes per segment, receive", F(a.PerSegmentRx), bulk);
            Add("1 allocation", "bytes per segment, send", F(a.PerSegmentTx), bulk);
            Add("1 allocation", "bytes per request/response", F(a.PerRequest), a.Requests + " exchanges of 64 + 64 bytes, both stacks");
            Add("1 allocation", "bytes per segment, out of order (16 holes)", F(Measurements.OutOfOrderAllocationPerSegment(16)), "both stacks, reassembly path; not in JSON");
        }

        private static CostResult _one;

        private static void CostAndGoodput()
        {
            _one = Measurements.Cost(1, 8 << 20, 15);
            Set("ns_per_segment_rx", _one.NsPerSegmentRx);
            Set("ns_per_segment_tx", _one.NsPerSegmentTx);
            string note = "best of 15 × 8 MiB, " + F(_one.FullSizeShare * 100, "0") + "% full-size segments, " + _one.Retransmissions + " retransmissions; 16 KiB rings";
            Add("2 cost", "ns per received segment", F(_one.NsPerSegmentRx, "0"), "frame in → IP → TCP → ring, ACKs out (Poll); " + note);
            Add("2 cost", "ns per sent segment", F(_one.NsPerSegmentTx, "0"), "Send → TCP → IP → frame out, ACKs in (Send, Poll); " + note);
            Add("2 cost", "ns per segment, application Receive", F(_one.NsPerSegmentDrain, "0"), "copy out of the receive ring; not in JSON");

            double g = Measurements.GoodputMBps(StackPair.Config(8, Measurements.BenchBufferSize), StackPair.Config(8, Measurements.BenchBufferSize), 64 << 20, 5);
            Set("goodput_mb_s", g);
            Add("3 goodput", "bulk, in-memory link, MB/s", F(g, "0.0"), "wall clock, both stacks on one thread, 16 KiB rings, best of 5 × 64 MiB");
            double gd = Measurements.GoodputMBps(new NetworkConfig(), new NetworkConfig(), 32 << 20);
            Add("3 goodput", "same, default config (4 KiB rings), MB/s", F(gd, "0.0"), "not in JSON");
        }

        private static void Scale()
        {
            int[] counts = { 1, 8, 64, 256 };
            CostResult[] c = Measurements.CostInterleaved(counts, 8 << 20, 8);
            double baseNs = c[0].NsPerSegment;
            Add("4 scale", "ns per segment (rx + tx, without Receive), 1 connection", F(baseNs, "0"), "ratio 1; counts measured in 8 interleaved rounds of 8 MiB, best per count");
            for (int i = 1; i < counts.Length; i++)
            {
                int n = counts[i];
                double ratio = c[i].NsPerSegment / baseNs;
                Set("scale_ratio_" + n, ratio);
                Add("4 scale", "cost ratio, " + n + " open connections", F(ratio, "0.00"), F(c[i].NsPerSegment, "0") + " ns (" + (n - 1) + " idle ESTABLISHED + the bulk one)");
            }

            double h0 = Measurements.HoleCostNs(0, 2000);
            Add("4 scale", "ns per received segment, 0 holes", F(h0, "0"), "in-order segment into the ring, one Input timed, median of 2000");
            foreach (int h in new[] { 4, 16 })
            {
                double ns = Measurements.HoleCostNs(h, 2000);
                Add("4 scale", "ns per received segment, " + h + " holes", F(ns, "0"), "ratio " + F(ns / h0, "0.00") + " (out of order beyond " + h + " holes; dup ACK included)");
            }
        }

        private static void LineRateSection()
        {
            LineRateResult tx = LineRate.Run(true, 4 << 20);
            LineRateResult rx = LineRate.Run(false, 4 << 20);
            double worst = Math.Min(tx.Fraction, rx.Fraction);
            Set("line_rate_fraction", worst);
            string limit = "of " + F(LineRate.TcpLimitMbps, "0.00") + " Mbit/s";
            Add("5 line rate", "board sends (ENC28J60 model), fraction", F(tx.Fraction, "0.000"), F(tx.GoodputMbps, "0.00") + " Mbit/s " + limit + ", SPI busy " + F(tx.SpiBusyShare * 100, "0") + "%, " + tx.Retransmissions + " retx, " + tx.ChipDrops + " chip drops");
            Add("5 line rate", "board receives, fraction", F(rx.Fraction, "0.000"), F(rx.GoodputMbps, "0.00") + " Mbit/s " + limit + ", SPI busy " + F(rx.SpiBusyShare * 100, "0") + "%, " + rx.Retransmissions + " retx, " + rx.ChipDrops + " chip drops");
            Notes.Add("line_rate_fraction is the lower of the two directions (4 MiB after 256 KiB warm-up, default configurations, 20 MHz SPI, 10 Mbit/s switch, simulated time; board CPU time not modelled).");

            // The same chain with the board's CPU charged (src/EmbeddedTcp.Simulation/Cost): modelled ESP32 goodput.
            foreach (var (model, key) in new[] { ("esp32-psram", "modelled_esp32"), ("esp32", "modelled_esp32_noram") })
            {
                Esp32CostModel m = Esp32CostModel.Get(model);
                LineRateResult mtx = LineRate.Run(true, 1 << 20, cpu: m);
                LineRateResult mrx = LineRate.Run(false, 1 << 20, cpu: m);
                Set(key + "_mbit_rx", mrx.GoodputMbps);
                Set(key + "_mbit_tx", mtx.GoodputMbps);
                Set(key + "_cpu_share_rx", mrx.CpuShare);
                Set(key + "_cpu_share_tx", mtx.CpuShare);
                Add("5 line rate", "modelled " + m.Target + ", board receives, Mbit/s", F(mrx.GoodputMbps, "0.00"), limit + ", CPU " + F(mrx.CpuShare * 100, "0") + "%, SPI busy " + F(mrx.SpiBusyShare * 100, "0") + "%, " + mrx.Retransmissions + " retx, " + mrx.ChipDrops + " chip drops");
                Add("5 line rate", "modelled " + m.Target + ", board sends, Mbit/s", F(mtx.GoodputMbps, "0.00"), limit + ", CPU " + F(mtx.CpuShare * 100, "0") + "%, SPI busy " + F(mtx.SpiBusyShare * 100, "0") + "%, " + mtx.Retransmissions + " retx, " + mtx.ChipDrops + " chip drops");
            }

            Notes.Add("modelled_esp32_* (ESP32_PSRAM_REV3) and modelled_esp32_noram_* (ESP32_REV3): the line-rate chain with each board turn charged its ESP32 time (nanoCLR IL/calls per event from src/EmbeddedTcp.Simulation/Cost/nanoclr-event-costs.json, times from esp32-cost-model.json; 1 MiB after warm-up; the driver's own IL is not in the table yet). Uncertainty about x/÷ 2 (Cost/README.md).");
        }

        private static void Spi()
        {
            var c = LineRate.SpiCost();
            Set("spi_transactions_rx", c.ReceiveTransactions);
            Set("spi_transactions_tx", c.TransmitTransactions);
            Set("spi_bytes_rx", c.ReceiveBytes);
            Set("spi_bytes_tx", c.TransmitBytes);
            Add("6 SPI", "transactions per received frame", F(c.ReceiveTransactions), "1514-byte frames, INT pin wired, one pending; bursts of three: " + F(c.ReceiveBurstTransactions));
            Add("6 SPI", "transactions per sent frame", F(c.TransmitTransactions), "back to back");
            Set("spi_transactions_rx_offload", c.ReceiveOffloadTransactions);
            Set("spi_transactions_tx_offload", c.TransmitOffloadTransactions);
            Add("6 SPI", "checksum offload, extra per received frame", F(c.ReceiveOffloadTransactions), "DMA checksum over the frame (counted apart from the frame's own)");
            Add("6 SPI", "checksum offload, extra per sent frame", F(c.TransmitOffloadTransactions), "DMA checksum, the errata's ERXWRPT guard, the checksum written back");
            Add("6 SPI", "bytes per received frame", F(c.ReceiveBytes, "0"), null);
            Add("6 SPI", "bytes per sent frame", F(c.TransmitBytes, "0"), null);
        }

        private static void Footprint()
        {
            string root = RepoRoot();
            long? core = NanoBuild(root, "src/EmbeddedTcp.Nano", out string coreNote);
            Set("nano_core_bytes", core);
            Add("7 footprint", "nanoFramework build of the core, bytes", core.HasValue ? core.Value.ToString() : "null", coreNote);
            long? fw = null;
            string fwNote;
            if (Directory.Exists(Path.Combine(root, "src/EmbeddedTcp.Firmware.Nano")))
            {
                fw = NanoBuild(root, "src/EmbeddedTcp.Firmware.Nano", out fwNote);
            }
            else
            {
                fwNote = "src/EmbeddedTcp.Firmware.Nano does not exist in this tree yet";
            }

            Set("nano_firmware_bytes", fw);
            Add("7 footprint", "nanoFramework firmware application, bytes", fw.HasValue ? fw.Value.ToString() : "null", fwNote);

            long reported;
            long measured = Measurements.ConstructionBytes(new NetworkConfig(), out reported);
            Set("ram_default_bytes", measured);
            Add("7 footprint", "RAM at construction, default config, bytes", measured.ToString(), "GC.GetAllocatedBytesForCurrentThread on 64-bit .NET; NetworkStack.AllocatedBytes says " + reported);
            long r8, r9;
            long m8 = Measurements.ConstructionBytes(Conns(8), out r8);
            long m9 = Measurements.ConstructionBytes(Conns(9), out r9);
            Set("ram_per_connection_bytes", m9 - m8);
            Add("7 footprint", "bytes per extra connection", (m9 - m8).ToString(), "MaxConnections 9 minus 8, default 4 KiB rings; AllocatedBytes says " + (r9 - r8));
        }

        /// <summary>
        /// Section 9: the firmware on its real interpreter. Builds tools/EmbeddedTcp.NanoMeter (and with
        /// it the nanoFramework builds of the core and the firmware), runs it on the kit's nanoCLR and
        /// reports its meter's counts per event. Without the kit the section says so.
        /// </summary>
        private static void NanoClr()
        {
            string root = RepoRoot();
            string kit = NanoMeterRun.FindKit(root);
            if (kit == null)
            {
                Add("9 nanoCLR", "figures measured on nanoCLR", "skipped", "no nanoCLR kit at " + NanoMeterRun.KitLocation(root) + ": set NANOFRAMEWORK_KIT, or build the kit with its build.sh from nanoFramework's public repositories");
                Notes.Add("nanoCLR: skipped, no kit (the nanoclr_* keys are null).");
                return;
            }

            NanoMeterOutput o = RunNanoMeter(root, kit);
            if (o == null)
            {
                return;
            }

            NanoClrSegments(o);
            NanoClrDriver(o);
            NanoClrCalls(o);
            NanoClrHeap(o);
            NanoClrAllocations(o);
            if (o.CheckFailures.Count > 0)
            {
                Notes.Add("nanoCLR: " + o.CheckFailures.Count + " checks of the meter program failed (an event did not happen as its phase says), first: " + o.CheckFailures[0]);
            }

            Notes.Add("nanoCLR figures are counts (exact, the same on every run), for the code as the interpreter runs it; per event, with the meter's phase-switch cost (6 IL, 1 call, 1 native call) taken out.");
        }

        /// <summary>Builds tools/EmbeddedTcp.NanoMeter and runs it on the kit's nanoCLR; null (and a "failed" row) when either fails.</summary>
        private static NanoMeterOutput RunNanoMeter(string root, string kit)
        {
            string project = Path.Combine(root, "tools", "EmbeddedTcp.NanoMeter", "EmbeddedTcp.NanoMeter.csproj");
            var psi = new ProcessStartInfo("dotnet", "build \"" + project + "\" -c Release --nologo -v q")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using (var p = Process.Start(psi))
            {
                string log = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0)
                {
                    Add("9 nanoCLR", "figures measured on nanoCLR", "failed", "building tools/EmbeddedTcp.NanoMeter failed: " + LastLine(log));
                    return null;
                }
            }

            int exit = NanoMeterRun.Execute(kit, NanoMeterRun.PeFiles(root, "Release"), 300, out string output);
            NanoMeterOutput o = NanoMeterOutput.Parse(output);
            if (exit != 0 || !o.Done)
            {
                Add("9 nanoCLR", "figures measured on nanoCLR", "failed", "nanoclr-run exit " + exit + (o.Exception != null ? ", " + o.Exception : ", the meter program did not complete"));
                return null;
            }

            return o;
        }

        /// <summary>Per received and sent segment, request/response and idle poll: objects and IL.</summary>
        private static void NanoClrSegments(NanoMeterOutput o)
        {
            const string how = "tools/EmbeddedTcp.NanoMeter on the kit's nanoCLR, its meter; ";
            NanoMeterPerEvent rx = o.PerEvent("tcp-rx-segment");
            NanoMeterPerEvent tx = o.PerEvent("tcp-tx-segment");
            NanoMeterPerEvent request = o.PerEvent("tcp-request-response");
            NanoMeterPerEvent idle = o.PerEvent("idle-poll");
            NanoMeterPerEvent stackIdle = o.PerEvent("stack-idle-poll");
            NanoMeterPerEvent ack = o.PerEvent("tcp-pure-ack");
            string rxHow = rx.Events + " segments after a warm-up: the receiving stack's Poll with one full-size segment waiting (it also sends the ACK of the one before)";
            string txHow = tx.Events + " segments after a warm-up: the sending stack's Send of 1460 bytes, one segment out (its ACK coming back: " + F(ack.Objs) + " objects, " + F(ack.Il, "0") + " IL)";
            Set("nanoclr_alloc_rx", rx.Objs);
            Set("nanoclr_alloc_tx", tx.Objs);
            Set("nanoclr_alloc_request", request.Objs);
            Set("nanoclr_alloc_idle", idle.Objs);
            Set("nanoclr_il_per_segment_rx", rx.Il);
            Set("nanoclr_il_per_segment_tx", tx.Il);
            Set("nanoclr_calls_per_segment_rx", rx.Calls);
            Set("nanoclr_calls_per_segment_tx", tx.Calls);
            NanoMeterPerEvent rxSoft = o.PerEvent("tcp-rx-segment-softcsum");
            NanoMeterPerEvent txSoft = o.PerEvent("tcp-tx-segment-softcsum");
            Set("nanoclr_il_per_segment_rx_softcsum", rxSoft.Il);
            Set("nanoclr_il_per_segment_tx_softcsum", txSoft.Il);
            Add("9 nanoCLR", "objects per received segment, on nanoCLR", F(rx.Objs), how + rxHow);
            Add("9 nanoCLR", "objects per sent segment, on nanoCLR", F(tx.Objs), how + txHow);
            Add("9 nanoCLR", "objects per request/response, on nanoCLR", F(request.Objs), request.Events + " exchanges: the board's Poll with 64 bytes in, its Receive and Send of 64 bytes");
            Add("9 nanoCLR", "objects per idle poll, on nanoCLR", F(idle.Objs), idle.Events + " turns of the firmware loop (NetworkStack.Poll, FirmwareApp.Poll) with nothing to do");
            Add("9 nanoCLR", "IL instructions per received segment, on nanoCLR", F(rx.Il, "0"), "as the objects; the meter's phase switch taken out; the idle NetworkStack.Poll alone is " + F(stackIdle.Il, "0") + " of them");
            Add("9 nanoCLR", "IL instructions per sent segment, on nanoCLR", F(tx.Il, "0"), "as the objects");
            Add("9 nanoCLR", "IL per received segment, software checksum", F(rxSoft.Il, "0"), "the same on a device that does not offload checksums (TAP, in-memory); the two above are the board path, its device declaring offload (the chip's own work not charged)");
            Add("9 nanoCLR", "IL per sent segment, software checksum", F(txSoft.Il, "0"), "as above");
        }

        /// <summary>Interpreted and native calls per received and sent segment.</summary>
        private static void NanoClrCalls(NanoMeterOutput o)
        {
            NanoMeterPerEvent rx = o.PerEvent("tcp-rx-segment");
            NanoMeterPerEvent tx = o.PerEvent("tcp-tx-segment");
            Add("9 nanoCLR", "calls per received segment, on nanoCLR", F(rx.Calls, "0"), "interpreted methods entered; native calls besides: " + F(rx.NCalls, "0"));
            Add("9 nanoCLR", "calls per sent segment, on nanoCLR", F(tx.Calls, "0"), "interpreted methods entered; native calls besides: " + F(tx.NCalls, "0"));
        }

        /// <summary>The ENC28J60 driver's IL per received and sent frame.</summary>
        private static void NanoClrDriver(NanoMeterOutput o)
        {
            NanoMeterPerEvent driverRx = o.PerEvent("driver-rx");
            NanoMeterPerEvent driverTx = o.PerEvent("driver-tx");
            Set("nanoclr_il_driver_rx", driverRx.Il);
            Set("nanoclr_il_driver_tx", driverTx.Il);
            Add("9 nanoCLR", "IL per received frame in the ENC28J60 driver", F(driverRx.Il, "0"), "Enc28j60Driver.Receive of one 1514-byte frame (frame path, offload off) over a chip stand-in with one frame pending (its own IL included; the SPI adapter's is per transaction in spi-*): " + F(driverRx.Calls, "0") + " calls, " + F(driverRx.Objs) + " objects");
            Add("9 nanoCLR", "IL per sent frame in the ENC28J60 driver", F(driverTx.Il, "0"), "Enc28j60Driver.Send of one 1514-byte frame, the previous one complete: " + F(driverTx.Calls, "0") + " calls, " + F(driverTx.Objs) + " objects");
        }

        /// <summary>The heap after start-up: the default construction and the two ESP32 presets.</summary>
        private static void NanoClrHeap(NanoMeterOutput o)
        {
            NanoMeterBucket build = o.Buckets[NanoMeterRun.ConstructPhase];
            string heapHow = build.Objs + " objects, " + build.ObjBlocks + " heap blocks on this 64-bit host; blocks × 12 B would say " + build.ObjBlocks * 12;
            if (o.Esp32HeapBytes(out long low, out long high))
            {
                Set("nanoclr_heap_default_bytes", (low + high) / 2);
                Add("9 nanoCLR", "heap after constructing the default NetworkStack + FirmwareApp, bytes on an ESP32, on nanoCLR", ((low + high) / 2).ToString(CultureInfo.InvariantCulture),
                    heapHow + ", but arrays take about twice the 12-byte blocks on the ESP32 (20-byte array header there, 32 here): from the allocation sites, objects' blocks × 12 B and arrays re-sized, " + low + "..." + high + " B");
            }
            else
            {
                Set("nanoclr_heap_default_bytes", build.ObjBlocks * 12);
                Add("9 nanoCLR", "heap after constructing the default NetworkStack + FirmwareApp, blocks × 12 B, on nanoCLR", (build.ObjBlocks * 12).ToString(CultureInfo.InvariantCulture), heapHow + " (no allocation sites to re-size arrays for the ESP32: an underestimate)");
            }

            PresetHeap(o, NanoMeterRun.ConstructEsp32Phase, "nanoclr_heap_esp32_bytes", "NetworkConfig.Esp32() (no PSRAM)");
            PresetHeap(o, NanoMeterRun.ConstructPsramPhase, "nanoclr_heap_psram_bytes", "NetworkConfig.Esp32Psram()");
        }

        /// <summary>Which event phases allocate, and the SPI adapter's objects per transaction.</summary>
        private static void NanoClrAllocations(NanoMeterOutput o)
        {
            var allocating = new List<string>();
            foreach (string phase in NanoMeterRun.EventPhases)
            {
                NanoMeterPerEvent e = o.PerEvent(phase);
                if (e == null || e.Objs != 0)
                {
                    allocating.Add(phase + (e == null ? " (missing)" : " " + F(e.Objs)));
                }
            }

            Add("9 nanoCLR", "event phases that allocate, on nanoCLR", allocating.Count + " of " + NanoMeterRun.EventPhases.Length, allocating.Count == 0 ? "none; not in JSON" : "objects per event: " + string.Join(", ", allocating) + "; not in JSON");
            var spi = new List<string>();
            foreach (KeyValuePair<string, int> s in NanoMeterRun.SpiPhases)
            {
                NanoMeterPerEvent e = o.PerEvent(s.Key);
                spi.Add(e == null ? "?" : F(e.Objs));
            }

            Add("9 nanoCLR", "SPI adapter objects per transaction, on nanoCLR", string.Join(" / ", spi), "register write / register read / frame read / frame write, SpiBusAdapter over a SpiDevice stand-in (the kit's host has no SPI); not in JSON");
        }

        /// <summary>
        /// The board's firmware with a memory preset (SpiBusAdapter, BoardRunner + Enc28j60Driver,
        /// NetworkStack, FirmwareApp, as the board builds them), its heap on an ESP32 estimated from
        /// the allocation sites as for the default: the midpoint in JSON, the range beside it.
        /// </summary>
        private static void PresetHeap(NanoMeterOutput o, string phase, string key, string what)
        {
            if (!o.Buckets.TryGetValue(phase, out NanoMeterBucket b) || !o.Esp32HeapBytes(phase, out long low, out long high))
            {
                Add("9 nanoCLR", "heap after start-up of the board's firmware with " + what + ", bytes on an ESP32, on nanoCLR", "failed", phase + " missing or its sites do not add up");
                return;
            }

            Set(key, (low + high) / 2);
            Add("9 nanoCLR", "heap after start-up of the board's firmware with " + what + ", bytes on an ESP32, on nanoCLR", ((low + high) / 2).ToString(CultureInfo.InvariantCulture),
                "phase " + phase + ": SpiBusAdapter, BoardRunner + Enc28j60Driver, NetworkStack, FirmwareApp and their configuration; " + b.Objs + " objects, " + b.ObjBlocks
                + " heap blocks on this 64-bit host; objects' blocks × 12 B, arrays re-sized for the ESP32's 20-byte header: " + low + "..." + high + " B");
        }

        private static NetworkConfig Conns(int n)
        {
            var c = new NetworkConfig();
            c.Tcp.MaxConnections = n;
            return c;
        }

        internal static string RepoRoot()
        {
            foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            {
                for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
                {
                    if (File.Exists(Path.Combine(d.FullName, "EmbeddedTcp.sln")))
                    {
                        return d.FullName;
                    }
                }
            }

            throw new InvalidOperationException("EmbeddedTcp.sln not found above the working directory");
        }

        private static long? NanoBuild(string root, string project, out string note)
        {
            string dir = Path.Combine(root, project);
            string csproj = Directory.GetFiles(dir, "*.csproj")[0];
            var psi = new ProcessStartInfo("dotnet", "build \"" + csproj + "\" -c Release --nologo -v q -p:TreatWarningsAsErrors=false")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            string output;
            using (var p = Process.Start(psi))
            {
                output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0)
                {
                    note = "build failed: " + LastLine(output);
                    return null;
                }
            }

            string name = Path.GetFileNameWithoutExtension(csproj);
            string text = File.ReadAllText(csproj);
            int a = text.IndexOf("<AssemblyName>", StringComparison.Ordinal);
            if (a >= 0)
            {
                int b = text.IndexOf("</AssemblyName>", a, StringComparison.Ordinal);
                name = text.Substring(a + 14, b - a - 14);
            }

            string bin = Path.Combine(dir, "bin", "Release");
            string[] found = Directory.Exists(bin) ? Directory.GetFiles(bin, name + ".dll", SearchOption.AllDirectories) : Array.Empty<string>();
            string pe = found.Length > 0 ? Path.ChangeExtension(found[0], ".pe") : null;
            if (pe != null && File.Exists(pe))
            {
                note = Path.GetRelativePath(root, pe) + " (nanoFramework PE)";
                return new FileInfo(pe).Length;
            }

            if (found.Length == 0)
            {
                note = "no " + name + ".dll under " + Path.GetRelativePath(root, bin);
                return null;
            }

            note = Path.GetRelativePath(root, found[0]) + " (IL assembly, Release; the .pe the device loads is not produced by this build)";
            return new FileInfo(found[0]).Length;
        }

        private static string LastLine(string s)
        {
            string[] lines = s.Trim().Split('\n');
            return lines.Length == 0 ? "" : lines[lines.Length - 1].Trim();
        }

        // ------------------------------------------------------------------ output

        private static void Print(TimeSpan elapsed)
        {
            Console.WriteLine("EmbeddedTcp benchmark report, " + DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC");
            Console.WriteLine("Machine: " + Machine());
            Console.WriteLine();
            Console.WriteLine("| # | figure | value | how |");
            Console.WriteLine("| --- | --- | --- | --- |");
            foreach (string[] r in Rows)
            {
                Console.WriteLine("| " + r[0] + " | " + r[1] + " | " + r[2] + " | " + r[3] + " |");
            }

            Console.WriteLine();
            foreach (string n in Notes)
            {
                Console.WriteLine("- " + n);
            }

            Console.WriteLine("- Wall-clock figures (2, 3, 4, 8) come from a shared machine and are noisy; allocation, line rate (simulated time), SPI, footprint and nanoCLR counts are exact.");
            Console.WriteLine("- Took " + F(elapsed.TotalSeconds, "0") + " s.");
            Console.WriteLine();
            Console.WriteLine(ToJson());
        }

        internal static string Machine()
        {
            string model = "unknown CPU";
            try
            {
                foreach (string line in File.ReadAllLines("/proc/cpuinfo"))
                {
                    if (line.StartsWith("model name", StringComparison.Ordinal))
                    {
                        model = line.Substring(line.IndexOf(':') + 1).Trim();
                        break;
                    }
                }
            }
            catch (IOException)
            {
            }

            string load = "";
            try
            {
                string[] l = File.ReadAllText("/proc/loadavg").Split(' ');
                load = ", load average " + l[0] + " " + l[1] + " " + l[2];
            }
            catch (IOException)
            {
            }

            return model + ", " + Environment.ProcessorCount + " cores, " + System.Runtime.InteropServices.RuntimeInformation.OSDescription + ", .NET " + Environment.Version + load;
        }

        private static string ToJson()
        {
            var sb = new StringBuilder("{");
            for (int i = 0; i < Keys.Length; i++)
            {
                double? v = Json[Keys[i]];
                sb.Append(i == 0 ? "\n  \"" : ",\n  \"").Append(Keys[i]).Append("\": ");
                if (!v.HasValue || double.IsNaN(v.Value) || double.IsInfinity(v.Value))
                {
                    sb.Append("null");
                }
                else
                {
                    sb.Append(Math.Round(v.Value, 4).ToString("R", CultureInfo.InvariantCulture));
                }
            }

            return sb.Append("\n}\n").ToString();
        }
    }
}
