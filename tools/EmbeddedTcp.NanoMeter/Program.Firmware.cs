using System.Diagnostics;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.NanoMeter
{
    /// <summary>The firmware application's services, as the host uses them.</summary>
    public static partial class Program
    {
        private static readonly byte[] s_getRoot = Ascii("GET / HTTP/1.0\r\n\r\n");
        private static readonly byte[] s_getMissing = Ascii("GET /missing HTTP/1.0\r\n\r\n");

        private static void FirmwareScenarios()
        {
            NextScenario();
            FirmwareEcho();
            NextScenario();
            Http(s_getRoot, Ph.HttpStatusPage, "HTTP/1.0 200");
            NextScenario();
            Http(s_getMissing, Ph.HttpNotFound, "HTTP/1.0 404");
            NextScenario();
            FirmwareChargenBlocked();
        }

        /// <summary>
        /// firmware-chargen-blocked: FirmwareApp.Poll alone on a chargen connection whose send ring
        /// is full (the host reads nothing, its window is closed): the application fills its chunk
        /// with the RFC 864 pattern and Send takes none of it. In a bulk transfer from chargen this is
        /// the application's cost per turn, beside Send's own (tcp-tx-segment per segment); the
        /// ESP32 cost model (src/EmbeddedTcp.Simulation/Cost) charges it per chunk generated.
        /// </summary>
        private static void FirmwareChargenBlocked()
        {
            int h = s_host.Tcp.Connect(0, BoardIp, 19, 0);
            Settle();
            CheckEqual((long)TcpState.Established, (long)s_host.Tcp.GetState(h), "chargen: connected");
            long last = -1;
            int still = 0;
            for (int i = 0; i < 400 && still < 4; i++)
            {
                PollAll();
                long now = s_app.Counters.ChargenBytes;
                still = now == last && s_link.InFlight == 0 ? still + 1 : 0;
                last = now;
            }

            Check(still >= 4, "chargen: the board's send ring filled up");
            for (int r = 0; r < Rounds; r++)
            {
                long before = s_app.Counters.ChargenBytes;

                Debug.WriteLine(Ph.FirmwareChargenBlocked);
                s_app.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(Ph.FirmwareChargenBlocked);

                CheckEqual(before, s_app.Counters.ChargenBytes, "chargen: nothing more sent");
                CheckEqual(0, FromBoard, "chargen: no frame out");
            }

            CheckEqual(NetError.Ok, s_host.Tcp.Abort(h), "chargen: host aborts");
            Settle();
        }

        /// <summary>
        /// firmware-echo: 64 bytes in on an echo connection (carrying the ACK of the last echo), one
        /// turn of the board's loop (NetworkStack.Poll, FirmwareApp.Poll): the echo out, with the ACK.
        /// </summary>
        private static void FirmwareEcho()
        {
            int h = s_host.Tcp.Connect(0, BoardIp, 7, 0);
            Settle();
            CheckEqual((long)TcpState.Established, (long)s_host.Tcp.GetState(h), "echo: connected");
            CheckEqual(64, s_host.Tcp.Send(h, s_data, 0, 64), "echo: priming");
            s_board.Poll(s_now);
            s_app.Poll(s_now);
            s_host.Poll(s_now);
            HostReceive(h, 64, "echo: priming echo");
            for (int r = 0; r < Rounds; r++)
            {
                CheckEqual(64, s_host.Tcp.Send(h, s_data, 0, 64), "echo: host send");
                CheckEqual(1, ToBoard, "echo: one segment waiting");

                Debug.WriteLine(Ph.FirmwareEcho);
                s_board.Poll(s_now);
                s_app.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(Ph.FirmwareEcho);

                CheckEqual(1, FromBoard, "echo: one segment out");
                s_host.Poll(s_now);
                HostReceive(h, 64, "echo: echoed");
            }

            CheckEqual(NetError.Ok, s_host.Tcp.Close(h), "echo: close");
            Settle();
        }

        /// <summary>
        /// http-status-page / http-not-found: a whole request in one segment on an accepted HTTP
        /// connection, one turn of the board's loop: the response (the status page with its netstat
        /// table, or a 404) and the FIN out. The device closes; its TIME_WAIT ends before the next round.
        /// </summary>
        private static void Http(byte[] request, string phase, string statusLine)
        {
            for (int r = 0; r < 2; r++)
            {
                int h = s_host.Tcp.Connect(0, BoardIp, 80, 0);
                Settle();
                CheckEqual((long)TcpState.Established, (long)s_host.Tcp.GetState(h), "http: connected");
                CheckEqual(request.Length, s_host.Tcp.Send(h, request, 0, request.Length), "http: request sent");
                CheckEqual(1, ToBoard, "http: one segment waiting");

                Debug.WriteLine(phase);
                s_board.Poll(s_now);
                s_app.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(phase);

                Check(FromBoard >= 1, "http: response out");
                int total = 0;
                bool ended = false;
                for (int i = 0; i < 32 && !ended; i++)
                {
                    PollAll();
                    int n = s_host.Tcp.Receive(h, s_in, total, s_in.Length - total);
                    if (n == NetError.EndOfStream)
                    {
                        ended = true;
                    }
                    else if (n > 0)
                    {
                        total += n;
                    }
                }

                Check(ended && total > statusLine.Length && StartsWith(s_in, statusLine), "http: " + statusLine + " and the end of the stream");
                CheckEqual(NetError.Ok, s_host.Tcp.Close(h), "http: host closes");
                Settle();
                s_now += 2L * s_board.Config.Tcp.MslMs + 100; // the board's TIME_WAIT ends
                Settle();
            }
        }

        private static byte[] Ascii(string s)
        {
            var b = new byte[s.Length];
            for (int i = 0; i < s.Length; i++)
            {
                b[i] = (byte)s[i];
            }

            return b;
        }

        private static bool StartsWith(byte[] b, string s)
        {
            for (int i = 0; i < s.Length; i++)
            {
                if (b[i] != s[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
