using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using Xunit;

namespace EmbeddedTcp.Tests.NanoClr
{
    /// <summary>
    /// The nanoCLR kit (../shared/nanoframework beside the clone, or NANOFRAMEWORK_KIT): the real
    /// nanoFramework interpreter built for Linux, with a meter, and the metadata processor. Tests that
    /// need it call <see cref="Require"/>: without the kit they are reported as skipped with the reason
    /// and how to get it; when CI or EMBEDDEDTCP_REQUIRE_ALL=1 is set a missing kit is a failure.
    /// </summary>
    public static class NanoKit
    {
        /// <summary>The repository root (the folder holding EmbeddedTcp.sln).</summary>
        public static string RepoRoot
        {
            get
            {
                string dir = AppContext.BaseDirectory;
                while (dir != null && !File.Exists(Path.Combine(dir, "EmbeddedTcp.sln")))
                {
                    dir = Path.GetDirectoryName(dir);
                }

                return dir ?? throw new InvalidOperationException("EmbeddedTcp.sln not found above " + AppContext.BaseDirectory);
            }
        }

        /// <summary>Where the kit is looked for.</summary>
        public static string KitPath
        {
            get
            {
                string env = Environment.GetEnvironmentVariable("NANOFRAMEWORK_KIT");
                return string.IsNullOrEmpty(env) ? Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "nanoframework")) : Path.GetFullPath(env);
            }
        }

        /// <summary>True when a missing prerequisite must fail the test instead of skipping it.</summary>
        public static bool RequireAll
            => Prerequisites.RequireAll;

        /// <summary>Skips (or, under CI, fails) when <paramref name="condition"/> is false: <see cref="Prerequisites.Need"/>.</summary>
        public static void Need(bool condition, string reason) => Prerequisites.Need(condition, reason);

        /// <summary>The kit's folder; skips the calling test when the kit is missing.</summary>
        public static string Require()
        {
            string kit = KitPath;
            Need(File.Exists(Path.Combine(kit, "bin", "nanoclr-run")) && File.Exists(Path.Combine(kit, "lib", "mscorlib.pe")),
                "nanoCLR kit not found at " + kit + ": set NANOFRAMEWORK_KIT, or build the kit from nanoFramework's public repositories with its build.sh (see its README)");
            return kit;
        }

        /// <summary>A .pe built by the solution build (Release first, then Debug), relative to the repository root; skips when absent.</summary>
        public static string BuiltPe(string projectDir, string peName)
        {
            foreach (string configuration in new[] { "Release", "Debug" })
            {
                string p = Path.Combine(RepoRoot, projectDir, "bin", configuration, "netstandard2.0", peName);
                if (File.Exists(p))
                {
                    return p;
                }
            }
            Need(false, peName + " was not built under " + projectDir + "/bin (build the solution with the kit present)");
            return null;
        }

        /// <summary>Result of a kit command.</summary>
        public sealed class RunResult
        {
            /// <summary>Exit status (124: time limit).</summary>
            public int ExitCode;
            /// <summary>Standard output with CR removed.</summary>
            public string Output;
            /// <summary>Standard error.</summary>
            public string Error;
        }

        /// <summary>Runs kit/bin/<paramref name="tool"/> with arguments, bounded by <paramref name="timeoutSeconds"/>.</summary>
        public static RunResult Run(string kit, string tool, int timeoutSeconds, params string[] args)
        {
            var psi = new ProcessStartInfo(Path.Combine(kit, "bin", tool))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string a in args)
            {
                psi.ArgumentList.Add(a);
            }

            using var p = Process.Start(psi);
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            p.OutputDataReceived += (_, e) => { if (e.Data != null) { lock (stdout) { stdout.Append(e.Data.TrimEnd('\r')).Append('\n'); } } };
            p.ErrorDataReceived += (_, e) => { if (e.Data != null) { lock (stderr) { stderr.Append(e.Data).Append('\n'); } } };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            if (!p.WaitForExit(timeoutSeconds * 1000 + 30_000))
            {
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                p.WaitForExit();
                return new RunResult { ExitCode = 124, Output = stdout.ToString(), Error = stderr.ToString() + "\n(killed after " + timeoutSeconds + " s)" };
            }
            p.WaitForExit();
            return new RunResult { ExitCode = p.ExitCode, Output = stdout.ToString(), Error = stderr.ToString() };
        }
    }
}
