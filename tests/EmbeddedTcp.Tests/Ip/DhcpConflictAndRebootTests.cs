using System;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Wire;
using Xunit;

namespace EmbeddedTcp.Tests.Ip
{
    /// <summary>
    /// The DHCP client's address conflict check (RFC 5227 probes, DHCPDECLINE), INIT-REBOOT
    /// (RFC 2131 3.2) after a restart and after a link flap, and option 42, on the simulated LAN
    /// in virtual time.
    /// </summary>
    public class DhcpConflictAndRebootTests
    {
        private const uint Offered = 0xC0000264; // 192.0.2.100
        private const uint Other = 0xC0000265;   // 192.0.2.101

        private static bool Bound(DhcpLan d) => d.C.Dhcp.State == DhcpState.Bound;

        [Fact]
        public void AcknowledgedAddress_IsProbedWithArp_BeforeItIsUsed()
        {
            var d = new DhcpLan();
            Assert.True(d.RunUntil(() => d.C.Dhcp.State == DhcpState.Checking, 10000));
            long acked = d.Lan.NowMs;
            Assert.Equal(0u, d.C.Address); // not used while probing
            long probesBefore = d.S.Counters.ArpRequestsIn;
            Assert.True(d.RunUntil(() => Bound(d), 5000));
            Assert.Equal(Offered, d.C.Address);
            Assert.Equal(2, d.C.Dhcp.Counters.ProbesSent);
            Assert.Equal(0, d.C.Dhcp.Counters.AddressConflicts);
            Assert.Equal(2, d.S.Counters.ArpRequestsIn - probesBefore); // the two probes, broadcast
            Assert.InRange(d.Lan.NowMs - acked, 1000, 1250 + 20);       // 2 × 500 ms after a random 0..250 ms
            Assert.Equal(0, d.S.Counters.ArpAddressConflicts); // probes carry sender 0: nobody learns the address early
        }

        [Fact]
        public void AddressHeldByAnotherHost_IsDeclined_AndTheNextOfferIsTaken_After10s()
        {
            // The server offers the observer's own address first: the observer answers the probe.
            var d = new DhcpLan(s => { s.Address = DhcpLan.ObserverIp; s.AddressAfterDecline = Offered; });
            Assert.True(d.RunUntil(() => d.Server.Declines == 1, 10000));
            DhcpClient c = d.C.Dhcp;
            Assert.Equal(DhcpState.Init, c.State);
            Assert.Equal(0u, d.C.Address);
            Assert.Equal(DhcpLan.ObserverIp, d.Server.LastDeclined);        // option 50: the declined address
            Assert.Equal(DhcpLan.ServerIp, d.Server.LastDeclineServerId);   // option 54: to the server that offered it
            Assert.Equal(0u, d.Server.LastCiaddr);
            Assert.Equal(4, d.Server.LastOptionCount); // 53, 61, 50, 54: nothing else in a DECLINE (RFC 2131 table 5)
            Assert.Equal(1, c.Counters.AddressConflicts);
            Assert.Equal(1, c.Counters.DeclinesSent);
            Assert.Equal(1, d.Server.Discovers);

            Assert.True(d.RunUntil(() => Bound(d), 30000));
            Assert.Equal(Offered, d.C.Address);
            Assert.Equal(2, d.Server.Discovers);
            Assert.InRange(d.Server.DiscoverTimes[1] - d.Server.LastDeclineMs, 10000, 10000 + 20); // RFC 2131 3.1 step 5
            Assert.Equal(1, c.Counters.AddressConflicts);
            Assert.Equal(0, d.O.Counters.ArpAddressConflicts); // the observer never saw its address claimed
        }

        [Fact]
        public void AnotherHostProbingTheSameAddress_IsAConflict()
        {
            var d = new DhcpLan(s => s.AddressAfterDecline = Other);
            Assert.True(d.RunUntil(() => d.C.Dhcp.State == DhcpState.Checking, 10000));
            // RFC 5227 2.1.1: an ARP probe (sender 0) for our target from another MAC.
            byte[] f = new byte[60];
            var mac = new byte[] { 2, 0, 0, 0, 0, 0x77 };
            new EthernetFrame().Emit(f, 0, new byte[] { 255, 255, 255, 255, 255, 255 }, 0, mac, 0, EtherType.Arp, 28);
            new ArpPacket().Emit(f, 14, ArpOperation.Request, mac, 0, 0, null, 0, Offered);
            d.C.Input(f, f.Length);
            // Our own probe looped back (same MAC) is not a conflict; theirs is.
            Assert.True(d.RunUntil(() => d.Server.Declines == 1, 2000));
            Assert.Equal(Offered, d.Server.LastDeclined);
            Assert.True(d.RunUntil(() => Bound(d), 30000));
            Assert.Equal(Other, d.C.Address);
        }

        [Fact]
        public void OwnProbeSeenAgain_IsNoConflict()
        {
            var d = new DhcpLan();
            Assert.True(d.RunUntil(() => d.C.Dhcp.State == DhcpState.Checking, 10000));
            byte[] f = new byte[60];
            byte[] mac = DhcpLan.ClientMac;
            new EthernetFrame().Emit(f, 0, new byte[] { 255, 255, 255, 255, 255, 255 }, 0, mac, 0, EtherType.Arp, 28);
            new ArpPacket().Emit(f, 14, ArpOperation.Request, mac, 0, 0, null, 0, Offered);
            d.C.Input(f, f.Length);
            Assert.True(d.RunUntil(() => Bound(d), 3000));
            Assert.Equal(0, d.Server.Declines);
        }

        [Fact]
        public void Restart_WithThePreviousAddress_UsesInitReboot()
        {
            var d = new DhcpLan();
            d.C.Dhcp.Stop(); // a restart: the application gives the address it kept, then starts DHCP
            long discovers = d.C.Dhcp.Counters.DiscoversSent;
            Assert.True(d.C.Dhcp.SetPreviousAddress(Offered));
            Assert.True(d.C.Dhcp.Start());
            Assert.True(d.RunUntil(() => Bound(d), 10000));
            Assert.Equal(Offered, d.C.Address);
            Assert.Equal(discovers, d.C.Dhcp.Counters.DiscoversSent); // no DISCOVER
            Assert.Equal(1, d.Server.Requests);
            Assert.Equal(Offered, d.Server.LastRequested); // option 50
            Assert.Equal(0u, d.Server.LastServerIdOption);  // no server identifier (RFC 2131 4.3.2 INIT-REBOOT)
            Assert.Equal(0u, d.Server.LastCiaddr);          // ciaddr 0
            Assert.Equal(1, d.Observer.Requests);           // broadcast
            Assert.Equal(1, d.C.Dhcp.Counters.Reboots);
            Assert.Equal(2, d.C.Dhcp.Counters.ProbesSent);  // not in use yet: probed before use
            Assert.Equal(DhcpLan.ServerIp, d.C.Dhcp.Server);
            Assert.False(d.C.Dhcp.SetPreviousAddress(Other)); // only before acquisition starts
        }

        [Fact]
        public void Restart_WithAnAddressOfAnotherNetwork_IsNaked_ThenDiscovers()
        {
            var d = new DhcpLan();
            long discovers = d.C.Dhcp.Counters.DiscoversSent; // the first DISCOVER went out at construction: abandoned
            Assert.True(d.C.Dhcp.SetPreviousAddress(0x0A000005)); // 10.0.0.5
            Assert.Equal(DhcpState.Rebooting, d.C.Dhcp.State);
            Assert.True(d.RunUntil(() => Bound(d), 20000));
            Assert.Equal(1, d.Server.Naks);
            Assert.Equal(1, d.C.Dhcp.Counters.NaksIn);
            Assert.Equal(discovers + 1, d.C.Dhcp.Counters.DiscoversSent);
            Assert.Equal(Offered, d.C.Address);
            Assert.False(d.C.Dhcp.SetPreviousAddress(0xFFFFFFFF));
        }

        [Fact]
        public void Restart_WithThePreviousAddress_NoServerAnswers_FallsBackToDiscover()
        {
            var d = new DhcpLan(s => s.Silent = true);
            Assert.True(d.C.Dhcp.SetPreviousAddress(Offered));
            Assert.True(d.RunUntil(() => d.C.Dhcp.State == DhcpState.Selecting, 120000));
            Assert.Equal(4, d.Server.Requests); // RequestTries
            Assert.Equal(2, d.C.Dhcp.Counters.DiscoversSent); // the abandoned one at construction, then after the reboot timed out
            Assert.Equal(0u, d.C.Address);
        }

        [Fact]
        public void LinkFlap_WhileBound_VerifiesTheLease_WithInitReboot_KeepingTheAddress()
        {
            var d = new DhcpLan();
            Assert.True(d.RunUntil(() => Bound(d), 10000));
            int requests = d.Server.Requests, observed = d.Observer.Requests;
            d.ClientPort.SetLinkUp(false);
            d.RunTo(d.Lan.NowMs + 3000);
            d.ClientPort.SetLinkUp(true);
            Assert.True(d.RunUntil(() => d.Server.Requests == requests + 1, 3000));
            Assert.Equal(Offered, d.Server.LastRequested);
            Assert.Equal(0u, d.Server.LastCiaddr);
            Assert.Equal(0u, d.Server.LastServerIdOption);
            Assert.Equal(observed + 1, d.Observer.Requests); // broadcast
            Assert.True(d.RunUntil(() => Bound(d), 3000));
            Assert.Equal(Offered, d.C.Address);
            Assert.Equal(1, d.C.Dhcp.Counters.Reboots);
            Assert.Equal(2, d.C.Dhcp.Counters.ProbesSent); // the held address is not probed again
            Assert.Equal(2, d.C.Dhcp.Counters.LeasesObtained);
        }

        [Fact]
        public void LinkFlap_ToAnotherNetwork_IsNaked_DropsTheAddress_AndGetsANewOne()
        {
            var d = new DhcpLan();
            Assert.True(d.RunUntil(() => Bound(d), 10000));
            d.Server.NakRequests = 1;
            d.Server.AddressAfterNak = Other;
            d.ClientPort.SetLinkUp(false);
            d.RunTo(d.Lan.NowMs + 1000);
            d.ClientPort.SetLinkUp(true);
            Assert.True(d.RunUntil(() => d.C.Dhcp.Counters.NaksIn == 1, 3000));
            Assert.Equal(0u, d.C.Address);
            Assert.True(d.RunUntil(() => Bound(d), 20000));
            Assert.Equal(Other, d.C.Address);
        }

        [Fact]
        public void LinkFlap_NoServerAnswers_KeepsTheUnexpiredLease()
        {
            var d = new DhcpLan();
            Assert.True(d.RunUntil(() => Bound(d), 10000));
            long t1 = d.C.Dhcp.RenewAtMs;
            d.Server.Silent = true;
            d.ClientPort.SetLinkUp(false);
            d.RunTo(d.Lan.NowMs + 1000);
            d.ClientPort.SetLinkUp(true);
            Assert.True(d.RunUntil(() => d.C.Dhcp.State == DhcpState.Rebooting, 2000));
            Assert.True(d.RunUntil(() => Bound(d), 120000));
            Assert.Equal(Offered, d.C.Address); // RFC 2131 3.2: MAY keep using the unexpired lease
            Assert.Equal(t1, d.C.Dhcp.RenewAtMs);
            Assert.Equal(1, d.C.Dhcp.Counters.RequestTimeouts);
        }

        [Fact]
        public void NtpServers_Option42_AreRequestedAndKept_HostNameIsSent()
        {
            var config = new NetworkConfig { DhcpHostName = "board-7" };
            var d = new DhcpLan(s => { s.Ntp0 = 0xC000027B; s.Ntp1 = 0xC000027C; }, config);
            Assert.True(d.RunUntil(() => Bound(d), 10000));
            Assert.True(d.Server.LastAskedForNtp);
            Assert.True(d.Server.LastHadHostName);
            Assert.Equal(0xC000027Bu, d.C.Dhcp.GetNtpServer(0));
            Assert.Equal(0xC000027Cu, d.C.Dhcp.GetNtpServer(1));
            Assert.Equal(0u, d.C.Dhcp.GetNtpServer(2));
        }

        [Fact]
        public void ProbesOff_TheAddressIsUsedAtOnce()
        {
            var d = new DhcpLan(null, new NetworkConfig { DhcpArpProbes = 0 });
            Assert.True(d.RunUntil(() => Bound(d), 10000));
            Assert.Equal(0, d.C.Dhcp.Counters.ProbesSent);
            Assert.Equal(Offered, d.C.Address);
        }
    }
}
