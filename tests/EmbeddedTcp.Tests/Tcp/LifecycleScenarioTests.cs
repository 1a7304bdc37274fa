using EmbeddedTcp.Tcp;
using EmbeddedTcp.Wire;
using Xunit;

namespace EmbeddedTcp.Tests.Tcp
{
    /// <summary>The scenarios of RFC 9293's state diagram, each told the way the RFC tells it.</summary>
    public class LifecycleScenarioTests
    {
        [Fact]
        public void PassiveOpen_ThreeWayHandshake_SynAckCarriesMss()
        {
            var f = TcpFixture.Listening();
            f.Feed(new Seg { Flags = TcpFlags.Syn, SeqNo = 1000, Mss = 1200 });
            Seg synAck = f.Out.Single();
            Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
            Assert.Equal(1001u, synAck.AckNo);
            Assert.Equal(1460, synAck.Mss);
            Assert.Equal(TcpState.SynReceived, f.EntryState());
            Assert.Equal(0, f.Stack.Accept(f.Listener)); // not yet established
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = 1001, AckNo = synAck.SeqNo + 1 });
            f.Out.None();
            int h = f.Stack.Accept(f.Listener);
            Assert.True(h > 0);
            Assert.Equal(TcpState.Established, f.Stack.GetState(h));
            Assert.Equal(new[] { "LISTEN", "SYN_RECEIVED", "ESTABLISHED" }, f.StatePath());
        }

        [Fact]
        public void ActiveOpen_ThreeWayHandshake()
        {
            var f = TcpFixture.SynSent();
            f.Feed(new Seg { Flags = TcpFlags.Syn | TcpFlags.Ack, SeqNo = 5000, AckNo = f.Iss + 1, Mss = 1460 });
            Seg ack = f.Out.Single();
            Assert.Equal(TcpFlags.Ack, ack.Flags);
            Assert.Equal(f.Iss + 1, ack.SeqNo);
            Assert.Equal(5001u, ack.AckNo);
            Assert.Equal(TcpState.Established, f.State);
            Assert.Equal(new[] { "CLOSED", "SYN_SENT", "ESTABLISHED" }, f.StatePath());
        }

        [Fact]
        public void SimultaneousOpen_BothReachEstablishedAfterFourSegments()
        {
            // RFC 9293 figure 7, from A's side; the test plays B. Segments: A's SYN, B's SYN, A's SYN,ACK, B's SYN,ACK.
            var f = TcpFixture.SynSent();
            f.Feed(new Seg { Flags = TcpFlags.Syn, SeqNo = 300, Mss = 1460 });
            Seg synAck = f.Out.Single();
            Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
            Assert.Equal(f.Iss, synAck.SeqNo);
            Assert.Equal(301u, synAck.AckNo);
            Assert.Equal(TcpState.SynReceived, f.State);
            f.Feed(new Seg { Flags = TcpFlags.Syn | TcpFlags.Ack, SeqNo = 300, AckNo = f.Iss + 1, Mss = 1460 });
            f.Out.None();
            Assert.Equal(TcpState.Established, f.State);
            Assert.Equal(new[] { "CLOSED", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED" }, f.StatePath());
            // And data flows.
            Assert.Equal(5, f.Stack.Send(f.Handle, new byte[5], 0, 5));
            Seg d = f.Out.Single();
            Assert.Equal(f.Iss + 1, d.SeqNo);
            Assert.Equal(301u, d.AckNo);
        }

        [Fact]
        public void ActiveClose_FourWay()
        {
            var f = TcpFixture.Established();
            f.DrainTrace();
            Assert.Equal(NetError.Ok, f.Stack.Shutdown(f.Handle));
            Seg fin = f.Out.Single();
            Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, fin.Flags);
            f.Feed(f.Ack(fin.SeqNo + 1));
            Assert.Equal(TcpState.FinWait2, f.State);
            f.Feed(new Seg { Flags = TcpFlags.Fin | TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = fin.SeqNo + 1 });
            Seg ack = f.Out.Single();
            Assert.Equal(TcpFlags.Ack, ack.Flags);
            Assert.Equal(f.RemoteNxt + 1, ack.AckNo);
            Assert.Equal(TcpState.TimeWait, f.State);
            f.Advance(2L * f.Config.MslMs - 1);
            Assert.Equal(TcpState.TimeWait, f.State);
            f.Advance(1);
            Assert.Equal(TcpState.Closed, f.State);
            Assert.Equal(new[] { "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED" }, f.StatePath());
        }

        [Fact]
        public void PassiveClose_FourWay()
        {
            var f = TcpFixture.CloseWait();
            Assert.Equal(NetError.EndOfStream, f.Stack.Receive(f.Handle, new byte[10], 0, 10));
            f.Stack.Shutdown(f.Handle);
            Seg fin = f.Out.Single();
            Assert.Equal(TcpState.LastAck, f.State);
            f.Feed(f.Ack(fin.SeqNo + 1));
            Assert.Equal(TcpState.Closed, f.State);
            f.Out.None();
            Assert.Equal(NetError.Ok, f.Stack.Close(f.Handle));
            Assert.Equal(0, f.Stack.ActiveCount);
        }

        [Fact]
        public void HalfClose_CloseWaitMayStillSend()
        {
            var f = TcpFixture.CloseWait();
            byte[] data = TcpFixture.Bytes(100);
            Assert.Equal(100, f.Stack.Send(f.Handle, data, 0, 100));
            Seg s = f.Out.Single();
            Assert.Equal(data, s.Data);
            Assert.Equal(TcpState.CloseWait, f.State);
        }

        [Fact]
        public void HalfClose_FinWait2StillReceivesAndDelivers()
        {
            var f = TcpFixture.FinWait2();
            byte[] data = TcpFixture.Bytes(300);
            f.Feed(f.Data(f.Iss + 2, data));
            var buf = new byte[1000];
            Assert.Equal(300, f.Stack.Receive(f.Handle, buf, 0, 1000));
            Assert.Equal(data, buf[..300]);
            Assert.Equal(TcpState.FinWait2, f.State);
        }

        [Fact]
        public void SimultaneousClose_FinWait1_Closing_TimeWait()
        {
            var f = TcpFixture.FinWait1();
            f.DrainTrace();
            // The peer's FIN crosses ours: it does not acknowledge our FIN.
            f.Feed(new Seg { Flags = TcpFlags.Fin | TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = f.Iss + 1 });
            Seg ack = f.Out.Single();
            Assert.Equal(f.RemoteNxt + 1, ack.AckNo);
            Assert.Equal(TcpState.Closing, f.State);
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = f.RemoteNxt + 1, AckNo = f.Iss + 2 });
            Assert.Equal(TcpState.TimeWait, f.State);
            Assert.Equal(new[] { "FIN_WAIT_1", "CLOSING", "TIME_WAIT" }, f.StatePath());
        }

        [Fact]
        public void FinAckInFinWait1_GoesStraightToTimeWait()
        {
            var f = TcpFixture.FinWait1();
            f.DrainTrace();
            f.Feed(new Seg { Flags = TcpFlags.Fin | TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = f.Iss + 2 });
            Seg ack = f.Out.Single();
            Assert.Equal(TcpFlags.Ack, ack.Flags);
            Assert.Equal(TcpState.TimeWait, f.State);
            Assert.Equal(new[] { "FIN_WAIT_1", "TIME_WAIT" }, f.StatePath());
        }

        [Fact]
        public void TimeWait_ReacknowledgesRetransmittedFin_AndRestarts2Msl()
        {
            var f = TcpFixture.TimeWait();
            f.Advance(f.Config.MslMs); // half way
            f.Feed(new Seg { Flags = TcpFlags.Fin | TcpFlags.Ack, SeqNo = f.RemoteNxt - 1, AckNo = f.Iss + 2 });
            Seg ack = f.Out.Single();
            Assert.Equal(TcpFlags.Ack, ack.Flags);
            Assert.Equal(f.RemoteNxt, ack.AckNo);
            f.Advance(2L * f.Config.MslMs - 1);
            Assert.Equal(TcpState.TimeWait, f.State);
            f.Advance(1);
            Assert.Equal(TcpState.Closed, f.State);
        }

        [Fact]
        public void LastAck_RetransmitsFinUntilAcknowledged_Bounded()
        {
            var f = TcpFixture.LastAck();
            int fins = 0;
            for (int i = 0; i < 20 && f.State == TcpState.LastAck; i++)
            {
                f.Advance(f.Config.MaxRtoMs);
                foreach (var s in f.Out.Take())
                {
                    if (s.Has(TcpFlags.Fin))
                    {
                        fins++;
                    }
                }
            }

            Assert.Equal(f.Config.MaxRetransmissions, fins);
            Assert.Equal(TcpState.Closed, f.State);
            Assert.Equal(NetError.TimedOut, f.Stack.GetError(f.Handle));
        }

        [Fact]
        public void FinWait1_RetransmitsFin_ThenAckMovesOn()
        {
            var f = TcpFixture.FinWait1();
            f.Advance(f.Config.MinRtoMs); // the handshake's RTT sample (0 ms) put the RTO at its minimum
            Seg fin = f.Out.Single();
            Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, fin.Flags);
            Assert.Equal(f.Iss + 1, fin.SeqNo);
            f.Feed(f.Ack(f.Iss + 2));
            Assert.Equal(TcpState.FinWait2, f.State);
        }

        [Fact]
        public void SynReceived_NoFinalAck_RetransmitsSynAck_ThenFreesEntry_ListenerKeepsListening()
        {
            var f = TcpFixture.SynReceived();
            int synAcks = 0;
            for (int i = 0; i < 30 && f.EntryState() == TcpState.SynReceived; i++)
            {
                f.Advance(f.Config.MaxRtoMs);
                foreach (var s in f.Out.Take())
                {
                    Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, s.Flags);
                    Assert.Equal(f.Iss, s.SeqNo);
                    synAcks++;
                }
            }

            Assert.Equal(f.Config.MaxSynAckRetries, synAcks);
            Assert.Equal(0, f.Stack.ActiveCount);
            // The listener still answers a new SYN.
            f.Feed(new Seg { Flags = TcpFlags.Syn, SeqNo = 7000, Mss = 1460 });
            Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, f.Out.Single().Flags);
        }

        [Fact]
        public void SynSent_RstWithAcceptableAck_Refused()
        {
            var f = TcpFixture.SynSent();
            f.Feed(new Seg { Flags = TcpFlags.Rst | TcpFlags.Ack, SeqNo = 0, AckNo = f.Iss + 1 });
            Assert.Equal(TcpState.Closed, f.State);
            Assert.Equal(NetError.ConnectionRefused, f.Stack.GetError(f.Handle));
        }

        [Fact]
        public void SynSent_RstWithBadAck_Ignored()
        {
            var f = TcpFixture.SynSent();
            f.Feed(new Seg { Flags = TcpFlags.Rst | TcpFlags.Ack, SeqNo = 0, AckNo = f.Iss + 77 });
            f.Out.None();
            Assert.Equal(TcpState.SynSent, f.State);
        }

        [Fact]
        public void SynReceived_Rst_ReturnsToListen()
        {
            var f = TcpFixture.SynReceived();
            f.DrainTrace();
            f.Feed(new Seg { Flags = TcpFlags.Rst, SeqNo = f.RemoteNxt });
            Assert.Equal(new[] { "SYN_RECEIVED", "LISTEN" }, f.StatePath());
            Assert.Equal(0, f.Stack.ActiveCount);
            f.Feed(new Seg { Flags = TcpFlags.Syn, SeqNo = 9000, Mss = 1460 });
            Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, f.Out.Single().Flags);
        }

        [Fact]
        public void NoConnection_SegmentWithoutAck_GetsRstAckOfSeqPlusLen()
        {
            var f = new TcpFixture();
            f.Feed(new Seg { Flags = TcpFlags.Psh, SeqNo = 500, Data = new byte[10] });
            Seg rst = f.Out.Single();
            Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, rst.Flags);
            Assert.Equal(0u, rst.SeqNo);
            Assert.Equal(510u, rst.AckNo);
        }

        [Fact]
        public void NoConnection_SegmentWithAck_GetsRstSeqOfAck()
        {
            var f = new TcpFixture();
            f.Feed(new Seg { Flags = TcpFlags.Ack, SeqNo = 500, AckNo = 12345 });
            Seg rst = f.Out.Single();
            Assert.Equal(TcpFlags.Rst, rst.Flags);
            Assert.Equal(12345u, rst.SeqNo);
        }

        [Fact]
        public void NoConnection_Rst_IsNotAnswered()
        {
            var f = new TcpFixture();
            f.Feed(new Seg { Flags = TcpFlags.Rst, SeqNo = 500 });
            f.Out.None();
        }

        [Fact]
        public void DataTransfer_BothWays_Intact()
        {
            var f = TcpFixture.Established();
            byte[] data = TcpFixture.Bytes(1000);
            f.Feed(f.Data(f.Iss + 1, data));
            f.RemoteNxt += 1000;
            var buf = new byte[2000];
            Assert.Equal(1000, f.Stack.Receive(f.Handle, buf, 0, 2000));
            Assert.Equal(data, buf[..1000]);
            byte[] reply = TcpFixture.Bytes(500, 9);
            Assert.Equal(500, f.Stack.Send(f.Handle, reply, 0, 500));
            Seg s = f.Out.Single();
            Assert.Equal(reply, s.Data);
            Assert.Equal(f.RemoteNxt, s.AckNo); // the pending delayed ACK rode on the data
        }
    }
}
