using System;

namespace EmbeddedTcp.Bench
{
    internal static class Program
    {
        private static int Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "micro")
            {
                var rest = new string[args.Length - 1];
                Array.Copy(args, 1, rest, 0, rest.Length);
                BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest);
                return 0;
            }

            if (args.Length > 0 && args[0] == "report")
            {
                return Report.Run(args);
            }

            Console.Error.WriteLine("usage: EmbeddedTcp.Bench report [--json FILE] [--skip-tap]   one table of every figure (a few minutes)");
            Console.Error.WriteLine("       EmbeddedTcp.Bench micro [BenchmarkDotNet options]    micro-benchmarks (e.g. micro --filter '*')");
            return 2;
        }
    }
}
