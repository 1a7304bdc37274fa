using System;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Tcp;
using EmbeddedTcp.Wire;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Ip
{
    /// <summary>Whole stacks on a simulated LAN: ARP, IPv4, ICMP, UDP and TCP together.</summary>
    public class NetworkStackTests
    {
        private readonly ITestOutputHelper _log;

        public NetworkStackTests(ITestOutputHelper log)
        {
            _log = log;
        }

        [Fact]
        public void FirstSyn_WaitsForArp_ThenTcpEchoWorks_WithoutRetransmission()
        {
            var f = new LanFixture();
            int l = f.B.Tcp.Listen(0, 7, 2);
            int c = f.A.Tcp.Connect(LanFixture.IpA, LanFixture.IpB, 7, 0);
            Assert.Equal(1, f.A.Counters.ArpQueued);
            int s = 0;
            Assert.True(f.RunUntil(() => (s = s > 0 ? s : f.B.Tcp.Accept(l)) > 0 && f.A.Tcp.GetState(c) == TcpState.Established));
            byte[] msg = TcpFixtureBytes(300);
            Assert.Equal(300, f.A.Tcp.Send(c, msg, 0, 300));
            var buf = new byte[1000];
            int got = 0;
            Assert.True(f.RunUntil(() =>
            {
                int n = f.B.Tcp.Receive(s, buf, 0, buf.Length);
                if (n > 0)
                {
                    f.B.Tcp.Send(s, buf, 0, n);
                }

                int m = f.A.Tcp.Receive(c, buf, 0, buf.Length);
                if (m > 0)
                {
                    got += m;
                }

                return got == 300;
            }));
            Assert.Equal(0, f.A.Tcp.Counters.Retransmissions);
            Assert.Equal(0, f.A.Counters.ArpQueueDrops);
            Assert.Equal(1, f.A.Counters.ArpRequestsOut);
            Assert.Equal(1, f.B.Counters.ArpRepliesOut);
            var mac = new byte[6];
            Assert.True(f.B.TryGetNeighbour(LanFixture.IpA, mac, 0)); // B learned A from A's request
            Assert.Equal(LanFixture.MacA, mac);
        }

        internal static byte[] TcpFixtureBytes(int n)
        {
            var b = new byte[n];
            new Random(n).NextBytes(b);
            return b;
        }

        [Fact]
        public void Connect_FromAddressZero_UsesTheInterfaceAddress()
        {
            var f = new LanFixture();
            int l = f.B.Tcp.Listen(0, 7, 2);
            int c = f.A.Tcp.Connect(0, LanFixture.IpB, 7, 0);
            Assert.True(c > 0);
            Assert.True(f.RunUntil(() => f.B.Tcp.Accept(l) > 0));
            var info = new TcpEntryInfo();
            f.A.Tcp.GetEntry(f.A.Tcp.IndexOf(c), info);
            Assert.Equal(LanFixture.IpA, info.LocalIp);
            f.A.SetAddress(0, 0, 0, 0);
            Assert.Equal(NetError.InvalidState, f.A.Tcp.Connect(0, LanFixture.IpB, 7, 0));
        }

        [Fact]
        public void Udp_SendTo_ReceiveFrom_BothWays()
        {
            var f = new LanFixture();
            int sb = f.B.UdpOpen(5000);
            int sa = f.A.UdpOpen(0);
            Assert.True(sb > 0 && sa > 0);
            byte[] data = TcpFixtureBytes(100);
            Assert.Equal(100, f.A.UdpSendTo(sa, LanFixture.IpB, 5000, data, 0, 100));
            var buf = new byte[200];
            uint from = 0;
            int port = 0;
            int n = 0;
            Assert.True(f.RunUntil(() => (n = f.B.UdpReceiveFrom(sb, buf, 0, 200, out from, out port)) > 0));
            Assert.Equal(100, n);
            Assert.Equal(data, buf[..100]);
            Assert.Equal(LanFixture.IpA, from);
            Assert.Equal(f.A.UdpLocalPort(sa), port);
            Assert.Equal(3, f.B.UdpSendTo(sb, from, port, buf, 0, 3));
            Assert.True(f.RunUntil(() => f.A.UdpReceiveFrom(sa, buf, 0, 200, out from, out port) == 3));
            Assert.Equal(5000, port);
        }

        [Fact]
        public void Udp_ToClosedPort_GetsIcmpPortUnreachable_RateLimited()
        {
            var f = new LanFixture();
            int sa = f.A.UdpOpen(0);
            Assert.True(f.A.Ping(LanFixture.IpB, 1, 1, 0)); // resolve B first: the ARP queue holds only 4 frames
            f.Lan.RunFor(10);
            for (int i = 0; i < 30; i++)
            {
                f.A.UdpSendTo(sa, LanFixture.IpB, 6000, new byte[10], 0, 10);
            }

            f.Lan.RunFor(100);
            Assert.Equal(30, f.B.Counters.UdpNoPort);
            Assert.Equal(f.B.Config.IcmpErrorsPerSecond, f.B.Counters.IcmpErrorsOut);
            Assert.Equal(f.B.Config.IcmpErrorsPerSecond, f.A.Counters.IcmpErrorsIn);
            Assert.True(f.B.Counters.IcmpRateLimited > 0);
        }

        [Fact]
        public void Udp_Broadcast_ReachesEveryHost()
        {
            var f = new LanFixture();
            int sb = f.B.UdpOpen(7777);
            int sa = f.A.UdpOpen(7777);
            Assert.Equal(4, f.A.UdpSendTo(sa, 0xFFFFFFFF, 7777, new byte[4], 0, 4));
            f.Lan.RunFor(10);
            Assert.True(f.B.UdpCanReceive(sb));
            Assert.False(f.A.UdpCanReceive(sa)); // our own broadcast does not come back
        }

        [Fact]
        public void Ping_IsAnswered_AtSeveralSizes_UpToTheMtu()
        {
            var f = new LanFixture();
            int[] sizes = { 0, 56, 1000, 1472 };
            for (int i = 0; i < sizes.Length; i++)
            {
                Assert.True(f.A.Ping(LanFixture.IpB, 0x1234, (ushort)i, sizes[i]));
                long before = f.A.Counters.IcmpEchoRepliesIn;
                Assert.True(f.RunUntil(() => f.A.Counters.IcmpEchoRepliesIn == before + 1, 5000));
                Assert.Equal(i, f.A.LastEchoReplySequence);
            }

            Assert.Equal(sizes.Length, f.B.Counters.IcmpEchoReplies);
        }

        [Fact]
        public void Arp_UnansweredNeighbour_GivesUpAfterRetries_DropsQueuedFrames()
        {
            var f = new LanFixture();
            int sa = f.A.UdpOpen(0);
            f.A.UdpSendTo(sa, 0xC0000263, 9, new byte[1], 0, 1); // 192.0.2.99: nobody
            f.Lan.RunFor(10000);
            Assert.Equal(f.A.Config.ArpMaxRequests, f.A.Counters.ArpRequestsOut);
            Assert.Equal(1, f.A.Counters.ArpFailures);
            Assert.Equal(1, f.A.Counters.ArpQueueDrops);
        }

        [Fact]
        public void Arp_EntryInUse_IsRefreshedByUnicast_UnusedOneExpires()
        {
            var cfg = new NetworkConfig { ArpEntryLifetimeMs = 5000 };
            var f = new LanFixture(cfg);
            int sa = f.A.UdpOpen(0);
            f.A.UdpSendTo(sa, LanFixture.IpB, 9, new byte[1], 0, 1);
            f.Lan.RunFor(100);
            Assert.Equal(1, f.A.ArpEntries);
            f.A.UdpSendTo(sa, LanFixture.IpB, 9, new byte[1], 0, 1); // in use
            f.Lan.RunFor(5000);
            Assert.Equal(1, f.A.Counters.ArpRefreshes);
            Assert.Equal(1, f.A.ArpEntries); // B answered the unicast probe
            f.Lan.RunFor(5000); // not used since: ages out
            Assert.Equal(0, f.A.ArpEntries);
            Assert.Equal(1, f.A.Counters.ArpExpired);
        }

        [Fact]
        public void PoisonedArpEntry_HealsByTcpNegativeAdvice_LongBeforeItAgesOut()
        {
            var f = new LanFixture();
            int l = f.B.Tcp.Listen(0, 9, 2);
            int c = f.A.Tcp.Connect(0, LanFixture.IpB, 9, 0);
            int s = 0;
            Assert.True(f.RunUntil(() => (s = s > 0 ? s : f.B.Tcp.Accept(l)) > 0));
            // A corrupted (or forged) ARP reply: B's address now maps to a MAC nobody has.
            byte[] bogus = { 0x02, 0xBA, 0xD0, 0, 0, 0x02 };
            var frame = new byte[60];
            new EthernetFrame().Emit(frame, 0, LanFixture.MacA, 0, bogus, 0, EtherType.Arp, 28);
            new ArpPacket().Emit(frame, 14, ArpOperation.Reply, bogus, 0, LanFixture.IpB, LanFixture.MacA, 0, LanFixture.IpA);
            f.A.Input(frame, 60);
            var mac = new byte[6];
            Assert.True(f.A.TryGetNeighbour(LanFixture.IpB, mac, 0));
            Assert.Equal(bogus, mac);
            byte[] data = TcpFixtureBytes(20000);
            int sent = 0, got = 0;
            var buf = new byte[4096];
            long start = f.Lan.NowMs;
            Assert.True(f.RunUntil(() =>
            {
                if (sent < data.Length)
                {
                    int n = f.A.Tcp.Send(c, data, sent, data.Length - sent); if (n > 0)
                    {
                        sent += n;
                    }
                }
                int k = f.B.Tcp.Receive(s, buf, 0, buf.Length);
                if (k > 0)
                {
                    got += k;
                }

                return got == data.Length;
            }, 60000));
            Assert.Equal(1, f.A.Counters.ArpNegativeAdvice);
            Assert.True(f.A.TryGetNeighbour(LanFixture.IpB, mac, 0));
            Assert.Equal(LanFixture.MacB, mac);
            Assert.True(f.Lan.NowMs - start < 10000, "healed after " + (f.Lan.NowMs - start) + " ms (the entry would live 300 s)");
        }

        [Fact]
        public void SetAddress_SendsGratuitousArp()
        {
            var f = new LanFixture();
            long before = f.A.Counters.ArpGratuitousOut;
            f.A.SetAddress(LanFixture.IpC, 0xFFFFFF00, 0, 0);
            Assert.Equal(before + 1, f.A.Counters.ArpGratuitousOut);
        }

        [Fact]
        public void OffLink_GoesToTheGateway()
        {
            var f = new LanFixture(gatewayForA: LanFixture.IpB);
            int sa = f.A.UdpOpen(0);
            f.A.UdpSendTo(sa, 0xC6336401, 53, new byte[8], 0, 8); // 198.51.100.1: off-link
            f.Lan.RunFor(100);
            Assert.Equal(1, f.B.Counters.IpNotForUs); // the gateway received it (it does not forward)
        }

        [Fact]
        public void Fragment_IsDroppedAndCounted()
        {
            var f = new LanFixture();
            byte[] frame = new byte[60];
            new EthernetFrame().Emit(frame, 0, LanFixture.MacA, 0, LanFixture.MacB, 0, EtherType.Ipv4, 28);
            var ip = new Ipv4Packet();
            ip.Emit(frame, 14, LanFixture.IpB, LanFixture.IpA, IpProtocol.Udp, 8, 1, 64, false);
            ip.MoreFragments = true;
            ip.FillChecksum();
            f.A.Input(frame, 60);
            Assert.Equal(1, f.A.Counters.IpFragmentsDropped);
        }

        [Fact]
        public void HostileFrames_NeverThrow_AndAreCounted()
        {
            var f = new LanFixture();
            var rng = new Random(5);
            var frame = new byte[1514];
            for (int i = 0; i < 20000; i++)
            {
                int len = rng.Next(0, 1515);
                rng.NextBytes(frame);
                if (i % 2 == 0)
                {
                    EthernetFrame.CopyMac(LanFixture.MacA, 0, frame, 0);
                    frame[12] = 0x08;
                    frame[13] = (byte)(i % 4 == 0 ? 0x00 : 0x06);
                }

                f.A.Input(frame, len);
            }

            Assert.Equal(20000, f.A.Counters.FramesIn);
            Assert.True(f.A.Counters.IpMalformed + f.A.Counters.IpBadChecksum + f.A.Counters.ArpMalformed > 5000);
        }

        /// <summary>
        /// Buffer ranges that do not exist (null, negative, past the end, an offset + length that
        /// overflows int) are refused with an error code or nothing done: a public call never throws
        /// (an exception would allocate, and on the device end the program).
        /// </summary>
        [Fact]
        public void PublicCalls_WithBadBufferRanges_ReturnErrors_NeverThrow()
        {
            var f = new LanFixture();
            int l = f.B.Tcp.Listen(0, 9, 2);
            int c = f.A.Tcp.Connect(0, LanFixture.IpB, 9, 0);
            Assert.True(f.RunUntil(() => f.B.Tcp.Accept(l) > 0));
            int u = f.A.UdpOpen(0);
            var small = new byte[4];
            foreach (var (buffer, offset, length) in new (byte[], int, int)[]
            {
                (null, 0, 1), (small, -1, 1), (small, 0, -1), (small, 2, 3), (small, int.MaxValue, 1), (small, 1, int.MaxValue),
            })
            {
                Assert.Equal(NetError.InvalidArgument, f.A.Tcp.Send(c, buffer, offset, length));
                Assert.Equal(NetError.InvalidArgument, f.A.Tcp.Receive(c, buffer, offset, length));
                Assert.Equal(NetError.InvalidArgument, f.A.UdpSendTo(u, LanFixture.IpB, 9, buffer, offset, length));
                Assert.Equal(NetError.InvalidArgument, f.A.UdpReceiveFrom(u, buffer, offset, length, out _, out _));
            }

            var mac = new byte[6];
            Assert.False(f.A.TryGetNeighbour(LanFixture.IpB, small, 0));
            Assert.False(f.A.TryGetNeighbour(LanFixture.IpB, mac, 1));
            Assert.True(f.A.TryGetNeighbour(LanFixture.IpB, mac, 0));
            f.A.GetMacAddress(small, 0);
            f.A.GetMacAddress(null, 0);
            Assert.Equal(new byte[4], small);
            Assert.Equal(TcpState.Established, f.A.Tcp.GetState(c));
        }

        [Fact]
        public void AllocatedBytes_Summary_MatchesWhatConstructionAllocates()
        {
            var cfg = new NetworkConfig();
            var port = new SimulatedLan().AddPort(LanFixture.MacA);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var stack = new NetworkStack(cfg, port, new EmbeddedTcp.Hal.SeededRandom(1));
            long measured = GC.GetAllocatedBytesForCurrentThread() - before;
            _log.WriteLine("summary " + stack.AllocatedBytes + " bytes, measured " + measured + " bytes (desktop object headers included)");
            Assert.InRange(stack.AllocatedBytes, measured * 80 / 100, measured);
        }

        [Fact]
        public void ArpPingsUdpAndTcp_AllocateNothing_AfterWarmUp()
        {
            var f = new LanFixture(new NetworkConfig { ArpEntryLifetimeMs = 2000 });
            int l = f.B.Tcp.Listen(0, 7, 2);
            int ub = f.B.UdpOpen(5000);
            int ua = f.A.UdpOpen(0);
            var buf = new byte[1460];
            Traffic(f, l, ua, ub, buf, 3); // warm-up: every path once
            long before = GC.GetAllocatedBytesForCurrentThread();
            Traffic(f, l, ua, ub, buf, 50);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(f.A.Counters.ArpRefreshes + f.A.Counters.ArpExpired > 0);
            Assert.Equal(0, allocated);
        }

        private static void Traffic(LanFixture f, int listener, int ua, int ub, byte[] buf, int rounds)
        {
            for (int r = 0; r < rounds; r++)
            {
                f.A.Ping(LanFixture.IpB, 1, (ushort)r, 100);
                f.A.UdpSendTo(ua, LanFixture.IpB, 5000, buf, 0, 200);
                int c = f.A.Tcp.Connect(LanFixture.IpA, LanFixture.IpB, 7, 0);
                int s = 0;
                int sent = 0;
                int received = 0;
                bool closed = false;
                for (int k = 0; k < 100000; k++)
                {
                    if (s <= 0)
                    {
                        s = f.B.Tcp.Accept(listener);
                    }

                    if (sent < 20000 && f.A.Tcp.GetState(c) == TcpState.Established)
                    {
                        int n = f.A.Tcp.Send(c, buf, 0, Math.Min(buf.Length, 20000 - sent));
                        if (n > 0)
                        {
                            sent += n;
                        }
                    }

                    if (sent == 20000 && !closed)
                    {
                        f.A.Tcp.Close(c);
                        closed = true;
                    }

                    if (s > 0)
                    {
                        int n = f.B.Tcp.Receive(s, buf, 0, buf.Length);
                        if (n > 0)
                        {
                            received += n;
                        }
                        else if (n == NetError.EndOfStream) { f.B.Tcp.Close(s); s = -1; }
                    }

                    uint from;
                    int port;
                    f.B.UdpReceiveFrom(ub, buf, 0, buf.Length, out from, out port);
                    if (s == -1 && f.A.Tcp.ActiveCount == 0 && f.B.Tcp.ActiveCount == 0)
                    {
                        break;
                    }

                    f.Lan.Step(f.Lan.NowMs + 100000);
                }

                f.Lan.RunFor(3000); // let ARP entries age and refresh
            }
        }
    }
}
