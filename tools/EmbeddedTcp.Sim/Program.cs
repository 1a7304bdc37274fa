using System;
using System.CommandLine;
using System.IO;

namespace EmbeddedTcp.Sim
{
    /// <summary>
    /// The simulator. No arguments: the firmware on a simulated board, exercised by a simulated
    /// host. <c>scenario</c>: TCP stories as ladder diagrams. <c>tap</c>: the firmware on a Linux TAP.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            return Run(args, Console.Out, Console.Error);
        }

        /// <summary>
        /// Runs a command line in-process (tests call this): parse errors are one line on
        /// <paramref name="stderr"/> and exit code 2; otherwise the command's own exit code.
        /// </summary>
        public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
        {
            ParseResult parse = BuildCommand(stdout, stderr).Parse(args);
            if (parse.Errors.Count > 0)
            {
                stderr.WriteLine("error: " + parse.Errors[0].Message + " (--help shows the options)");
                return 2;
            }

            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        }

        /// <summary>The command tree (public so tests can parse command lines in-process).</summary>
        public static RootCommand BuildCommand(TextWriter stdout, TextWriter stderr)
        {
            var root = new RootCommand("EmbeddedTcp simulator: the firmware (stack + ENC28J60 driver + application) on a simulated board, TCP scenarios, and a Linux TAP bridge.");
            var demoSeed = new Option<ulong>("--seed") { Description = "Seed of the simulated network and stacks.", DefaultValueFactory = _ => 1 };
            var demoBytes = new Option<int>("--bulk-kib") { Description = "KiB sent to discard and read from chargen.", DefaultValueFactory = _ => 1024 };
            var demoLoss = new Option<double>("--loss") { Description = "Fraction of the board's frames lost in each direction (e.g. 0.02)." };
            var demoCpu = new Option<string>("--cpu")
            {
                Description = "Charge the board's CPU with an ESP32 cost model: esp32-psram (ESP32_PSRAM_REV3, the default), esp32 (ESP32_REV3), none (SPI time only).",
                DefaultValueFactory = _ => EmbeddedTcp.Simulation.Cost.Esp32CostModel.DefaultName,
            };
            demoCpu.AcceptOnlyFromAmong(EmbeddedTcp.Simulation.Cost.Esp32CostModel.Names);
            root.Options.Add(demoCpu);
            root.Options.Add(demoLoss);
            root.Options.Add(demoSeed);
            root.Options.Add(demoBytes);
            root.SetAction(p => Guard(stderr, () => RunDemo(stdout, stderr, p.GetValue(demoSeed), p.GetValue(demoBytes), p.GetValue(demoLoss), p.GetValue(demoCpu))));

            // scenario list | scenario NAME [--pcap F] [--svg F] [--events-json F] [--seed N]
            var scenario = new Command("scenario", "TCP stories between two simulated stacks, printed as ladder diagrams. 'scenario list' names them.");
            var name = new Argument<string>("name") { Description = "A scenario name, or 'list'.", Arity = ArgumentArity.ZeroOrOne };
            var pcap = new Option<string>("--pcap") { Description = "Write the frames to this pcap file (opens in Wireshark)." };
            var svg = new Option<string>("--svg") { Description = "Write the ladder diagram as an SVG image." };
            var json = new Option<string>("--events-json") { Description = "Write one JSON object per line: state changes and segments." };
            var seed = new Option<ulong>("--seed") { Description = "Seed of the stacks (ISNs) and the network.", DefaultValueFactory = _ => 1 };
            scenario.Arguments.Add(name);
            scenario.Options.Add(pcap);
            scenario.Options.Add(svg);
            scenario.Options.Add(json);
            scenario.Options.Add(seed);
            scenario.SetAction(p => Guard(stderr, () => RunScenario(stdout, stderr, p.GetValue(name), p.GetValue(seed), p.GetValue(pcap), p.GetValue(svg), p.GetValue(json))));
            root.Subcommands.Add(scenario);

            root.Subcommands.Add(TapCommand.Build(stdout, stderr));
            return root;
        }

        /// <summary>Turns expected failures into one line on stderr and exit code 1.</summary>
        internal static int Guard(TextWriter stderr, Func<int> body)
        {
            try
            {
                return body();
            }
            catch (Exception e) when (e is IOException || e is ArgumentException || e is InvalidOperationException || e is UnauthorizedAccessException)
            {
                stderr.WriteLine("error: " + e.Message.Split('\n')[0]);
                return 1;
            }
        }

        private static int RunDemo(TextWriter stdout, TextWriter stderr, ulong seed, int bulkKib, double loss, string cpu)
        {
            if (loss < 0 || loss >= 1)
            {
                stderr.WriteLine("error: --loss is a fraction between 0 and 1");
                return 2;
            }

            return new Demo(stdout, seed, bulkKib, loss, EmbeddedTcp.Simulation.Cost.Esp32CostModel.Get(cpu)).Run();
        }

        private static int RunScenario(TextWriter stdout, TextWriter stderr, string name, ulong seed, string pcap, string svg, string json)
        {
            if (string.IsNullOrEmpty(name) || name == "list")
            {
                stdout.WriteLine("scenarios (run one with: scenario NAME [--pcap F] [--svg F] [--events-json F]):");
                foreach (ScenarioInfo s in Scenarios.All)
                {
                    stdout.WriteLine("  " + s.Name.PadRight(22) + s.Summary);
                }
                return 0;
            }

            if (Scenarios.Find(name) == null)
            {
                stderr.WriteLine("error: unknown scenario '" + name + "'; 'scenario list' names them");
                return 2;
            }

            ScenarioResult r = Scenarios.Run(name, seed, pcap);
            stdout.Write(Scenarios.Ladder(r));
            stdout.WriteLine();
            stdout.WriteLine("A: " + string.Join(" -> ", r.StatePath("A")));
            stdout.WriteLine("B: " + string.Join(" -> ", r.StatePath("B")));
            if (svg != null)
            {
                File.WriteAllText(svg, Scenarios.Svg(r));
                stdout.WriteLine("wrote " + svg);
            }
            if (json != null)
            {
                File.WriteAllText(json, Scenarios.EventsJson(r));
                stdout.WriteLine("wrote " + json);
            }
            if (pcap != null)
            {
                stdout.WriteLine("wrote " + pcap);
            }
            return 0;
        }
    }
}
