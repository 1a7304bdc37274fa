using System;
using System.IO;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Tests.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Interop
{
    /// <summary>
    /// RFC 5227 against real peers: dnsmasq reserves 192.0.2.60 for our MAC, but the namespace's
    /// kernel already holds that address. Our ARP probe is answered by the kernel, the client sends
    /// a DHCPDECLINE (dnsmasq logs it and stops offering the address), and after 10 s takes an
    /// address from dnsmasq's range instead.
    /// </summary>
    [Collection("Interop")]
    public sealed class DnsmasqConflictTests
    {
        private readonly ITestOutputHelper _output;
        public DnsmasqConflictTests(ITestOutputHelper output) { _output = output; }

        [SkippableFact]
        public void AddressAlreadyHeldInTheNamespace_IsDeclined_ThenAnotherIsLeased()
        {
            string dnsmasq = Prerequisites.Tool("dnsmasq", "dnsmasq-base");
            NetworkConfig config = KernelPeer.DefaultConfig();
            config.UseDhcp = true;
            config.DhcpHostName = "etcp-board";
            // dnsmasq unicasts OFFER/ACK to yiaddr, and the namespace's kernel delivers a packet for
            // 192.0.2.60 to itself (it holds that address): ask for broadcast replies (RFC 2131 4.1).
            config.DhcpBroadcastFlag = true;
            using KernelPeer peer = KernelPeer.Create(config, capture: true, captureName: "dhcp-decline");
            string leases = Path.Combine(Path.GetTempPath(), "etcp-dnsmasq-decline-" + Environment.ProcessId + ".leases");
            try
            {
                // Another host on the link (the namespace's own stack) already uses 192.0.2.60.
                var add = peer.Exec(10_000, peer.Ip, "addr", "add", "192.0.2.60/24", "dev", peer.TapName);
                Assert.True(add.ExitCode == 0, "ip addr add: " + add);
                var server = peer.Start(dnsmasq, "--no-daemon", "--conf-file=/dev/null", "--user=root", "--interface=" + peer.TapName,
                    "--bind-interfaces", "--listen-address=192.0.2.1", "--port=0", "--dhcp-range=192.0.2.70,192.0.2.79,255.255.255.0,2m",
                    "--dhcp-host=02:00:00:00:00:02,192.0.2.60", "--no-ping",
                    "--dhcp-leasefile=" + leases, "--pid-file=", "--log-dhcp", "--log-facility=-");

                if (!peer.Runner.WaitUntil(s => s.Dhcp.Counters.DeclinesSent == 1, 30_000))
                {
                    string early = KernelPeer.Finish(server, 2000, out _);
                    Assert.Fail("no DECLINE: DHCP state " + peer.Runner.Do(s => s.Dhcp.State) + ", conflicts "
                        + peer.Runner.Do(s => s.Dhcp.Counters.AddressConflicts) + "; dnsmasq: " + early);
                }

                Assert.Equal(0u, peer.Runner.Do(s => s.Address)); // never used the held address
                Assert.True(peer.Runner.WaitUntil(s => s.Dhcp.State == DhcpState.Bound, 40_000),
                    "no second lease: DHCP state " + peer.Runner.Do(s => s.Dhcp.State));
                uint address = peer.Runner.Do(s => s.Address);
                Assert.InRange(address, 0xC0000246u, 0xC000024Fu); // 192.0.2.70 .. 192.0.2.79, not .60
                Assert.Equal(1, peer.Runner.Do(s => s.Dhcp.Counters.AddressConflicts));
                Assert.Equal(1, peer.Runner.Do(s => s.Dhcp.Counters.DeclinesSent));
                Assert.Equal(2, peer.Runner.Do(s => s.Dhcp.Counters.AcksIn));

                string log = KernelPeer.Finish(server, 2000, out _);
                _output.WriteLine(log);
                Assert.Contains("DHCPDECLINE", log);
                Assert.Contains("192.0.2.60", log);
                peer.Runner.Dispose();
                int frames = peer.CheckCaptureWithTshark(out string problems);
                Assert.True(frames > 0, "tshark (tshark, listed in .ci/debian-packages.txt) checked no frames: " + problems);
                Assert.Null(problems); // probes, DECLINE and the rest decode cleanly
            }
            finally
            {
                File.Delete(leases);
            }
        }
    }
}
