using System;
using EmbeddedTcp.Tcp;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Tcp
{
    /// <summary>Bulk transfers between two stacks over the in-memory link, clean and lossy.</summary>
    public class TransferTests
    {
        private readonly ITestOutputHelper _log;

        public TransferTests(ITestOutputHelper log)
        {
            _log = log;
        }

        /// <summary>The byte at stream position i: a pattern that catches reordering, loss and duplication.</summary>
        internal static byte Pattern(long i)
        {
            uint x = (uint)i * 2654435761u;
            return (byte)((x >> 24) ^ (x >> 13) ^ (uint)i);
        }

        internal sealed class Result
        {
            public long Sent;
            public long Received;
            public long Mismatches;
            public long TimeMs;
            public int ActiveA;
            public int ActiveB;
            public TcpLink Link;
        }

        /// <summary>
        /// A connects to B:9, sends <paramref name="total"/> bytes, closes; B reads everything, sees end
        /// of stream, closes. Runs until both tables are empty (TIME_WAIT expired) or the time limit.
        /// </summary>
        internal static Result Transfer(TcpLink link, long total, long limitMs)
        {
            var r = new Result { Link = link };
            var buf = new byte[4096];
            var rbuf = new byte[4096];
            int listener = link.B.Listen(TcpLink.IpB, 9, 4);
            int client = link.A.Connect(TcpLink.IpA, TcpLink.IpB, 9, 0);
            Assert.True(client > 0);
            int server = 0;
            bool clientClosed = false;
            bool serverClosed = false;
            long sent = 0;
            long received = 0;
            long mismatches = 0;
            for (long guard = 0; guard < 200000000; guard++)
            {
                if (server == 0)
                {
                    int h = link.B.Accept(listener);
                    if (h > 0)
                    {
                        server = h;
                    }
                }

                while (sent < total)
                {
                    int n = (int)Math.Min(buf.Length, total - sent);
                    for (int i = 0; i < n; i++)
                    {
                        buf[i] = Pattern(sent + i);
                    }

                    int k = link.A.Send(client, buf, 0, n);
                    if (k <= 0)
                    {
                        break;
                    }

                    sent += k;
                }

                if (sent == total && !clientClosed && link.A.GetState(client) == TcpState.Established)
                {
                    link.A.Close(client);
                    clientClosed = true;
                }

                if (server > 0 && !serverClosed)
                {
                    while (true)
                    {
                        int k = link.B.Receive(server, rbuf, 0, rbuf.Length);
                        if (k > 0)
                        {
                            for (int i = 0; i < k; i++)
                            {
                                if (rbuf[i] != Pattern(received + i))
                                {
                                    mismatches++;
                                }
                            }

                            received += k;
                            continue;
                        }

                        if (k == NetError.EndOfStream)
                        {
                            link.B.Close(server);
                            serverClosed = true;
                        }
                        else if (k < 0)
                        {
                            throw new Xunit.Sdk.XunitException("server receive error " + k);
                        }

                        break;
                    }
                }

                if (serverClosed && clientClosed && link.A.ActiveCount == 0 && link.B.ActiveCount == 0)
                {
                    break;
                }

                if (!link.Step(limitMs))
                {
                    break;
                }
            }

            r.Sent = sent;
            r.Received = received;
            r.Mismatches = mismatches;
            r.TimeMs = link.Now;
            r.ActiveA = link.A.ActiveCount;
            r.ActiveB = link.B.ActiveCount;
            link.B.StopListening(listener);
            return r;
        }

        internal static TcpConfig SmallConfig()
        {
            return new TcpConfig { MslMs = 1000, SendBufferSize = 8192, ReceiveBufferSize = 8192 };
        }

        [Fact]
        public void OneMegabyte_CleanLink_ArrivesIntact_AndBothTablesEmpty()
        {
            var link = new TcpLink(SmallConfig(), SmallConfig(), 1);
            var r = Transfer(link, 1 << 20, 600000);
            Assert.Equal(1L << 20, r.Received);
            Assert.Equal(0, r.Mismatches);
            Assert.Equal(0, r.ActiveA);
            Assert.Equal(0, r.ActiveB);
            Assert.Equal(0, link.A.Counters.Retransmissions);
            _log.WriteLine("1 MB in " + r.TimeMs + " ms virtual, segments A->B " + link.A.Counters.SegmentsOut + ", B->A " + link.B.Counters.SegmentsOut);
        }

        [Fact]
        public void DefaultConfig_CleanLink_NoStalls()
        {
            var link = new TcpLink(new TcpConfig { MslMs = 1000 }, new TcpConfig { MslMs = 1000 }, 1) { DelayMs = 2 };
            var r = Transfer(link, 1 << 20, 600000);
            Assert.Equal(1L << 20, r.Received);
            _log.WriteLine("1 MB default config in " + r.TimeMs + " ms virtual, timeouts " + link.A.Counters.RetransmitTimeouts + " probes " + link.A.Counters.ZeroWindowProbes + " segs " + link.A.Counters.SegmentsOut);
        }

        [Theory]
        [InlineData(1u)]
        [InlineData(2u)]
        [InlineData(3u)]
        public void LossyLink_OneMegabyte_ArrivesIntact(uint seed)
        {
            var link = new TcpLink(SmallConfig(), SmallConfig(), seed)
            {
                LossPercent = 5,
                ReorderPercent = 5,
                DuplicatePercent = 2,
                CorruptPercent = 1,
                DelayMs = 5,
            };
            var r = Transfer(link, 1 << 20, 3600000);
            Assert.Equal(1L << 20, r.Received);
            Assert.Equal(0, r.Mismatches);
            Assert.Equal(0, r.ActiveA);
            Assert.Equal(0, r.ActiveB);
            Assert.True(link.A.Counters.Retransmissions > 0);
            _log.WriteLine("seed " + seed + ": " + r.TimeMs + " ms virtual; retransmissions " + link.A.Counters.Retransmissions
                + ", fast " + link.A.Counters.FastRetransmits + ", timeouts " + link.A.Counters.RetransmitTimeouts
                + ", ooo " + link.B.Counters.OutOfOrderSegments + ", lost " + link.Lost);
        }
    }
}
namespace EmbeddedTcp.Tests.Tcp
{
    public class TransferIsolationTests
    {
        [Theory]
        [InlineData(5, 0, 0, 0)]
        [InlineData(0, 5, 0, 0)]
        [InlineData(0, 0, 5, 0)]
        [InlineData(0, 0, 0, 5)]
        public void EachFaultAlone_OneMegabyte_ArrivesIntact(int loss, int reorder, int dup, int corrupt)
        {
            for (uint seed = 1; seed <= 4; seed++)
            {
                var link = new TcpLink(TransferTests.SmallConfig(), TransferTests.SmallConfig(), seed)
                {
                    LossPercent = loss,
                    ReorderPercent = reorder,
                    DuplicatePercent = dup,
                    CorruptPercent = corrupt,
                    DelayMs = 5,
                };
                var r = TransferTests.Transfer(link, 1 << 20, 3600000);
                Assert.True(r.Mismatches == 0, "seed " + seed + " mismatches " + r.Mismatches);
                Assert.Equal(1L << 20, r.Received);
            }
        }
    }
}
