using EmbeddedTcp.Tcp;
using EmbeddedTcp.Wire;
using Xunit;

namespace EmbeddedTcp.Tests.Tcp
{
    /// <summary>
    /// The starting points of the conformance table. Each builds a fixture at time 0 with the
    /// named state, and fills the model (SND.UNA, SND.NXT, RCV.NXT, RCV.WND) from what the test,
    /// playing the remote TCP, saw on the wire — never from the stack's internals.
    /// </summary>
    public static class ConformanceOrigins
    {
        private static ConformanceContext Model(TcpFixture f, int handle, uint una, uint nxt)
        {
            return new ConformanceContext
            {
                F = f,
                Handle = handle,
                Iss = f.Iss,
                SndUna = una,
                SndNxt = nxt,
                RcvNxt = f.RemoteNxt,
                RcvWnd = f.Config.ReceiveBufferSize,
            };
        }

        private static void Send10(TcpFixture f, uint expectedSeq)
        {
            Assert.Equal(10, f.Stack.Send(f.Handle, new byte[10], 0, 10));
            Seg d = f.Out.Single();
            Assert.Equal(expectedSeq, d.SeqNo);
            Assert.Equal(10, d.Len);
        }

        private static void Receive10(TcpFixture f, uint ack)
        {
            f.Feed(f.Data(ack, new byte[10]));
            f.RemoteNxt += 10;
            f.Out.None(); // the ACK is delayed
        }

        // ------------------------------------------------------------------ CLOSED

        public static readonly ConformanceOrigin Closed = new ConformanceOrigin("CLOSED (no connection)", TcpState.Closed, () =>
        {
            var f = new TcpFixture();
            var c = Model(f, 0, 0, 0);
            c.RcvWnd = 0;
            return c;
        });

        public static readonly ConformanceOrigin ClosedHeld = new ConformanceOrigin("CLOSED (reset by peer, handle held)", TcpState.Closed, () =>
        {
            var f = TcpFixture.Established();
            f.Feed(new Seg { Flags = TcpFlags.Rst, SeqNo = f.RemoteNxt });
            f.Out.None();
            Assert.Equal(TcpState.Closed, f.State);
            return Model(f, f.Handle, f.Iss + 1, f.Iss + 1);
        });

        public static readonly ConformanceOrigin ClosedStale = new ConformanceOrigin("CLOSED (handle released)", TcpState.Closed, () =>
        {
            var f = TcpFixture.Established();
            Assert.Equal(NetError.Ok, f.Stack.Abort(f.Handle));
            f.Out.Take();
            Assert.False(f.Stack.IsValid(f.Handle));
            return Model(f, f.Handle, f.Iss + 1, f.Iss + 1);
        });

        // ------------------------------------------------------------------ LISTEN

        public static readonly ConformanceOrigin Listen = new ConformanceOrigin("LISTEN", TcpState.Listen, () =>
        {
            var f = TcpFixture.Listening();
            var c = Model(f, 0, 0, 0);
            c.ListenerSubject = true;
            return c;
        });

        // ------------------------------------------------------------------ SYN_SENT

        public static readonly ConformanceOrigin SynSent = new ConformanceOrigin("SYN_SENT", TcpState.SynSent, () =>
        {
            var f = TcpFixture.SynSent();
            var c = Model(f, f.Handle, f.Iss, f.Iss + 1);
            c.RcvNxt = 0; // not yet synchronized
            return c;
        });

        // ------------------------------------------------------------------ SYN_RECEIVED

        public static readonly ConformanceOrigin SynReceived = new ConformanceOrigin("SYN_RECEIVED (passive open)", TcpState.SynReceived, () =>
        {
            var f = TcpFixture.SynReceived();
            return Model(f, 0, f.Iss, f.Iss + 1);
        });

        private static TcpFixture Simultaneous()
        {
            var f = TcpFixture.SynSent();
            f.Feed(new Seg { Flags = TcpFlags.Syn, SeqNo = TcpFixture.RemoteIss, Mss = 1460 });
            Seg synAck = f.Out.Single();
            Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
            Assert.Equal(f.Iss, synAck.SeqNo);
            f.RemoteNxt = TcpFixture.RemoteIss + 1;
            Assert.Equal(TcpState.SynReceived, f.State);
            return f;
        }

        public static readonly ConformanceOrigin SynReceivedActive = new ConformanceOrigin("SYN_RECEIVED (simultaneous open)", TcpState.SynReceived, () =>
        {
            var f = Simultaneous();
            return Model(f, f.Handle, f.Iss, f.Iss + 1);
        });

        public static readonly ConformanceOrigin SynReceivedActiveQueued = new ConformanceOrigin("SYN_RECEIVED (simultaneous open, 10 bytes queued)", TcpState.SynReceived, () =>
        {
            var f = Simultaneous();
            Assert.Equal(10, f.Stack.Send(f.Handle, new byte[10], 0, 10));
            f.Out.None();
            return Model(f, f.Handle, f.Iss, f.Iss + 1);
        });

        // ------------------------------------------------------------------ ESTABLISHED

        public static readonly ConformanceOrigin Established = new ConformanceOrigin("ESTABLISHED", TcpState.Established, () =>
        {
            var f = TcpFixture.Established();
            return Model(f, f.Handle, f.Iss + 1, f.Iss + 1);
        });

        public static readonly ConformanceOrigin EstablishedActive = new ConformanceOrigin("ESTABLISHED (active open)", TcpState.Established, () =>
        {
            var f = TcpFixture.EstablishedActive();
            return Model(f, f.Handle, f.Iss + 1, f.Iss + 1);
        });

        public static readonly ConformanceOrigin EstablishedInFlight = new ConformanceOrigin("ESTABLISHED (10 bytes in flight)", TcpState.Established, () =>
        {
            var f = TcpFixture.Established();
            Send10(f, f.Iss + 1);
            return Model(f, f.Handle, f.Iss + 1, f.Iss + 11);
        });

        public static readonly ConformanceOrigin EstablishedReceived = new ConformanceOrigin("ESTABLISHED (10 bytes received, unread, ACK delayed)", TcpState.Established, () =>
        {
            // The pure timer of RFC 1122 (the application-turn ACK is tested in DataTransferSegmentTests).
            var f = TcpFixture.Established(new TcpConfig { AckAfterApplicationTurn = false });
            Receive10(f, f.Iss + 1);
            var c = Model(f, f.Handle, f.Iss + 1, f.Iss + 1);
            c.RcvWnd -= 10;
            return c;
        });

        public static readonly ConformanceOrigin EstablishedKeepalive = new ConformanceOrigin("ESTABLISHED (keepalive on)", TcpState.Established, () =>
        {
            var f = TcpFixture.Established();
            Assert.Equal(NetError.Ok, f.Stack.SetKeepalive(f.Handle, true));
            return Model(f, f.Handle, f.Iss + 1, f.Iss + 1);
        });

        // ------------------------------------------------------------------ FIN_WAIT_1 / FIN_WAIT_2

        public static readonly ConformanceOrigin FinWait1 = new ConformanceOrigin("FIN_WAIT_1", TcpState.FinWait1, () =>
        {
            var f = TcpFixture.FinWait1();
            return Model(f, f.Handle, f.Iss + 1, f.Iss + 2);
        });

        private static TcpFixture OrphanedFinWait1()
        {
            var f = TcpFixture.Established();
            int index = f.Stack.IndexOf(f.Handle);
            Assert.Equal(0, index);
            Assert.Equal(NetError.Ok, f.Stack.Close(f.Handle));
            Seg fin = f.Out.Single();
            Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, fin.Flags);
            Assert.Equal(f.Iss + 1, fin.SeqNo);
            Assert.False(f.Stack.IsValid(f.Handle));
            Assert.Equal(TcpState.FinWait1, f.EntryState(index));
            return f;
        }

        public static readonly ConformanceOrigin FinWait1Orphaned = new ConformanceOrigin("FIN_WAIT_1 (orphaned by Close)", TcpState.FinWait1, () =>
        {
            var f = OrphanedFinWait1();
            return Model(f, 0, f.Iss + 1, f.Iss + 2);
        });

        public static readonly ConformanceOrigin FinWait2 = new ConformanceOrigin("FIN_WAIT_2", TcpState.FinWait2, () =>
        {
            var f = TcpFixture.FinWait2();
            return Model(f, f.Handle, f.Iss + 2, f.Iss + 2);
        });

        public static readonly ConformanceOrigin FinWait2Orphaned = new ConformanceOrigin("FIN_WAIT_2 (orphaned by Close)", TcpState.FinWait2, () =>
        {
            var f = OrphanedFinWait1();
            f.Feed(f.Ack(f.Iss + 2));
            f.Out.None();
            Assert.Equal(TcpState.FinWait2, f.EntryState(0));
            return Model(f, 0, f.Iss + 2, f.Iss + 2);
        });

        public static readonly ConformanceOrigin FinWait2Received = new ConformanceOrigin("FIN_WAIT_2 (10 bytes received, ACK delayed)", TcpState.FinWait2, () =>
        {
            var f = TcpFixture.FinWait2(new TcpConfig { AckAfterApplicationTurn = false });
            Receive10(f, f.Iss + 2);
            var c = Model(f, f.Handle, f.Iss + 2, f.Iss + 2);
            c.RcvWnd -= 10;
            return c;
        });

        // ------------------------------------------------------------------ CLOSING / TIME_WAIT

        public static readonly ConformanceOrigin Closing = new ConformanceOrigin("CLOSING", TcpState.Closing, () =>
        {
            var f = TcpFixture.Closing();
            return Model(f, f.Handle, f.Iss + 1, f.Iss + 2);
        });

        public static readonly ConformanceOrigin TimeWait = new ConformanceOrigin("TIME_WAIT", TcpState.TimeWait, () =>
        {
            var f = TcpFixture.TimeWait();
            return Model(f, f.Handle, f.Iss + 2, f.Iss + 2);
        });

        public static readonly ConformanceOrigin TimeWaitLater = new ConformanceOrigin("TIME_WAIT (1 MSL in)", TcpState.TimeWait, () =>
        {
            var f = TcpFixture.TimeWait();
            f.Advance(f.Config.MslMs);
            f.Out.None();
            Assert.Equal(TcpState.TimeWait, f.State);
            return Model(f, f.Handle, f.Iss + 2, f.Iss + 2);
        });

        public static readonly ConformanceOrigin TimeWaitNoListener = new ConformanceOrigin("TIME_WAIT (active open, no listener)", TcpState.TimeWait, () =>
        {
            var f = TcpFixture.EstablishedActive();
            Assert.Equal(NetError.Ok, f.Stack.Shutdown(f.Handle));
            Seg fin = f.Out.Single();
            Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, fin.Flags);
            f.Feed(new Seg { Flags = TcpFlags.Fin | TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = f.Iss + 2 });
            f.RemoteNxt++;
            Assert.Equal(TcpFlags.Ack, f.Out.Single().Flags);
            Assert.Equal(TcpState.TimeWait, f.State);
            return Model(f, f.Handle, f.Iss + 2, f.Iss + 2);
        });

        // ------------------------------------------------------------------ CLOSE_WAIT / LAST_ACK

        public static readonly ConformanceOrigin CloseWait = new ConformanceOrigin("CLOSE_WAIT", TcpState.CloseWait, () =>
        {
            var f = TcpFixture.CloseWait();
            return Model(f, f.Handle, f.Iss + 1, f.Iss + 1);
        });

        public static readonly ConformanceOrigin CloseWaitInFlight = new ConformanceOrigin("CLOSE_WAIT (10 bytes in flight)", TcpState.CloseWait, () =>
        {
            var f = TcpFixture.CloseWait();
            Send10(f, f.Iss + 1);
            return Model(f, f.Handle, f.Iss + 1, f.Iss + 11);
        });

        public static readonly ConformanceOrigin CloseWaitKeepalive = new ConformanceOrigin("CLOSE_WAIT (keepalive on)", TcpState.CloseWait, () =>
        {
            var f = TcpFixture.CloseWait();
            Assert.Equal(NetError.Ok, f.Stack.SetKeepalive(f.Handle, true));
            return Model(f, f.Handle, f.Iss + 1, f.Iss + 1);
        });

        public static readonly ConformanceOrigin LastAck = new ConformanceOrigin("LAST_ACK", TcpState.LastAck, () =>
        {
            var f = TcpFixture.LastAck();
            return Model(f, f.Handle, f.Iss + 1, f.Iss + 2);
        });
    }
}
