using System;
using System.Text;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Tcp;
using Xunit;

namespace EmbeddedTcp.Tests.Firmware
{
    public class FirmwareAppTests
    {
        private static readonly byte[] Get = Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\nHost: board\r\n\r\n");

        private static string Http(FirmwareFixture f, byte[] request, out int handle)
        {
            int h = f.Connect(80);
            handle = h;
            f.SendAll(h, request, request.Length);
            int n = f.ReadUntil(h, f.Buffer.Length, untilEnd: true);
            return Encoding.ASCII.GetString(f.Buffer, 0, n);
        }

        [Fact]
        public void HttpStatusPageShowsAddressCountersAndTheConnectionTableThenTheDeviceCloses()
        {
            var f = new FirmwareFixture();
            string text = Http(f, Get, out int h);
            Assert.StartsWith("HTTP/1.0 200 OK\r\n", text);
            Assert.Contains("Content-Type: text/plain\r\n", text);
            int bodyAt = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
            int declared = int.Parse(text.Substring(text.IndexOf("Content-Length: ", StringComparison.Ordinal) + 16).Split('\r')[0]);
            Assert.Equal(text.Length - bodyAt, declared);
            Assert.Contains("address     192.0.2.2/24", text);
            Assert.Contains("mac         02:00:00:00:00:02", text);
            Assert.Contains("uptime", text);
            Assert.Contains("Proto Recv-Q Send-Q Local Address           Foreign Address         State", text);
            int port = f.Tcp.IndexOf(h) >= 0 ? GetLocalPort(f, h) : 0;
            // netstat -tn columns: this very connection, seen from the board.
            Assert.Contains("tcp        0      0 192.0.2.2:80            192.0.2.1:" + port, text);
            Assert.Matches(@"192\.0\.2\.1:" + port + @" +ESTABLISHED", text);
            // The board closed first: the client is the passive closer.
            Assert.Equal(TcpState.CloseWait, f.Tcp.GetState(h));
            f.Tcp.Close(h);
            Assert.True(f.RunUntil(() => f.Board.Stack.Tcp.ActiveCount == 1 && CountState(f.Board.Stack.Tcp, TcpState.TimeWait) == 1, 5000),
                "the board holds TIME_WAIT (active closer)");
            Assert.Equal(1, f.App.Counters.HttpOk);
            Assert.Equal(0, f.App.ActiveSessions);
        }

        private static int GetLocalPort(FirmwareFixture f, int h)
        {
            var e = new TcpEntryInfo();
            f.Tcp.GetEntry(f.Tcp.IndexOf(h), e);
            return e.LocalPort;
        }

        private static int CountState(TcpStack tcp, TcpState state)
        {
            int n = 0;
            var e = new TcpEntryInfo();
            for (int i = 0; i < tcp.Capacity; i++)
            {
                tcp.GetEntry(i, e);
                if (!e.Free && e.State == state)
                {
                    n++;
                }
            }
            return n;
        }

        [Theory]
        [InlineData("GET /nothing HTTP/1.0\r\n\r\n", "HTTP/1.0 404 Not Found\r\n")]
        [InlineData("POST / HTTP/1.0\r\n\r\n", "HTTP/1.0 501 Not Implemented\r\n")]
        [InlineData("\u0001\u0002\r\n\r\n", "HTTP/1.0 400 Bad Request\r\n")]
        [InlineData("GET /status HTTP/1.0\r\n\r\n", "HTTP/1.0 200 OK\r\n")]
        public void HttpAnswersEveryRequestWithAStatusLine(string request, string statusLine)
        {
            var f = new FirmwareFixture();
            string text = Http(f, Encoding.ASCII.GetBytes(request), out _);
            Assert.StartsWith(statusLine, text);
        }

        /// <summary>The status page goes into the caller's range or nowhere: a range outside the buffer gives 0, never a throw.</summary>
        [Fact]
        public void StatusPageIntoABadRangeWritesNothing()
        {
            var f = new FirmwareFixture();
            var buffer = new byte[4096];
            Assert.Equal(0, f.Board.App.BuildStatusPage(null, 0, 100));
            Assert.Equal(0, f.Board.App.BuildStatusPage(buffer, 4000, 200));
            Assert.Equal(0, f.Board.App.BuildStatusPage(buffer, -1, 100));
            Assert.All(buffer, b => Assert.Equal(0, b));
            int n = f.Board.App.BuildStatusPage(buffer, 10, 4000);
            Assert.StartsWith("HTTP/1.0 200 OK\r\n", Encoding.ASCII.GetString(buffer, 10, n));
        }

        [Fact]
        public void HeadGetsTheHeaderOnly()
        {
            var f = new FirmwareFixture();
            string text = Http(f, Encoding.ASCII.GetBytes("HEAD / HTTP/1.0\r\n\r\n"), out _);
            Assert.StartsWith("HTTP/1.0 200 OK\r\n", text);
            Assert.EndsWith("Connection: close\r\n\r\n", text);
        }

        [Fact]
        public void AClientThatSendsNoRequestIsAbortedAfterTheTimeout()
        {
            var f = new FirmwareFixture(new FirmwareOptions { HttpRequestTimeoutMs = 2000 });
            int h = f.Connect(80);
            f.RunFor(1500);
            Assert.Equal(TcpState.Established, f.Tcp.GetState(h));
            f.RunFor(1500);
            Assert.Equal(NetError.ConnectionReset, f.Tcp.Receive(h, f.Buffer, 0, 10));
            Assert.Equal(1, f.App.Counters.HttpTimeouts);
        }

        [Fact]
        public void EchoReturnsEveryByteInOrder()
        {
            var f = new FirmwareFixture();
            int h = f.Connect(7);
            var data = new byte[20000];
            new Random(5).NextBytes(data);
            int got = 0;
            int sent = 0;
            var back = new byte[data.Length];
            Assert.True(f.RunUntil(() =>
            {
                if (sent < data.Length)
                {
                    sent += f.Tcp.Send(h, data, sent, data.Length - sent);
                }

                int n = f.Tcp.Receive(h, back, got, back.Length - got);
                if (n > 0)
                {
                    got += n;
                }

                return got == data.Length;
            }));
            Assert.Equal(data, back);
            f.Tcp.Close(h);
            Assert.True(f.RunUntil(() => f.App.ActiveSessions == 0, 5000));
            Assert.Equal(data.Length, f.App.Counters.EchoBytes);
        }

        [Fact]
        public void DiscardSwallowsEverythingAndSendsNothing()
        {
            var f = new FirmwareFixture();
            int h = f.Connect(9);
            var data = new byte[30000];
            f.SendAll(h, data, data.Length);
            f.Tcp.Shutdown(h);
            // The board answers our FIN with its own: end of stream with no data.
            Assert.Equal(0, f.ReadUntil(h, 100, untilEnd: true));
            Assert.Equal(data.Length, f.App.Counters.DiscardBytes);
        }

        [Fact]
        public void ChargenSendsTheRfc864PatternUntilTheClientCloses()
        {
            var f = new FirmwareFixture();
            int h = f.Connect(19);
            int want = FirmwareApp.ChargenLineLength * 100;
            Assert.Equal(want, f.ReadUntil(h, want, untilEnd: false));
            string text = Encoding.ASCII.GetString(f.Buffer, 0, want);
            string[] lines = text.Split("\r\n");
            Assert.Equal(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg", lines[0]);
            Assert.Equal("!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh", lines[1]);
            for (int i = 0; i < 100; i++)
            {
                Assert.Equal(72, lines[i].Length);
                Assert.Equal((char)(32 + i % 95), lines[i][0]);
            }
            for (int i = 0; i < want; i++)
            {
                Assert.Equal(FirmwareApp.ChargenByte(i), f.Buffer[i]);
            }

            f.Tcp.Shutdown(h);
            // Drain until the board's FIN: it stops generating and closes.
            Assert.True(f.RunUntil(() =>
            {
                int n;
                while ((n = f.Tcp.Receive(h, f.Buffer, 0, f.Buffer.Length)) > 0) { }
                return n == NetError.EndOfStream;
            }, 10000));
            Assert.True(f.App.Counters.ChargenBytes >= want);
        }

        [Fact]
        public void SeveralConnectionsPerServiceAtOnce()
        {
            var f = new FirmwareFixture();
            var echo = new int[3];
            for (int i = 0; i < echo.Length; i++)
            {
                echo[i] = f.Connect(7);
            }

            int chargen = f.Connect(19);
            var http = new int[2];
            for (int i = 0; i < http.Length; i++)
            {
                http[i] = f.Connect(80);
            }
            for (int i = 0; i < http.Length; i++)
            {
                Assert.Equal(Get.Length, f.Tcp.Send(http[i], Get, 0, Get.Length));
            }

            for (int i = 0; i < echo.Length; i++)
            {
                byte[] m = Encoding.ASCII.GetBytes("connection " + i);
                Assert.Equal(m.Length, f.Tcp.Send(echo[i], m, 0, m.Length));
            }
            Assert.True(f.RunUntil(() => f.App.ActiveSessions == 6, 1000), "six sessions at once");
            var httpText = new StringBuilder[] { new StringBuilder(), new StringBuilder() };
            var ended = new bool[2];
            var echoed = new string[3];
            var buf = new byte[8192];
            Assert.True(f.RunUntil(() =>
            {
                for (int i = 0; i < http.Length; i++)
                {
                    int n = f.Tcp.Receive(http[i], buf, 0, buf.Length);
                    if (n > 0)
                    {
                        httpText[i].Append(Encoding.ASCII.GetString(buf, 0, n));
                    }

                    if (n == NetError.EndOfStream)
                    {
                        ended[i] = true;
                    }
                }
                for (int i = 0; i < echo.Length; i++)
                {
                    int n = f.Tcp.Receive(echo[i], buf, 0, buf.Length);
                    if (n > 0)
                    {
                        echoed[i] += Encoding.ASCII.GetString(buf, 0, n);
                    }
                }
                while (f.Tcp.Receive(chargen, buf, 0, buf.Length) > 0) { }
                return ended[0] && ended[1] && echoed[0] == "connection 0" && echoed[1] == "connection 1" && echoed[2] == "connection 2";
            }, 20000));
            foreach (var t in httpText)
            {
                string s = t.ToString();
                Assert.StartsWith("HTTP/1.0 200 OK", s);
                Assert.Contains(":19 ", s); // the chargen connection in the table
            }
            Assert.Equal(2, f.App.Counters.HttpOk);
            Assert.Equal(3, f.App.Counters.EchoConnections);
        }

        [Fact]
        public void TheOutboundClientConnectsGreetsAndEchoes()
        {
            var f = new FirmwareFixture(new FirmwareOptions { ConnectToAddress = FirmwareFixture.ClientIp, ConnectToPort = 7000, ConnectToRetryMs = 0 });
            int l = f.Tcp.Listen(0, 7000, 1);
            int h = 0;
            Assert.True(f.RunUntil(() => (h = f.Tcp.Accept(l)) > 0, 5000));
            Assert.Equal(24, f.ReadUntil(h, 24, untilEnd: false));
            Assert.Equal("hello from EmbeddedTcp\r\n", Encoding.ASCII.GetString(f.Buffer, 0, 24));
            byte[] ping = Encoding.ASCII.GetBytes("ping");
            f.SendAll(h, ping, ping.Length);
            Assert.Equal(4, f.ReadUntil(h, 4, untilEnd: false));
            Assert.Equal("ping", Encoding.ASCII.GetString(f.Buffer, 0, 4));
            f.Tcp.Close(h);
            Assert.True(f.RunUntil(() => f.App.ClientHandle == 0, 5000));
            f.RunFor(10000);
            Assert.Equal(1, f.App.Counters.ClientAttempts); // ConnectToRetryMs = 0: once only
            Assert.Equal(1, f.App.Counters.ClientConnected);
        }

        [Fact]
        public void TheOutboundClientRetriesAfterARefusal()
        {
            var f = new FirmwareFixture(new FirmwareOptions { ConnectToAddress = FirmwareFixture.ClientIp, ConnectToPort = 7001, ConnectToRetryMs = 1000 });
            f.RunFor(3500);
            Assert.True(f.App.Counters.ClientAttempts >= 3, "attempts: " + f.App.Counters.ClientAttempts);
            Assert.Equal(0, f.App.Counters.ClientConnected);
        }

        [Fact]
        public void ServingManyRequestsAllocatesNothing()
        {
            var f = new FirmwareFixture();
            byte[] get = Get;
            byte[] data = new byte[3000];
            byte[] buf = new byte[8192];
            var state = new int[4];
            RunRequests(f, get, data, buf, 5); // warm up: JIT, first-use paths, TIME_WAIT churn
            long before = GC.GetAllocatedBytesForCurrentThread();
            int served = RunRequests(f, get, data, buf, 40);
            long after = GC.GetAllocatedBytesForCurrentThread();
            Assert.Equal(40 * 2, served);
            Assert.Equal(0, after - before);
            Assert.Equal(45, f.App.Counters.HttpOk);
            Assert.Equal(45 * data.Length, f.App.Counters.DiscardBytes);
            Assert.True(f.App.Counters.ChargenBytes >= 45 * data.Length);
            Assert.Equal(45, f.App.Counters.ChargenConnections);
        }

        // One HTTP request, one echo exchange, 3000 bytes to discard and 3000 from chargen per
        // round, written without lambdas or strings.
        private static int RunRequests(FirmwareFixture f, byte[] get, byte[] data, byte[] buf, int rounds)
        {
            int served = 0;
            for (int r = 0; r < rounds; r++)
            {
                int http = f.Tcp.Connect(FirmwareFixture.ClientIp, FirmwareFixture.BoardIp, 80, 0);
                int echo = f.Tcp.Connect(FirmwareFixture.ClientIp, FirmwareFixture.BoardIp, 7, 0);
                int discard = f.Tcp.Connect(FirmwareFixture.ClientIp, FirmwareFixture.BoardIp, 9, 0);
                int chargen = f.Tcp.Connect(FirmwareFixture.ClientIp, FirmwareFixture.BoardIp, 19, 0);
                bool httpSent = false, httpDone = false;
                int echoSent = 0, echoGot = 0, discardSent = 0, chargenGot = 0;
                long end = f.Lan.NowMs + 20000;
                while (!(httpDone && echoGot == data.Length && discardSent == data.Length && chargenGot >= data.Length) && f.Step(end))
                {
                    if (!httpSent && f.Tcp.GetState(http) == TcpState.Established)
                    {
                        f.Tcp.Send(http, get, 0, get.Length);
                        httpSent = true;
                    }
                    if (httpSent && !httpDone)
                    {
                        int n;
                        while ((n = f.Tcp.Receive(http, buf, 0, buf.Length)) > 0) { }
                        if (n == NetError.EndOfStream) { httpDone = true; f.Tcp.Close(http); served++; }
                    }
                    if (echoSent < data.Length && f.Tcp.GetState(echo) == TcpState.Established)
                    {
                        echoSent += f.Tcp.Send(echo, data, echoSent, data.Length - echoSent);
                    }

                    int m;
                    while (echoGot < data.Length && (m = f.Tcp.Receive(echo, buf, 0, buf.Length)) > 0)
                    {
                        echoGot += m;
                    }

                    if (discardSent < data.Length && f.Tcp.GetState(discard) == TcpState.Established)
                    {
                        discardSent += f.Tcp.Send(discard, data, discardSent, data.Length - discardSent);
                    }

                    while (chargenGot < data.Length && (m = f.Tcp.Receive(chargen, buf, 0, buf.Length)) > 0)
                    {
                        chargenGot += m;
                    }
                }
                if (echoGot == data.Length)
                {
                    served++;
                }

                f.Tcp.Close(echo);
                f.Tcp.Close(discard);
                f.Tcp.Abort(chargen); // chargen never stops on its own: the client resets it
                long settle = f.Lan.NowMs + 500;
                while (f.Step(settle)) { }
            }
            return served;
        }
    }
}

namespace EmbeddedTcp.Tests.Firmware
{
    public class FirmwareLossyLinkTests
    {
        [Theory]
        [InlineData(1UL)]
        [InlineData(2UL)]
        public void EchoAndHttpSurviveALossyReorderingLink(ulong seed)
        {
            var f = new FirmwareFixture(seed: seed);
            var faults = new EmbeddedTcp.Simulation.FaultOptions { LossRate = 0.03, ReorderRate = 0.02, DuplicateRate = 0.01 };
            f.Board.Port.TransmitFaults = new EmbeddedTcp.Simulation.FaultInjector(seed * 10 + 1, faults);
            f.Board.Port.ReceiveFaults = new EmbeddedTcp.Simulation.FaultInjector(seed * 10 + 2, faults);
            int h = f.Connect(7);
            var data = new byte[50000];
            new System.Random((int)seed).NextBytes(data);
            var back = new byte[data.Length];
            int sent = 0, got = 0;
            Assert.True(f.RunUntil(() =>
            {
                if (sent < data.Length)
                {
                    sent += f.Tcp.Send(h, data, sent, data.Length - sent);
                }

                int n;
                while (got < back.Length && (n = f.Tcp.Receive(h, back, got, back.Length - got)) > 0)
                {
                    got += n;
                }

                return got == data.Length;
            }, 300000), "echoed " + got);
            Assert.Equal(data, back);
            Assert.True(f.Board.Stack.Tcp.Counters.Retransmissions + f.Tcp.Counters.Retransmissions > 0, "the link really lost segments");
            f.Tcp.Close(h);
            int web = f.Connect(80);
            byte[] get = System.Text.Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n");
            f.SendAll(web, get, get.Length);
            int len = f.ReadUntil(web, f.Buffer.Length, untilEnd: true, maxMs: 120000);
            Assert.StartsWith("HTTP/1.0 200 OK", System.Text.Encoding.ASCII.GetString(f.Buffer, 0, len));
            Assert.Equal(0, f.App.Counters.ConnectionErrors);
        }
    }
}
