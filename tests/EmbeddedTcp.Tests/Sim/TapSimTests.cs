using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using EmbeddedTcp.Sim;
using EmbeddedTcp.Tests.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Sim
{
    /// <summary>
    /// The firmware application on a TAP (in-process, through the tool's <see cref="TapRunner"/>),
    /// and the real Linux kernel in a network namespace the test creates: ping and curl succeed.
    /// </summary>
    public class TapSimTests
    {
        private static int _counter;
        private readonly ITestOutputHelper _output;
        public TapSimTests(ITestOutputHelper output) { _output = output; }

        [SkippableFact]
        public void KernelPingsAndFetchesTheStatusPageFromTheFirmwareOnATap()
        {
            string ip = Prerequisites.Netns();
            string ping = Prerequisites.Tool("ping", "iputils-ping");
            string curl = Prerequisites.Tool("curl");
            int n = Interlocked.Increment(ref _counter);
            string tapName = "etcps" + (Environment.ProcessId % 100000) + n;
            string ns = "etcp-sim-" + Environment.ProcessId + "-" + n;
            Must(ExternalTool.Run(10_000, ip, "netns", "add", ns), "ip netns add");
            var stdout = new LockedWriter();
            var stderr = new LockedWriter();
            using var cts = new CancellationTokenSource();
            using var opened = new ManualResetEventSlim();
            int exit = -1;
            Thread runner = null;
            try
            {
                Must(ExternalTool.Run(10_000, ip, "tuntap", "add", "dev", tapName, "mode", "tap"), "ip tuntap add");
                var options = new TapOptions
                {
                    Interface = tapName,
                    Address = 0xC0000202,
                    Netmask = 0xFFFFFF00,
                    Seconds = 60, // an upper bound; the test cancels when done
                    Opened = () => opened.Set(),
                };
                runner = new Thread(() => exit = TapRunner.Run(options, stdout, stderr, cts.Token)) { IsBackground = true };
                runner.Start();
                Assert.True(opened.Wait(10_000), "the runner did not open the TAP: " + stderr);
                Must(ExternalTool.Run(10_000, ip, "link", "set", tapName, "netns", ns), "ip link set netns");
                ExternalTool.Run(10_000, ip, "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
                Must(ExternalTool.Run(10_000, ip, "-n", ns, "addr", "add", "192.0.2.1/24", "dev", tapName), "ip addr add");
                Must(ExternalTool.Run(10_000, ip, "-n", ns, "link", "set", tapName, "up"), "ip link set up");
                Must(ExternalTool.Run(10_000, ip, "-n", ns, "link", "set", "lo", "up"), "ip link set lo up");

                var pinged = ExternalTool.Run(15_000, ip, "netns", "exec", ns, ping, "-c", "2", "-i", "0.2", "-W", "3", "192.0.2.2");
                _output.WriteLine(pinged.Stdout);
                Assert.True(pinged.ExitCode == 0, "ping failed: " + pinged + "\n" + stdout);
                Assert.Contains("2 received", pinged.Stdout);

                var got = ExternalTool.Run(15_000, ip, "netns", "exec", ns, curl, "-s", "-i", "-m", "10", "http://192.0.2.2/");
                _output.WriteLine(got.Stdout);
                Assert.True(got.ExitCode == 0, "curl failed: " + got + "\n" + stdout);
                Assert.StartsWith("HTTP/1.0 200 OK", got.Stdout);
                Assert.Contains("address     192.0.2.2/24", got.Stdout);
                Assert.Matches(@"192\.0\.2\.2:80 +192\.0\.2\.1:\d+ +ESTABLISHED", got.Stdout);

                // The kernel's curl closed after the board: the board went through FIN_WAIT and TIME_WAIT.
                Assert.True(SpinWait.SpinUntil(() => stdout.ToString().Contains("FIN_WAIT_2 -> TIME_WAIT") || stdout.ToString().Contains("FIN_WAIT_1 -> TIME_WAIT")
                    || stdout.ToString().Contains("CLOSING -> TIME_WAIT"), 5000), stdout.ToString());
            }
            finally
            {
                cts.Cancel();
                if (runner != null)
                {
                    Assert.True(runner.Join(10_000), "the runner did not stop");
                }

                _output.WriteLine(stdout.ToString());
                _output.WriteLine(stderr.ToString());
                ExternalTool.Run(10_000, ip, "-n", ns, "link", "del", tapName);
                ExternalTool.Run(10_000, ip, "netns", "del", ns);
                ExternalTool.Run(10_000, ip, "link", "del", tapName);
            }
            Assert.Equal(0, exit);
            Assert.Contains("LISTEN -> SYN_RECEIVED", stdout.ToString());
            Assert.Contains("stopped:", stdout.ToString());
            Assert.NotEqual(0, ExternalTool.Run(10_000, ip, "link", "show", tapName).ExitCode);
        }

        [SkippableFact]
        public void DhcpLeaseAndDnsAnswerFromDnsmasqInTheNamespace()
        {
            string ip = Prerequisites.Netns();
            string ping = Prerequisites.Tool("ping", "iputils-ping");
            string dnsmasq = Prerequisites.Tool("dnsmasq", "dnsmasq-base");
            int n = Interlocked.Increment(ref _counter);
            string tapName = "etcpd" + (Environment.ProcessId % 100000) + n;
            string ns = "etcp-dhcp-" + Environment.ProcessId + "-" + n;
            Must(ExternalTool.Run(10_000, ip, "netns", "add", ns), "ip netns add");
            string leases = System.IO.Path.Combine(System.IO.Path.GetTempPath(), ns + ".leases");
            var stdout = new LockedWriter();
            var stderr = new LockedWriter();
            using var cts = new CancellationTokenSource();
            using var opened = new ManualResetEventSlim();
            int exit = -1;
            Thread runner = null;
            System.Diagnostics.Process server = null;
            try
            {
                Must(ExternalTool.Run(10_000, ip, "tuntap", "add", "dev", tapName, "mode", "tap"), "ip tuntap add");
                var options = new TapOptions { Interface = tapName, Dhcp = true, Resolve = "board.test", Seconds = 60, Opened = () => opened.Set() };
                runner = new Thread(() => exit = TapRunner.Run(options, stdout, stderr, cts.Token)) { IsBackground = true };
                runner.Start();
                Assert.True(opened.Wait(10_000), "the runner did not open the TAP: " + stderr);
                Must(ExternalTool.Run(10_000, ip, "link", "set", tapName, "netns", ns), "ip link set netns");
                ExternalTool.Run(10_000, ip, "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
                Must(ExternalTool.Run(10_000, ip, "-n", ns, "addr", "add", "192.0.2.1/24", "dev", tapName), "ip addr add");
                Must(ExternalTool.Run(10_000, ip, "-n", ns, "link", "set", tapName, "up"), "ip link set up");
                server = ExternalTool.Start(ip, "netns", "exec", ns, dnsmasq, "--no-daemon", "--conf-file=/dev/null", "--interface=" + tapName,
                    "--bind-interfaces", "--except-interface=lo", "--dhcp-range=192.0.2.50,192.0.2.59,255.255.255.0,1h", "--dhcp-option=option:router,192.0.2.1",
                    "--address=/board.test/192.0.2.77", "--no-resolv", "--no-hosts", "--dhcp-leasefile=" + leases, "--pid-file=");
                Assert.True(SpinWait.SpinUntil(() => stdout.ToString().Contains("resolved board.test"), 30_000),
                    "no lease or no answer:\n" + stdout + stderr);
                string text = stdout.ToString();
                Assert.Contains("dhcp Bound", text);
                Assert.Matches(@"address 192\.0\.2\.5\d/24 gateway 192\.0\.2\.1 dns 192\.0\.2\.1", text);
                Assert.Contains("resolved board.test 192.0.2.77", text);
                string leased = System.Text.RegularExpressions.Regex.Match(text, @"address (192\.0\.2\.5\d)/").Groups[1].Value;
                var pinged = ExternalTool.Run(15_000, ip, "netns", "exec", ns, ping, "-c", "1", "-W", "3", leased);
                Assert.True(pinged.ExitCode == 0, "ping of the leased address failed: " + pinged);
            }
            finally
            {
                cts.Cancel();
                if (runner != null)
                {
                    Assert.True(runner.Join(10_000), "the runner did not stop");
                }

                if (server != null)
                {
                    if (!server.HasExited) { try { server.Kill(true); } catch (InvalidOperationException) { } server.WaitForExit(2000); }
                    server.Dispose();
                }
                _output.WriteLine(stdout.ToString());
                _output.WriteLine(stderr.ToString());
                ExternalTool.Run(10_000, ip, "-n", ns, "link", "del", tapName);
                ExternalTool.Run(10_000, ip, "netns", "del", ns);
                ExternalTool.Run(10_000, ip, "link", "del", tapName);
                File.Delete(leases);
            }
            Assert.Equal(0, exit);
        }

        [SkippableFact]
        public void NtpOptionPrintsTheUtcTimeFromChronyInTheNamespace()
        {
            string ip = Prerequisites.Netns();
            string chronyd = Prerequisites.Tool("chronyd", "chrony");
            int n = Interlocked.Increment(ref _counter);
            string tapName = "etcpn" + (Environment.ProcessId % 100000) + n;
            string ns = "etcp-ntp-" + Environment.ProcessId + "-" + n;
            var probe = ExternalTool.Run(10_000, ip, "netns", "add", ns);
            Assert.True(probe.ExitCode == 0, "ip netns add: " + probe);
            string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), ns);
            Directory.CreateDirectory(dir);
            var stdout = new LockedWriter();
            var stderr = new LockedWriter();
            using var cts = new CancellationTokenSource();
            using var opened = new ManualResetEventSlim();
            int exit = -1;
            Thread runner = null;
            System.Diagnostics.Process server = null;
            try
            {
                string conf = System.IO.Path.Combine(dir, "chrony.conf");
                // Serves its own clock; -x below: it never adjusts the (shared) system clock.
                File.WriteAllText(conf, "local stratum 8\nallow 192.0.2.0/24\nbindaddress 192.0.2.1\ncmdport 0\npidfile "
                    + System.IO.Path.Combine(dir, "chronyd.pid") + "\ndriftfile " + System.IO.Path.Combine(dir, "drift") + "\n");
                Must(ExternalTool.Run(10_000, ip, "tuntap", "add", "dev", tapName, "mode", "tap"), "ip tuntap add");
                var options = new TapOptions { Interface = tapName, Address = 0xC0000202, Ntp = 0xC0000201, Seconds = 60, Opened = () => opened.Set() };
                runner = new Thread(() => exit = TapRunner.Run(options, stdout, stderr, cts.Token)) { IsBackground = true };
                runner.Start();
                Assert.True(opened.Wait(10_000), "the runner did not open the TAP: " + stderr);
                Must(ExternalTool.Run(10_000, ip, "link", "set", tapName, "netns", ns), "ip link set netns");
                ExternalTool.Run(10_000, ip, "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
                Must(ExternalTool.Run(10_000, ip, "-n", ns, "addr", "add", "192.0.2.1/24", "dev", tapName), "ip addr add");
                Must(ExternalTool.Run(10_000, ip, "-n", ns, "link", "set", tapName, "up"), "ip link set up");
                server = ExternalTool.Start(ip, "netns", "exec", ns, chronyd, "-d", "-x", "-u", "root", "-f", conf);
                Assert.True(SpinWait.SpinUntil(() => stdout.ToString().Contains("time "), 45_000), "no time printed:\n" + stdout + stderr);
                var m = System.Text.RegularExpressions.Regex.Match(stdout.ToString(), @"(?m)^time (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)\r?$");
                Assert.True(m.Success, "no 'time YYYY-MM-DDTHH:MM:SSZ' line:\n" + stdout);
                DateTime printed = DateTime.ParseExact(m.Groups[1].Value, "yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
                // A correctness check of the printed date, not a timing one: it is today's UTC, within a minute of now.
                Assert.InRange((DateTime.UtcNow - printed).TotalSeconds, -60, 60);
            }
            finally
            {
                cts.Cancel();
                if (runner != null)
                {
                    Assert.True(runner.Join(10_000), "the runner did not stop");
                }

                if (server != null)
                {
                    if (!server.HasExited) { try { server.Kill(true); } catch (InvalidOperationException) { } server.WaitForExit(2000); }
                    server.Dispose();
                }
                _output.WriteLine(stdout.ToString());
                _output.WriteLine(stderr.ToString());
                ExternalTool.Run(10_000, ip, "-n", ns, "link", "del", tapName);
                ExternalTool.Run(10_000, ip, "netns", "del", ns);
                ExternalTool.Run(10_000, ip, "link", "del", tapName);
                try { Directory.Delete(dir, true); } catch (IOException) { }
            }
            Assert.Equal(0, exit);
        }

        [Fact]
        public void BadArgumentsAreOneLineAndNonZero()
        {
            foreach (string[] args in new[]
            {
                new[] { "tap", "--tap", "etcpbad0", "--ip", "300.1.2.3/24" },
                new[] { "tap", "--tap", "etcpbad0", "--ip", "192.0.2.2/40" },
                new[] { "tap", "--tap", "etcpbad0" },
                new[] { "tap", "--tap", "etcpbad0", "--ip", "192.0.2.2/24", "--connect", "192.0.2.1" },
                new[] { "tap", "--tap", "etcpbad0", "--ip", "192.0.2.2/24", "--mac", "zz" },
                new[] { "tap", "--tap", "an-interface-name-too-long", "--ip", "192.0.2.2/24", "--seconds", "1" },
                new[] { "tap", "--ip", "192.0.2.2/24" },
                new[] { "tap", "--tap", "etcpbad0", "--ip", "192.0.2.2/24", "--seconds", "soon" },
                new[] { "tap", "--tap", "etcpbad0", "--ip", "192.0.2.2/24", "--ntp", "time.example" },
                new[] { "scenario", "list", "--bogus" },
            })
            {
                var o = new StringWriter();
                var e = new StringWriter();
                int code = Program.Run(args, o, e);
                Assert.NotEqual(0, code);
                Assert.Equal("", o.ToString());
                string err = e.ToString().Trim();
                Assert.Single(err.Split('\n'));
                Assert.StartsWith("error: ", err);
                _output.WriteLine(string.Join(" ", args) + "  =>  " + err);
            }
        }

        private static void Must(ExternalTool.Result r, string what)
        {
            if (r.ExitCode != 0)
            {
                throw new InvalidOperationException(what + " failed: " + r);
            }
        }
    }
}
