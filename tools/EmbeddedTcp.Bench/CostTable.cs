using System;
using System.Collections.Generic;
using System.IO;
using EmbeddedTcp.Bench.Harness;
using EmbeddedTcp.Simulation.Cost;

namespace EmbeddedTcp.Bench
{
    /// <summary>
    /// <c>cost-table [--write]</c>: runs the meter program on nanoCLR and prints the per-event table
    /// the ESP32 cost model reads (src/EmbeddedTcp.Simulation/Cost/nanoclr-event-costs.json);
    /// <c>--write</c> also rewrites that file. Build the solution first (the .pe files).
    /// </summary>
    internal static class CostTable
    {
        /// <summary>Where the table lives in the repository.</summary>
        public static string TablePath(string root) => Path.Combine(root, "src", "EmbeddedTcp.Simulation", "Cost", NanoEventCosts.FileName);

        /// <summary>The command: prints the table, rewrites the file with --write.</summary>
        public static int Run(string[] args)
        {
            string root = Report.RepoRoot();
            string kit = NanoMeterRun.FindKit(root);
            if (kit == null)
            {
                Console.Error.WriteLine("error: no nanoCLR kit at " + NanoMeterRun.KitLocation(root));
                return 1;
            }

            string[] pe = NanoMeterRun.PeFiles(root, "Release");
            foreach (string f in pe)
            {
                if (!File.Exists(f))
                {
                    Console.Error.WriteLine("error: " + f + " missing: dotnet build EmbeddedTcp.sln -c Release");
                    return 1;
                }
            }

            int rc = NanoMeterRun.Execute(kit, pe, 300, out string output);
            NanoMeterOutput o = NanoMeterOutput.Parse(output);
            if (rc != 0 || !o.Done || o.CheckFailures.Count > 0)
            {
                Console.Error.WriteLine("error: the meter program did not complete cleanly (exit " + rc + ", " + o.CheckFailures.Count + " failed checks)");
                return 1;
            }

            string text = NanoEventCosts.Format(NanoEventTable.FromMeter(o), NanoEventTable.MeasuredOn);
            Console.Write(text);
            if (Array.IndexOf(args, "--write") >= 0)
            {
                File.WriteAllText(TablePath(root), text);
                Console.Error.WriteLine("wrote " + TablePath(root));
            }

            return 0;
        }
    }
}
