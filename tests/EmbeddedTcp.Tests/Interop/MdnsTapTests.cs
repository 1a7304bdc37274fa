using System;
using System.IO;
using System.Threading;
using EmbeddedTcp.Sim;
using EmbeddedTcp.Tests.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Interop
{
    /// <summary>
    /// The firmware's mDNS responder on a TAP (TapRunner --hostname) against real peers in a
    /// network namespace the test creates: Python's zeroconf (Debian python3-zeroconf) browses
    /// <c>_http._tcp</c> and resolves the service and host; a plain legacy-unicast query resolves
    /// <c>NAME.local</c>; a second responder (zeroconf) claiming the name forces the rename; tshark
    /// decodes the captured IGMP membership reports without errors.
    /// </summary>
    public class MdnsTapTests
    {
        private static int _counter;
        private readonly ITestOutputHelper _output;
        public MdnsTapTests(ITestOutputHelper output) { _output = output; }

        // Browses _http._tcp, resolves the instance (SRV/TXT, and the A of its target), then sends a
        // legacy unicast A query for NAME.local from an ephemeral port and prints the address; then,
        // with "claim", registers another service whose host is NAME.local at 192.0.2.1.
        private const string Script = @"
import socket, struct, sys, time
from zeroconf import Zeroconf, ServiceBrowser, ServiceInfo, IPVersion
name, mode = sys.argv[1], sys.argv[2]
zc = Zeroconf(interfaces=['192.0.2.1'], ip_version=IPVersion.V4Only)
if mode == 'browse':
    found = []
    class H:
        def add_service(self, z, t, n): found.append(n)
        def update_service(self, z, t, n): pass
        def remove_service(self, z, t, n): pass
    ServiceBrowser(zc, '_http._tcp.local.', H())
    for _ in range(100):
        if found: break
        time.sleep(0.1)
    print('browsed', ' '.join(found), flush=True)
    info = zc.get_service_info('_http._tcp.local.', name + '._http._tcp.local.', timeout=5000)
    if info is not None:
        print('service', info.server, info.port, ','.join(info.parsed_addresses()), info.properties, flush=True)
    q = struct.pack('>HHHHHH', 0x4242, 0, 1, 0, 0, 0)
    for label in (name + '.local').split('.'):
        q += bytes([len(label)]) + label.encode()
    q += b'\x00\x00\x01\x00\x01'
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('192.0.2.1', 0))
    s.settimeout(3)
    s.sendto(q, ('224.0.0.251', 5353))
    data, src = s.recvfrom(2000)
    print('legacy', hex(struct.unpack('>H', data[:2])[0]), socket.inet_ntoa(data[-4:]), 'from', src[0], flush=True)
elif mode == 'query':
    # An IGMPv2 general query (Max Resp Time 1 s) to 224.0.0.1, as a querier router sends it.
    m = struct.pack('>BBHI', 0x11, 10, 0, 0)
    c = sum(struct.unpack('>4H', m)); c = (c & 0xFFFF) + (c >> 16); c = ~c & 0xFFFF
    m = struct.pack('>BBHI', 0x11, 10, c, 0)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('192.0.2.1'))
    s.sendto(m, ('224.0.0.1', 0))
    time.sleep(1.5)
    print('queried', flush=True)
else:
    info = ServiceInfo('_http._tcp.local.', 'impostor._http._tcp.local.', addresses=[socket.inet_aton('192.0.2.1')], port=8080, server=name + '.local.')
    zc.register_service(info, allow_name_change=True)
    print('claimed', flush=True)
    time.sleep(3)
    zc.unregister_service(info)
zc.close()
";

        [SkippableFact]
        public void ZeroconfBrowsesAndResolves_ASecondClaimForcesTheRename_IgmpDecodesCleanly()
        {
            string ip = Prerequisites.Netns();
            string tshark = Prerequisites.Tool("tshark");
            // Debian's python3 (python3-zeroconf is a Debian package), not one earlier on PATH (pyenv).
            string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : ExternalTool.Find("python3");
            Prerequisites.Need(python != null && ExternalTool.Run(10_000, python, "-c", "import zeroconf").ExitCode == 0,
                "python3-zeroconf is not installed (listed in .ci/debian-packages.txt)");

            int n = Interlocked.Increment(ref _counter);
            string tapName = "etcpm" + (Environment.ProcessId % 100000) + n;
            string ns = "etcp-mdns-" + Environment.ProcessId + "-" + n;
            string dir = Path.Combine(Path.GetTempPath(), "etcp-mdns-" + Environment.ProcessId + "-" + n);
            Directory.CreateDirectory(dir);
            string script = Path.Combine(dir, "peer.py");
            string pcap = Path.Combine(dir, "tap.pcap");
            File.WriteAllText(script, Script);
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
                    HostName = "etcp-mdns",
                    Pcap = pcap,
                    Opened = () => opened.Set(),
                };
                runner = new Thread(() => exit = TapRunner.Run(options, stdout, stderr, cts.Token)) { IsBackground = true };
                runner.Start();
                Assert.True(opened.Wait(10_000), "the runner did not open the TAP: " + stderr);
                Must(ExternalTool.Run(10_000, ip, "link", "set", tapName, "netns", ns), "ip link set netns");
                ExternalTool.Run(10_000, ip, "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
                Must(ExternalTool.Run(10_000, ip, "-n", ns, "addr", "add", "192.0.2.1/24", "dev", tapName), "ip addr add");
                Must(ExternalTool.Run(10_000, ip, "-n", ns, "link", "set", tapName, "up", "multicast", "on"), "ip link set up");
                Must(ExternalTool.Run(10_000, ip, "-n", ns, "link", "set", "lo", "up"), "ip link set lo up");
                Must(ExternalTool.Run(10_000, ip, "-n", ns, "route", "add", "224.0.0.0/4", "dev", tapName), "ip route add 224.0.0.0/4");

                // The firmware probes once the link is up (the TAP carries frames only from now).
                Assert.True(SpinWait.SpinUntil(() => stdout.ToString().Contains("mdns etcp-mdns.local announced"), 10_000), stdout.ToString());

                var browse = ExternalTool.Run(30_000, ip, "netns", "exec", ns, python, script, "etcp-mdns", "browse");
                _output.WriteLine(browse.ToString());
                Assert.True(browse.ExitCode == 0, "zeroconf browse failed: " + browse + "\n" + stdout);
                Assert.Contains("browsed etcp-mdns._http._tcp.local.", browse.Stdout);
                Assert.Contains("service etcp-mdns.local. 80 192.0.2.2 {b'path': b'/'}", browse.Stdout);
                Assert.Contains("legacy 0x4242 192.0.2.2 from 192.0.2.2", browse.Stdout);

                var claim = ExternalTool.Run(30_000, ip, "netns", "exec", ns, python, script, "etcp-mdns", "claim");
                _output.WriteLine(claim.ToString());
                Assert.True(claim.ExitCode == 0, "zeroconf claim failed: " + claim);
                Assert.True(SpinWait.SpinUntil(() => stdout.ToString().Contains("mdns etcp-mdns-2.local announced"), 10_000), stdout.ToString());

                // A general query: the firmware answers with a report for 224.0.0.251 within 1 s.
                var query = ExternalTool.Run(30_000, ip, "netns", "exec", ns, python, script, "etcp-mdns", "query");
                Assert.True(query.ExitCode == 0, "IGMP query failed: " + query);
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
            // IGMPv2 reports for 224.0.0.251, decoded by tshark with no expert errors or malformed packets.
            var decoded = ExternalTool.Run(30_000, tshark, "-r", pcap, "-Y", "igmp", "-T", "fields", "-e", "igmp.version", "-e", "igmp.type", "-e", "igmp.maddr");
            _output.WriteLine(decoded.ToString());
            Assert.Equal(0, decoded.ExitCode);
            Assert.Contains("2\t0x16\t224.0.0.251", decoded.Stdout); // an IGMPv2 membership report
            var bad = ExternalTool.Run(30_000, tshark, "-r", pcap, "-Y", "igmp && (_ws.malformed || _ws.expert)");
            Assert.Equal("", bad.Stdout.Trim());
            Directory.Delete(dir, true);
        }

        private static void Must(ExternalTool.Result r, string what)
        {
            Assert.True(r.ExitCode == 0, what + " failed: " + r);
        }
    }
}
