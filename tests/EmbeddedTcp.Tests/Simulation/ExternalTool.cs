using System;
using System.Diagnostics;
using System.IO;

namespace EmbeddedTcp.Tests.Simulation
{
    /// <summary>Runs external tools (tshark, ip, ping) with a time bound.</summary>
    internal static class ExternalTool
    {
        public sealed class Result
        {
            public int ExitCode;
            public string Stdout;
            public string Stderr;
            public bool TimedOut;
            public override string ToString() => "exit " + ExitCode + (TimedOut ? " (timed out)" : "") + ": " + Stdout + Stderr;
        }

        /// <summary>Full path of <paramref name="name"/> on PATH (or the usual sbin dirs), or null.</summary>
        public static string Find(string name)
        {
            string path = Environment.GetEnvironmentVariable("PATH") ?? "";
            foreach (string dir in (path + ":/usr/sbin:/sbin:/usr/bin:/bin").Split(':'))
            {
                if (dir.Length == 0)
                {
                    continue;
                }

                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
            return null;
        }

        public static Process Start(string file, params string[] args)
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in args)
            {
                psi.ArgumentList.Add(a);
            }

            return Process.Start(psi);
        }

        /// <summary>Runs a command and waits at most <paramref name="timeoutMs"/>; kills it (by its own PID) on timeout.</summary>
        public static Result Run(int timeoutMs, string file, params string[] args)
        {
            using Process p = Start(file, args);
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            var result = new Result();
            if (!p.WaitForExit(timeoutMs))
            {
                result.TimedOut = true;
                try { p.Kill(true); } catch (InvalidOperationException) { }
                p.WaitForExit(2000);
            }
            result.ExitCode = p.HasExited ? p.ExitCode : -1;
            result.Stdout = stdout.Wait(2000) ? stdout.Result : "";
            result.Stderr = stderr.Wait(2000) ? stderr.Result : "";
            return result;
        }
    }
}
