using System.Diagnostics;
using EmbeddedTcp.Ip;
using EmbeddedTcp.NanoSupport;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.NanoMeter
{
    /// <summary>TCP on the board's connection to the host, and the idle poll loop.</summary>
    public static partial class Program
    {
        private const int Rounds = 8;

        private static void TcpScenarios()
        {
            NextScenario();
            TcpReceive(Ph.TcpRx, Ph.TcpReceiveCall);
            NextScenario();
            TcpSend(Ph.TcpTx, Ph.TcpPureAck);
            NextScenario();
            TcpRequestResponse();
            NextScenario();
            TcpOutOfOrder();
            NextScenario();
            TcpRetransmission();
            NextScenario();
            TcpZeroWindow();
            NextScenario();
            TcpKeepalive();
            NextScenario();
            TcpTimeWait();
        }

        /// <summary>
        /// tcp-rx-segment-softcsum, tcp-tx-segment-softcsum: the same segments on a second board whose
        /// device does not offload checksums (the desktop devices, or a chip without a checksum engine):
        /// the statics are pointed at that pair for the two scenarios, then back.
        /// </summary>
        private static void SoftChecksumScenarios()
        {
            MemoryLink link = s_link;
            NetworkStack board = s_board;
            NetworkStack host = s_host;
            int conn = s_conn;
            int hostConn = s_hostConn;
            s_link = s_softLink;
            s_board = s_softBoard;
            s_host = s_softHost;
            s_conn = s_softConn;
            s_hostConn = s_softHostConn;
            NextScenario();
            TcpReceive(Ph.TcpRxSoft, null);
            NextScenario();
            TcpSend(Ph.TcpTxSoft, null);
            Settle();
            s_link = link;
            s_board = board;
            s_host = host;
            s_conn = conn;
            s_hostConn = hostConn;
        }

        /// <summary>
        /// tcp-rx-segment: the board's Poll with one full-size segment waiting. In steady state it
        /// also sends the ACK of the segment before (delayed to the Poll after the application's
        /// turn), so each measured Poll is one segment in and one ACK out.
        /// tcp-receive-call: the application's Receive of that segment.
        /// </summary>
        private static void TcpReceive(string rxPhase, string callPhase)
        {
            // Priming: one segment in, its ACK held back, so the first measured Poll is steady state.
            CheckEqual(Mss, s_host.Tcp.Send(s_hostConn, s_data, 0, Mss), "tcp-rx: host send");
            s_board.Poll(s_now);
            CheckEqual(Mss, s_board.Tcp.Receive(s_conn, s_in, 0, Mss), "tcp-rx: priming receive");
            s_host.Poll(s_now);
            for (int r = 0; r < Rounds; r++)
            {
                CheckEqual(Mss, s_host.Tcp.Send(s_hostConn, s_data, 0, Mss), "tcp-rx: host send");
                CheckEqual(1, ToBoard, "tcp-rx: one segment waiting");

                Debug.WriteLine(rxPhase);
                s_board.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(rxPhase);

                CheckEqual(0, ToBoard, "tcp-rx: segment taken");
                CheckEqual(1, FromBoard, "tcp-rx: the ACK of the segment before");

                if (callPhase != null)
                {
                    Debug.WriteLine(callPhase);
                }

                int n = s_board.Tcp.Receive(s_conn, s_in, 0, Mss);
                if (callPhase != null)
                {
                    Debug.WriteLine(Ph.None);
                    Event(callPhase);
                }


                CheckEqual(Mss, n, "tcp-receive-call: bytes");
                s_host.Poll(s_now);
            }

            Settle();
        }

        /// <summary>
        /// tcp-tx-segment: the board's Send of 1460 bytes with the window open: one full-size
        /// segment out. tcp-pure-ack: the board's Poll with the host's ACK (of the segment before)
        /// waiting and nothing to send.
        /// </summary>
        private static void TcpSend(string txPhase, string ackPhase)
        {
            CheckEqual(Mss, s_board.Tcp.Send(s_conn, s_data, 0, Mss), "tcp-tx: priming send");
            s_host.Poll(s_now);
            HostReceive(s_hostConn, Mss, "tcp-tx: priming receive");
            for (int r = 0; r < Rounds; r++)
            {
                Debug.WriteLine(txPhase);
                int n = s_board.Tcp.Send(s_conn, s_data, 0, Mss);
                Debug.WriteLine(Ph.None);
                Event(txPhase);

                CheckEqual(Mss, n, "tcp-tx: bytes taken");
                CheckEqual(1, FromBoard, "tcp-tx: one segment out");
                s_host.Poll(s_now);
                HostReceive(s_hostConn, Mss, "tcp-tx: host receive");
                CheckEqual(1, ToBoard, "tcp-pure-ack: one ACK waiting");

                if (ackPhase != null)
                {
                    Debug.WriteLine(ackPhase);
                }

                s_board.Poll(s_now);
                if (ackPhase != null)
                {
                    Debug.WriteLine(Ph.None);
                    Event(ackPhase);
                }


                CheckEqual(0, ToBoard, "tcp-pure-ack: taken");
                CheckEqual(0, FromBoard, "tcp-pure-ack: nothing sent");
            }

            Settle();
        }

        /// <summary>
        /// tcp-request-response: 64 bytes in (carrying the ACK of the last answer), the board's Poll,
        /// its application's Receive and Send of a 64-byte answer (carrying the ACK): one frame each way.
        /// </summary>
        private static void TcpRequestResponse()
        {
            CheckEqual(64, s_host.Tcp.Send(s_hostConn, s_data, 0, 64), "request: priming");
            s_board.Poll(s_now);
            CheckEqual(64, s_board.Tcp.Receive(s_conn, s_in, 0, 64), "request: priming receive");
            CheckEqual(64, s_board.Tcp.Send(s_conn, s_data, 0, 64), "request: priming answer");
            s_host.Poll(s_now);
            HostReceive(s_hostConn, 64, "request: priming answer in");
            for (int r = 0; r < Rounds; r++)
            {
                CheckEqual(64, s_host.Tcp.Send(s_hostConn, s_data, 0, 64), "request: host send");
                CheckEqual(1, ToBoard, "request: one segment waiting");

                Debug.WriteLine(Ph.TcpRequest);
                s_board.Poll(s_now);
                int n = s_board.Tcp.Receive(s_conn, s_in, 0, 64);
                int m = s_board.Tcp.Send(s_conn, s_data, 0, 64);
                Debug.WriteLine(Ph.None);
                Event(Ph.TcpRequest);

                CheckEqual(64, n, "request: received");
                CheckEqual(64, m, "request: answered");
                CheckEqual(1, FromBoard, "request: one answer out");
                s_host.Poll(s_now);
                HostReceive(s_hostConn, 64, "request: host receive");
            }

            Settle();
        }

        /// <summary>
        /// tcp-out-of-order: the second of two segments arrives first (into reassembly, a duplicate
        /// ACK out). tcp-fill-hole: then the first (fills the hole, both delivered, ACK out).
        /// </summary>
        private static void TcpOutOfOrder()
        {
            for (int r = 0; r < Rounds / 2; r++)
            {
                CheckEqual(2 * Mss, s_host.Tcp.Send(s_hostConn, s_data, 0, 2 * Mss), "ooo: host send");
                CheckEqual(2, ToBoard, "ooo: two segments waiting");
                s_link.A.SwapWaiting(0, 1);
                s_link.A.ReceiveLimit = 1;

                Debug.WriteLine(Ph.TcpOutOfOrder);
                s_board.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(Ph.TcpOutOfOrder);

                CheckEqual(1, ToBoard, "ooo: one taken");
                CheckEqual(1, FromBoard, "ooo: duplicate ACK out");
                CheckEqual(0, s_board.Tcp.BytesToRead(s_conn), "ooo: nothing readable yet");
                s_link.A.ReceiveLimit = 1;

                Debug.WriteLine(Ph.TcpFillHole);
                s_board.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(Ph.TcpFillHole);

                s_link.A.ReceiveLimit = -1;
                CheckEqual(0, ToBoard, "fill: taken");
                CheckEqual(2, FromBoard, "fill: ACK out");
                CheckEqual(2 * Mss, s_board.Tcp.Receive(s_conn, s_in, 0, s_in.Length), "fill: both segments readable");
                Settle();
            }
        }

        /// <summary>tcp-rto: the board's Poll at the retransmission deadline of a lost segment: the retransmission out.</summary>
        private static void TcpRetransmission()
        {
            for (int r = 0; r < Rounds / 2; r++)
            {
                CheckEqual(100, s_board.Tcp.Send(s_conn, s_data, 0, 100), "rto: send");
                CheckEqual(1, FromBoard, "rto: segment out");
                s_link.B.Flush(); // lost
                long at = s_board.Tcp.NextDeadline();
                Check(at > s_now && at - s_now <= 60000, "rto: a retransmission deadline");
                s_now = at;

                Debug.WriteLine(Ph.TcpRto);
                s_board.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(Ph.TcpRto);

                CheckEqual(1, FromBoard, "rto: retransmission out");
                Settle();
                HostReceive(s_hostConn, 100, "rto: host receives it once");
                Settle();
            }
        }

        /// <summary>
        /// tcp-zero-window-probe: the host's window is closed with data queued on the board; the
        /// board's Poll at the persist deadline sends a probe.
        /// </summary>
        private static void TcpZeroWindow()
        {
            int ring = s_host.Config.Tcp.ReceiveBufferSize;
            int queued = 0;
            for (int i = 0; i < 16 && queued < ring; i++)
            {
                int n = s_board.Tcp.Send(s_conn, s_data, 0, ring - queued < s_data.Length ? ring - queued : s_data.Length);
                Check(n >= 0, "zwp: fill send");
                queued += n;
                Settle();
            }

            CheckEqual(ring, queued, "zwp: the host's ring filled");
            CheckEqual(1000, s_board.Tcp.Send(s_conn, s_data, 0, 1000), "zwp: queued behind the closed window");
            Settle();
            CheckEqual(0, FromBoard + ToBoard, "zwp: nothing moves");
            for (int r = 0; r < Rounds / 2; r++)
            {
                long at = s_board.Tcp.NextDeadline();
                Check(at > s_now && at - s_now <= 60000, "zwp: a persist deadline");
                s_now = at;

                Debug.WriteLine(Ph.TcpZeroWindowProbe);
                s_board.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(Ph.TcpZeroWindowProbe);

                CheckEqual(1, FromBoard, "zwp: probe out");
                Settle();
            }

            int read = 0;
            for (int i = 0; i < 16 && read < ring + 1000; i++)
            {
                int n = s_host.Tcp.Receive(s_hostConn, s_in, 0, s_in.Length);
                Check(n >= 0, "zwp: host receive");
                read += n;
                Settle();
            }

            CheckEqual(ring + 1000, read, "zwp: everything arrives once the window opens");
        }

        /// <summary>tcp-keepalive: the board's Poll at the keepalive deadline of an idle connection: the probe out.</summary>
        private static void TcpKeepalive()
        {
            CheckEqual(NetError.Ok, s_board.Tcp.SetKeepalive(s_conn, true), "keepalive on");
            for (int r = 0; r < 2; r++)
            {
                Settle();
                long at = s_board.Tcp.NextDeadline();
                Check(at > s_now && at - s_now <= 10000, "keepalive: a deadline");
                s_now = at;

                Debug.WriteLine(Ph.TcpKeepalive);
                s_board.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(Ph.TcpKeepalive);

                CheckEqual(1, FromBoard, "keepalive: probe out");
                Settle();
            }

            CheckEqual(NetError.Ok, s_board.Tcp.SetKeepalive(s_conn, false), "keepalive off");
            CheckEqual((long)TcpState.Established, (long)s_board.Tcp.GetState(s_conn), "keepalive: still established");
        }

        /// <summary>tcp-time-wait-expiry: the board's Poll at the end of 2×MSL: the TIME_WAIT entry is freed, nothing sent.</summary>
        private static void TcpTimeWait()
        {
            for (int r = 0; r < 2; r++)
            {
                int c = s_board.Tcp.Connect(0, HostIp, MeterPort, 0);
                Settle();
                int h = s_host.Tcp.Accept(s_listener);
                Check(c > 0 && h > 0, "time-wait: connected");
                CheckEqual(NetError.Ok, s_board.Tcp.Close(c), "time-wait: board closes first");
                Settle();
                CheckEqual(NetError.Ok, s_host.Tcp.Close(h), "time-wait: host closes");
                Settle();
                int active = s_board.Tcp.ActiveCount;
                long at = s_board.Tcp.NextDeadline();
                Check(at > s_now && at - s_now <= 2L * s_board.Config.Tcp.MslMs, "time-wait: 2MSL deadline");
                s_now = at;

                Debug.WriteLine(Ph.TcpTimeWait);
                s_board.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(Ph.TcpTimeWait);

                CheckEqual(0, FromBoard, "time-wait: nothing sent");
                CheckEqual(active - 1, s_board.Tcp.ActiveCount, "time-wait: the entry is free");
            }
        }

        /// <summary>
        /// idle-poll: one turn of the firmware's loop (NetworkStack.Poll then FirmwareApp.Poll) with
        /// nothing waiting and no timer due. stack-idle-poll: NetworkStack.Poll alone.
        /// </summary>
        private static void IdleScenarios()
        {
            NextScenario();
            for (int r = 0; r < 2 * Rounds; r++)
            {
                s_now++;
                Check(s_board.NextDeadline() > s_now, "idle: no timer due");

                Debug.WriteLine(Ph.IdlePoll);
                s_board.Poll(s_now);
                s_app.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(Ph.IdlePoll);

                s_now++;

                Debug.WriteLine(Ph.StackIdlePoll);
                s_board.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(Ph.StackIdlePoll);

                CheckEqual(0, FromBoard, "idle: nothing sent");
            }
        }
    }
}
