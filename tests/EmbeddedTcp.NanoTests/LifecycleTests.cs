using EmbeddedTcp.Ip;
using EmbeddedTcp.Tcp;
using nanoFramework.TestFramework;

namespace EmbeddedTcp.NanoTests
{
    /// <summary>
    /// The stories of RFC 9293's state diagram, told between two whole stacks over an in-memory
    /// cable on the interpreter that is flashed: which states each side walks (from the TCP
    /// trace), which segments go out (TCP counters) and when the timers fire (virtual time).
    /// </summary>
    [TestClass]
    public class LifecycleTests
    {
        private const int Port = 5000;
        private const int ClientPort = 40000;

        /// <summary>
        /// A connects to B's listener: SYN, SYN-ACK, ACK (after ARP resolves B). A walks
        /// CLOSED SYN_SENT ESTABLISHED, B's new entry LISTEN SYN_RECEIVED ESTABLISHED, and
        /// exactly three segments cross.
        /// </summary>
        [TestMethod]
        public void ThreeWayHandshake()
        {
            StackPair net = new StackPair();
            Session s = Session.Open(net);
            Assert.AreEqual("CLOSED SYN_SENT ESTABLISHED", net.LogA.Path(s.ClientIndex), "client path");
            Assert.AreEqual("LISTEN SYN_RECEIVED ESTABLISHED", net.LogB.Path(s.ServerIndex), "server path");
            Assert.AreEqual(2L, net.A.Tcp.Counters.SegmentsOut, "client segments: SYN, ACK");
            Assert.AreEqual(1L, net.B.Tcp.Counters.SegmentsOut, "server segments: SYN-ACK");
            Assert.AreEqual(1L, net.A.Tcp.Counters.ActiveOpens, "active opens");
            Assert.AreEqual(1L, net.B.Tcp.Counters.PassiveOpens, "passive opens");
            Assert.AreEqual(0L, net.A.Tcp.Counters.Retransmissions + net.B.Tcp.Counters.Retransmissions, "retransmissions");
            Assert.AreEqual(1L, net.A.Counters.ArpRequestsOut, "the SYN waited for one ARP request");
            Assert.AreEqual(1L, net.A.Counters.ArpQueued, "the SYN was held while B was resolved");

            // Data flows both ways on the new connection.
            byte[] hello = Bytes.Ascii("hello");
            Assert.AreEqual(5, net.A.Tcp.Send(s.Client, hello, 0, 5), "client send");
            net.Settle();
            byte[] buf = new byte[16];
            Assert.AreEqual(5, net.B.Tcp.Receive(s.Server, buf, 0, 16), "server receive");
            Assert.AreEqual("hello", Bytes.Text(buf, 0, 5), "bytes at the server");
            Assert.AreEqual(0, net.LogA.Lost + net.LogB.Lost, "trace events lost");
        }

        /// <summary>
        /// A closes first: FIN, ACK (A in FIN_WAIT_2, B in CLOSE_WAIT), B reads end of stream and
        /// closes: FIN, ACK. A walks ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT, B
        /// ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED; four segments in all.
        /// </summary>
        [TestMethod]
        public void FourWayClose()
        {
            StackPair net = new StackPair();
            Session s = Session.Open(net);
            long outA = net.A.Tcp.Counters.SegmentsOut;
            long outB = net.B.Tcp.Counters.SegmentsOut;
            Assert.AreEqual(NetError.Ok, net.A.Tcp.Shutdown(s.Client), "client shutdown");
            net.Settle();
            Check.State(TcpState.FinWait2, net.A.Tcp.GetState(s.Client), "client after its FIN was acknowledged");
            Check.State(TcpState.CloseWait, net.B.Tcp.GetState(s.Server), "server after the client's FIN");
            byte[] buf = new byte[16];
            Assert.AreEqual(NetError.EndOfStream, net.B.Tcp.Receive(s.Server, buf, 0, 16), "server reads end of stream");
            Assert.AreEqual(NetError.Ok, net.B.Tcp.Close(s.Server), "server close");
            net.Settle();
            Check.State(TcpState.TimeWait, net.A.Tcp.GetState(s.Client), "client, the active closer");
            Assert.AreEqual(0, net.B.Tcp.ActiveCount, "server entry released after LAST_ACK");
            Assert.AreEqual("CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT", net.LogA.Path(s.ClientIndex), "client path");
            Assert.AreEqual("LISTEN SYN_RECEIVED ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED", net.LogB.Path(s.ServerIndex), "server path");
            Assert.AreEqual(2L, net.A.Tcp.Counters.SegmentsOut - outA, "client segments: FIN, ACK");
            Assert.AreEqual(2L, net.B.Tcp.Counters.SegmentsOut - outB, "server segments: ACK, FIN");
            Assert.AreEqual(0L, net.A.Tcp.Counters.ResetsOut + net.B.Tcp.Counters.ResetsOut, "no RST in a clean close");
        }

        /// <summary>
        /// Both sides connect to each other at once (no listener): the SYNs cross, each side goes
        /// SYN_SENT to SYN_RECEIVED, answers with SYN-ACK and reaches ESTABLISHED; then data flows.
        /// </summary>
        [TestMethod]
        public void SimultaneousOpen()
        {
            StackPair net = new StackPair();
            int a = net.A.Tcp.Connect(0, StackPair.IpB, 6000, 5000);
            int b = net.B.Tcp.Connect(0, StackPair.IpA, 5000, 6000);
            Assert.IsTrue(a > 0 && b > 0, "both connects accepted");
            int ia = net.A.Tcp.IndexOf(a);
            int ib = net.B.Tcp.IndexOf(b);
            net.RunFor(100);
            Check.State(TcpState.Established, net.A.Tcp.GetState(a), "A");
            Check.State(TcpState.Established, net.B.Tcp.GetState(b), "B");
            Assert.AreEqual("CLOSED SYN_SENT SYN_RECEIVED ESTABLISHED", net.LogA.Path(ia), "A's path");
            Assert.AreEqual("CLOSED SYN_SENT SYN_RECEIVED ESTABLISHED", net.LogB.Path(ib), "B's path");
            Assert.AreEqual(2L, net.A.Tcp.Counters.SegmentsOut, "A's segments: SYN, SYN-ACK");
            Assert.AreEqual(2L, net.B.Tcp.Counters.SegmentsOut, "B's segments: SYN, SYN-ACK");
            Assert.AreEqual(0L, net.A.Tcp.Counters.PassiveOpens + net.B.Tcp.Counters.PassiveOpens, "no listener involved");

            byte[] data = Bytes.Ascii("crossed");
            Assert.AreEqual(7, net.B.Tcp.Send(b, data, 0, 7), "B sends");
            net.Settle();
            byte[] buf = new byte[16];
            Assert.AreEqual(7, net.A.Tcp.Receive(a, buf, 0, 16), "A receives");
            Assert.AreEqual("crossed", Bytes.Text(buf, 0, 7), "bytes at A");
        }

        /// <summary>
        /// Both sides close at once: the FINs cross, each side goes FIN_WAIT_1 to CLOSING (a FIN
        /// that does not acknowledge its own), then to TIME_WAIT on the ACK. Both hold TIME_WAIT.
        /// </summary>
        [TestMethod]
        public void SimultaneousClose()
        {
            StackPair net = new StackPair();
            Session s = Session.Open(net);
            net.LogA.Clear();
            net.LogB.Clear();
            Assert.AreEqual(NetError.Ok, net.A.Tcp.Shutdown(s.Client), "A shuts down");
            Assert.AreEqual(NetError.Ok, net.B.Tcp.Shutdown(s.Server), "B shuts down before A's FIN arrives");
            net.Settle();
            Assert.AreEqual("ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT", net.LogA.Path(s.ClientIndex), "A's path");
            Assert.AreEqual("ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT", net.LogB.Path(s.ServerIndex), "B's path");
            Check.State(TcpState.TimeWait, net.A.Tcp.GetState(s.Client), "A");
            Check.State(TcpState.TimeWait, net.B.Tcp.GetState(s.Server), "B");
        }

        /// <summary>
        /// TIME_WAIT lasts exactly 2×MSL from the last FIN it acknowledged: a FIN retransmitted
        /// by the peer (its first ACK was lost) is acknowledged again and restarts the wait.
        /// </summary>
        [TestMethod]
        public void TimeWaitLastsTwoMslAndReacknowledgesARetransmittedFin()
        {
            StackPair net = new StackPair();
            long twoMsl = 2L * net.A.Config.Tcp.MslMs;
            Session s = Session.Open(net);
            net.A.Tcp.Shutdown(s.Client);
            net.Settle();
            byte[] buf = new byte[4];
            net.B.Tcp.Receive(s.Server, buf, 0, 4);
            net.B.Tcp.Close(s.Server);
            // A alone polls: B's FIN reaches A, A enters TIME_WAIT and ACKs; that ACK is lost.
            net.A.Poll(net.Now);
            net.Record();
            Check.State(TcpState.TimeWait, net.A.Tcp.GetState(s.Client), "A after B's FIN");
            Assert.AreEqual(1, net.Link.B.Waiting, "A's ACK of the FIN is on the wire");
            net.Link.B.Flush();
            long entered = net.LogA.TimeEntered(s.ClientIndex, TcpState.TimeWait);
            Assert.AreEqual(net.Now, entered, "TIME_WAIT entered now");
            long outA = net.A.Tcp.Counters.SegmentsOut;

            // B retransmits its FIN after its RTO; A acknowledges it again, B closes.
            for (int i = 0; i < 100 && net.B.Tcp.ActiveCount > 0; i++)
            {
                net.Step(entered + twoMsl - 1);
            }

            Assert.AreEqual(0, net.B.Tcp.ActiveCount, "B closed on the second ACK");
            Assert.IsTrue(net.B.Tcp.Counters.Retransmissions >= 1, "B retransmitted its FIN");
            Assert.AreEqual(1L, net.A.Tcp.Counters.SegmentsOut - outA, "A acknowledged the retransmitted FIN once");
            long restarted = net.Now;
            Assert.IsTrue(restarted > entered, "the FIN came back later");

            // The wait now runs 2×MSL from the retransmitted FIN, not from the first.
            net.RunUntil(entered + twoMsl);
            Check.State(TcpState.TimeWait, net.A.Tcp.GetState(s.Client), "A at 2MSL after the first FIN");
            net.RunUntil(restarted + twoMsl - 1);
            Check.State(TcpState.TimeWait, net.A.Tcp.GetState(s.Client), "A 1 ms before 2MSL after the last FIN");
            net.RunUntil(restarted + twoMsl);
            Check.State(TcpState.Closed, net.A.Tcp.GetState(s.Client), "A at 2MSL after the last FIN");
            Assert.AreEqual(restarted + twoMsl, net.LogA.TimeEntered(s.ClientIndex, TcpState.Closed), "closed exactly at 2MSL");
            Assert.AreEqual((int)TcpCause.TimeWaitExpired, net.LogA.CauseOf(s.ClientIndex, TcpState.Closed), "closed by the 2MSL timer");
        }

        /// <summary>
        /// TIME_WAIT after a plain four-way close: still TIME_WAIT 1 ms before 2×MSL, CLOSED at 2×MSL,
        /// and the port can be connected again.
        /// </summary>
        [TestMethod]
        public void TimeWaitExpiresAtTwoMsl()
        {
            StackPair net = new StackPair();
            long twoMsl = 2L * net.A.Config.Tcp.MslMs;
            Session s = Session.Open(net);
            net.A.Tcp.Shutdown(s.Client);
            net.Settle();
            byte[] buf = new byte[4];
            net.B.Tcp.Receive(s.Server, buf, 0, 4);
            net.B.Tcp.Close(s.Server);
            net.Settle();
            long entered = net.LogA.TimeEntered(s.ClientIndex, TcpState.TimeWait);
            Assert.IsTrue(entered >= 0, "A entered TIME_WAIT");
            net.RunUntil(entered + twoMsl - 1);
            Check.State(TcpState.TimeWait, net.A.Tcp.GetState(s.Client), "1 ms before 2MSL");
            net.RunUntil(entered + twoMsl);
            Check.State(TcpState.Closed, net.A.Tcp.GetState(s.Client), "at 2MSL");
            Assert.AreEqual(NetError.Ok, net.A.Tcp.Close(s.Client), "the user releases the handle");
            Assert.AreEqual(0, net.A.Tcp.ActiveCount, "A's table is empty");

            // The same four-tuple is usable again.
            int again = net.A.Tcp.Connect(0, StackPair.IpB, Port, ClientPort);
            Assert.IsTrue(again > 0, "reconnect from the same port");
            net.Settle();
            Check.State(TcpState.Established, net.A.Tcp.GetState(again), "reconnected");
        }

        /// <summary>
        /// B's ACK of A's FIN is lost and B closes at once: its FIN carries the ACK of A's FIN, so A
        /// goes from FIN_WAIT_1 straight to TIME_WAIT (no FIN_WAIT_2, no CLOSING).
        /// </summary>
        [TestMethod]
        public void FinAckInFinWait1GoesStraightToTimeWait()
        {
            StackPair net = new StackPair();
            Session s = Session.Open(net);
            net.LogA.Clear();
            net.A.Tcp.Shutdown(s.Client);
            net.Turn(); // A's FIN reaches B; B's ACK is queued for A
            Check.State(TcpState.CloseWait, net.B.Tcp.GetState(s.Server), "B after the FIN");
            Assert.AreEqual(1, net.Link.A.Waiting, "B's ACK is on the wire");
            net.Link.A.Flush(); // and lost
            byte[] buf = new byte[4];
            Assert.AreEqual(NetError.EndOfStream, net.B.Tcp.Receive(s.Server, buf, 0, 4), "B reads end of stream");
            long outB = net.B.Tcp.Counters.SegmentsOut;
            net.B.Tcp.Close(s.Server); // FIN+ACK
            Assert.AreEqual(1L, net.B.Tcp.Counters.SegmentsOut - outB, "one segment: FIN with the ACK");
            Check.State(TcpState.FinWait1, net.A.Tcp.GetState(s.Client), "A still waits for its ACK");
            net.Settle();
            Check.State(TcpState.TimeWait, net.A.Tcp.GetState(s.Client), "A after FIN+ACK");
            Assert.AreEqual("ESTABLISHED FIN_WAIT_1 TIME_WAIT", net.LogA.Path(s.ClientIndex), "A's path");
            Assert.AreEqual((int)TcpCause.ReceivedFinAck, net.LogA.CauseOf(s.ClientIndex, TcpState.TimeWait), "cause: FIN that acknowledged ours");
            Assert.AreEqual(0, net.B.Tcp.ActiveCount, "B closed on A's ACK");
        }

        /// <summary>
        /// The client vanishes after its SYN: B's entry waits in SYN_RECEIVED, retransmits its
        /// SYN-ACK MaxSynAckRetries times with backoff, then gives up and frees the entry. The
        /// listener keeps listening: the client's own retransmitted SYN gets a new connection.
        /// </summary>
        [TestMethod]
        public void SynReceivedWithheldAckRetransmitsThenGivesUpAndListenerKeepsListening()
        {
            StackPair net = new StackPair();
            TcpConfig cfg = net.B.Config.Tcp;
            int listener = net.B.Tcp.Listen(0, Port, 4);
            Assert.IsTrue(listener > 0, "listen");
            int client = net.A.Tcp.Connect(0, StackPair.IpB, Port, ClientPort);
            Assert.IsTrue(client > 0, "connect");
            // Run until B has answered the SYN, then the client vanishes: the final ACK never comes.
            for (int i = 0; i < 50 && net.B.Tcp.ActiveCount == 0; i++)
            {
                net.Turn();
            }

            int entry = net.LogB.FirstEntryLeaving(TcpState.Listen);
            Assert.IsTrue(entry >= 0, "B took the SYN");
            Assert.AreEqual("LISTEN SYN_RECEIVED", net.LogB.Path(entry), "B's entry");
            net.FrozenA = true;
            net.Link.A.Flush();
            long synAcksBefore = net.B.Tcp.Counters.SegmentsOut;
            Assert.AreEqual(1L, synAcksBefore, "one SYN-ACK so far");

            for (int i = 0; i < 1000 && net.B.Tcp.ActiveCount > 0; i++)
            {
                net.Step(long.MaxValue);
            }

            Assert.AreEqual(0, net.B.Tcp.ActiveCount, "B gave up and freed the entry");
            Assert.AreEqual((long)cfg.MaxSynAckRetries, net.B.Tcp.Counters.SegmentsOut - synAcksBefore, "SYN-ACK retransmissions");
            Assert.AreEqual((long)cfg.MaxSynAckRetries, net.B.Tcp.Counters.Retransmissions, "counted as retransmissions");
            Assert.AreEqual(0, net.B.Tcp.Accept(listener), "nothing to accept");
            // Back to LISTEN (never ESTABLISHED), by the retransmission limit, after the backoff:
            // SYN-ACKs at t0, +1, +3, +7, +15 s, giving up 16 s after the last one.
            string path = net.LogB.Path(entry);
            Assert.AreEqual("LISTEN SYN_RECEIVED LISTEN", path, "B's entry");
            Assert.AreEqual((int)TcpCause.RetransmitTimeout, net.LogB.CauseOf(entry, TcpState.Listen), "cause: retransmission limit");
            long t0 = net.LogB.TimeEntered(entry, TcpState.SynReceived);
            Assert.AreEqual(31L * cfg.InitialRtoMs, net.LogB.TimeEntered(entry, TcpState.Listen) - t0, "gave up after 1+2+4+8+16 initial RTOs");
            OutputHelper.WriteLine("SYN_RECEIVED gave up at " + net.Now.ToString() + " ms after " + (net.B.Tcp.Counters.SegmentsOut - synAcksBefore).ToString() + " SYN-ACK retransmissions; path " + path);

            // The client comes back; its SYN retransmission finds the listener still listening.
            net.FrozenA = false;
            net.LogB.Clear();
            for (int i = 0; i < 1000 && net.A.Tcp.GetState(client) != TcpState.Established; i++)
            {
                net.Step(long.MaxValue);
            }

            net.Settle();
            Check.State(TcpState.Established, net.A.Tcp.GetState(client), "client after its SYN retransmission");
            int server = net.B.Tcp.Accept(listener);
            Assert.IsTrue(server > 0, "the listener accepted the new connection");
            Check.State(TcpState.Established, net.B.Tcp.GetState(server), "server");
            Assert.AreEqual(2L, net.B.Tcp.Counters.PassiveOpens, "two passive opens");
        }
    }

    /// <summary>An established connection between A (client) and B (server, accepted from a listener).</summary>
    public sealed class Session
    {
        /// <summary>B's listener.</summary>
        public int Listener;
        /// <summary>A's connection handle.</summary>
        public int Client;
        /// <summary>B's accepted connection handle.</summary>
        public int Server;
        /// <summary>A's connection-table index (stays valid for the trace after the handle is released).</summary>
        public int ClientIndex;
        /// <summary>B's connection-table index.</summary>
        public int ServerIndex;

        /// <summary>B listens on 5000, A connects from 40000; runs until B accepts.</summary>
        public static Session Open(StackPair net)
        {
            return Open(net, 5000, 40000);
        }

        /// <summary>B listens on <paramref name="port"/>, A connects from <paramref name="clientPort"/>; runs until B accepts.</summary>
        public static Session Open(StackPair net, int port, int clientPort)
        {
            Session s = new Session();
            s.Listener = net.B.Tcp.Listen(0, port, 4);
            Assert.IsTrue(s.Listener > 0, "listen: " + s.Listener.ToString());
            s.Client = net.A.Tcp.Connect(0, StackPair.IpB, port, clientPort);
            Assert.IsTrue(s.Client > 0, "connect: " + s.Client.ToString());
            s.ClientIndex = net.A.Tcp.IndexOf(s.Client);
            for (int i = 0; i < 100 && s.Server == 0; i++)
            {
                net.Step(long.MaxValue);
                s.Server = net.B.Tcp.Accept(s.Listener);
            }

            net.Settle();
            Assert.IsTrue(s.Server > 0, "accept: " + s.Server.ToString());
            Check.State(TcpState.Established, net.A.Tcp.GetState(s.Client), "client");
            Check.State(TcpState.Established, net.B.Tcp.GetState(s.Server), "server");
            s.ServerIndex = net.B.Tcp.IndexOf(s.Server);
            return s;
        }
    }
}
