using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using EmbeddedTcp.Bench.Harness;
using EmbeddedTcp.Simulation.Cost;
using Xunit;

namespace EmbeddedTcp.Tests.NanoClr
{
    /// <summary>
    /// The ESP32 cost model's data (src/EmbeddedTcp.Simulation/Cost) against fresh measurements on
    /// the kit's nanoCLR: the calibration loop of nanoframework/Home #1013 compiled against the real
    /// System.Device.Gpio 1.1.57 and counted by the meter, and the per-event table against the meter
    /// program. Counts are deterministic, so the data must match exactly.
    /// </summary>
    public class Esp32CostModelTests
    {
        // The issue's program; only the pin comes from GpioPin's internal constructor (what OpenPin
        // does before its native init, which throws on the kit's host). Phase "gpio-toggle": the loop
        // until the native Toggle throws NotImplementedException here; phase "gpio-null-pin": the same
        // code on a null pin, which throws in callvirt before any native runs. Their difference is
        // what entering Toggle costs; the loop's back branch is never reached on this host and is
        // read from the compiled IL instead.
        private const string Blinky = @"
using System;
using System.Device.Gpio;
using System.Diagnostics;

namespace Blinky
{
    public class Program
    {
        private static readonly string PhToggle = ""@@nanoclr phase gpio-toggle"";
        private static readonly string PhNull = ""@@nanoclr phase gpio-null-pin"";
        private static readonly string PhNone = ""@@nanoclr phase -"";
        private static readonly string Report = ""@@nanoclr report"";

        public static void Main()
        {
            GpioPin led = (GpioPin)typeof(GpioPin).GetConstructor(new Type[] { typeof(int) }).Invoke(new object[] { 25 });
            try
            {
                Debug.WriteLine(PhToggle);
                while (true)
                {
                    led.Toggle();
                }
            }
            catch (NotImplementedException)
            {
                Debug.WriteLine(PhNone);
                Debug.WriteLine(""blinky toggle-native-threw"");
            }

            led = null;
            try
            {
                Debug.WriteLine(PhNull);
                while (true)
                {
                    led.Toggle();
                }
            }
            catch (NullReferenceException)
            {
                Debug.WriteLine(PhNone);
                Debug.WriteLine(""blinky null-pin-threw"");
            }

            Debug.WriteLine(Report);
        }
    }
}
";

        [SkippableFact]
        public void CalibrationLoopCountsMatchTheModelsData()
        {
            string kit = NanoKit.Require();
            string dir = Path.Combine(Path.GetTempPath(), "embeddedtcp-blinky-" + Environment.ProcessId);
            Directory.CreateDirectory(dir);
            try
            {
                string cs = Path.Combine(dir, "Blinky.cs"), dll = Path.Combine(dir, "Blinky.dll"), pe = Path.Combine(dir, "Blinky.pe");
                File.WriteAllText(cs, Blinky);
                var c = NanoKit.Run(kit, "nf-csc", 120, "--debug-define", "-r", "System.Device.Gpio", "-o", dll, cs);
                Assert.True(c.ExitCode == 0, "nf-csc: " + c.Output + c.Error);
                var m = NanoKit.Run(kit, "nf-mdp", 120, dll, pe, Path.Combine(kit, "lib", "System.Device.Gpio.dll"));
                Assert.True(m.ExitCode == 0, "nf-mdp: " + m.Output + m.Error);
                var r = NanoKit.Run(kit, "nanoclr-run", 60, "-q", "-t", "60", "nanoFramework.Runtime.Events.pe", "System.Device.Gpio.pe", pe);
                Assert.True(r.ExitCode == 0 && r.Output.Contains("blinky toggle-native-threw") && r.Output.Contains("blinky null-pin-threw"),
                    "the program did not run as planned:\n" + r.Output + r.Error);

                NanoMeterOutput o = NanoMeterOutput.Parse(r.Output);
                NanoMeterBucket toggle = o.Buckets["gpio-toggle"], control = o.Buckets["gpio-null-pin"];
                long nativeCalls = toggle.NCalls - control.NCalls;
                long calls = toggle.Calls - control.Calls;
                Assert.True(toggle.Il == control.Il, "the two phases dispatch the same IL up to the throw: " + toggle.Il + " vs " + control.Il);

                // The loop as compiled: ldloc, callvirt GpioPin::Toggle, br.s back to the ldloc.
                int loopIl = LoopInstructions(dll);
                Assert.True(IsInternalCall(Path.Combine(kit, "lib", "System.Device.Gpio.dll"), "GpioPin", "Toggle"), "GpioPin.Toggle is an InternalCall in the kit's library");

                Esp32CostModel model = Esp32CostModel.Get("esp32-psram");
                Assert.True(loopIl == model.LoopIl && calls == model.LoopCalls && nativeCalls == model.LoopNativeCalls,
                    "calibration loop per iteration: measured " + loopIl + " IL, " + calls + " calls, " + nativeCalls + " native calls; esp32-cost-model.json says "
                    + model.LoopIl + ", " + model.LoopCalls + ", " + model.LoopNativeCalls);
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        [SkippableFact]
        public void EventTableMatchesAFreshMeterRun()
        {
            NanoMeterOutput o = NanoMeterTests.Run();
            Assert.True(o.Done && o.CheckFailures.Count == 0, "the meter program did not complete cleanly");
            var differences = new List<string>();
            var fresh = NanoEventTable.FromMeter(o);
            foreach (var e in fresh)
            {
                if (!NanoEventCosts.All.TryGetValue(e.Key, out NanoEventCost d))
                {
                    differences.Add(e.Key + ": missing from the table");
                    continue;
                }

                if (NanoEventCosts.Round(e.Value.Il) != d.Il || NanoEventCosts.Round(e.Value.Calls) != d.Calls || NanoEventCosts.Round(e.Value.NativeCalls) != d.NativeCalls)
                {
                    differences.Add(string.Format(CultureInfo.InvariantCulture, "{0}: measured {1:0.##} IL {2:0.##} calls {3:0.##} ncalls, table {4:0.##} / {5:0.##} / {6:0.##}",
                        e.Key, e.Value.Il, e.Value.Calls, e.Value.NativeCalls, d.Il, d.Calls, d.NativeCalls));
                }
            }

            foreach (string k in NanoEventCosts.All.Keys.Where(k => !fresh.Any(f => f.Key == k)))
            {
                differences.Add(k + ": in the table, not measured");
            }

            Assert.True(differences.Count == 0, "src/EmbeddedTcp.Simulation/Cost/" + NanoEventCosts.FileName + " is stale; regenerate it with `" + NanoEventCosts.RegenerateCommand + "`:\n  " + string.Join("\n  ", differences));
        }

        [Fact]
        public void ModelDerivesTimePerIlFromTheToggleLoop()
        {
            Esp32CostModel psram = Esp32CostModel.Get("esp32-psram"), plain = Esp32CostModel.Get("esp32");
            Assert.Null(Esp32CostModel.Get("none"));
            Assert.Throws<ArgumentException>(() => Esp32CostModel.Get("esp8266"));
            // 81 kHz: 162,000 iterations a second; an iteration is 3 IL + 1 native call (24 IL equivalents).
            Assert.Equal(1e9 / 162000 / 27, psram.IlNs, 6);
            Assert.Equal(1e9 / 54000 / 27, plain.IlNs, 6);
            Assert.Equal(psram.LoopIterationNs, psram.CpuNs(3, 0, 1), 6);
            Assert.Equal(1514 * 8 * 50 + 15000, psram.SpiNs(1514, 1), 6);
        }

        /// <summary>IL instructions of Main's first `while (true) led.Toggle();`, from the compiled program.</summary>
        private static int LoopInstructions(string dll)
        {
            using var stream = File.OpenRead(dll);
            using var pe = new PEReader(stream);
            MetadataReader md = pe.GetMetadataReader();
            foreach (MethodDefinitionHandle h in md.MethodDefinitions)
            {
                MethodDefinition def = md.GetMethodDefinition(h);
                if (md.GetString(def.Name) != "Main")
                {
                    continue;
                }

                byte[] il = pe.GetMethodBody(def.RelativeVirtualAddress).GetILBytes();
                for (int i = 0; i + 7 < il.Length; i++)
                {
                    // ldloc.0..3 (1 byte) ; callvirt token (5) ; br.s back to the ldloc (2)
                    if (il[i] >= 0x06 && il[i] <= 0x09 && il[i + 1] == 0x6F && il[i + 6] == 0x2B && i + 8 + (sbyte)il[i + 7] == i)
                    {
                        var token = BitConverter.ToInt32(il, i + 2);
                        var member = md.GetMemberReference(MetadataTokens.MemberReferenceHandle(token & 0xFFFFFF));
                        Assert.Equal("Toggle", md.GetString(member.Name));
                        return 3;
                    }
                }
            }

            Assert.Fail("no `ldloc; callvirt Toggle; br.s` loop in Main of " + dll);
            return -1;
        }

        private static bool IsInternalCall(string dll, string type, string method)
        {
            using var stream = File.OpenRead(dll);
            using var pe = new PEReader(stream);
            MetadataReader md = pe.GetMetadataReader();
            foreach (TypeDefinitionHandle th in md.TypeDefinitions)
            {
                TypeDefinition t = md.GetTypeDefinition(th);
                if (md.GetString(t.Name) != type)
                {
                    continue;
                }

                foreach (MethodDefinitionHandle mh in t.GetMethods())
                {
                    MethodDefinition m = md.GetMethodDefinition(mh);
                    if (md.GetString(m.Name) == method)
                    {
                        return (m.ImplAttributes & MethodImplAttributes.InternalCall) != 0 && m.RelativeVirtualAddress == 0;
                    }
                }
            }

            return false;
        }
    }
}
