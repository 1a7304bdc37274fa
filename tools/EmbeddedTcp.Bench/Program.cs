using System;

namespace EmbeddedTcp.Bench
{
    internal static class Program
    {
        private static int Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "micro")
            {
                // artifacts under bin/ (ignored by git) unless --artifacts is given
                bool hasArtifacts = Array.IndexOf(args, "--artifacts") >= 0;
                var rest = new string[args.Length - 1 + (hasArtifacts ? 0 : 2)];
                Array.Copy(args, 1, rest, 0, args.Length - 1);
                if (!hasArtifacts)
                {
                    rest[rest.Length - 2] = "--artifacts";
                    rest[rest.Length - 1] = System.IO.Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts");
                }

                BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest);
                return 0;
            }

            if (args.Length == 3 && args[0] == "soak-holes")
            {
                var scenario = new Harness.HoleScenario(int.Parse(args[1]));
                for (long i = 0; i < long.Parse(args[2]); i++)
                {
                    scenario.Iterate();
                }

                Console.WriteLine("ok: " + args[2] + " iterations, " + scenario.NowMs + " ms of virtual time, " + scenario.Retransmissions + " retransmissions by the sender (" + scenario.Diagnostics + ")");
                return 0;
            }

            if (args.Length > 0 && args[0] == "cost-table")
            {
                return CostTable.Run(args);
            }

            if (args.Length > 0 && args[0] == "report")
            {
                return Report.Run(args);
            }

            Console.Error.WriteLine("usage: EmbeddedTcp.Bench report [--json FILE] [--skip-tap]   one table of every figure (a few minutes)");
            Console.Error.WriteLine("       EmbeddedTcp.Bench cost-table [--write]               nanoCLR per-event IL/calls of the ESP32 cost model, from a fresh meter run");
            Console.Error.WriteLine("       EmbeddedTcp.Bench micro [BenchmarkDotNet options]    micro-benchmarks (e.g. micro --filter '*')");
            Console.Error.WriteLine("       EmbeddedTcp.Bench soak-holes H N                      runs the out-of-order scenario N times (harness check)");
            return 2;
        }
    }
}
