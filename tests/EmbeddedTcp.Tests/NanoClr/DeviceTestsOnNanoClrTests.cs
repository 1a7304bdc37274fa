using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.NanoClr
{
    /// <summary>
    /// The on-device tests (tests/EmbeddedTcp.DeviceTests, built for nanoCLR by
    /// tests/EmbeddedTcp.DeviceTests.NanoClr against the real nanoFramework libraries) run on nanoCLR
    /// through the kit's nf-test, with the libraries' .pe files of the board's package set. The tests
    /// that need no hardware must pass; the hardware ones (SPI, GPIO: there is no board here) must
    /// report themselves skipped with <see cref="NoBoardReason"/>, and are reported as skipped here,
    /// one xunit result each, with that reason. Without the kit everything is skipped (a failure
    /// under CI). The launcher's lines are parsed by <see cref="NanoTestReport"/>.
    /// </summary>
    public class DeviceTestsOnNanoClrTests
    {
        /// <summary>The device tests that need no hardware, as Class.Method under <see cref="Namespace"/>: they must pass on nanoCLR.</summary>
        internal static readonly string[] WithoutHardware =
        {
            "BoardLoopTests.WithNoChip_InitializeFailsAndTheLoopRetriesEverySecond",
            "BoardLoopTests.WithTheFirmware_TheBoardAnswersArpThroughTheChip",
            "BoardLoopTests.SystemRandomSource_FillsWholeWordsThatVary",
            "BoardPinsTests.ResetIsNotABootStrappingPin",
            "BoardPinsTests.ChipSelectIdlesAtItsStrapDefault",
            "BoardPinsTests.PinsAreFreeDistinctAndOutputsCanDrive",
            "BoardPinsTests.SpiIsVspiOnItsIoMuxPinsAtAClockTheChipAccepts",
        };

        /// <summary>The device tests that need the board (SPI, GPIO): they must report themselves skipped on nanoCLR.</summary>
        internal static readonly string[] NeedingHardware =
        {
            "Enc28j60DeviceTests.Initialize_ReadsAKnownSiliconRevision",
            "Enc28j60DeviceTests.Link_ComesUp_WithACableToASwitch",
            "Enc28j60DeviceTests.PhyLoopback_AFrameSentComesBackByteExact",
            "StackDeviceTests.TheStackGetsALease_AndPingsTheRouter",
        };

        /// <summary>The device tests' namespace (the launcher prints Namespace.Class.Method.N).</summary>
        internal const string Namespace = "EmbeddedTcp.DeviceTests.";

        /// <summary>The start of every hardware test's skip message (DeviceBoard.NoBoardReason in the device tests).</summary>
        internal const string NoBoardReason = "hardware test (SPI, GPIO): needs the ESP32 + ENC28J60 board";

        /// <summary>
        /// The class libraries the device tests load, dependencies first: the board's package set
        /// (boards/esp32-enc28j60/packages.config), as .pe files of the kit's lib/.
        /// </summary>
        internal static readonly string[] Libraries =
        {
            "nanoFramework.Runtime.Events.pe",
            "nanoFramework.Runtime.Native.pe",
            "System.Device.Gpio.pe",
            "System.Device.Spi.pe",
            "nanoFramework.Hardware.Esp32.pe",
        };

        // The run takes about a second on this host; the bound only catches a hang.
        private const int TimeLimitSeconds = 120;

        private static readonly Lazy<Run> s_run = new Lazy<Run>(RunOnce);

        private readonly ITestOutputHelper _out;

        public DeviceTestsOnNanoClrTests(ITestOutputHelper output)
        {
            _out = output;
        }

        /// <summary>One nf-test run of the device tests, shared by every test here.</summary>
        internal sealed class Run
        {
            public NanoKit.RunResult Result;
            public NanoTestReport Report;
        }

        private static Run RunOnce()
        {
            string kit = NanoKit.KitPath;
            string tests = NanoKit.BuiltPe("tests/EmbeddedTcp.DeviceTests.NanoClr", "NFUnitTest.pe");
            string core = NanoKit.BuiltPe("src/EmbeddedTcp.Nano", "EmbeddedTcp.pe");
            string apps = NanoKit.BuiltPe("src/EmbeddedTcp.Apps.Nano", "EmbeddedTcp.Apps.pe"); // the firmware's MQTT part
            string firmware = NanoKit.BuiltPe("src/EmbeddedTcp.Firmware.Nano", "EmbeddedTcp.Firmware.pe");
            var args = new List<string> { "-v", "-t", TimeLimitSeconds.ToString(), tests };
            args.AddRange(Libraries);
            args.Add(core);
            args.Add(apps);
            args.Add(firmware);
            NanoKit.RunResult result = NanoKit.Run(kit, "nf-test", TimeLimitSeconds, args.ToArray());
            return new Run { Result = result, Report = NanoTestReport.Parse(result.Output) };
        }

        public static IEnumerable<object[]> AllDeviceTests()
        {
            return WithoutHardware.Concat(NeedingHardware).Select(n => new object[] { n });
        }

        /// <summary>
        /// The whole run: it completed, every device test ran, the ones without hardware passed, the
        /// hardware ones skipped with the no-board reason, and no device test is missing from the lists above.
        /// </summary>
        [SkippableFact]
        public void DeviceTestsRunOnNanoClr()
        {
            NanoKit.Require();
            Run run = s_run.Value;
            foreach (NanoTestResult r in run.Report.Results)
            {
                _out.WriteLine("{0,-7} {1} {2}", r.Outcome, r.Name, r.Outcome == "passed" ? (r.Ticks / 10000.0).ToString("0.0") + " ms" : r.Detail);
            }

            List<string> problems = run.Report.Problems(WithoutHardware, Namespace, run.Result.ExitCode, NeedingHardware);
            foreach (NanoTestResult r in run.Report.Results.Where(r => r.Outcome == "skipped" && !r.Detail.StartsWith(NoBoardReason, StringComparison.Ordinal)))
            {
                problems.Add("nano test " + r.Name + " skipped for another reason than a missing board: " + r.Detail);
            }

            Assert.True(problems.Count == 0, NanoTestReport.Describe(problems, run.Result.Output + run.Result.Error));
        }

        /// <summary>
        /// One result per device test: a test without hardware passed on nanoCLR; a hardware test
        /// reported itself skipped there for want of the board, and is reported skipped here with its reason.
        /// </summary>
        [SkippableTheory]
        [MemberData(nameof(AllDeviceTests))]
        public void DeviceTest(string test)
        {
            NanoKit.Require();
            Run run = s_run.Value;
            NanoTestResult[] results = run.Report.Results.Where(r => r.Name == Namespace + test).ToArray();
            Assert.True(results.Length == 1, test + ": " + results.Length + " result lines in the nanoCLR run (see DeviceTestsRunOnNanoClr)");
            NanoTestResult result = results[0];
            if (Array.IndexOf(NeedingHardware, test) < 0)
            {
                Assert.True(result.Outcome == "passed", test + " " + result.Outcome + " on nanoCLR: " + result.Detail);
                return;
            }

            Assert.True(result.Outcome == "skipped" && result.Detail.StartsWith(NoBoardReason, StringComparison.Ordinal),
                test + " must skip on nanoCLR for want of the board, but " + result.Outcome + ": " + result.Detail);
            // Reported as skipped, also under CI: no CI machine has the board.
            Skip.If(true, "on nanoCLR: " + result.Detail);
        }
    }
}
