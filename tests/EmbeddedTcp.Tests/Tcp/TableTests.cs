using EmbeddedTcp.Tcp;
using EmbeddedTcp.Wire;
using Xunit;

namespace EmbeddedTcp.Tests.Tcp
{
    /// <summary>The fixed connection table: backlog, TIME_WAIT reuse, stale handles, no leaks.</summary>
    public class TableTests
    {
        [Fact]
        public void StaleHandle_AfterCloseAndReuse_IsRejected()
        {
            var f = TcpFixture.Established();
            int old = f.Handle;
            Assert.Equal(NetError.Ok, f.Stack.Abort(old));
            Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, f.Out.Single().Flags);
            // The entry is reused by a new connection...
            int fresh = f.Stack.Connect(TcpFixture.LocalIp, TcpFixture.RemoteIp, 7, 0);
            Assert.True(fresh > 0);
            Assert.Equal(0, f.Stack.IndexOf(fresh));
            // ...and the old handle touches nothing.
            Assert.Equal(NetError.InvalidHandle, f.Stack.Send(old, new byte[1], 0, 1));
            Assert.Equal(NetError.InvalidHandle, f.Stack.Receive(old, new byte[1], 0, 1));
            Assert.Equal(NetError.InvalidHandle, f.Stack.Close(old));
            Assert.Equal(TcpState.SynSent, f.Stack.GetState(fresh));
        }

        /// <summary>GetEntry fills the caller's snapshot; a bad index or no snapshot is refused, never thrown.</summary>
        [Fact]
        public void GetEntry_FillsTheCallersSnapshot_RefusesBadArguments()
        {
            var f = TcpFixture.Established();
            var info = new TcpEntryInfo();
            Assert.True(f.Stack.GetEntry(f.Stack.IndexOf(f.Handle), info));
            Assert.Equal(TcpState.Established, info.State);
            Assert.Equal(TcpFixture.RemotePort, info.RemotePort);
            Assert.False(info.Free);
            info.State = TcpState.Closing;
            Assert.False(f.Stack.GetEntry(-1, info));
            Assert.False(f.Stack.GetEntry(f.Stack.Capacity, info));
            Assert.Equal(TcpState.Closing, info.State); // untouched
            Assert.False(f.Stack.GetEntry(0, null));
        }

        /// <summary>The trace is read into the caller's record, oldest first; an empty ring or no record reads nothing.</summary>
        [Fact]
        public void TraceRead_FillsTheCallersRecord()
        {
            var ring = new EmbeddedTcp.Diagnostics.TraceRing(2);
            var e = new EmbeddedTcp.Diagnostics.TraceEvent();
            Assert.False(ring.TryRead(e));
            ring.Add(5, EmbeddedTcp.Diagnostics.TraceKind.Retransmit, 1, 10, 20, 1);
            ring.Add(6, EmbeddedTcp.Diagnostics.TraceKind.StateChange, 2, 1, 3, 4);
            Assert.False(ring.TryRead(null));
            Assert.Equal(2, ring.Count);
            Assert.True(ring.TryRead(e));
            Assert.Equal(5, e.TimeMs);
            Assert.Equal(EmbeddedTcp.Diagnostics.TraceKind.Retransmit, e.Kind);
            Assert.Equal(1, e.Connection);
            Assert.Equal(10, e.A);
            Assert.Equal(20, e.B);
            Assert.Equal(1, e.C);
            Assert.True(ring.TryRead(e));
            Assert.Equal(6, e.TimeMs);
            Assert.Equal(2, e.Connection);
            Assert.False(ring.TryRead(e));
            Assert.Equal(6, e.TimeMs); // an empty ring leaves the record as it was
        }

        [Fact]
        public void Backlog_CountsHalfOpenAndUnaccepted_RecyclesOldestHalfOpen()
        {
            var f = new TcpFixture(new TcpConfig { MaxConnections = 8 });
            int l = f.Stack.Listen(0, 80, 2);
            // Two completed, unaccepted connections fill the backlog.
            for (int i = 0; i < 2; i++)
            {
                f.Feed(new Seg { Flags = TcpFlags.Syn, SeqNo = 100, SrcPort = (ushort)(2000 + i), Mss = 1460 });
                Seg sa = f.Out.Single();
                f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = 101, AckNo = sa.SeqNo + 1, SrcPort = (ushort)(2000 + i) });
            }

            f.Feed(new Seg { Flags = TcpFlags.Syn, SeqNo = 100, SrcPort = 3000, Mss = 1460 });
            f.Out.None();
            Assert.Equal(1, f.Stack.Counters.DropsByReason[(int)TcpDropReason.BacklogFull]);
            Assert.True(f.Stack.Accept(l) > 0);
            // One slot free: a half-open entry takes it; the next SYN recycles it (oldest first).
            f.Feed(new Seg { Flags = TcpFlags.Syn, SeqNo = 100, SrcPort = 3001, Mss = 1460 });
            Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, f.Out.Single().Flags);
            f.Feed(new Seg { Flags = TcpFlags.Syn, SeqNo = 100, SrcPort = 3002, Mss = 1460 });
            Seg synAck = f.Out.Single();
            Assert.Equal(1, f.Stack.Counters.HalfOpenRecycled);
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = 101, AckNo = synAck.SeqNo + 1, SrcPort = 3002 });
            Assert.True(f.Stack.Accept(l) > 0);
        }

        [Fact]
        public void FullTable_ReusesOldestTimeWait_BeforeRefusing()
        {
            var f = new TcpFixture(new TcpConfig { MaxConnections = 2 });
            int l = f.Stack.Listen(0, 80, 4);
            // Two connections, each closed by us: both end in TIME_WAIT.
            for (int i = 0; i < 2; i++)
            {
                ushort port = (ushort)(4000 + i);
                f.Now += 10;
                f.Feed(new Seg { Flags = TcpFlags.Syn, SeqNo = 100, SrcPort = port, Mss = 1460 });
                Seg sa = f.Out.Single();
                f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = 101, AckNo = sa.SeqNo + 1, SrcPort = port });
                int h = f.Stack.Accept(l);
                f.Stack.Close(h);
                Seg fin = f.Out.Single();
                f.Feed(new Seg { Flags = TcpFlags.Fin | TcpFlags.Ack, SeqNo = 101, AckNo = fin.SeqNo + 1, SrcPort = port });
                f.Out.Single();
                Assert.Equal(TcpState.TimeWait, f.EntryState(i));
            }

            f.Feed(new Seg { Flags = TcpFlags.Syn, SeqNo = 100, SrcPort = 5000, Mss = 1460 });
            Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, f.Out.Single().Flags);
            Assert.Equal(1, f.Stack.Counters.TimeWaitReused);
            Assert.Equal(TcpState.SynReceived, f.EntryState(0)); // the oldest went
            Assert.Equal(TcpState.TimeWait, f.EntryState(1));
            // Table full of live entries: an active open is refused with a clear error.
            f.Feed(new Seg { Flags = TcpFlags.Syn, SeqNo = 100, SrcPort = 5001, Mss = 1460 });
            f.Out.Take();
            Assert.Equal(NetError.NoResources, f.Stack.Connect(TcpFixture.LocalIp, TcpFixture.RemoteIp, 9, 0));
        }

        [Fact]
        public void TenThousandConnections_BothSidesClose_NoEntryLeaks()
        {
            var cfg = new TcpConfig { MaxConnections = 8, MslMs = 50, SendBufferSize = 1024, ReceiveBufferSize = 1024 };
            var cfg2 = new TcpConfig { MaxConnections = 8, MslMs = 50, SendBufferSize = 1024, ReceiveBufferSize = 1024 };
            var link = new TcpLink(cfg, cfg2, 42);
            int listener = link.B.Listen(TcpLink.IpB, 7, 8);
            var buf = new byte[64];
            int completed = 0;
            for (int i = 0; i < 10000; i++)
            {
                int c = link.A.Connect(TcpLink.IpA, TcpLink.IpB, 7, 0);
                Assert.True(c > 0, "connect " + i + " failed: " + c);
                int s = 0;
                for (int k = 0; k < 1000 && s <= 0; k++)
                {
                    link.Step(link.Now + 100);
                    s = link.B.Accept(listener);
                }

                Assert.True(s > 0, "accept " + i);
                Assert.Equal(5, link.A.Send(c, buf, 0, 5));
                for (int k = 0; k < 1000 && link.B.BytesToRead(s) < 5; k++)
                {
                    link.Step(link.Now + 100);
                }

                Assert.Equal(5, link.B.Receive(s, buf, 0, 64));
                // Who closes first rotates: client, server, or both at once (simultaneous close).
                switch (i % 3)
                {
                    case 0: link.A.Close(c); break;
                    case 1: link.B.Close(s); break;
                    default: link.A.Close(c); link.B.Close(s); break;
                }

                for (int k = 0; k < 1000; k++)
                {
                    link.Step(link.Now + 100);
                    if (i % 3 == 0 && link.B.CanReceive(s) && link.B.IsValid(s))
                    {
                        Assert.Equal(NetError.EndOfStream, link.B.Receive(s, buf, 0, 64));
                        link.B.Close(s);
                    }

                    if (i % 3 == 1 && link.A.IsValid(c) && link.A.CanReceive(c))
                    {
                        Assert.Equal(NetError.EndOfStream, link.A.Receive(c, buf, 0, 64));
                        link.A.Close(c);
                    }

                    if (!link.A.IsValid(c) && !link.B.IsValid(s))
                    {
                        break;
                    }
                }

                Assert.False(link.A.IsValid(c));
                Assert.False(link.B.IsValid(s));
                completed++;
            }

            link.RunUntil(link.Now + 10000); // past every TIME_WAIT and FIN_WAIT_2 timer
            Assert.Equal(10000, completed);
            Assert.Equal(0, link.A.ActiveCount);
            Assert.Equal(0, link.B.ActiveCount);
            var info = new TcpEntryInfo();
            for (int i = 0; i < 8; i++)
            {
                link.A.GetEntry(i, info);
                Assert.True(info.Free && info.State == TcpState.Closed);
                link.B.GetEntry(i, info);
                Assert.True(info.Free && info.State == TcpState.Closed);
            }

            Assert.Equal(0, link.A.Counters.ConnectionErrors);
            Assert.Equal(0, link.B.Counters.ConnectionErrors);
        }
    }
}
