using System;
using System.IO;
using System.Threading;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Tests.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Interop
{
    /// <summary>
    /// The SNTP client against real peers in the test namespace over TAP: chronyd (serving its own
    /// clock, which is the namespace's and the host's CLOCK_REALTIME; run with -x so it never touches
    /// the clock) and a Scapy-built Kiss-o'-Death server.
    /// </summary>
    [Collection("Interop")]
    public sealed class SntpInteropTests
    {
        private readonly ITestOutputHelper _output;
        public SntpInteropTests(ITestOutputHelper output) { _output = output; }

        private static NetworkConfig Config()
        {
            NetworkConfig config = KernelPeer.DefaultConfig();
            config.UseSntp = true;
            config.SntpServer = KernelPeer.KernelIp;
            config.SntpMinimumIntervalMs = 500; // short retries: the test runs in real time
            config.SntpPollIntervalMs = 8000;
            return config;
        }

        [SkippableFact]
        public void OffsetAgainstChrony_IsWithin50msOfTheNamespaceClock()
        {
            string chronyd = Prerequisites.Tool("chronyd", "chrony");
            using KernelPeer peer = KernelPeer.Create(Config());
            string dir = Path.Combine(Path.GetTempPath(), "etcp-chrony-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(dir);
            try
            {
                string conf = Path.Combine(dir, "chrony.conf");
                File.WriteAllText(conf, string.Join("\n",
                    "local stratum 8",                 // serve our own clock, no upstream
                    "allow 192.0.2.0/24",
                    "bindaddress 192.0.2.1",
                    "port 123",
                    "cmdport 0",                       // no control socket
                    "pidfile " + Path.Combine(dir, "chronyd.pid"),
                    "driftfile " + Path.Combine(dir, "drift"),
                    ""));
                // -d foreground, -x never adjust the clock, -u root (its files are in our temp dir).
                var server = peer.Start(chronyd, "-d", "-x", "-u", "root", "-f", conf);
                bool synced = peer.Runner.WaitUntil(s => s.Sntp.Synchronized, 30_000);
                long expected = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - peer.Runner.NowMs;
                if (!synced)
                {
                    string log = KernelPeer.Finish(server, 2000, out _);
                    Assert.Fail("no SNTP synchronization with chronyd: state " + peer.Runner.Do(s => s.Sntp.State) + ", requests "
                        + peer.Runner.Do(s => s.Sntp.Counters.RequestsSent) + ", unsynchronized " + peer.Runner.Do(s => s.Sntp.Counters.DroppedUnsynchronized)
                        + "; chronyd: " + log);
                }

                long offset = 0;
                Assert.True(peer.Runner.Do(s => s.Sntp.TrySyncedOffset(out offset)));
                byte[] text = new byte[20];
                SntpClient.FormatUtc(peer.Runner.Do(s => s.Sntp.UtcMs(peer.Runner.NowMs)), text, 0);
                _output.WriteLine("chrony: offset " + offset + " ms, expected " + expected + " ms (difference " + (offset - expected) + " ms), stratum "
                    + peer.Runner.Do(s => s.Sntp.Stratum) + ", round trip " + peer.Runner.Do(s => s.Sntp.RoundTripMs) + " ms, UTC " + System.Text.Encoding.ASCII.GetString(text));
                Assert.InRange(offset - expected, -50, 50);
                Assert.Equal(8, peer.Runner.Do(s => s.Sntp.Stratum)); // chronyd's "local stratum 8"
                Assert.Equal(0, peer.Runner.Do(s => s.Sntp.Counters.DroppedBogus));
                KernelPeer.Finish(server, 1, out _);
            }
            finally
            {
                try { Directory.Delete(dir, true); } catch (IOException) { }
            }
        }

        private const string KissServer = @"
import socket, sys
from scapy.layers.ntp import NTPHeader
code = sys.argv[1].encode()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('192.0.2.1', 123))
print('ready', flush=True)
n = 0
while n < 50:
    data, addr = s.recvfrom(512)
    n += 1
    # RFC 5905 7.4: a kiss is LI 3, stratum 0, the code in the reference id; the origin is their transmit.
    r = bytearray(bytes(NTPHeader(leap=3, version=4, mode=4, stratum=0, ref_id=code)))
    r[24:32] = data[40:48]
    s.sendto(bytes(r), addr)
    print('kissed %d' % n, flush=True)
";

        [SkippableFact]
        public void ScapyKissOfDeath_RateBacksOff_DenyStops()
        {
            NetworkConfig rateConfig = Config();
            rateConfig.SntpPollIntervalMs = 60000; // the cap of the doubling stays out of reach
            using (KernelPeer peer = KernelPeer.Create(rateConfig))
            {
                var server = peer.StartPython3(KissServer, "RATE");
                Assert.Equal("ready", KernelPeer.ReadLine(server, 15_000));
                Assert.True(peer.Runner.WaitUntil(s => s.Sntp.Counters.KissRate >= 3, 45_000), "no third RATE: " + peer.Runner.Do(s => s.Sntp.Counters.KissRate));
                long rates = peer.Runner.Do(s => s.Sntp.Counters.KissRate);
                // Requests sent before the server was listening time out (port unreachable): they double the wait too.
                long timeouts = peer.Runner.Do(s => s.Sntp.Counters.Timeouts);
                // Each RATE doubled the wait: 500 ms → 1 s, 2 s, 4 s ... up to the poll interval.
                Assert.Equal(Math.Min(500L << (int)(rates + timeouts), 60000L), peer.Runner.Do(s => s.Sntp.RetryWaitMs));
                Assert.Equal(rates + timeouts, peer.Runner.Do(s => s.Sntp.Counters.RequestsSent)); // nothing more between kisses
                Assert.False(peer.Runner.Do(s => s.Sntp.Synchronized));
                string log = KernelPeer.Finish(server, 1, out _);
                _output.WriteLine("RATE: " + rates + " kisses (" + timeouts + " early timeouts), wait now " + peer.Runner.Do(s => s.Sntp.RetryWaitMs) + " ms; server: " + log.Replace("\n", " "));
            }

            using (KernelPeer peer = KernelPeer.Create(Config()))
            {
                var server = peer.StartPython3(KissServer, "DENY");
                Assert.Equal("ready", KernelPeer.ReadLine(server, 15_000));
                Assert.True(peer.Runner.WaitUntil(s => s.Sntp.State == SntpState.Denied, 30_000), "not denied: " + peer.Runner.Do(s => s.Sntp.State));
                Thread.Sleep(3000); // six minimum intervals: a client that did not stop would ask again
                Assert.Equal(SntpState.Denied, peer.Runner.Do(s => s.Sntp.State));
                Assert.Equal(peer.Runner.Do(s => s.Sntp.Counters.Timeouts) + 1, peer.Runner.Do(s => s.Sntp.Counters.RequestsSent));
                Assert.Equal(1, peer.Runner.Do(s => s.Sntp.Counters.KissDeny));
                string log = KernelPeer.Finish(server, 1, out _);
                Assert.DoesNotContain("kissed 2", log);
            }
        }
    }
}
