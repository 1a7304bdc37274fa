using System;
using System.Collections.Generic;
using EmbeddedTcp.Tcp;
using EmbeddedTcp.Wire;
using Xunit;

namespace EmbeddedTcp.Tests.Tcp
{
    /// <summary>Issue "TCP data transfer", segment by segment: retransmission, windows, reassembly, Nagle, RFC 5961.</summary>
    public class DataTransferSegmentTests
    {
        private static TcpFixture BigWindowPeer(TcpConfig cfg = null)
        {
            var f = TcpFixture.EstablishedActive(cfg ?? new TcpConfig { SendBufferSize = 16384 });
            // Open the peer's window wide (the SYN-ACK said 8192).
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = f.Iss + 1, Window = 60000 });
            f.Out.None();
            return f;
        }

        [Fact]
        public void SendMss_IsMinOfPeerMssAndOurs_536WhenAbsent()
        {
            var f = TcpFixture.SynSent();
            f.Feed(new Seg { Flags = TcpFlags.Syn | TcpFlags.Ack, SeqNo = 1000, AckNo = f.Iss + 1, Window = 60000 });
            f.Out.Single();
            f.Stack.SetNoDelay(f.Handle, true);
            f.Stack.Send(f.Handle, new byte[2000], 0, 2000);
            var segs = f.Out.Take();
            Assert.Equal(536, segs[0].Len);
        }

        [Fact]
        public void SendSpace_IsWhatSendTakes_AndZeroWhenItWouldTakeNothing()
        {
            var f = BigWindowPeer(new TcpConfig { SendBufferSize = 4096 });
            Assert.Equal(4096, f.Stack.SendSpace(f.Handle));
            Assert.Equal(3000, f.Stack.Send(f.Handle, new byte[3000], 0, 3000));
            int space = f.Stack.SendSpace(f.Handle);
            Assert.Equal(4096 - f.Stack.BytesQueued(f.Handle), space);
            Assert.Equal(space, f.Stack.Send(f.Handle, new byte[8000], 0, 8000));
            Assert.Equal(0, f.Stack.SendSpace(f.Handle));
            Assert.False(f.Stack.CanSend(f.Handle));
            Assert.Equal(0, f.Stack.SendSpace(f.Handle ^ 0x7F));    // a stale or invalid handle
            Assert.Equal(0, f.Stack.Shutdown(f.Handle));
            Assert.Equal(0, f.Stack.SendSpace(f.Handle));           // FIN queued: Send takes nothing more
        }

        [Fact]
        public void FastRetransmit_OnThirdDuplicateAck()
        {
            var f = BigWindowPeer();
            byte[] data = TcpFixture.Bytes(4 * 1460);
            Assert.Equal(data.Length, f.Stack.Send(f.Handle, data, 0, data.Length));
            var segs = f.Out.Take();
            Assert.Equal(4, segs.Count);
            uint second = f.Iss + 1 + 1460;
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = second, Window = 60000 });
            f.Out.None();
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = second, Window = 60000 });
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = second, Window = 60000 });
            f.Out.None();
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = second, Window = 60000 });
            Seg re = f.Out.Single();
            Assert.Equal(second, re.SeqNo);
            Assert.Equal(1460, re.Len);
            Assert.Equal(data[1460], re.Data[0]);
            Assert.Equal(1, f.Stack.Counters.FastRetransmits);
            // NewReno: a partial ACK retransmits the next hole at once.
            uint third = second + 1460;
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = third, Window = 60000 });
            Seg re2 = f.Out.Take()[0];
            Assert.Equal(third, re2.SeqNo);
            // The full ACK ends recovery.
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = f.Iss + 1 + (uint)data.Length, Window = 60000 });
            Assert.Equal(0, f.Stack.BytesQueued(f.Handle));
        }

        [Fact]
        public void LimitedTransmit_FirstTwoDuplicateAcks_EachReleaseOneNewSegment()
        {
            var f = BigWindowPeer(new TcpConfig { SendBufferSize = 32768 });
            byte[] data = TcpFixture.Bytes(20 * 1460);
            f.Stack.Send(f.Handle, data, 0, data.Length);
            int first = f.Out.Take().Count; // the initial window
            Assert.Equal(10, first);
            uint una = f.Iss + 1;
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = una, Window = 60000 });
            Seg n1 = f.Out.Single();
            Assert.Equal(una + 10 * 1460u, n1.SeqNo); // new data, not a retransmission
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = una, Window = 60000 });
            Assert.Equal(una + 11 * 1460u, f.Out.Single().SeqNo);
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = una, Window = 60000 });
            Seg re = f.Out.Take()[0];
            Assert.Equal(una, re.SeqNo); // the third one: fast retransmit
        }

        [Fact]
        public void Rto_BackoffDoubles_ThenNewSampleResetsIt()
        {
            var f = BigWindowPeer();
            f.Stack.Send(f.Handle, new byte[100], 0, 100);
            f.Out.Single();
            long sentAt = f.Now;
            var gaps = new List<long>();
            long last = sentAt;
            for (int i = 0; i < 4; i++)
            {
                for (int k = 0; k < 100000; k++)
                {
                    f.Advance(1);
                    if (f.Out.Sent.Count > 0)
                    {
                        break;
                    }
                }

                Seg re = f.Out.Single();
                Assert.Equal(f.Iss + 1, re.SeqNo);
                gaps.Add(f.Now - last);
                last = f.Now;
            }

            Assert.Equal(200, gaps[0]);
            Assert.Equal(400, gaps[1]);
            Assert.Equal(800, gaps[2]);
            Assert.Equal(1600, gaps[3]);
            // The retransmission is acknowledged: Karn's rule gives no sample, the backed-off RTO stays...
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = f.Iss + 101, Window = 60000 });
            var info = new TcpEntryInfo();
            f.Stack.GetEntry(0, info);
            Assert.Equal(3200, info.RtoMs);
            // ...until new data is timed: a 10 ms sample brings the RTO back to its floor.
            f.Stack.Send(f.Handle, new byte[100], 0, 100);
            f.Out.Single();
            f.Advance(10);
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = f.Iss + 201, Window = 60000 });
            f.Stack.GetEntry(0, info);
            Assert.Equal(f.Config.MinRtoMs, info.RtoMs);
        }

        [Fact]
        public void RetransmissionLimit_AbortsWithTimedOut_AndRst()
        {
            var f = BigWindowPeer();
            f.Stack.Send(f.Handle, new byte[10], 0, 10);
            f.Advance(10 * 60000);
            var segs = f.Out.Take();
            Assert.Equal(TcpState.Closed, f.State);
            Assert.Equal(NetError.TimedOut, f.Stack.GetError(f.Handle));
            Assert.Equal(NetError.TimedOut, f.Stack.Send(f.Handle, new byte[1], 0, 1));
            Assert.True(segs[^1].Has(TcpFlags.Rst));
            Assert.Equal(1 + f.Config.MaxRetransmissions, segs.FindAll(s => s.Len == 10).Count);
        }

        [Fact]
        public void ZeroWindow_Probes_WithBackoff_ThenResumes()
        {
            var f = TcpFixture.EstablishedActive();
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = f.Iss + 1, Window = 0 });
            Assert.Equal(300, f.Stack.Send(f.Handle, TcpFixture.Bytes(300), 0, 300));
            f.Out.None(); // window closed: nothing goes
            var probeTimes = new List<long>();
            for (int i = 0; i < 4; i++)
            {
                for (int k = 0; k < 100000 && f.Out.Sent.Count == 0; k++)
                {
                    f.Advance(1);
                }

                Seg probe = f.Out.Single();
                Assert.Equal(0, probe.Len);
                Assert.Equal(f.Iss, probe.SeqNo); // SND.UNA - 1: an old sequence number the receiver must answer
                probeTimes.Add(f.Now);
                // The receiver still has no room: it answers with its zero window.
                f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = f.Iss + 1, Window = 0 });
            }

            Assert.True(probeTimes[2] - probeTimes[1] == 2 * (probeTimes[1] - probeTimes[0]), "persist interval doubles");
            Assert.Equal(4, f.Stack.Counters.ZeroWindowProbes);
            Assert.Equal(TcpState.Established, f.State); // probes never abort the connection
            // The window opens: the data flows.
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = f.Iss + 1, Window = 4000 });
            Seg d = f.Out.Single();
            Assert.Equal(300, d.Len);
            Assert.Equal(f.Iss + 1, d.SeqNo);
        }

        [Fact]
        public void ZeroWindowBothWays_OurAcksStayAcceptable_WhileWeProbe()
        {
            // The peer's window is closed to us (we probe it) while it sends us data: our ACKs for
            // that data must carry a sequence number its closed window still accepts (SND.NXT).
            var f = TcpFixture.EstablishedActive();
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = f.Iss + 1, Window = 0 });
            f.Stack.Send(f.Handle, new byte[100], 0, 100);
            for (int k = 0; k < 100000 && f.Out.Sent.Count == 0; k++)
            {
                f.Advance(1);
            }

            f.Out.Take(); // the first probe
            f.Feed(f.Data(f.Iss + 1, new byte[50]));
            f.Advance(f.Config.DelayedAckMs);
            Seg ack = f.Out.Take()[^1];
            Assert.Equal(f.Iss + 1, ack.SeqNo);
            Assert.Equal(f.RemoteNxt + 50, ack.AckNo);
        }

        public static IEnumerable<object[]> Orders()
        {
            int[] p = { 0, 1, 2, 3 };
            var all = new List<object[]>();
            Permute(p, 0, all);
            return all;
        }

        private static void Permute(int[] p, int k, List<object[]> all)
        {
            if (k == p.Length)
            {
                all.Add(new object[] { string.Join("", p) });
                return;
            }

            for (int i = k; i < p.Length; i++)
            {
                (p[k], p[i]) = (p[i], p[k]);
                Permute(p, k + 1, all);
                (p[k], p[i]) = (p[i], p[k]);
            }
        }

        [Theory]
        [MemberData(nameof(Orders))]
        public void OutOfOrder_FourSegments_AnyOrder_DeliveredIntact(string order)
        {
            var f = TcpFixture.Established();
            byte[] data = TcpFixture.Bytes(4 * 500, 3);
            foreach (char ch in order)
            {
                int i = ch - '0';
                var seg = new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt + (uint)(i * 500), AckNo = f.Iss + 1, Data = data.AsSpan(i * 500, 500).ToArray() };
                f.Feed(seg);
                if (i != 0 || f.Stack.BytesToRead(f.Handle) < 2000)
                {
                    // Out-of-order data, or data filling a hole, is acknowledged at once.
                }
            }

            f.Advance(f.Config.DelayedAckMs);
            var buf = new byte[4000];
            Assert.Equal(2000, f.Stack.Receive(f.Handle, buf, 0, 4000));
            Assert.Equal(data, buf[..2000]);
            var acks = f.Out.Take();
            Assert.Equal(f.RemoteNxt + 2000, acks[^1].AckNo);
        }

        [Fact]
        public void OutOfOrder_SegmentAcknowledgedImmediately_WithRcvNxt()
        {
            var f = TcpFixture.Established();
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt + 100, AckNo = f.Iss + 1, Data = new byte[100] });
            Seg dupAck = f.Out.Single();
            Assert.Equal(f.RemoteNxt, dupAck.AckNo);
            Assert.Equal(1, f.Stack.Counters.OutOfOrderSegments);
        }

        [Fact]
        public void Reassembly_BoundedWhenRangesRunOut_DataStillIntactAfterRetransmission()
        {
            var f = TcpFixture.Established(new TcpConfig { ReassemblyRanges = 2 });
            byte[] data = TcpFixture.Bytes(700, 5);
            Seg Part(int i) => new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt + (uint)(i * 100), AckNo = f.Iss + 1, Data = data.AsSpan(i * 100, 100).ToArray() };
            f.Feed(Part(1));
            f.Feed(Part(3));
            f.Feed(Part(5)); // a third disjoint range: refused
            Assert.Equal(1, f.Stack.Counters.DropsByReason[(int)TcpDropReason.ReassemblyFull]);
            f.Feed(Part(0));
            f.Feed(Part(2));
            f.Feed(Part(4));
            Assert.Equal(500, f.Stack.BytesToRead(f.Handle));
            f.Feed(Part(5)); // the sender's retransmission
            f.Feed(Part(6));
            var buf = new byte[1000];
            Assert.Equal(700, f.Stack.Receive(f.Handle, buf, 0, 1000));
            Assert.Equal(data, buf[..700]);
        }

        [Fact]
        public void Nagle_HoldsSmallSegmentWhileDataUnacked_NoDelaySendsAtOnce()
        {
            var f = BigWindowPeer();
            f.Stack.Send(f.Handle, new byte[10], 0, 10);
            Assert.Equal(10, f.Out.Single().Len);
            f.Stack.Send(f.Handle, new byte[10], 0, 10);
            f.Out.None(); // held: 10 bytes unacknowledged
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = f.Iss + 11, Window = 60000 });
            Assert.Equal(10, f.Out.Single().Len); // released by the ACK
            f.Stack.SetNoDelay(f.Handle, true);
            f.Stack.Send(f.Handle, new byte[10], 0, 10);
            f.Stack.Send(f.Handle, new byte[10], 0, 10);
            Assert.Equal(2, f.Out.Take().Count);
        }

        [Fact]
        public void RequestResponse_TwoWriteReply_NoDelayedAckStall()
        {
            // Client sends a request; the server answers in two writes (header, then body), so Nagle holds
            // the body until the header is acknowledged: the classic Nagle/delayed-ACK stall. The client's
            // ACK goes out after its application's turn, so no round waits for the delayed-ACK timer.
            var cfg = new TcpConfig { DelayedAckMs = 200 };
            var link = new TcpLink(cfg, new TcpConfig { DelayedAckMs = 200 }, 3) { DelayMs = 1 };
            int l = link.B.Listen(TcpLink.IpB, 80, 2);
            int c = link.A.Connect(TcpLink.IpA, TcpLink.IpB, 80, 0);
            int s = 0;
            for (int k = 0; k < 100 && s <= 0; k++)
            {
                link.Step(link.Now + 1000);
                s = link.B.Accept(l);
            }

            var buf = new byte[2000];
            long start = link.Now;
            const int rounds = 50;
            for (int round = 0; round < rounds; round++)
            {
                Assert.Equal(50, link.A.Send(c, buf, 0, 50));
                int got = 0;
                bool answered = false;
                for (int k = 0; k < 10000 && got < 150; k++)
                {
                    if (!answered && link.B.BytesToRead(s) >= 50)
                    {
                        Assert.Equal(50, link.B.Receive(s, buf, 0, 2000));
                        link.B.Send(s, buf, 0, 50);  // header
                        link.B.Send(s, buf, 0, 100); // body
                        answered = true;
                    }

                    int n = link.A.Receive(c, buf, 0, 2000);
                    if (n > 0)
                    {
                        got += n;
                    }

                    link.Step(link.Now + 1000);
                }

                Assert.Equal(150, got);
            }

            long perRound = (link.Now - start) / rounds;
            Assert.True(perRound < 20, "a request/response round took " + perRound + " ms (delayed ACK is 200 ms)");
        }

        [Fact]
        public void DelayedAck_AtMostEverySecondFullSegment()
        {
            var f = TcpFixture.Established(new TcpConfig { AckAfterApplicationTurn = false });
            f.Feed(f.Data(f.Iss + 1, new byte[1460]));
            f.Out.None();
            f.RemoteNxt += 1460;
            f.Feed(f.Data(f.Iss + 1, new byte[1460]));
            f.RemoteNxt += 1460;
            Assert.Equal(f.RemoteNxt, f.Out.Single().AckNo);
            f.Feed(f.Data(f.Iss + 1, new byte[100]));
            f.RemoteNxt += 100;
            f.Out.None();
            f.Advance(f.Config.DelayedAckMs - 1);
            f.Out.None();
            f.Advance(1);
            Assert.Equal(f.RemoteNxt, f.Out.Single().AckNo);
        }

        [Fact]
        public void ReceiveWindow_ShrinksAsDataWaits_ReopensWithUpdateAfterRead()
        {
            var f = TcpFixture.Established(new TcpConfig { ReceiveBufferSize = 4096 });
            for (int i = 0; i < 3; i++)
            {
                f.Feed(f.Data(f.Iss + 1, new byte[1000]));
                f.RemoteNxt += 1000;
            }

            f.Advance(1);
            Seg ack = f.Out.Take()[^1];
            Assert.Equal(1096, ack.Window);
            f.Stack.Receive(f.Handle, new byte[4096], 0, 4096);
            Seg update = f.Out.Single();
            Assert.Equal(4096, update.Window);
            Assert.Equal(f.RemoteNxt, update.AckNo);
        }

        [Fact]
        public void Rfc5961_InWindowRstNotExact_ChallengeAck_NoReset()
        {
            var f = TcpFixture.Established();
            f.Feed(new Seg { Flags = TcpFlags.Rst, SeqNo = f.RemoteNxt + 10 });
            Seg ch = f.Out.Single();
            Assert.Equal(TcpFlags.Ack, ch.Flags);
            Assert.Equal(f.Iss + 1, ch.SeqNo);
            Assert.Equal(f.RemoteNxt, ch.AckNo);
            Assert.Equal(TcpState.Established, f.State);
            Assert.Equal(1, f.Stack.Counters.ChallengeAcks);
        }

        [Fact]
        public void Rfc5961_SynInSynchronizedState_ChallengeAck()
        {
            var f = TcpFixture.Established();
            f.Feed(new Seg { Flags = TcpFlags.Syn, SeqNo = f.RemoteNxt + 5 });
            Seg ch = f.Out.Single();
            Assert.Equal(TcpFlags.Ack, ch.Flags);
            Assert.Equal(f.RemoteNxt, ch.AckNo);
            Assert.Equal(TcpState.Established, f.State);
        }

        [Fact]
        public void Rfc5961_DataWithAckOutsideRange_Dropped_ChallengeAck()
        {
            var f = TcpFixture.Established();
            f.Feed(f.Data(f.Iss + 100000, new byte[50])); // acknowledges data never sent
            Seg ch = f.Out.Single();
            Assert.Equal(TcpFlags.Ack, ch.Flags);
            Assert.Equal(0, f.Stack.BytesToRead(f.Handle));
            f.Feed(f.Data(f.Iss - 200000, new byte[50])); // far too old (below SND.UNA - MAX.SND.WND)
            f.Out.Single();
            Assert.Equal(0, f.Stack.BytesToRead(f.Handle));
            Assert.Equal(2, f.Stack.Counters.DropsByReason[(int)TcpDropReason.BadAck]);
        }

        [Fact]
        public void Rfc5961_ChallengeAcks_AreRateLimited()
        {
            var f = TcpFixture.Established();
            for (int i = 0; i < 50; i++)
            {
                f.Feed(new Seg { Flags = TcpFlags.Rst, SeqNo = f.RemoteNxt + 10 + (uint)i });
            }

            Assert.Equal(f.Config.ChallengeAckLimitPerSecond, f.Out.Take().Count);
            Assert.Equal(50 - f.Config.ChallengeAckLimitPerSecond, f.Stack.Counters.ChallengeAcksSuppressed);
            f.Advance(1000);
            f.Feed(new Seg { Flags = TcpFlags.Rst, SeqNo = f.RemoteNxt + 10 });
            f.Out.Single();
        }

        [Fact]
        public void Rfc1337_TimeWaitIgnoresRst()
        {
            var f = TcpFixture.TimeWait();
            f.Feed(new Seg { Flags = TcpFlags.Rst, SeqNo = f.RemoteNxt });
            f.Out.None();
            Assert.Equal(TcpState.TimeWait, f.State);
            Assert.Equal(1, f.Stack.Counters.DropsByReason[(int)TcpDropReason.RstInTimeWait]);
        }

        [Fact]
        public void Isn_SameTupleDiffersAcrossTime_DifferentTuplesDiffer()
        {
            var isn = new IsnGenerator(0x01234567, 0x89abcdef);
            uint a0 = isn.Next(1, 80, 2, 5000, 0);
            uint a1 = isn.Next(1, 80, 2, 5000, 1000);
            Assert.Equal(250000u, a1 - a0); // the clock term: 4 us ticks
            uint b0 = isn.Next(1, 80, 2, 5001, 0);
            uint c0 = isn.Next(1, 80, 3, 5000, 0);
            Assert.NotEqual(a0, b0);
            Assert.NotEqual(a0, c0);
            var other = new IsnGenerator(0x01234568, 0x89abcdef);
            Assert.NotEqual(a0, other.Next(1, 80, 2, 5000, 0)); // another secret, another sequence space
            // Ports across the whole range give well-spread values (no two equal among 10,000).
            var seen = new HashSet<uint>();
            for (int p = 0; p < 10000; p++)
            {
                Assert.True(seen.Add(isn.Next(1, 80, 2, (ushort)(1024 + p), 0)));
            }
        }

        [Fact]
        public void EphemeralPorts_AreRandomized_AndInRange()
        {
            var f = new TcpFixture(new TcpConfig { MaxConnections = 8 });
            var ports = new HashSet<int>();
            for (int i = 0; i < 8; i++)
            {
                int h = f.Stack.Connect(TcpFixture.LocalIp, TcpFixture.RemoteIp, 80, 0);
                Assert.True(h > 0);
                var info = new TcpEntryInfo();
                f.Stack.GetEntry(f.Stack.IndexOf(h), info);
                Assert.InRange(info.LocalPort, 49152, 65535);
                ports.Add(info.LocalPort);
            }

            Assert.Equal(8, ports.Count);
            Assert.False(IsSequential(ports));
        }

        private static bool IsSequential(HashSet<int> ports)
        {
            var l = new List<int>(ports);
            l.Sort();
            return l[^1] - l[0] == l.Count - 1;
        }

        [Fact]
        public void Keepalive_ProbesIdlePeer_AbortsWithTimedOut()
        {
            var cfg = new TcpConfig { KeepaliveIdleMs = 10000, KeepaliveIntervalMs = 1000, KeepaliveCount = 3 };
            var f = TcpFixture.Established(cfg);
            Assert.Equal(NetError.Ok, f.Stack.SetKeepalive(f.Handle, true));
            f.Advance(9999);
            f.Out.None();
            f.Advance(1);
            Seg probe = f.Out.Single();
            Assert.Equal(f.Iss, probe.SeqNo); // SND.NXT - 1: the peer must answer
            Assert.Equal(0, probe.Len);
            // An answer resets the idle timer.
            f.Feed(f.Ack(f.Iss + 1));
            f.Advance(9999);
            f.Out.None();
            f.Advance(1 + 3 * 1000);
            var probes = f.Out.Take();
            Assert.Equal(4, probes.Count); // three probes, then the RST that ends it
            Assert.True(probes[3].Has(TcpFlags.Rst));
            Assert.Equal(TcpState.Closed, f.State);
            Assert.Equal(NetError.TimedOut, f.Stack.GetError(f.Handle));
        }
    }
}
