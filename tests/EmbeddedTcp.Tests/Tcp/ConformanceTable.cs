using System;
using System.Collections.Generic;
using System.Linq;
using EmbeddedTcp.Tcp;
using EmbeddedTcp.Wire;
using Xunit;
using E = EmbeddedTcp.Tests.Tcp.ConformanceEvent;
using O = EmbeddedTcp.Tests.Tcp.ConformanceOrigins;
using St = EmbeddedTcp.Tcp.TcpState;

namespace EmbeddedTcp.Tests.Tcp
{
    /// <summary>
    /// The TCP state × event conformance table (RFC 9293 section 3.10, RFC 5961, RFC 1337,
    /// RFC 1122). Each row reads "STATE + event &lt;segment the remote sends&gt; -> NEXT STATE,
    /// sends SEGMENT [RFC section]". Segments are written symbolically and resolved against the
    /// fixture: SND.UNA, SND.NXT, RCV.NXT, RCV.WND, ISS, IRS are the connection's values before
    /// the event, SEG.SEQ, SEG.ACK, SEG.LEN (SYN and FIN count) those of the arriving segment,
    /// ISS' a freshly chosen ISS; PSH is not compared. "N× ..." repeats a segment. Timer rows
    /// also check that nothing happens one millisecond before the deadline. A row that ends in
    /// LISTEN also checks that the listener still answers a new SYN.
    /// </summary>
    public class ConformanceTable
    {
        private const string ChallengeAck = "ACK seq=SND.NXT ack=RCV.NXT";
        private const string AckOnly = "ACK seq=SND.NXT ack=RCV.NXT";
        private const string ResetOfAck = "RST seq=SEG.ACK";
        private const string ResetOfSeq = "RST,ACK seq=0 ack=SEG.SEQ+SEG.LEN";
        private const string AbortReset = "RST,ACK seq=SND.NXT ack=RCV.NXT";

        private const string Rfc9293Closed = "RFC 9293 3.10.7.1";
        private const string Rfc9293Listen = "RFC 9293 3.10.7.2";
        private const string Rfc9293SynSent = "RFC 9293 3.10.7.3";
        private const string Rfc9293SeqCheck = "RFC 9293 3.10.7.4 first";
        private const string Rfc5961Rst = "RFC 5961 3.2, RFC 9293 3.10.7.4 second";
        private const string Rfc5961Syn = "RFC 5961 4.2, RFC 9293 3.10.7.4 fourth";
        private const string Rfc5961Ack = "RFC 5961 5.2, RFC 9293 3.10.7.4 fifth";
        private const string Rfc9293Ack = "RFC 9293 3.10.7.4 fifth";
        private const string Rfc9293Text = "RFC 9293 3.10.7.4 seventh";
        private const string Rfc9293Fin = "RFC 9293 3.10.7.4 eighth";
        private const string Rfc9293Open = "RFC 9293 3.10.1";
        private const string Rfc9293Send = "RFC 9293 3.10.2";
        private const string Rfc9293Receive = "RFC 9293 3.10.3";
        private const string Rfc9293Close = "RFC 9293 3.10.4";
        private const string Rfc9293Abort = "RFC 9293 3.10.5";
        private const string Rfc9293Status = "RFC 9293 3.10.6";
        private const string Rfc9293Timeouts = "RFC 9293 3.10.8";

        // ------------------------------------------------------------------ user calls

        private static void SendTen(ConformanceContext c) { c.Result = c.S.Send(c.Handle, new byte[10], 0, 10); }
        private static void ReceiveAny(ConformanceContext c) { c.Result = c.S.Receive(c.Handle, new byte[100], 0, 100); }
        private static void ShutdownCall(ConformanceContext c) { c.Result = c.S.Shutdown(c.Handle); }
        private static void CloseCall(ConformanceContext c) { c.Result = c.S.Close(c.Handle); }
        private static void AbortCall(ConformanceContext c) { c.Result = c.S.Abort(c.Handle); }
        private static void StatusCall(ConformanceContext c) { c.Result = (int)c.S.GetState(c.Handle); }
        private static void StopListeningCall(ConformanceContext c) { c.Result = c.S.StopListening(c.F.Listener); }
        private static void ConnectSameTuple(ConformanceContext c)
        {
            c.Result = c.S.Connect(TcpFixture.LocalIp, TcpFixture.RemoteIp, TcpFixture.RemotePort, TcpFixture.LocalPort);
        }

        private static ConformanceRow R(ConformanceOrigin o, E e)
        {
            var r = new ConformanceRow(o, e);
            switch (e)
            {
                case E.Send: r.Call = SendTen; break;
                case E.Receive: r.Call = ReceiveAny; break;
                case E.Close: r.Do("CLOSE (Shutdown: half close)", ShutdownCall); break;
                case E.Abort: r.Call = AbortCall; break;
                case E.Status: r.Call = StatusCall; break;
                case E.OpenActive: r.Do("OPEN active (same 4-tuple)", ConnectSameTuple); break;
                case E.OpenPassive: r.Do("OPEN passive (port 80)", c => c.Result = c.S.Listen(0, TcpFixture.LocalPort, 4)); break;
            }

            return r;
        }

        private static ConformanceRow Status(ConformanceOrigin o)
        {
            return R(o, E.Status).To(o.State).Silent().Returns((int)o.State, TcpStateNames.Of(o.State)).Ref(Rfc9293Status);
        }

        private static ConformanceRow AlreadyExists(ConformanceOrigin o)
        {
            return R(o, E.OpenActive).To(o.State).Silent().Returns(NetError.AddressInUse, "AddressInUse (error: connection already exists)").Ref(Rfc9293Open);
        }

        /// <summary>Time until the n-th retransmission timeout: RTO doubles each time, capped (RFC 6298 5.5).</summary>
        private static long BackoffTotal(int initialRto, int maxRto, int timeouts)
        {
            long total = 0;
            long rto = initialRto;
            for (int i = 0; i < timeouts; i++)
            {
                total += rto;
                rto = Math.Min(rto * 2, maxRto);
            }

            return total;
        }

        private static void ExpectThen(ConformanceContext c, string spec, string what)
        {
            ConformanceHarness.ExpectSegments(spec, c.F.Out.Take(), c, what);
        }

        /// <summary>The table: the document. Grouped by state, in the order of RFC 9293's diagram.</summary>
        public static readonly ConformanceRow[] Rows =
        {
            // ============================================================== CLOSED
            R(O.Closed, E.Syn).In("SYN seq=IRS").To(St.Closed).Emits(ResetOfSeq).Ref(Rfc9293Closed),
            R(O.Closed, E.SynAck).In("SYN,ACK seq=IRS ack=5000").To(St.Closed).Emits(ResetOfAck).Ref(Rfc9293Closed),
            R(O.Closed, E.UnacceptableAck).As("ACK").In("ACK seq=IRS ack=5000").To(St.Closed).Emits(ResetOfAck).Ref(Rfc9293Closed),
            R(O.Closed, E.Fin).As("FIN without ACK").In("FIN seq=IRS").To(St.Closed).Emits(ResetOfSeq).Ref(Rfc9293Closed),
            R(O.Closed, E.FinAck).As("FIN-ACK").In("FIN,ACK seq=IRS ack=5000").To(St.Closed).Emits(ResetOfAck).Ref(Rfc9293Closed),
            R(O.Closed, E.RstOutsideWindow).As("RST").In("RST seq=IRS").To(St.Closed).Silent().Ref(Rfc9293Closed),
            R(O.Closed, E.DataOutsideWindow).As("data without ACK").In("PSH seq=IRS len=10").To(St.Closed).Emits(ResetOfSeq).Ref(Rfc9293Closed),
            R(O.Closed, E.DataOutsideWindow).As("data with ACK").In("ACK seq=IRS ack=5000 len=10").To(St.Closed).Emits(ResetOfAck).Ref(Rfc9293Closed),
            R(O.Closed, E.OpenActive).Do("OPEN active", c =>
                {
                    c.Result = c.S.Connect(TcpFixture.LocalIp, TcpFixture.RemoteIp, TcpFixture.RemotePort, TcpFixture.LocalPort);
                    c.Handle = c.Result.Value;
                })
                .To(St.SynSent).Emits("SYN seq=ISS'").Ref(Rfc9293Open)
                .Then("it returns a live handle", c => Assert.True(c.Result > 0 && c.S.IsValid(c.Handle))),
            R(O.Closed, E.OpenPassive).Do("OPEN passive (port 80)", c =>
                {
                    c.Result = c.S.Listen(0, TcpFixture.LocalPort, 4);
                    c.F.Listener = c.Result.Value;
                    c.ListenerSubject = true;
                })
                .To(St.Listen).Silent().Ref(Rfc9293Open),

            R(O.ClosedHeld, E.AcceptableAck).As("ACK for the old connection").To(St.Closed).Emits(ResetOfAck).Ref(Rfc9293Closed),
            R(O.ClosedHeld, E.Send).To(St.Closed).Silent().Returns(NetError.ConnectionReset).Ref(Rfc9293Send),
            R(O.ClosedHeld, E.Receive).To(St.Closed).Silent().Returns(NetError.ConnectionReset).Ref(Rfc9293Receive),
            Status(O.ClosedHeld).Error(NetError.ConnectionReset),
            R(O.ClosedHeld, E.Close).Do("CLOSE (Close: release the handle)", CloseCall).To(St.Closed).Silent().Returns(NetError.Ok).Ref(Rfc9293Close)
                .Then("the handle is invalid and the entry free", c => { Assert.False(c.S.IsValid(c.Handle)); Assert.Equal(0, c.S.ActiveCount); }),
            R(O.ClosedHeld, E.Abort).To(St.Closed).Silent().Returns(NetError.Ok).Ref(Rfc9293Abort)
                .Then("the handle is invalid and the entry free", c => { Assert.False(c.S.IsValid(c.Handle)); Assert.Equal(0, c.S.ActiveCount); }),

            R(O.ClosedStale, E.Send).To(St.Closed).Silent().Returns(NetError.InvalidHandle, "InvalidHandle (error: connection does not exist)").Ref(Rfc9293Send),
            R(O.ClosedStale, E.Receive).To(St.Closed).Silent().Returns(NetError.InvalidHandle, "InvalidHandle (error: connection does not exist)").Ref(Rfc9293Receive),
            R(O.ClosedStale, E.Close).To(St.Closed).Silent().Returns(NetError.InvalidHandle, "InvalidHandle (error: connection does not exist)").Ref(Rfc9293Close),
            R(O.ClosedStale, E.Abort).To(St.Closed).Silent().Returns(NetError.InvalidHandle, "InvalidHandle (error: connection does not exist)").Ref(Rfc9293Abort),
            R(O.ClosedStale, E.Status).To(St.Closed).Silent().Returns(255, "no such connection (255)").Ref(Rfc9293Status),

            // ============================================================== LISTEN
            R(O.Listen, E.Syn).In("SYN seq=IRS").To(St.SynReceived).Emits("SYN,ACK seq=ISS' ack=SEG.SEQ+1").Ref(Rfc9293Listen),
            R(O.Listen, E.SynAck).In("SYN,ACK seq=IRS ack=5000").To(St.Listen).Emits(ResetOfAck).Ref(Rfc9293Listen),
            R(O.Listen, E.UnacceptableAck).As("any ACK").In("ACK seq=IRS ack=5000").To(St.Listen).Emits(ResetOfAck).Ref(Rfc9293Listen),
            R(O.Listen, E.Fin).As("FIN without ACK").In("FIN seq=IRS").To(St.Listen).Silent().Ref(Rfc9293Listen),
            R(O.Listen, E.FinAck).As("FIN-ACK").In("FIN,ACK seq=IRS ack=5000").To(St.Listen).Emits(ResetOfAck).Ref(Rfc9293Listen),
            R(O.Listen, E.RstOutsideWindow).As("any RST").In("RST seq=IRS").To(St.Listen).Silent().Ref(Rfc9293Listen),
            R(O.Listen, E.DataOutsideWindow).As("data without SYN or ACK").In("PSH seq=IRS len=10").To(St.Listen).Silent().Ref(Rfc9293Listen),
            R(O.Listen, E.OpenPassive).To(St.Listen).Silent().Returns(NetError.AddressInUse, "AddressInUse (error: connection already exists)").Ref(Rfc9293Open),
            R(O.Listen, E.Send).Do("SEND on the listener", c => c.Result = c.S.Send(c.F.Listener, new byte[10], 0, 10))
                .To(St.Listen).Silent().ReturnsError("foreign socket unspecified").Ref(Rfc9293Send),
            R(O.Listen, E.Close).Do("CLOSE (StopListening)", StopListeningCall).To(St.Closed).Silent().Returns(NetError.Ok).Ref(Rfc9293Close)
                .Then("a later SYN is refused with RST,ACK", c =>
                {
                    c.Fed = new Seg { Flags = TcpFlags.Syn, SeqNo = 7000, Mss = 1460 };
                    c.F.Feed(c.Fed);
                    ExpectThen(c, ResetOfSeq, "SYN after StopListening");
                }),

            // ============================================================== SYN_SENT
            R(O.SynSent, E.SynAck).As("SYN-ACK of our SYN").In("SYN,ACK seq=IRS ack=SND.NXT").To(St.Established).Emits("ACK seq=SND.NXT ack=SEG.SEQ+1").Ref(Rfc9293SynSent),
            R(O.SynSent, E.Syn).As("SYN (simultaneous open)").In("SYN seq=IRS").To(St.SynReceived).Emits("SYN,ACK seq=ISS ack=SEG.SEQ+1").Ref(Rfc9293SynSent),
            R(O.SynSent, E.AcceptableAck).As("acceptable ACK without SYN").In("ACK seq=IRS ack=SND.NXT").To(St.SynSent).Silent().Ref(Rfc9293SynSent),
            R(O.SynSent, E.UnacceptableAck).In("ACK seq=IRS ack=SND.NXT+100").To(St.SynSent).Emits(ResetOfAck).Ref(Rfc9293SynSent),
            R(O.SynSent, E.UnacceptableAck).As("unacceptable ACK (SEG.ACK =< ISS)").In("ACK seq=IRS ack=ISS").To(St.SynSent).Emits(ResetOfAck).Ref(Rfc9293SynSent),
            R(O.SynSent, E.Fin).As("FIN acking nothing (SEG.ACK = ISS)").In("FIN,ACK seq=IRS ack=SND.UNA").To(St.SynSent).Emits(ResetOfAck).Ref(Rfc9293SynSent),
            R(O.SynSent, E.FinAck).As("FIN-ACK without SYN").In("FIN,ACK seq=IRS ack=SND.NXT").To(St.SynSent).Silent().Ref(Rfc9293SynSent),
            R(O.SynSent, E.RstExact).As("RST with acceptable ACK").In("RST,ACK seq=0 ack=SND.NXT").To(St.Closed).Silent().Error(NetError.ConnectionRefused).Ref(Rfc9293SynSent),
            R(O.SynSent, E.RstInWindow).As("RST without ACK").In("RST seq=IRS").To(St.SynSent).Silent().Ref(Rfc9293SynSent),
            R(O.SynSent, E.RstOutsideWindow).As("RST with unacceptable ACK").In("RST,ACK seq=0 ack=SND.NXT+100").To(St.SynSent).Silent().Ref(Rfc9293SynSent),
            R(O.SynSent, E.DataInWindow).As("data without SYN").In("ACK seq=IRS ack=SND.NXT len=10").To(St.SynSent).Silent().Ref(Rfc9293SynSent),
            R(O.SynSent, E.RetransmissionTimer).To(St.SynSent).Emits("SYN seq=ISS").Ref(Rfc9293Timeouts),
            AlreadyExists(O.SynSent),
            R(O.SynSent, E.Send).To(St.SynSent).Silent().Returns(10, "10 (queued until ESTABLISHED)").Ref(Rfc9293Send),
            R(O.SynSent, E.Receive).To(St.SynSent).Silent().Returns(0, "0 (queued until ESTABLISHED)").Ref(Rfc9293Receive),
            R(O.SynSent, E.Close).To(St.Closed).Silent().Returns(NetError.Ok).Ref(Rfc9293Close),
            R(O.SynSent, E.Abort).To(St.Closed).Silent().Returns(NetError.Ok).Ref(Rfc9293Abort),
            Status(O.SynSent),

            // ============================================================== SYN_RECEIVED (passive open: no handle yet)
            R(O.SynReceived, E.Syn).As("retransmitted SYN (SEG.SEQ = IRS)").In("SYN seq=IRS").To(St.SynReceived).Emits("SYN,ACK seq=ISS ack=RCV.NXT").Ref(Rfc9293SeqCheck),
            R(O.SynReceived, E.Syn).As("SYN in window").To(St.Listen).Silent().Ref("RFC 9293 3.10.7.4 fourth"),
            R(O.SynReceived, E.SynAck).As("old SYN-ACK").To(St.SynReceived).Emits(AckOnly).Ref(Rfc9293SeqCheck),
            R(O.SynReceived, E.AcceptableAck).To(St.Established).Silent().Ref(Rfc9293Ack),
            R(O.SynReceived, E.UnacceptableAck).To(St.SynReceived).Emits(ResetOfAck).Ref(Rfc9293Ack),
            R(O.SynReceived, E.Fin).As("FIN acking nothing (SEG.ACK = ISS)").To(St.SynReceived).Emits(ResetOfAck).Ref(Rfc9293Ack),
            R(O.SynReceived, E.FinAck).As("FIN-ACK (acks our SYN)").To(St.CloseWait).Emits("ACK seq=SND.NXT ack=RCV.NXT+1").Ref(Rfc9293Fin),
            R(O.SynReceived, E.RstExact).To(St.Listen).Silent().Ref(Rfc9293SeqCheck.Replace("first", "second")),
            R(O.SynReceived, E.RstInWindow).To(St.SynReceived).Emits(ChallengeAck).Ref(Rfc5961Rst),
            R(O.SynReceived, E.RstOutsideWindow).To(St.SynReceived).Silent().Ref(Rfc5961Rst),
            R(O.SynReceived, E.DataInWindow).As("data in window, acking our SYN").In("ACK seq=RCV.NXT ack=SND.NXT len=10").To(St.Established).Silent().Ref(Rfc9293Text),
            R(O.SynReceived, E.DataOutsideWindow).To(St.SynReceived).Emits(AckOnly).Ref(Rfc9293SeqCheck),
            R(O.SynReceived, E.RetransmissionTimer).To(St.SynReceived).Emits("SYN,ACK seq=ISS ack=RCV.NXT").Ref(Rfc9293Timeouts),
            R(O.SynReceived, E.RetransmissionTimer).As("retransmission timer, SYN-ACK retries exhausted")
                .After(cfg => BackoffTotal(cfg.InitialRtoMs, cfg.MaxRtoMs, cfg.MaxSynAckRetries + 1))
                .To(St.Listen).Emits("4× SYN,ACK seq=ISS ack=RCV.NXT").Ref(Rfc9293Timeouts + ", RFC 9293 3.8.3"),
            R(O.SynReceived, E.Abort).Do("ABORT (the listener stops)", StopListeningCall).To(St.Closed).Emits(AbortReset).Returns(NetError.Ok).Ref(Rfc9293Abort),

            // ============================================================== SYN_RECEIVED (simultaneous open: the user holds the handle)
            R(O.SynReceivedActive, E.SynAck).As("SYN-ACK answering our SYN").To(St.Established).Silent().Ref("RFC 9293 figure 7"),
            R(O.SynReceivedActive, E.Syn).As("SYN in window").To(St.SynReceived).Emits(ChallengeAck).Ref(Rfc5961Syn),
            R(O.SynReceivedActive, E.AcceptableAck).To(St.Established).Silent().Ref(Rfc9293Ack),
            R(O.SynReceivedActive, E.RstExact).To(St.Closed).Silent().Error(NetError.ConnectionRefused).Ref("RFC 9293 3.10.7.4 second"),
            R(O.SynReceivedActive, E.RstInWindow).To(St.SynReceived).Emits(ChallengeAck).Ref(Rfc5961Rst),
            R(O.SynReceivedActive, E.RetransmissionTimer).To(St.SynReceived).Emits("SYN,ACK seq=ISS ack=RCV.NXT").Ref(Rfc9293Timeouts),
            AlreadyExists(O.SynReceivedActive),
            R(O.SynReceivedActive, E.Send).To(St.SynReceived).Silent().Returns(10, "10 (queued until ESTABLISHED)").Ref(Rfc9293Send),
            R(O.SynReceivedActive, E.Receive).To(St.SynReceived).Silent().Returns(0, "0 (queued until ESTABLISHED)").Ref(Rfc9293Receive),
            // Documented deviation, as Linux: the FIN waits for ESTABLISHED even with nothing queued (RFC 9293 3.10.4
            // allows sending it at once); a FIN before our SYN is acknowledged would complicate retransmission for no gain.
            R(O.SynReceivedActive, E.Close).As("CLOSE (Shutdown), nothing queued: FIN deferred to ESTABLISHED").To(St.SynReceived).Silent().Returns(NetError.Ok).Ref(Rfc9293Close + " (deferred, as Linux)"),
            R(O.SynReceivedActiveQueued, E.Close).To(St.SynReceived).Silent().Returns(NetError.Ok).Ref(Rfc9293Close)
                .Then("the ACK of our SYN releases data and FIN", c =>
                {
                    c.F.Feed(ConformanceHarness.Incoming("ACK seq=RCV.NXT ack=SND.NXT", c));
                    ExpectThen(c, "FIN,ACK seq=SND.NXT ack=RCV.NXT len=10", "after the handshake");
                    Assert.Equal(St.FinWait1, c.S.GetState(c.Handle));
                }),
            R(O.SynReceivedActive, E.Abort).To(St.Closed).Emits(AbortReset).Returns(NetError.Ok).Ref(Rfc9293Abort),
            Status(O.SynReceivedActive),

            // ============================================================== ESTABLISHED
            R(O.Established, E.Syn).As("SYN in window").To(St.Established).Emits(ChallengeAck).Ref(Rfc5961Syn),
            R(O.Established, E.Syn).As("old SYN (SEG.SEQ = IRS)").In("SYN seq=IRS").To(St.Established).Emits(ChallengeAck).Ref(Rfc5961Syn),
            R(O.EstablishedActive, E.SynAck).As("retransmitted SYN-ACK").To(St.Established).Emits(AckOnly).Ref(Rfc9293SeqCheck),
            R(O.Established, E.AcceptableAck).To(St.Established).Silent().Ref(Rfc9293Ack),
            R(O.EstablishedInFlight, E.AcceptableAck).As("ACK of the data").To(St.Established).Silent().Ref(Rfc9293Ack)
                .Then("the retransmission timer is stopped", c => { c.F.Advance(10L * c.F.Config.InitialRtoMs); c.F.Out.None(); }),
            R(O.Established, E.UnacceptableAck).To(St.Established).Emits(AckOnly).Ref(Rfc5961Ack),
            R(O.Established, E.Fin).To(St.CloseWait).Emits("ACK seq=SND.NXT ack=RCV.NXT+1").Ref(Rfc9293Fin),
            R(O.Established, E.Fin).As("FIN without ACK bit").In("FIN seq=RCV.NXT").To(St.Established).Silent().Ref(Rfc9293Ack),
            R(O.EstablishedReceived, E.Fin).As("FIN after the data").To(St.CloseWait).Emits("ACK seq=SND.NXT ack=RCV.NXT+1").Ref(Rfc9293Fin),
            R(O.Established, E.RstExact).To(St.Closed).Silent().Error(NetError.ConnectionReset).Ref(Rfc5961Rst),
            R(O.Established, E.RstInWindow).To(St.Established).Emits(ChallengeAck).Ref(Rfc5961Rst),
            R(O.Established, E.RstOutsideWindow).To(St.Established).Silent().Ref(Rfc5961Rst),
            R(O.Established, E.RstInWindow).Repeated(11).To(St.Established).Emits("10× " + ChallengeAck).Ref("RFC 5961 7: at most 10 challenge ACKs per second")
                .Then("a second later a challenge ACK is sent again", c =>
                {
                    c.F.Advance(1000);
                    c.F.Feed(c.Fed);
                    ExpectThen(c, ChallengeAck, "challenge ACK after one second");
                }),
            R(O.Established, E.DataInWindow).To(St.Established).Silent().Ref(Rfc9293Text + ", RFC 1122 4.2.3.2")
                .Then("the 10 bytes are readable", c => Assert.Equal(10, c.S.BytesToRead(c.Handle))),
            R(O.Established, E.DataOutsideWindow).To(St.Established).Emits(AckOnly).Ref(Rfc9293SeqCheck),
            R(O.Established, E.DataOutsideWindow).As("old duplicate data").In("ACK seq=RCV.NXT-10 ack=SND.UNA len=10").To(St.Established).Emits(AckOnly).Ref(Rfc9293SeqCheck),
            R(O.EstablishedInFlight, E.RetransmissionTimer).To(St.Established).Emits("ACK seq=SND.UNA ack=RCV.NXT len=10").Ref(Rfc9293Timeouts + ", RFC 6298 5.4"),
            R(O.EstablishedReceived, E.DelayedAckTimer).To(St.Established).Emits(AckOnly).Ref("RFC 1122 4.2.3.2"),
            R(O.EstablishedKeepalive, E.KeepaliveTimer).To(St.Established).Emits("ACK seq=SND.NXT-1 ack=RCV.NXT").Ref("RFC 1122 4.2.3.6"),
            R(O.EstablishedKeepalive, E.KeepaliveTimer).As("keepalive probes unanswered").After(cfg => (long)cfg.KeepaliveIdleMs + (long)cfg.KeepaliveCount * cfg.KeepaliveIntervalMs)
                .To(St.Closed).Emits("9× ACK seq=SND.NXT-1 ack=RCV.NXT; " + AbortReset).Error(NetError.TimedOut).Ref("RFC 1122 4.2.3.6"),
            R(O.Established, E.KeepaliveTimer).As("keepalive timer, keepalive off").To(St.Established).Silent().Ref("RFC 1122 4.2.3.6"),
            AlreadyExists(O.Established),
            R(O.Established, E.Send).To(St.Established).Emits("ACK seq=SND.NXT ack=RCV.NXT len=10").Returns(10).Ref(Rfc9293Send),
            R(O.Established, E.Receive).To(St.Established).Silent().Returns(0, "0 (nothing yet)").Ref(Rfc9293Receive),
            R(O.EstablishedReceived, E.Receive).To(St.Established).Silent().Returns(10).Ref(Rfc9293Receive),
            R(O.Established, E.Close).To(St.FinWait1).Emits("FIN,ACK seq=SND.NXT ack=RCV.NXT").Returns(NetError.Ok).Ref(Rfc9293Close),
            R(O.Established, E.Close).Do("CLOSE (Close: release the handle)", CloseCall).To(St.FinWait1).Emits("FIN,ACK seq=SND.NXT ack=RCV.NXT").Returns(NetError.Ok).Ref(Rfc9293Close)
                .Then("the handle is invalid", c => Assert.False(c.S.IsValid(c.Handle))),
            R(O.EstablishedReceived, E.Close).Do("CLOSE (Close) with unread data", CloseCall).To(St.Closed).Emits(AbortReset).Returns(NetError.Ok).Ref("RFC 1122 4.2.2.13, RFC 2525 2.17"),
            R(O.Established, E.Abort).To(St.Closed).Emits(AbortReset).Returns(NetError.Ok).Ref(Rfc9293Abort),
            Status(O.Established),

            // ============================================================== FIN_WAIT_1
            R(O.FinWait1, E.Syn).As("SYN in window").To(St.FinWait1).Emits(ChallengeAck).Ref(Rfc5961Syn),
            R(O.FinWait1, E.AcceptableAck).As("ACK of our FIN").To(St.FinWait2).Silent().Ref(Rfc9293Ack),
            R(O.FinWait1Orphaned, E.AcceptableAck).As("ACK of our FIN").To(St.FinWait2).Silent().Ref(Rfc9293Ack),
            R(O.FinWait1, E.UnacceptableAck).To(St.FinWait1).Emits(AckOnly).Ref(Rfc5961Ack),
            R(O.FinWait1, E.Fin).As("FIN not acking ours (simultaneous close)").To(St.Closing).Emits("ACK seq=SND.NXT ack=RCV.NXT+1").Ref(Rfc9293Fin),
            R(O.FinWait1, E.FinAck).To(St.TimeWait).Emits("ACK seq=SND.NXT ack=RCV.NXT+1").Ref(Rfc9293Fin),
            R(O.FinWait1, E.RstExact).To(St.Closed).Silent().Error(NetError.ConnectionReset).Ref(Rfc5961Rst),
            R(O.FinWait1, E.RstInWindow).To(St.FinWait1).Emits(ChallengeAck).Ref(Rfc5961Rst),
            R(O.FinWait1, E.RstOutsideWindow).To(St.FinWait1).Silent().Ref(Rfc5961Rst),
            R(O.FinWait1, E.DataInWindow).To(St.FinWait1).Silent().Ref(Rfc9293Text)
                .Then("the 10 bytes are readable", c => Assert.Equal(10, c.S.BytesToRead(c.Handle))),
            R(O.FinWait1Orphaned, E.DataInWindow).To(St.Closed).Emits(AbortReset).Ref("RFC 1122 4.2.2.13, RFC 2525 2.17"),
            R(O.FinWait1, E.DataOutsideWindow).To(St.FinWait1).Emits(AckOnly).Ref(Rfc9293SeqCheck),
            R(O.FinWait1, E.RetransmissionTimer).To(St.FinWait1).Emits("FIN,ACK seq=SND.UNA ack=RCV.NXT").Ref(Rfc9293Timeouts),
            AlreadyExists(O.FinWait1),
            R(O.FinWait1, E.Send).To(St.FinWait1).Silent().Returns(NetError.InvalidState, "InvalidState (error: connection closing)").Ref(Rfc9293Send),
            R(O.FinWait1, E.Receive).To(St.FinWait1).Silent().Returns(0, "0 (nothing yet)").Ref(Rfc9293Receive),
            R(O.FinWait1, E.Close).As("CLOSE (Shutdown) again").To(St.FinWait1).Silent().Returns(NetError.Ok).Ref(Rfc9293Close),
            R(O.FinWait1, E.Abort).To(St.Closed).Emits(AbortReset).Returns(NetError.Ok).Ref(Rfc9293Abort),
            Status(O.FinWait1),

            // ============================================================== FIN_WAIT_2
            R(O.FinWait2, E.Syn).As("SYN in window").To(St.FinWait2).Emits(ChallengeAck).Ref(Rfc5961Syn),
            R(O.FinWait2, E.AcceptableAck).To(St.FinWait2).Silent().Ref(Rfc9293Ack),
            R(O.FinWait2, E.UnacceptableAck).To(St.FinWait2).Emits(AckOnly).Ref(Rfc5961Ack),
            R(O.FinWait2, E.Fin).To(St.TimeWait).Emits("ACK seq=SND.NXT ack=RCV.NXT+1").Ref(Rfc9293Fin),
            R(O.FinWait2Orphaned, E.Fin).To(St.TimeWait).Emits("ACK seq=SND.NXT ack=RCV.NXT+1").Ref(Rfc9293Fin),
            R(O.FinWait2, E.RstExact).To(St.Closed).Silent().Error(NetError.ConnectionReset).Ref(Rfc5961Rst),
            R(O.FinWait2, E.RstInWindow).To(St.FinWait2).Emits(ChallengeAck).Ref(Rfc5961Rst),
            R(O.FinWait2, E.RstOutsideWindow).To(St.FinWait2).Silent().Ref(Rfc5961Rst),
            R(O.FinWait2, E.DataInWindow).To(St.FinWait2).Silent().Ref(Rfc9293Text)
                .Then("the 10 bytes are readable", c => Assert.Equal(10, c.S.BytesToRead(c.Handle))),
            R(O.FinWait2Orphaned, E.DataInWindow).To(St.Closed).Emits(AbortReset).Ref("RFC 1122 4.2.2.13, RFC 2525 2.17"),
            R(O.FinWait2, E.DataOutsideWindow).To(St.FinWait2).Emits(AckOnly).Ref(Rfc9293SeqCheck),
            R(O.FinWait2Received, E.DelayedAckTimer).To(St.FinWait2).Emits(AckOnly).Ref("RFC 1122 4.2.3.2"),
            R(O.FinWait2Orphaned, E.FinWait2Timer).To(St.Closed).Silent().Ref("RFC 9293 3.6, as Linux tcp_fin_timeout")
                .Then("the entry is free", c => Assert.Equal(0, c.S.ActiveCount)),
            R(O.FinWait2, E.FinWait2Timer).As("FIN_WAIT_2 timer, handle held").To(St.FinWait2).Silent().Ref("RFC 9293 3.6: the user may still receive"),
            AlreadyExists(O.FinWait2),
            R(O.FinWait2, E.Send).To(St.FinWait2).Silent().Returns(NetError.InvalidState, "InvalidState (error: connection closing)").Ref(Rfc9293Send),
            R(O.FinWait2, E.Receive).To(St.FinWait2).Silent().Returns(0, "0 (nothing yet)").Ref(Rfc9293Receive),
            R(O.FinWait2, E.Close).As("CLOSE (Shutdown) again").To(St.FinWait2).Silent().Returns(NetError.Ok).Ref(Rfc9293Close),
            R(O.FinWait2, E.Abort).To(St.Closed).Emits(AbortReset).Returns(NetError.Ok).Ref(Rfc9293Abort),
            Status(O.FinWait2),

            // ============================================================== CLOSING
            R(O.Closing, E.Syn).As("SYN in window").To(St.Closing).Emits(ChallengeAck).Ref(Rfc5961Syn),
            R(O.Closing, E.AcceptableAck).As("ACK of our FIN").To(St.TimeWait).Silent().Ref(Rfc9293Ack),
            R(O.Closing, E.UnacceptableAck).To(St.Closing).Emits(AckOnly).Ref(Rfc5961Ack),
            R(O.Closing, E.Fin).As("retransmitted FIN").In("FIN,ACK seq=RCV.NXT-1 ack=SND.UNA").To(St.Closing).Emits(AckOnly).Ref(Rfc9293SeqCheck),
            R(O.Closing, E.FinAck).As("retransmitted FIN acking ours (old: its ACK field is not used)").In("FIN,ACK seq=RCV.NXT-1 ack=SND.NXT").To(St.Closing).Emits(AckOnly).Ref(Rfc9293SeqCheck),
            R(O.Closing, E.RstExact).To(St.Closed).Silent().Error(NetError.Ok).Ref("RFC 9293 3.10.7.4 second"),
            R(O.Closing, E.RstInWindow).To(St.Closing).Emits(ChallengeAck).Ref(Rfc5961Rst),
            R(O.Closing, E.RstOutsideWindow).To(St.Closing).Silent().Ref(Rfc5961Rst),
            R(O.Closing, E.DataInWindow).As("data after the peer's FIN").To(St.Closing).Silent().Ref(Rfc9293Text),
            R(O.Closing, E.DataOutsideWindow).To(St.Closing).Emits(AckOnly).Ref(Rfc9293SeqCheck),
            R(O.Closing, E.RetransmissionTimer).To(St.Closing).Emits("FIN,ACK seq=SND.UNA ack=RCV.NXT").Ref(Rfc9293Timeouts),
            AlreadyExists(O.Closing),
            R(O.Closing, E.Send).To(St.Closing).Silent().Returns(NetError.InvalidState, "InvalidState (error: connection closing)").Ref(Rfc9293Send),
            R(O.Closing, E.Receive).To(St.Closing).Silent().Returns(NetError.EndOfStream, "EndOfStream (error: connection closing)").Ref(Rfc9293Receive),
            R(O.Closing, E.Close).As("CLOSE (Shutdown) again").To(St.Closing).Silent().ReturnsError("connection closing").Ref(Rfc9293Close),
            R(O.Closing, E.Abort).To(St.Closed).Silent().Returns(NetError.Ok).Ref(Rfc9293Abort),
            Status(O.Closing),

            // ============================================================== TIME_WAIT
            R(O.TimeWait, E.Syn).As("SYN in window (SEG.SEQ = RCV.NXT)").To(St.TimeWait).Emits(ChallengeAck).Ref(Rfc5961Syn),
            R(O.TimeWait, E.Syn).As("new SYN above the old sequence space, listener present").In("SYN seq=RCV.NXT+100000").To(St.SynReceived)
                .Emits("SYN,ACK seq>SND.NXT ack=SEG.SEQ+1").Ref("RFC 1122 4.2.2.13"),
            R(O.TimeWaitNoListener, E.Syn).As("new SYN above the old sequence space, no listener").In("SYN seq=RCV.NXT+100000").To(St.TimeWait).Emits(ChallengeAck).Ref(Rfc5961Syn),
            R(O.TimeWait, E.AcceptableAck).To(St.TimeWait).Silent().Ref(Rfc9293Ack),
            R(O.TimeWait, E.UnacceptableAck).To(St.TimeWait).Emits(AckOnly).Ref(Rfc5961Ack),
            R(O.TimeWaitLater, E.Fin).As("retransmitted FIN").In("FIN,ACK seq=RCV.NXT-1 ack=SND.NXT").To(St.TimeWait).Emits(AckOnly).Ref(Rfc9293Fin)
                .Then("2MSL restarts from the FIN", c =>
                {
                    c.F.Advance(2L * c.F.Config.MslMs - 1);
                    Assert.Equal(St.TimeWait, c.S.GetState(c.Handle));
                    c.F.Advance(1);
                    Assert.Equal(St.Closed, c.S.GetState(c.Handle));
                    c.F.Out.None();
                }),
            R(O.TimeWait, E.RstExact).To(St.TimeWait).Silent().Ref("RFC 1337"),
            R(O.TimeWait, E.RstInWindow).To(St.TimeWait).Silent().Ref("RFC 1337"),
            R(O.TimeWait, E.RstOutsideWindow).To(St.TimeWait).Silent().Ref("RFC 1337"),
            R(O.TimeWait, E.DataInWindow).As("data after the peer's FIN").To(St.TimeWait).Silent().Ref(Rfc9293Text),
            R(O.TimeWait, E.DataOutsideWindow).To(St.TimeWait).Emits(AckOnly).Ref(Rfc9293SeqCheck),
            R(O.TimeWait, E.TimeWaitTimer).To(St.Closed).Silent().Error(NetError.Ok).Ref(Rfc9293Timeouts),
            AlreadyExists(O.TimeWait),
            R(O.TimeWait, E.Send).To(St.TimeWait).Silent().Returns(NetError.InvalidState, "InvalidState (error: connection closing)").Ref(Rfc9293Send),
            R(O.TimeWait, E.Receive).To(St.TimeWait).Silent().Returns(NetError.EndOfStream, "EndOfStream (error: connection closing)").Ref(Rfc9293Receive),
            R(O.TimeWait, E.Close).As("CLOSE (Shutdown) again").To(St.TimeWait).Silent().ReturnsError("connection closing").Ref(Rfc9293Close),
            R(O.TimeWait, E.Close).Do("CLOSE (Close: release the handle)", CloseCall).To(St.TimeWait).Silent().Returns(NetError.Ok).Ref("RFC 9293 3.6")
                .Then("the entry lives out 2MSL, then is freed", c =>
                {
                    c.F.Advance(2L * c.F.Config.MslMs - 1);
                    Assert.Equal(St.TimeWait, c.F.EntryState(0));
                    c.F.Advance(1);
                    Assert.Equal(0, c.S.ActiveCount);
                }),
            R(O.TimeWait, E.Abort).To(St.Closed).Silent().Returns(NetError.Ok).Ref(Rfc9293Abort),
            Status(O.TimeWait),

            // ============================================================== CLOSE_WAIT
            R(O.CloseWait, E.Syn).As("SYN in window").To(St.CloseWait).Emits(ChallengeAck).Ref(Rfc5961Syn),
            R(O.CloseWait, E.AcceptableAck).To(St.CloseWait).Silent().Ref(Rfc9293Ack),
            R(O.CloseWaitInFlight, E.AcceptableAck).As("ACK of the data").To(St.CloseWait).Silent().Ref(Rfc9293Ack),
            R(O.CloseWait, E.UnacceptableAck).To(St.CloseWait).Emits(AckOnly).Ref(Rfc5961Ack),
            R(O.CloseWait, E.Fin).As("retransmitted FIN").In("FIN,ACK seq=RCV.NXT-1 ack=SND.UNA").To(St.CloseWait).Emits(AckOnly).Ref(Rfc9293SeqCheck),
            R(O.CloseWait, E.RstExact).To(St.Closed).Silent().Error(NetError.ConnectionReset).Ref(Rfc5961Rst),
            R(O.CloseWait, E.RstInWindow).To(St.CloseWait).Emits(ChallengeAck).Ref(Rfc5961Rst),
            R(O.CloseWait, E.RstOutsideWindow).To(St.CloseWait).Silent().Ref(Rfc5961Rst),
            R(O.CloseWait, E.DataInWindow).As("data after the peer's FIN").To(St.CloseWait).Silent().Ref(Rfc9293Text),
            R(O.CloseWait, E.DataOutsideWindow).To(St.CloseWait).Emits(AckOnly).Ref(Rfc9293SeqCheck),
            R(O.CloseWaitInFlight, E.RetransmissionTimer).To(St.CloseWait).Emits("ACK seq=SND.UNA ack=RCV.NXT len=10").Ref(Rfc9293Timeouts + ", RFC 6298 5.4"),
            R(O.CloseWaitKeepalive, E.KeepaliveTimer).To(St.CloseWait).Emits("ACK seq=SND.NXT-1 ack=RCV.NXT").Ref("RFC 1122 4.2.3.6"),
            AlreadyExists(O.CloseWait),
            R(O.CloseWait, E.Send).To(St.CloseWait).Emits("ACK seq=SND.NXT ack=RCV.NXT len=10").Returns(10).Ref(Rfc9293Send),
            R(O.CloseWait, E.Receive).To(St.CloseWait).Silent().Returns(NetError.EndOfStream, "EndOfStream (error: connection closing)").Ref(Rfc9293Receive),
            R(O.CloseWait, E.Close).To(St.LastAck).Emits("FIN,ACK seq=SND.NXT ack=RCV.NXT").Returns(NetError.Ok).Ref(Rfc9293Close),
            R(O.CloseWait, E.Abort).To(St.Closed).Emits(AbortReset).Returns(NetError.Ok).Ref(Rfc9293Abort),
            Status(O.CloseWait),

            // ============================================================== LAST_ACK
            R(O.LastAck, E.Syn).As("SYN in window").To(St.LastAck).Emits(ChallengeAck).Ref(Rfc5961Syn),
            R(O.LastAck, E.AcceptableAck).As("ACK of our FIN").To(St.Closed).Silent().Error(NetError.Ok).Ref(Rfc9293Ack),
            R(O.LastAck, E.UnacceptableAck).To(St.LastAck).Emits(AckOnly).Ref(Rfc5961Ack),
            R(O.LastAck, E.Fin).As("retransmitted FIN").In("FIN,ACK seq=RCV.NXT-1 ack=SND.UNA").To(St.LastAck).Emits(AckOnly).Ref(Rfc9293SeqCheck),
            R(O.LastAck, E.FinAck).As("retransmitted FIN acking ours (old: its ACK field is not used)").In("FIN,ACK seq=RCV.NXT-1 ack=SND.NXT").To(St.LastAck).Emits(AckOnly).Ref(Rfc9293SeqCheck),
            R(O.LastAck, E.RstExact).To(St.Closed).Silent().Error(NetError.Ok).Ref("RFC 9293 3.10.7.4 second"),
            R(O.LastAck, E.RstInWindow).To(St.LastAck).Emits(ChallengeAck).Ref(Rfc5961Rst),
            R(O.LastAck, E.RstOutsideWindow).To(St.LastAck).Silent().Ref(Rfc5961Rst),
            R(O.LastAck, E.DataInWindow).As("data after the peer's FIN").To(St.LastAck).Silent().Ref(Rfc9293Text),
            R(O.LastAck, E.DataOutsideWindow).To(St.LastAck).Emits(AckOnly).Ref(Rfc9293SeqCheck),
            R(O.LastAck, E.RetransmissionTimer).To(St.LastAck).Emits("FIN,ACK seq=SND.UNA ack=RCV.NXT").Ref(Rfc9293Timeouts),
            AlreadyExists(O.LastAck),
            R(O.LastAck, E.Send).To(St.LastAck).Silent().Returns(NetError.InvalidState, "InvalidState (error: connection closing)").Ref(Rfc9293Send),
            R(O.LastAck, E.Receive).To(St.LastAck).Silent().Returns(NetError.EndOfStream, "EndOfStream (error: connection closing)").Ref(Rfc9293Receive),
            R(O.LastAck, E.Close).As("CLOSE (Shutdown) again").To(St.LastAck).Silent().ReturnsError("connection closing").Ref(Rfc9293Close),
            R(O.LastAck, E.Abort).To(St.Closed).Silent().Returns(NetError.Ok).Ref(Rfc9293Abort),
            Status(O.LastAck),
        };

        private static readonly Dictionary<string, ConformanceRow> ByName = BuildIndex();

        private static Dictionary<string, ConformanceRow> BuildIndex()
        {
            var d = new Dictionary<string, ConformanceRow>();
            foreach (ConformanceRow r in Rows)
            {
                d.TryAdd(r.Name, r);
            }

            return d;
        }

        public static IEnumerable<object[]> Transitions()
        {
            return Rows.Select(r => new object[] { new Transition(r.Name) });
        }

        [Theory]
        [MemberData(nameof(Transitions))]
        public void Row(Transition transition)
        {
            ConformanceHarness.Run(ByName[transition.Name]);
        }

        [Fact]
        public void Table_CoversEveryStateAndEveryEventColumn_WithUniqueNames()
        {
            var names = new HashSet<string>();
            foreach (ConformanceRow r in Rows)
            {
                Assert.True(names.Add(r.Name), "duplicate row name: " + r.Name);
            }

            foreach (St s in Enum.GetValues<St>())
            {
                Assert.True(Rows.Any(r => r.Origin.State == s), "no row starts in " + TcpStateNames.Of(s));
            }

            foreach (E e in Enum.GetValues<E>())
            {
                Assert.True(Rows.Any(r => r.Event == e), "no row for the event column " + e);
            }

            // Every synchronized state meets every segment column of RFC 5961 (RST exact / in window / outside, SYN, unacceptable ACK).
            foreach (St s in new[] { St.SynReceived, St.Established, St.FinWait1, St.FinWait2, St.Closing, St.TimeWait, St.CloseWait, St.LastAck })
            {
                foreach (E e in new[] { E.Syn, E.AcceptableAck, E.RstExact, E.RstInWindow, E.RstOutsideWindow, E.DataInWindow, E.DataOutsideWindow, E.Fin })
                {
                    Assert.True(Rows.Any(r => r.Origin.State == s && r.Event == e), "no row " + TcpStateNames.Of(s) + " + " + ConformanceHarness.ColumnLabel(e));
                }
            }

            // And every user call meets every state where the user holds a handle.
            foreach (St s in new[] { St.SynSent, St.SynReceived, St.Established, St.FinWait1, St.FinWait2, St.Closing, St.TimeWait, St.CloseWait, St.LastAck, St.Closed })
            {
                foreach (E e in new[] { E.Send, E.Receive, E.Close, E.Abort, E.Status })
                {
                    Assert.True(Rows.Any(r => r.Origin.State == s && r.Event == e), "no row " + TcpStateNames.Of(s) + " + " + ConformanceHarness.ColumnLabel(e));
                }
            }
        }

        [Fact]
        public void SynSent_RetransmitsTheSynForAtLeastThreeMinutes_Rfc9293_3_8_3_Must23()
        {
            // RFC 9293 3.8.3 (MUST-23, from RFC 1122 4.2.3.5): "R2 for a SYN segment MUST be set large enough to
            // provide retransmission of the segment for at least 3 minutes." (The application may give up sooner.)
            var f = TcpFixture.SynSent();
            f.Advance(3L * 60 * 1000 - 1);
            int syns = f.Out.Take().Count(s => s.Has(TcpFlags.Syn));
            Assert.True(f.State == St.SynSent, "SYN_SENT gave up before 3 minutes (InitialRtoMs " + f.Config.InitialRtoMs + ", MaxSynRetries "
                + f.Config.MaxSynRetries + ", " + syns + " SYNs retransmitted): state " + TcpStateNames.Of(f.State) + ", error "
                + ConformanceHarness.ErrorName(f.Stack.GetError(f.Handle)));
        }

        [Fact]
        public void Established_RetransmitsDataForAtLeast100Seconds_Rfc9293_3_8_3()
        {
            // RFC 9293 3.8.3 (from RFC 1122 4.2.3.5): the threshold R2 for data SHOULD correspond to at least 100 seconds.
            var f = TcpFixture.Established();
            Assert.Equal(10, f.Stack.Send(f.Handle, new byte[10], 0, 10));
            f.Out.Take();
            f.Advance(100L * 1000 - 1);
            int retransmissions = f.Out.Take().Count(s => s.Len == 10);
            Assert.True(f.State == St.Established, "gave up before 100 s after " + retransmissions + " retransmissions: " + TcpStateNames.Of(f.State));
            Assert.True(retransmissions >= 3, "R1: at least 3 retransmissions expected, got " + retransmissions);
        }

        [Fact]
        public void Harness_DetectsAWrongExpectation()
        {
            // The table cannot pass vacuously: a row with a wrong segment, a wrong state or a wrong ack fails.
            var wrongSegment = R(O.Established, E.Fin).To(St.CloseWait).Silent();
            Assert.ThrowsAny<Exception>(() => ConformanceHarness.Run(wrongSegment));
            var wrongState = R(O.Established, E.Fin).To(St.Established).Emits("ACK seq=SND.NXT ack=RCV.NXT+1");
            Assert.ThrowsAny<Exception>(() => ConformanceHarness.Run(wrongState));
            var wrongAck = R(O.Established, E.Fin).To(St.CloseWait).Emits("ACK seq=SND.NXT ack=RCV.NXT");
            Assert.ThrowsAny<Exception>(() => ConformanceHarness.Run(wrongAck));
            var right = R(O.Established, E.Fin).To(St.CloseWait).Emits("ACK seq=SND.NXT ack=RCV.NXT+1");
            ConformanceHarness.Run(right);
        }
    }
}
