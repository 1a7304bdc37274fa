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
    /// dnsmasq in the test namespace as DHCP and DNS server: our stack (UseDhcp) gets a lease,
    /// applies address, router and DNS server, answers the kernel's ping on the leased address,
    /// and resolves names (A records, NXDOMAIN) through dnsmasq.
    /// </summary>
    [Collection("Interop")]
    public sealed class DnsmasqTests
    {
        private readonly ITestOutputHelper _output;
        public DnsmasqTests(ITestOutputHelper output) { _output = output; }

        [SkippableFact]
        public void DhcpLeaseAndDnsAnswersFromDnsmasq()
        {
            string dnsmasq = Prerequisites.Tool("dnsmasq", "dnsmasq-base");
            string ping = Prerequisites.Tool("ping", "iputils-ping");
            NetworkConfig config = KernelPeer.DefaultConfig();
            config.UseDhcp = true;
            config.DhcpHostName = "etcp-board";
            using KernelPeer peer = KernelPeer.Create(config);
            string leases = Path.Combine(Path.GetTempPath(), "etcp-dnsmasq-" + Environment.ProcessId + ".leases");
            try
            {
                var server = peer.Start(dnsmasq, "--no-daemon", "--conf-file=/dev/null", "--user=root", "--interface=" + peer.TapName,
                    "--bind-interfaces", "--listen-address=192.0.2.1", "--dhcp-range=192.0.2.50,192.0.2.99,255.255.255.0,2m",
                    "--dhcp-option=option:router,192.0.2.1", "--dhcp-option=option:dns-server,192.0.2.1", "--no-resolv", "--no-hosts",
                    "--local=/test/", "--local-ttl=60", "--address=/board.test/192.0.2.77", "--host-record=printer.test,192.0.2.88",
                    "--dhcp-leasefile=" + leases, "--pid-file=", "--log-dhcp", "--log-queries", "--log-facility=-");

                Assert.True(peer.Runner.WaitUntil(s => s.Dhcp.State == DhcpState.Bound, 30_000),
                    "no lease from dnsmasq: DHCP state " + peer.Runner.Do(s => s.Dhcp.State));
                uint address = peer.Runner.Do(s => s.Address);
                uint leased = peer.Runner.Do(s => s.Dhcp.LeasedAddress);
                Assert.Equal(leased, address);
                Assert.InRange(address, 0xC0000232u, 0xC0000263u); // 192.0.2.50 .. 192.0.2.99
                Assert.Equal(0xFFFFFF00u, peer.Runner.Do(s => s.Netmask));
                Assert.Equal(KernelPeer.KernelIp, peer.Runner.Do(s => s.Gateway));
                Assert.Equal(KernelPeer.KernelIp, peer.Runner.Do(s => s.Dhcp.GetDnsServer(0)));
                Assert.InRange(peer.Runner.Do(s => (long)s.Dhcp.LeaseSeconds), 60, 120);
                string dotted = (address >> 24) + "." + ((address >> 16) & 255) + "." + ((address >> 8) & 255) + "." + (address & 255);

                var r = peer.Exec(15_000, ping, "-c", "2", "-i", "0.2", "-W", "2", dotted);
                Assert.True(r.ExitCode == 0, "ping of the leased address: " + r);

                Assert.Equal(0xC000024Du, Resolve(peer, "board.test", DnsStatus.Resolved));   // 192.0.2.77
                Assert.Equal(0xC0000258u, Resolve(peer, "printer.test", DnsStatus.Resolved)); // 192.0.2.88
                Resolve(peer, "missing.test", DnsStatus.NotFound);
                Assert.Equal(0xC000024Du, Resolve(peer, "board.test", DnsStatus.Resolved));   // now from the cache
                Assert.True(peer.Runner.Do(s => s.Dns.Counters.CacheHits) >= 1);

                string leaseText = File.Exists(leases) ? File.ReadAllText(leases) : "";
                _output.WriteLine("dnsmasq lease: " + leaseText.Trim());
                Assert.Contains("02:00:00:00:00:02", leaseText);
                Assert.Contains(dotted, leaseText);
                var dhcp = peer.Runner.Do(s => s.Dhcp.Counters);
                var dns = peer.Runner.Do(s => s.Dns.Counters);
                _output.WriteLine("DHCP: lease " + dotted + " for " + peer.Runner.Do(s => s.Dhcp.LeaseSeconds) + " s (discovers " + dhcp.DiscoversSent
                    + ", requests " + dhcp.RequestsSent + ", acks " + dhcp.AcksIn + "); DNS: queries " + dns.QueriesSent + ", resolved " + dns.Resolved
                    + ", not found " + dns.NotFound + ", cache hits " + dns.CacheHits);
                KernelPeer.Finish(server, 1, out _);
            }
            finally
            {
                File.Delete(leases);
            }
        }

        private static uint Resolve(KernelPeer peer, string name, DnsStatus expected)
        {
            int q = peer.Runner.Do(s => s.Dns.Resolve(name));
            Assert.True(q > 0, "Resolve(" + name + ") returned " + q);
            uint address = 0;
            DnsStatus status = DnsStatus.Pending;
            Assert.True(peer.Runner.WaitUntil(s => (status = s.Dns.GetResult(q, out address)) != DnsStatus.Pending, 15_000), name + " still pending");
            Assert.Equal(expected, status);
            return address;
        }
    }
}
