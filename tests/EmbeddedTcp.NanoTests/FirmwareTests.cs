using EmbeddedTcp.Firmware;
using EmbeddedTcp.Tcp;
using nanoFramework.TestFramework;

namespace EmbeddedTcp.NanoTests
{
    /// <summary>
    /// The firmware application that is flashed (FirmwareApp on stack B, 192.0.2.2) served to a
    /// plain client stack A over the in-memory cable, on nanoCLR: echo and the HTTP status page,
    /// checked byte for byte.
    /// </summary>
    [TestClass]
    public class FirmwareTests
    {
        /// <summary>12 KB sent to the echo service come back intact; the client closes and the session is released.</summary>
        [TestMethod]
        public void EchoReturnsEveryByteInOrder()
        {
            StackPair net = NewFirmware();
            int h = Connect(net, 7, 42000);
            Assert.AreEqual(12000, EchoRoundTrip(net, h, 12000, 5), "bytes echoed");
            Assert.AreEqual(1L, net.AppB.Counters.EchoConnections, "echo connections");
            Assert.AreEqual(12000L, net.AppB.Counters.EchoBytes, "echo bytes");
            Assert.AreEqual(NetError.Ok, net.A.Tcp.Close(h), "client close");
            for (int i = 0; i < 100 && net.AppB.ActiveSessions > 0; i++)
            {
                net.Step(long.MaxValue);
            }

            Assert.AreEqual(0, net.AppB.ActiveSessions, "session released after the client's close");
            Assert.AreEqual(0L, net.A.Tcp.Counters.ResetsIn + net.A.Tcp.Counters.ResetsOut, "closed without RST");
        }

        /// <summary>
        /// GET / answers 200 with a Content-Length that matches the body, the board's address, MAC
        /// and this very connection in the netstat table; then the board closes first.
        /// </summary>
        [TestMethod]
        public void HttpStatusPage()
        {
            StackPair net = NewFirmware();
            int h = Connect(net, 80, 43000);
            string text = Http(net, h, "GET / HTTP/1.0\r\nHost: board\r\n\r\n");
            Assert.IsTrue(text.IndexOf("HTTP/1.0 200 OK\r\n") == 0, "status line: " + Head(text));
            Check.Contains("Content-Type: text/plain\r\n", text, "content type");
            int bodyAt = text.IndexOf("\r\n\r\n") + 4;
            Assert.IsTrue(bodyAt > 4, "header end");
            int lengthAt = text.IndexOf("Content-Length: ") + 16;
            int declared = int.Parse(text.Substring(lengthAt, text.IndexOf("\r\n", lengthAt) - lengthAt));
            Assert.AreEqual(text.Length - bodyAt, declared, "Content-Length matches the body");
            Check.Contains("EmbeddedTcp firmware status", text, "title");
            Check.Contains("address     192.0.2.2/24", text, "address line");
            Check.Contains("mac         02:00:00:00:00:0b link up", text, "MAC line");
            Check.Contains("Proto Recv-Q Send-Q Local Address           Foreign Address         State", text, "netstat header");
            Check.Contains("tcp        0      0 192.0.2.2:80            192.0.2.1:43000         ESTABLISHED", text, "this connection");
            Check.State(TcpState.CloseWait, net.A.Tcp.GetState(h), "the board closed first");
            Assert.AreEqual(1L, net.AppB.Counters.HttpOk, "HTTP 200 counted");

            net.A.Tcp.Close(h);
            net.RunFor(100);
            Assert.AreEqual(0, net.AppB.ActiveSessions, "no session left");
            Assert.AreEqual(1, net.B.Tcp.ActiveCount, "the board holds TIME_WAIT as the active closer");
        }

        /// <summary>An unknown path gets 404, an unknown method 501, with the connection closed by the board each time.</summary>
        [TestMethod]
        public void HttpErrors()
        {
            StackPair net = NewFirmware();
            int h = Connect(net, 80, 44000);
            string text = Http(net, h, "GET /nothing HTTP/1.0\r\n\r\n");
            Assert.IsTrue(text.IndexOf("HTTP/1.0 404 Not Found\r\n") == 0, "404: " + Head(text));
            net.A.Tcp.Close(h);
            h = Connect(net, 80, 44001);
            text = Http(net, h, "POST / HTTP/1.0\r\n\r\n");
            Assert.IsTrue(text.IndexOf("HTTP/1.0 501 Not Implemented\r\n") == 0, "501: " + Head(text));
            Assert.AreEqual(2L, net.AppB.Counters.HttpErrors, "errors counted");
        }

        /// <summary>Stack B at 192.0.2.2 running the firmware with its default services.</summary>
        public static StackPair NewFirmware()
        {
            StackPair net = new StackPair();
            net.AppB = new FirmwareApp(net.B, new FirmwareOptions());
            return net;
        }

        /// <summary>A connects to B's <paramref name="port"/> from <paramref name="clientPort"/> and runs until established.</summary>
        public static int Connect(StackPair net, int port, int clientPort)
        {
            int h = net.A.Tcp.Connect(0, StackPair.IpB, port, clientPort);
            Assert.IsTrue(h > 0, "connect: " + h.ToString());
            for (int i = 0; i < 200 && net.A.Tcp.GetState(h) != TcpState.Established; i++)
            {
                net.Step(long.MaxValue);
            }

            Check.State(TcpState.Established, net.A.Tcp.GetState(h), "client connected to port " + port.ToString());
            return h;
        }

        /// <summary>
        /// Sends <paramref name="total"/> pattern bytes on <paramref name="h"/> while reading the echo,
        /// checks every byte returned against the pattern, and returns the number of bytes that came back.
        /// </summary>
        public static int EchoRoundTrip(StackPair net, int h, int total, uint seed)
        {
            byte[] chunk = new byte[1024];
            int sent = 0;
            int got = 0;
            int bad = 0;
            for (int i = 0; i < 100000 && got < total; i++)
            {
                if (sent < total)
                {
                    int want = total - sent < chunk.Length ? total - sent : chunk.Length;
                    Bytes.FillPattern(chunk, want, sent, seed);
                    int n = net.A.Tcp.Send(h, chunk, 0, want);
                    Assert.IsTrue(n >= 0, "send: " + n.ToString());
                    sent += n;
                }

                for (int k = 0; k < 16; k++)
                {
                    int n = net.A.Tcp.Receive(h, chunk, 0, chunk.Length);
                    Assert.IsTrue(n >= 0, "receive: " + n.ToString());
                    if (n == 0)
                    {
                        break;
                    }

                    bad += Bytes.PatternMismatches(chunk, n, got, seed);
                    got += n;
                }

                net.Step(long.MaxValue);
            }

            Assert.AreEqual(0, bad, "echoed bytes that differ");
            return got;
        }

        /// <summary>Sends <paramref name="request"/> and reads the response until the board's end of stream.</summary>
        public static string Http(StackPair net, int h, string request)
        {
            byte[] req = Bytes.Ascii(request);
            Assert.AreEqual(req.Length, net.A.Tcp.Send(h, req, 0, req.Length), "request sent");
            byte[] response = new byte[8192];
            int got = 0;
            bool ended = false;
            for (int i = 0; i < 1000 && !ended; i++)
            {
                net.Step(long.MaxValue);
                for (int k = 0; k < 16; k++)
                {
                    int n = net.A.Tcp.Receive(h, response, got, response.Length - got);
                    if (n == NetError.EndOfStream)
                    {
                        ended = true;
                        break;
                    }

                    Assert.IsTrue(n >= 0, "receive: " + n.ToString());
                    if (n == 0)
                    {
                        break;
                    }

                    got += n;
                }
            }

            Assert.IsTrue(ended, "the board closed the connection after " + got.ToString() + " bytes");
            return Bytes.Text(response, 0, got);
        }

        private static string Head(string text)
        {
            return text.Length > 40 ? text.Substring(0, 40) : text;
        }
    }
}
