using System;
using System.IO;
using System.Runtime.InteropServices;
using EmbeddedTcp.Tests.Simulation;
using Xunit;

namespace EmbeddedTcp.Tests
{
    /// <summary>
    /// What a test needs from the machine (root, /dev/net/tun, ip netns, a Debian tool, the nanoCLR
    /// kit). A test that lacks one is reported by xunit as <em>skipped</em> with the reason — never as
    /// passed — and, when CI is set or EMBEDDEDTCP_REQUIRE_ALL=1, <em>fails</em> naming the missing
    /// piece, because CI installs everything and a missing piece there is a broken setup. Tests that
    /// call these must be [SkippableFact]/[SkippableTheory] (Xunit.SkippableFact).
    /// </summary>
    public static class Prerequisites
    {
        [DllImport("libc")]
        private static extern uint geteuid();

        /// <summary>True when a missing prerequisite must fail the test instead of skipping it.</summary>
        public static bool RequireAll
        {
            get
            {
                return !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
                    || Environment.GetEnvironmentVariable("EMBEDDEDTCP_REQUIRE_ALL") == "1";
            }
        }

        /// <summary>Skips (or, under CI / EMBEDDEDTCP_REQUIRE_ALL=1, fails) with <paramref name="reason"/> when <paramref name="condition"/> is false.</summary>
        public static void Need(bool condition, string reason)
        {
            if (condition)
            {
                return;
            }

            Assert.False(RequireAll, "required but missing (CI / EMBEDDEDTCP_REQUIRE_ALL): " + reason);
            Skip.If(true, reason);
        }

        /// <summary>Skips or fails when <paramref name="whyNot"/> (a reason, or null when all is there) is not null.</summary>
        public static void NeedNone(string whyNot) => Need(whyNot == null, whyNot);

        /// <summary>True when running on Linux as root (CAP_NET_ADMIN for ip netns / ip tuntap).</summary>
        public static bool IsRoot => OperatingSystem.IsLinux() && geteuid() == 0;

        /// <summary>True when the TUN/TAP clone device exists.</summary>
        public static bool HasTun => File.Exists("/dev/net/tun");

        /// <summary>Linux.</summary>
        public static void Linux() => Need(OperatingSystem.IsLinux(), "not Linux (TAP, network namespaces and the Debian tools are Linux only)");

        /// <summary>Root on Linux.</summary>
        public static void Root()
        {
            Linux();
            Need(IsRoot, "not root (needs CAP_NET_ADMIN for ip netns / ip tuntap)");
        }

        /// <summary>Root and /dev/net/tun.</summary>
        public static void Tun()
        {
            Root();
            Need(HasTun, "/dev/net/tun does not exist (no TUN/TAP support here)");
        }

        /// <summary>
        /// The full path of <paramref name="tool"/> on PATH (or the sbin folders); skips or fails
        /// naming the Debian package when it is missing.
        /// </summary>
        public static string Tool(string tool, string package = null)
        {
            string path = ExternalTool.Find(tool);
            Need(path != null, tool + " is not installed (Debian package " + (package ?? tool) + ", listed in .ci/debian-packages.txt)");
            return path;
        }

        /// <summary>Root, /dev/net/tun, ip (iproute2), and a working `ip netns add`; returns the ip command's path.</summary>
        public static string Netns()
        {
            Tun();
            string ip = Tool("ip", "iproute2");
            string ns = "etcp-probe-" + Environment.ProcessId + "-" + System.Threading.Interlocked.Increment(ref _probe);
            var probe = ExternalTool.Run(10_000, ip, "netns", "add", ns);
            if (probe.ExitCode == 0)
            {
                ExternalTool.Run(10_000, ip, "netns", "del", ns);
            }

            Need(probe.ExitCode == 0, "ip netns add does not work here: " + probe);
            return ip;
        }

        private static int _probe;
    }
}
