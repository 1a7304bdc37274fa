using System;
using System.Collections.Generic;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Wire;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Ip
{
    /// <summary>The DHCP client against a test server on a simulated LAN, in virtual time.</summary>
    public class DhcpClientTests
    {
        private const uint Offered = 0xC0000264; // 192.0.2.100
        private readonly ITestOutputHelper _log;

        public DhcpClientTests(ITestOutputHelper log)
        {
            _log = log;
        }

        private static bool Bound(DhcpLan d) => d.C.Dhcp.State == DhcpState.Bound;

        [Fact]
        public void Acquires_Address_Mask_Router_Dns_AndLeaseTimes()
        {
            var d = new DhcpLan();
            Assert.Equal(0u, d.C.Address);
            Assert.True(d.RunUntil(() => Bound(d), 10000));
            DhcpClient c = d.C.Dhcp;
            Assert.Equal(Offered, d.C.Address);
            Assert.Equal(0xFFFFFF00u, d.C.Netmask);
            Assert.Equal(0xC0000201u, d.C.Gateway);
            Assert.Equal(0xC0000235u, d.C.DnsServer);
            Assert.Equal(0xC0000235u, d.C.Dns.GetServer(0));
            Assert.Equal(0xC0000236u, d.C.Dns.GetServer(1));
            Assert.Equal(DhcpLan.ServerIp, c.Server);
            Assert.Equal(3600u, c.LeaseSeconds);
            Assert.Equal(1, d.Server.Discovers);
            Assert.Equal(1, d.Server.Requests);
            Assert.Equal(1, c.Counters.OffersIn);
            Assert.Equal(1, c.Counters.AcksIn);
            Assert.Equal(0, c.Counters.Retransmissions);

            // The REQUEST in SELECTING: ciaddr 0, requested address and server id, client id = MAC.
            Assert.Equal(0u, d.Server.LastCiaddr);
            Assert.Equal(0u, d.Server.LastSource);
            Assert.Equal(Offered, d.Server.LastRequested);
            Assert.Equal(DhcpLan.ServerIp, d.Server.LastServerIdOption);
            Assert.True(d.Server.LastHadClientId);
            Assert.Equal(0, d.Server.LastFlags);

            // Lease times from the REQUEST: T1 = 0.5, T2 = 0.875 of 3600 s.
            long sent = d.Server.LastRequestMs;
            Assert.InRange(c.RenewAtMs - sent, 1800000 - 10, 1800000);
            Assert.InRange(c.RebindAtMs - sent, 3150000 - 10, 3150000);
            Assert.InRange(c.ExpiresAtMs - sent, 3600000 - 10, 3600000);

            // The address is really applied: the server pings it.
            Assert.True(d.S.Ping(Offered, 1, 7, 32));
            Assert.True(d.RunUntil(() => d.S.LastEchoReplySequence == 7, 5000));
        }

        [Fact]
        public void T1T2Options_AreUsed_AndInconsistentOnesReplaced()
        {
            var d = new DhcpLan(s => { s.LeaseSeconds = 1000; s.T1Seconds = 300; s.T2Seconds = 600; });
            Assert.True(d.RunUntil(() => Bound(d), 10000));
            long sent = d.Server.LastRequestMs;
            Assert.InRange(d.C.Dhcp.RenewAtMs - sent, 300000 - 10, 300000);
            Assert.InRange(d.C.Dhcp.RebindAtMs - sent, 600000 - 10, 600000);

            var e = new DhcpLan(s => { s.LeaseSeconds = 1000; s.T1Seconds = 5000; s.T2Seconds = 4000; });
            Assert.True(e.RunUntil(() => Bound(e), 10000));
            sent = e.Server.LastRequestMs;
            Assert.InRange(e.C.Dhcp.RenewAtMs - sent, 500000 - 10, 500000);
            Assert.InRange(e.C.Dhcp.RebindAtMs - sent, 875000 - 10, 875000);
        }

        [Fact]
        public void ZeroLease_IsTakenAsSixtySeconds_InfiniteLease_NeverRenews()
        {
            var d = new DhcpLan(s => s.LeaseSeconds = 0);
            Assert.True(d.RunUntil(() => Bound(d), 10000));
            Assert.InRange(d.C.Dhcp.ExpiresAtMs - d.Server.LastRequestMs, 60000 - 10, 60000);
            d.RunTo(d.Lan.NowMs + 20000);
            Assert.Equal(1, d.Server.Requests); // no storm of renewals

            var e = new DhcpLan(s => s.LeaseSeconds = 0xFFFFFFFF);
            Assert.True(e.RunUntil(() => Bound(e), 10000));
            Assert.Equal(long.MaxValue, e.C.Dhcp.Deadline());
            Assert.Equal(long.MaxValue, e.C.Dhcp.ExpiresAtMs);
            e.RunTo(e.Lan.NowMs + 24L * 3600 * 1000);
            Assert.Equal(DhcpState.Bound, e.C.Dhcp.State);
            Assert.Equal(1, e.Server.Requests);
        }

        [Fact]
        public void Renews_AtT1_WithUnicastRequest_ToTheServer()
        {
            var d = new DhcpLan(s => s.LeaseSeconds = 100);
            Assert.True(d.RunUntil(() => Bound(d), 10000));
            long t1 = d.C.Dhcp.RenewAtMs;
            int observed = d.Observer.Requests;
            d.RunTo(t1 - 1);
            Assert.Equal(DhcpState.Bound, d.C.Dhcp.State);
            Assert.Equal(1, d.Server.Requests);

            Assert.True(d.RunUntil(() => d.C.Dhcp.Counters.Renewals == 1 && Bound(d), 5000));
            Assert.Equal(2, d.Server.Requests);
            Assert.InRange(d.Server.LastRequestMs, t1, t1 + 20);
            Assert.Equal(Offered, d.Server.LastCiaddr);
            Assert.Equal(Offered, d.Server.LastSource);
            Assert.Equal(0u, d.Server.LastRequested); // RENEWING: no requested-address option
            Assert.Equal(0u, d.Server.LastServerIdOption); // nor server id
            Assert.Equal(observed, d.Observer.Requests); // unicast: the observer never saw it
            Assert.Equal(0, d.C.Dhcp.Counters.Rebinds);
            Assert.InRange(d.C.Dhcp.RenewAtMs - t1, 50000 - 10, 50000 + 20);
            Assert.Equal(Offered, d.C.Address);
        }

        [Fact]
        public void Rebinds_AtT2_WithBroadcast_WhenTheServerIgnoresRenewal()
        {
            var d = new DhcpLan(s => s.LeaseSeconds = 100);
            Assert.True(d.RunUntil(() => Bound(d), 10000));
            long t2 = d.C.Dhcp.RebindAtMs;
            d.Server.Silent = true;
            Assert.True(d.RunUntil(() => d.C.Dhcp.State == DhcpState.Renewing, 60000));
            int observed = d.Observer.Requests;
            d.RunTo(t2 - 1);
            Assert.Equal(DhcpState.Renewing, d.C.Dhcp.State);
            Assert.Equal(observed, d.Observer.Requests);
            d.Server.Silent = false;

            Assert.True(d.RunUntil(() => d.C.Dhcp.Counters.Rebinds == 1 && Bound(d), 5000));
            Assert.Equal(observed + 1, d.Observer.Requests); // the rebinding REQUEST was broadcast
            Assert.Equal(Offered, d.Observer.LastCiaddr);
            Assert.InRange(d.Server.LastRequestMs, t2, t2 + 20);
            Assert.Equal(Offered, d.C.Address);
            Assert.Equal(2, d.C.Dhcp.Counters.LeasesObtained);
        }

        [Fact]
        public void SilentServer_RenewAndRebindRetransmit_ThenTheLeaseExpires_AndDiscoveryRestarts()
        {
            var d = new DhcpLan(s => s.LeaseSeconds = 1000);
            Assert.True(d.RunUntil(() => Bound(d), 10000));
            long expires = d.C.Dhcp.ExpiresAtMs;
            d.Server.Silent = true;
            int observed = d.Observer.Requests;
            d.RunTo(expires - 1);
            Assert.Equal(DhcpState.Rebinding, d.C.Dhcp.State);
            Assert.Equal(Offered, d.C.Address);
            // Renewing (unicast) at 500 s, then half the time left to T2 but at least 60 s:
            // 687.5 s, 781.25 s, 841.25 s; rebinding (broadcast) at T2 = 875 s, then half the time
            // left to expiry, at least 60 s: 937.5 s, 997.5 s; the lease ends at 1000 s.
            Assert.Equal(1 + 4 + 3, d.Server.Requests);
            Assert.Equal(observed + 3, d.Observer.Requests);
            Assert.Equal(5, d.C.Dhcp.Counters.Retransmissions);

            d.RunTo(expires + 10);
            Assert.Equal(0u, d.C.Address);
            Assert.Equal(1, d.C.Dhcp.Counters.LeasesExpired);
            Assert.Equal(DhcpState.Selecting, d.C.Dhcp.State);
            Assert.Equal(2, d.Server.Discovers);
            Assert.Equal(0u, d.C.Dns.GetServer(0)); // back to the (empty) configured servers

            d.Server.Silent = false; // the next DISCOVER retransmission gets a new lease
            Assert.True(d.RunUntil(() => Bound(d), 20000));
            Assert.Equal(Offered, d.C.Address);
        }

        [Fact]
        public void Nak_InRequesting_RestartsDiscovery_AndGetsALease()
        {
            var d = new DhcpLan(s => s.NakRequests = 1);
            Assert.True(d.RunUntil(() => Bound(d), 10000));
            Assert.Equal(1, d.C.Dhcp.Counters.NaksIn);
            Assert.Equal(2, d.Server.Discovers);
            Assert.Equal(2, d.Server.Requests);
            Assert.Equal(Offered, d.C.Address);
        }

        [Fact]
        public void Nak_InRenewing_DropsTheAddress_AndGetsANewLease()
        {
            var d = new DhcpLan(s => s.LeaseSeconds = 100);
            Assert.True(d.RunUntil(() => Bound(d), 10000));
            d.Server.NakRequests = 1;
            d.Server.AddressAfterNak = 0xC0000265;
            bool sawNoAddress = false;
            Assert.True(d.RunUntil(() =>
            {
                if (d.C.Dhcp.Counters.NaksIn == 1 && d.C.Address == 0)
                {
                    sawNoAddress = true;
                }

                return d.C.Dhcp.Counters.NaksIn == 1 && Bound(d);
            }, 70000));
            Assert.True(sawNoAddress);
            Assert.Equal(0xC0000265u, d.C.Address);
            Assert.Equal(2, d.Server.Discovers);
            Assert.Equal(2, d.C.Dhcp.Counters.LeasesObtained);
        }

        [Fact]
        public void RepeatedNaks_AreNotAnsweredInATightLoop()
        {
            var d = new DhcpLan(s => s.NakRequests = 1000);
            d.RunTo(60000);
            Assert.NotEqual(DhcpState.Bound, d.C.Dhcp.State);
            Assert.InRange(d.Server.Discovers, 3, 10); // backed off: 0 s, 0 s, 4 s, 8 s, 16 s, 32 s...
        }

        [Fact]
        public void DiscoverRetransmission_BacksOff_4_8_16_32_64_64s_WithJitterOfOneSecond()
        {
            var d = new DhcpLan(s => s.Silent = true);
            d.RunTo(240000);
            long[] t = d.Server.DiscoverTimes;
            Assert.Equal(7, d.Server.Discovers); // 0, ~4, ~12, ~28, ~60, ~124, ~188 (next ~252)
            long[] expected = { 4000, 8000, 16000, 32000, 64000, 64000 };
            var jitters = new HashSet<long>();
            for (int i = 0; i < expected.Length; i++)
            {
                long gap = t[i + 1] - t[i];
                _log.WriteLine("DISCOVER " + (i + 1) + " after " + gap + " ms");
                Assert.InRange(gap, expected[i] - 1000, expected[i] + 1000 + 5);
                jitters.Add(gap - expected[i]);
            }

            Assert.True(jitters.Count > 3); // randomised, not a constant offset
            Assert.Equal(DhcpState.Selecting, d.C.Dhcp.State);
            Assert.Equal(6, d.C.Dhcp.Counters.Retransmissions);
        }

        [Fact]
        public void LinkComingUp_WhileSelecting_RestartsDiscoveryAtOnce()
        {
            var d = new DhcpLan(null, null, clientLinkUp: false);
            d.RunTo(10000); // DISCOVERs at 0 s and ~4 s are lost: no link
            Assert.Equal(0, d.Server.Discovers);
            Assert.Equal(DhcpState.Selecting, d.C.Dhcp.State);
            d.ClientPort.SetLinkUp(true);
            long up = d.Lan.NowMs;
            Assert.True(d.RunUntil(() => Bound(d), 20000));
            Assert.Equal(1, d.Server.Discovers);
            Assert.InRange(d.Server.DiscoverTimes[0] - up, 0, 1100); // at the next poll, not at the ~12 s retransmission
            Assert.InRange(d.Lan.NowMs - up, 0, 1100 + 1300); // then the ARP check (RFC 5227, 1 to 1.25 s)
            Assert.Equal(1, d.C.Dhcp.Counters.LinkRestarts);
        }

        [Fact]
        public void RequestRetransmission_GivesUp_AfterFourTries_AndRediscovers()
        {
            var d = new DhcpLan();
            var dl = d; // the server offers once, then goes silent for the REQUESTs
            Assert.True(d.RunUntil(() => dl.Server.Offers == 1, 5000));
            d.Server.Silent = true;
            Assert.True(d.RunUntil(() => dl.C.Dhcp.Counters.RequestTimeouts == 1, 120000));
            Assert.Equal(4, d.C.Dhcp.Counters.RequestsSent);
            Assert.True(d.RunUntil(() => dl.C.Dhcp.State == DhcpState.Selecting, 1000));
        }

        [Fact]
        public void Options_HostNameAndBroadcastFlag_AreSent_WhenConfigured()
        {
            var d = new DhcpLan(null, new NetworkConfig { DhcpHostName = "board-1", DhcpBroadcastFlag = true });
            Assert.True(d.RunUntil(() => Bound(d), 10000));
            Assert.True(d.Server.LastHadHostName);
            Assert.Equal(0x8000, d.Server.LastFlags);
        }

        [Fact]
        public void Stop_ReleasesTheLease_ClearsTheAddress_AndStartGetsItAgain()
        {
            var d = new DhcpLan();
            Assert.True(d.RunUntil(() => Bound(d), 10000));
            d.C.Dhcp.Stop();
            Assert.Equal(DhcpState.Stopped, d.C.Dhcp.State);
            Assert.Equal(0u, d.C.Address);
            Assert.True(d.RunUntil(() => d.Server.Releases == 1, 5000));
            Assert.Equal(long.MaxValue, d.C.Dhcp.Deadline());
            Assert.True(d.C.Dhcp.Start());
            Assert.True(d.RunUntil(() => Bound(d), 10000));
        }

        [Fact]
        public void StaticConfiguration_LeavesTheClientStopped()
        {
            var lan = new EmbeddedTcp.Simulation.SimulatedLan();
            NetworkStack s = lan.AddHost(LanFixture.MacA, new NetworkConfig { Address = LanFixture.IpA }, 1);
            Assert.Equal(DhcpState.Stopped, s.Dhcp.State);
            lan.RunFor(10000);
            Assert.Equal(0, s.Dhcp.Counters.DiscoversSent);
            Assert.Equal(LanFixture.IpA, s.Address);

            int taken = s.UdpOpen(DhcpClient.ClientPort);
            Assert.False(s.Dhcp.Start()); // port 68 in use
            Assert.Equal(DhcpState.Stopped, s.Dhcp.State);
            s.UdpClose(taken);
            Assert.True(s.Dhcp.Start());
            lan.RunFor(100);
            Assert.Equal(DhcpState.Selecting, s.Dhcp.State);
            uint xid = s.Dhcp.TransactionId;
            Assert.True(s.Dhcp.Start()); // already running: unchanged
            Assert.Equal(xid, s.Dhcp.TransactionId);
            Assert.Equal(DhcpState.Selecting, s.Dhcp.State);
        }

        [Fact]
        public void Lease_DiscoverBoundRenew_AllocatesNothing_AfterWarmUp()
        {
            var d = new DhcpLan(s => s.LeaseSeconds = 100);
            LeaseCycle(d); // warm-up: every path once
            LeaseCycle(d);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++)
            {
                LeaseCycle(d);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            _log.WriteLine("5 lease cycles (discover, bound, renew, release): " + allocated + " bytes allocated");
            Assert.Equal(7, d.C.Dhcp.Counters.Renewals);
            Assert.Equal(7, d.Server.Releases);
            Assert.Equal(0, allocated);
        }

        /// <summary>Start → Bound → renewed at T1 → Stop (release). No lambdas: nothing allocates here.</summary>
        private static void LeaseCycle(DhcpLan d)
        {
            DhcpClient c = d.C.Dhcp;
            if (c.State == DhcpState.Stopped)
            {
                c.Start();
            }

            long renewals = c.Counters.Renewals;
            long end = d.Lan.NowMs + 200000;
            while (d.Lan.NowMs < end && !(c.State == DhcpState.Bound && c.Counters.Renewals > renewals))
            {
                d.Step(end);
            }

            Assert.True(c.State == DhcpState.Bound && c.Counters.Renewals > renewals);
            c.Stop();
            end = d.Lan.NowMs + 1000;
            while (d.Lan.NowMs < end)
            {
                d.Step(end);
            }
        }

        // ------------------------------------------------------------------ hostile input

        private static byte[] Message(byte op, uint xid, byte[] mac, uint yiaddr, params byte[][] options)
        {
            int n = 240;
            foreach (byte[] o in options)
            {
                n += o.Length;
            }

            var m = new byte[Math.Max(n, 300)];
            m[0] = op;
            m[1] = 1;
            m[2] = 6;
            NetOrder.WriteU32(m, 4, xid);
            NetOrder.WriteU32(m, 16, yiaddr);
            Array.Copy(mac, 0, m, 28, 6);
            NetOrder.WriteU32(m, 236, 0x63825363);
            int p = 240;
            foreach (byte[] o in options)
            {
                Array.Copy(o, 0, m, p, o.Length);
                p += o.Length;
            }

            return m;
        }

        private static byte[] Opt(params byte[] bytes) => bytes;

        private static byte[] Addr(byte code, uint a) => new byte[] { code, 4, (byte)(a >> 24), (byte)(a >> 16), (byte)(a >> 8), (byte)a };

        private static readonly byte[] End = { 255 };

        [Fact]
        public void HostileOffers_AreDroppedAndCounted_NeverThrow_ThenAGoodOfferIsTaken()
        {
            var d = new DhcpLan(s => s.Silent = true);
            DhcpClient c = d.C.Dhcp;
            Assert.Equal(DhcpState.Selecting, c.State);
            uint xid = c.TransactionId;
            byte[] mac = DhcpLan.ClientMac;
            uint sv = DhcpLan.ServerIp;
            long now = d.Lan.NowMs;
            byte[] offerType = Opt(53, 1, 2);
            DhcpCounters k = c.Counters;

            Assert.False(c.Input(new byte[100], 100, sv, now));
            Assert.Equal(1, k.DroppedMalformed);
            Assert.False(c.Input(null, 0, sv, now));
            Assert.False(c.Input(new byte[10], 300, sv, now)); // length beyond the buffer
            Assert.Equal(3, k.DroppedMalformed);

            byte[] m = Message(1, xid, mac, Offered, offerType, Addr(54, sv), End); // BOOTREQUEST, not a reply
            Assert.False(c.Input(m, m.Length, sv, now));
            Assert.Equal(4, k.DroppedMalformed);

            m = Message(2, xid + 1, mac, Offered, offerType, Addr(54, sv), End);
            Assert.False(c.Input(m, m.Length, sv, now));
            Assert.Equal(1, k.DroppedWrongXid);
            m = Message(2, xid, new byte[] { 2, 0, 0, 0, 0, 0x99 }, Offered, offerType, Addr(54, sv), End);
            Assert.False(c.Input(m, m.Length, sv, now));
            Assert.Equal(2, k.DroppedWrongXid);

            m = Message(2, xid, mac, Offered, offerType, Addr(54, sv), End);
            m[239] ^= 1;
            Assert.False(c.Input(m, m.Length, sv, now));
            Assert.Equal(1, k.DroppedBadCookie);

            // Truncated: an option whose length runs past the end; a code byte with no length.
            m = Message(2, xid, mac, Offered, offerType, Addr(54, sv), Opt(51, 10, 0, 0));
            Assert.False(c.Input(m, 240 + 3 + 6 + 4, sv, now));
            m = Message(2, xid, mac, Offered, offerType, Addr(54, sv), Opt(51));
            Assert.False(c.Input(m, 240 + 3 + 6 + 1, sv, now));
            Assert.Equal(2, k.DroppedTruncated);

            // Oversized/wrong-length options are ignored: no usable type, no server id.
            m = Message(2, xid, mac, Offered, Opt(53, 2, 2, 2), Addr(54, sv), End);
            Assert.False(c.Input(m, m.Length, sv, now));
            m = Message(2, xid, mac, Offered, offerType, Opt(54, 8, 192, 0, 2, 2, 192, 0, 2, 2), End);
            Assert.False(c.Input(m, m.Length, sv, now));
            Assert.Equal(2, k.OptionsIgnored);
            Assert.Equal(6, k.DroppedMalformed);

            // Unusable addresses.
            foreach (uint bad in new uint[] { 0, 0xFFFFFFFF, 0x7F000001, 0xE0000001, 0x00000005 })
            {
                m = Message(2, xid, mac, bad, offerType, Addr(54, sv), End);
                Assert.False(c.Input(m, m.Length, sv, now));
            }

            Assert.Equal(11, k.DroppedMalformed);

            // An ACK while selecting is not expected.
            m = Message(2, xid, mac, Offered, Opt(53, 1, 5), Addr(54, sv), Addr(51, 100), End);
            Assert.False(c.Input(m, m.Length, sv, now));
            Assert.Equal(1, k.DroppedUnexpected);
            Assert.Equal(DhcpState.Selecting, c.State);
            Assert.Equal(0, k.OffersIn);

            // Pads, option overload (52, ignored: sname/file are never read), no End option: taken.
            m = Message(2, xid, mac, Offered, Opt(0, 0, 0), Opt(52, 1, 3), offerType, Opt(0), Addr(54, sv));
            for (int i = 44; i < 236; i++)
            {
                m[i] = 0xFF; // garbage in sname/file
            }

            Assert.True(c.Input(m, 240 + 3 + 3 + 3 + 1 + 6, sv, now));
            Assert.Equal(DhcpState.Requesting, c.State);
            Assert.Equal(sv, c.Server);
        }

        [Fact]
        public void HostileAcks_AreDropped_ThenAGoodAckBinds()
        {
            var d = new DhcpLan(s => s.Silent = true);
            DhcpClient c = d.C.Dhcp;
            uint xid = c.TransactionId;
            byte[] mac = DhcpLan.ClientMac;
            uint sv = DhcpLan.ServerIp;
            long now = d.Lan.NowMs;
            byte[] m = Message(2, xid, mac, Offered, Opt(53, 1, 2), Addr(54, sv), End);
            Assert.True(c.Input(m, m.Length, sv, now));
            Assert.Equal(DhcpState.Requesting, c.State);
            byte[] ack = Opt(53, 1, 5);

            // A lease option of the wrong size is ignored; an ACK without a lease is not used.
            m = Message(2, xid, mac, Offered, ack, Addr(54, sv), Opt(51, 8, 0, 0, 0, 0, 0, 0, 0, 100), End);
            Assert.False(c.Input(m, m.Length, sv, now));
            Assert.Equal(1, c.Counters.OptionsIgnored);
            // From another server (its own broadcast answer): not ours to take.
            m = Message(2, xid, mac, Offered, ack, Addr(54, sv + 7), Addr(51, 100), End);
            Assert.False(c.Input(m, m.Length, sv + 7, now));
            Assert.Equal(1, c.Counters.DroppedUnexpected);
            // Router list of 6 bytes, DNS list of 3: ignored, the lease is still good.
            m = Message(2, xid, mac, Offered, ack, Addr(54, sv), Addr(51, 100), Opt(3, 6, 1, 2, 3, 4, 5, 6), Opt(6, 3, 1, 2, 3),
                Opt(1, 4, 255, 255, 0, 0), End);
            Assert.True(c.Input(m, m.Length, sv, now));
            Assert.Equal(DhcpState.Checking, c.State); // the address is probed with ARP first (RFC 5227)
            Assert.Equal(0u, d.C.Address);
            Assert.True(d.RunUntil(() => Bound(d), 2000));
            Assert.Equal(3, c.Counters.OptionsIgnored);
            Assert.Equal(0u, c.Router);
            Assert.Equal(0xFFFF0000u, c.Netmask);
            Assert.Equal(Offered, d.C.Address);
            Assert.Equal(100000, c.ExpiresAtMs - now);

            // Once bound, a replayed ACK is not taken.
            Assert.False(c.Input(m, m.Length, sv, now));
        }

        [Fact]
        public void HostileInput_AllocatesNothing()
        {
            var d = new DhcpLan(s => s.Silent = true);
            DhcpClient c = d.C.Dhcp;
            uint xid = c.TransactionId;
            byte[] mac = DhcpLan.ClientMac;
            uint sv = DhcpLan.ServerIp;
            byte[][] bad =
            {
                new byte[100],
                Message(2, xid + 1, mac, Offered, Opt(53, 1, 2), Addr(54, sv), End),
                Message(2, xid, mac, Offered, Opt(53, 1, 2), Addr(54, sv), Opt(51, 200, 1)),
                Message(2, xid, mac, Offered, Opt(53, 2, 2, 2), Addr(54, sv), End),
                Message(2, xid, mac, 0, Opt(53, 1, 2), Addr(54, sv), End),
                Message(2, xid, mac, Offered, Opt(53, 1, 5), Addr(54, sv), End),
            };
            bad[0][0] = 2;
            int[] lengths = { 100, 300, 253, 300, 300, 300 };
            for (int i = 0; i < bad.Length; i++)
            {
                Assert.False(c.Input(bad[i], lengths[i], sv, 0));
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int r = 0; r < 1000; r++)
            {
                for (int i = 0; i < bad.Length; i++)
                {
                    c.Input(bad[i], lengths[i], sv, 0);
                }
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(DhcpState.Selecting, c.State);
            Assert.Equal(1001, c.Counters.DroppedWrongXid);
            Assert.Equal(1001, c.Counters.DroppedTruncated);
            Assert.Equal(0, allocated);
        }

        [Fact]
        public void Fuzz_MutatedOffersAndAcks_NeverThrow()
        {
            var rng = new Random(5);
            var d = new DhcpLan(s => s.Silent = true);
            DhcpClient c = d.C.Dhcp;
            byte[] mac = DhcpLan.ClientMac;
            uint sv = DhcpLan.ServerIp;
            int accepted = 0;
            var buf = new byte[700];
            for (int i = 0; i < 100000; i++)
            {
                if (c.State != DhcpState.Selecting && c.State != DhcpState.Requesting)
                {
                    c.Stop();
                    c.Start();
                    d.Step(d.Lan.NowMs + 100); // the DISCOVER goes out: Selecting, new xid
                }

                byte type = c.State == DhcpState.Selecting ? (byte)2 : (byte)5;
                byte[] m = Message(2, c.TransactionId, mac, Offered, Opt(53, 1, type), Addr(54, sv), Addr(51, 100),
                    Addr(1, 0xFFFFFF00), Addr(3, 0xC0000201), Opt(6, 8, 192, 0, 2, 53, 192, 0, 2, 54), End);
                int len = Math.Min(m.Length, 240 + rng.Next(0, 80));
                if (rng.Next(4) == 0)
                {
                    len = m.Length;
                }

                Array.Copy(m, buf, m.Length);
                int flips = rng.Next(1, 6);
                for (int f = 0; f < flips; f++)
                {
                    buf[rng.Next(len)] = (byte)rng.Next(256);
                }

                if (c.Input(buf, len, sv, d.Lan.NowMs))
                {
                    accepted++;
                }
            }

            DhcpCounters k = c.Counters;
            long drops = k.DroppedMalformed + k.DroppedTruncated + k.DroppedBadCookie + k.DroppedWrongXid + k.DroppedUnexpected;
            _log.WriteLine("accepted " + accepted + ", malformed " + k.DroppedMalformed + ", truncated " + k.DroppedTruncated
                + ", bad cookie " + k.DroppedBadCookie + ", wrong xid " + k.DroppedWrongXid + ", unexpected " + k.DroppedUnexpected
                + ", options ignored " + k.OptionsIgnored);
            Assert.Equal(100000, accepted + drops);
            Assert.True(accepted > 1000);
            Assert.True(k.DroppedTruncated > 1000);
        }
    }
}
