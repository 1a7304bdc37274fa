using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.NanoClr
{
    /// <summary>
    /// Runs the nanoFramework.TestFramework tests (tests/EmbeddedTcp.NanoTests, NFUnitTest.pe) on
    /// nanoCLR, the interpreter that is flashed, through the kit's bin/nf-test, and turns the
    /// launcher's result lines into one xunit verdict: any failed or skipped nano test, a run that
    /// did not reach "Done.", or a nano test that did not run at all fails it, naming each nano
    /// test and its message. Without the kit it is skipped (a failure under CI).
    /// </summary>
    public class NanoTestFrameworkTests
    {
        /// <summary>Every nano test that must run, as Class.Method under <see cref="Namespace"/>.
        /// A test that disappears (renamed, deleted, its class no longer public) fails the run; a new
        /// one must be added here.</summary>
        internal static readonly string[] Expected =
        {
            "LifecycleTests.ThreeWayHandshake",
            "LifecycleTests.FourWayClose",
            "LifecycleTests.SimultaneousOpen",
            "LifecycleTests.SimultaneousClose",
            "LifecycleTests.TimeWaitLastsTwoMslAndReacknowledgesARetransmittedFin",
            "LifecycleTests.TimeWaitExpiresAtTwoMsl",
            "LifecycleTests.FinAckInFinWait1GoesStraightToTimeWait",
            "LifecycleTests.SynReceivedWithheldAckRetransmitsThenGivesUpAndListenerKeepsListening",
            "TransferTests.BulkBothWaysWithLossIsByteExact",
            "IpTests.ArpResolutionAndIcmpEcho",
            "IpTests.ArpGivesUpOnAnAbsentHost",
            "IpTests.UdpDatagramsBothWays",
            "FirmwareTests.EchoReturnsEveryByteInOrder",
            "FirmwareTests.HttpStatusPage",
            "FirmwareTests.HttpErrors",
            "Enc28j60Tests.InitializeProgramsTheChip",
            "Enc28j60Tests.NoChipAnsweringFailsInitialization",
            "Enc28j60Tests.FramesBothWaysArriveByteExact",
            "Enc28j60Tests.FiltersAndPadding",
            "Enc28j60Tests.ReceiveOverflowIsCountedAndTrafficFlowsAfterwards",
            "Enc28j60Tests.CorruptNextPacketPointerResetsTheReceiveLogic",
            "Enc28j60Tests.TransmitErrorResetsTheTransmitLogic",
            "Enc28j60Tests.LinkFlap",
            "Enc28j60Tests.StackAndFirmwareOverTheChip",
            "HostileCallTests.HostileCallsNeverThrow",
        };

        /// <summary>The nano tests' namespace (the launcher prints Namespace.Class.Method.N).</summary>
        internal const string Namespace = "EmbeddedTcp.NanoTests.";

        // The whole run takes about 2 s on this host; the bound only catches a hang.
        private const int TimeLimitSeconds = 120;

        private readonly ITestOutputHelper _out;

        public NanoTestFrameworkTests(ITestOutputHelper output)
        {
            _out = output;
        }

        [SkippableFact]
        public void TestFrameworkTestsPassOnNanoClr()
        {
            string kit = NanoKit.Require();
            string tests = NanoKit.BuiltPe("tests/EmbeddedTcp.NanoTests", "NFUnitTest.pe");
            string core = NanoKit.BuiltPe("src/EmbeddedTcp.Nano", "EmbeddedTcp.pe");
            string firmware = NanoKit.BuiltPe("src/EmbeddedTcp.Firmware.Nano", "EmbeddedTcp.Firmware.pe");
            string apps = NanoKit.BuiltPe("src/EmbeddedTcp.Apps.Nano", "EmbeddedTcp.Apps.pe"); // the firmware's MQTT part
            // nf-test loads mscorlib, the launcher and TestFramework, then these dependencies in
            // order (the firmware needs the core), then NFUnitTest.pe. -v: all program output, so
            // a crash or a hang shows what ran last.
            var run = NanoKit.Run(kit, "nf-test", TimeLimitSeconds, "-v", "-t", TimeLimitSeconds.ToString(), tests, core, apps, firmware);
            NanoTestReport report = NanoTestReport.Parse(run.Output);
            foreach (NanoTestResult r in report.Results)
            {
                _out.WriteLine("{0,-7} {1} {2}", r.Outcome, r.Name, r.Outcome == "passed" ? (r.Ticks / 10000.0).ToString("0.0") + " ms" : r.Detail);
            }

            _out.WriteLine("nanoCLR time of the passed tests: {0:0.000} s", report.Results.Where(r => r.Outcome == "passed").Sum(r => r.Ticks) / 1e7);
            List<string> problems = report.Problems(Expected, Namespace, run.ExitCode);
            Assert.True(problems.Count == 0, NanoTestReport.Describe(problems, run.Output + run.Error));
        }
    }

    /// <summary>One line of the launcher's results.</summary>
    internal sealed class NanoTestResult
    {
        /// <summary>passed, failed or skipped.</summary>
        public string Outcome;
        /// <summary>Namespace.Class.Method (the launcher's trailing attribute index removed).</summary>
        public string Name;
        /// <summary>The attribute index (one per DataRow; 0 otherwise).</summary>
        public int Index;
        /// <summary>The failure or skip message (empty for a pass).</summary>
        public string Detail;
        /// <summary>Elapsed time of a passed test, in 100 ns ticks of nanoCLR's clock.</summary>
        public long Ticks;
    }

    /// <summary>
    /// The output of nf-test (nanoFramework.UnitTestLauncher's lines on nanoCLR), parsed:
    /// <c>Test passed|failed|skipped,&lt;Namespace.Class.Method&gt;.&lt;N&gt;,&lt;detail&gt;</c> per test, and
    /// <c>Done.</c> when the run completed.
    /// </summary>
    internal sealed class NanoTestReport
    {
        public readonly List<NanoTestResult> Results = new List<NanoTestResult>();
        public bool Done;

        public static NanoTestReport Parse(string output)
        {
            var report = new NanoTestReport();
            foreach (string raw in output.Split('\n'))
            {
                string line = raw.TrimEnd('\r');
                if (line == "Done.")
                {
                    report.Done = true;
                    continue;
                }

                string outcome = line.StartsWith("Test passed,", StringComparison.Ordinal) ? "passed"
                    : line.StartsWith("Test failed,", StringComparison.Ordinal) ? "failed"
                    : line.StartsWith("Test skipped,", StringComparison.Ordinal) ? "skipped" : null;
                if (outcome == null)
                {
                    continue;
                }

                // The message is everything after the second comma: it may hold commas itself.
                string rest = line.Substring(line.IndexOf(',') + 1);
                int comma = rest.IndexOf(',');
                string fullName = comma < 0 ? rest : rest.Substring(0, comma);
                string detail = comma < 0 ? "" : rest.Substring(comma + 1);
                var result = new NanoTestResult { Outcome = outcome, Name = fullName, Detail = outcome == "passed" ? "" : detail };
                int dot = fullName.LastIndexOf('.');
                if (dot > 0 && int.TryParse(fullName.AsSpan(dot + 1), out int index))
                {
                    result.Name = fullName.Substring(0, dot);
                    result.Index = index;
                }

                if (outcome == "passed")
                {
                    long.TryParse(detail, out result.Ticks);
                }

                report.Results.Add(result);
            }

            return report;
        }

        /// <summary>
        /// Everything wrong with the run, one line per problem, each naming the nano test. Every test
        /// of <paramref name="expected"/> must pass; every test of <paramref name="mustSkip"/> (tests
        /// that need hardware the run does not have) must report itself skipped, and anything else
        /// from it (a pass, a failure) is a problem.
        /// </summary>
        public List<string> Problems(IEnumerable<string> expected, string prefix, int exitCode, IEnumerable<string> mustSkip = null)
        {
            var problems = new List<string>();
            var skipping = new HashSet<string>((mustSkip ?? Enumerable.Empty<string>()).Select(e => prefix + e), StringComparer.Ordinal);
            if (!Done)
            {
                // First: it explains the missing results listed below (the test after the last result hung or crashed nanoCLR).
                problems.Add("the nanoCLR run did not complete (no \"Done.\"): it crashed or hit the time limit after " + Results.Count + " results");
            }

            foreach (NanoTestResult r in Results)
            {
                if (skipping.Contains(r.Name))
                {
                    if (r.Outcome != "skipped")
                    {
                        problems.Add("nano test " + r.Name + " " + r.Outcome + " but must report itself skipped in this run (it needs hardware the run does not have)" + (r.Detail.Length > 0 ? ": " + r.Detail : ""));
                    }

                    continue;
                }

                if (r.Outcome == "failed")
                {
                    problems.Add("nano test " + r.Name + " failed: " + r.Detail);
                }
                else if (r.Outcome == "skipped")
                {
                    problems.Add("nano test " + r.Name + " was skipped: " + r.Detail);
                }
            }

            var ran = new HashSet<string>(Results.Select(r => r.Name), StringComparer.Ordinal);
            var wanted = new HashSet<string>(expected.Select(e => prefix + e), StringComparer.Ordinal);
            wanted.UnionWith(skipping);
            foreach (string name in wanted.Where(w => !ran.Contains(w)).OrderBy(w => w, StringComparer.Ordinal))
            {
                problems.Add("nano test " + name + " did not run (no result line)");
            }

            foreach (string name in ran.Where(n => !wanted.Contains(n)).OrderBy(n => n, StringComparer.Ordinal))
            {
                problems.Add("nano test " + name + " ran but is not in NanoTestFrameworkTests.Expected: add it there so its disappearance would be noticed");
            }

            if (problems.Count == 0 && exitCode != 0)
            {
                problems.Add("nf-test exited with " + exitCode + " although every expected test passed");
            }

            return problems;
        }

        /// <summary>The failure message: the problems first, then the end of the raw output for context.</summary>
        public static string Describe(List<string> problems, string output)
        {
            var sb = new StringBuilder();
            sb.Append(problems.Count).Append(" problem(s) in the nanoFramework.TestFramework run on nanoCLR:\n");
            foreach (string p in problems)
            {
                sb.Append("  ").Append(p).Append('\n');
            }

            string[] lines = output.Split('\n');
            int from = Math.Max(0, lines.Length - 40);
            sb.Append("--- end of the nf-test output ---\n");
            for (int i = from; i < lines.Length; i++)
            {
                sb.Append(lines[i]).Append('\n');
            }

            return sb.ToString();
        }
    }

    /// <summary>The result parser itself, on canned launcher output (no kit needed): it must never let a bad run pass.</summary>
    public class NanoTestReportTests
    {
        private static readonly string[] Two = { "A.One", "A.Two" };

        private static List<string> ProblemsOf(string output, int exitCode = 0)
        {
            return NanoTestReport.Parse(output).Problems(Two, "NS.", exitCode);
        }

        [Fact]
        public void AllPassedAndDoneIsClean()
        {
            Assert.Empty(ProblemsOf("Test passed,NS.A.One.0,41\r\nTest passed,NS.A.Two.0,7\r\nDone.\r\nExiting.\n"));
        }

        [Fact]
        public void AFailureNamesTheTestAndKeepsTheWholeMessage()
        {
            var p = ProblemsOf("Test passed,NS.A.One.0,41\nTest failed,NS.A.Two.0,Assert.AreEqual failed. Expected:<4>. Actual:<3>. a, b\nDone.\n", 1);
            Assert.Equal("nano test NS.A.Two failed: Assert.AreEqual failed. Expected:<4>. Actual:<3>. a, b", Assert.Single(p));
        }

        [Fact]
        public void ASkippedTestIsAProblem()
        {
            var p = ProblemsOf("Test passed,NS.A.One.0,41\nTest skipped,NS.A.Two.0,no hardware\nDone.\n");
            Assert.Equal("nano test NS.A.Two was skipped: no hardware", Assert.Single(p));
        }

        [Fact]
        public void AMissingTestAndAMissingDoneAreProblems()
        {
            var p = ProblemsOf("Test passed,NS.A.One.0,41\n");
            Assert.Equal(2, p.Count);
            Assert.Contains("nano test NS.A.Two did not run (no result line)", p);
            Assert.Contains(p, x => x.StartsWith("the nanoCLR run did not complete", StringComparison.Ordinal));
        }

        [Fact]
        public void AnUnlistedTestAndANonZeroExitAreProblems()
        {
            Assert.Contains("nano test NS.A.Three ran but is not in NanoTestFrameworkTests.Expected",
                Assert.Single(ProblemsOf("Test passed,NS.A.One.0,1\nTest passed,NS.A.Two.0,1\nTest passed,NS.A.Three.0,1\nDone.\n")));
            Assert.StartsWith("nf-test exited with 1", Assert.Single(ProblemsOf("Test passed,NS.A.One.0,1\nTest passed,NS.A.Two.0,1\nDone.\n", 1)));
        }

        [Fact]
        public void ATestThatMustSkipIsFineSkippedAndAProblemOtherwise()
        {
            string[] hardware = { "A.Two" };
            Assert.Empty(NanoTestReport.Parse("Test passed,NS.A.One.0,1\nTest skipped,NS.A.Two.0,no board\nDone.\n").Problems(new[] { "A.One" }, "NS.", 0, hardware));
            Assert.StartsWith("nano test NS.A.Two passed but must report itself skipped",
                Assert.Single(NanoTestReport.Parse("Test passed,NS.A.One.0,1\nTest passed,NS.A.Two.0,1\nDone.\n").Problems(new[] { "A.One" }, "NS.", 0, hardware)));
            Assert.Equal("nano test NS.A.Two did not run (no result line)",
                Assert.Single(NanoTestReport.Parse("Test passed,NS.A.One.0,1\nDone.\n").Problems(new[] { "A.One" }, "NS.", 0, hardware)));
        }

        [Fact]
        public void NoOutputAtAllFails()
        {
            Assert.Equal(3, ProblemsOf("").Count);
        }
    }
}
