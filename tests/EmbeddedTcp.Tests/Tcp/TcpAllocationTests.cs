using System;
using EmbeddedTcp.Tcp;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Tcp
{
    /// <summary>The TCP layer allocates nothing after construction (DESIGN.md rule 2).</summary>
    public class TcpAllocationTests
    {
        private readonly ITestOutputHelper _log;

        public TcpAllocationTests(ITestOutputHelper log)
        {
            _log = log;
        }

        [Fact]
        public void LongExchange_Handshake_100000DataSegments_Close_TimeWait_AllocatesNothing()
        {
            var cfg = new TcpConfig { MslMs = 500 };
            var link = new TcpLink(cfg, new TcpConfig { MslMs = 500 }, 11);
            var buf = new byte[1460];
            var rbuf = new byte[4096];
            // Warm up every path once (JIT, static initialisers) with a whole connection.
            long segmentsWarm = Exchange(link, buf, rbuf, 200);
            Assert.True(segmentsWarm >= 200);

            long before = GC.GetAllocatedBytesForCurrentThread();
            long segments = Exchange(link, buf, rbuf, 100000);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            _log.WriteLine(segments + " data segments, " + allocated + " bytes allocated");
            Assert.True(segments >= 100000);
            Assert.Equal(0, allocated);
            Assert.Equal(0, link.A.ActiveCount);
            Assert.Equal(0, link.B.ActiveCount);
        }

        [Fact]
        public void LossyExchange_WithRetransmissionsAndReassembly_AllocatesNothing()
        {
            var link = new TcpLink(new TcpConfig { MslMs = 500 }, new TcpConfig { MslMs = 500 }, 5)
            {
                LossPercent = 5,
                ReorderPercent = 5,
                DuplicatePercent = 2,
                CorruptPercent = 1,
                DelayMs = 3,
            };
            var buf = new byte[1460];
            var rbuf = new byte[4096];
            Exchange(link, buf, rbuf, 200);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Exchange(link, buf, rbuf, 5000);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(link.A.Counters.Retransmissions > 0 && link.B.Counters.OutOfOrderSegments > 0);
            Assert.Equal(0, allocated);
        }

        /// <summary>One connection A->B:9 carrying <paramref name="segments"/> full segments, closed by both, TIME_WAIT expired. No allocation in here.</summary>
        private static long Exchange(TcpLink link, byte[] buf, byte[] rbuf, int segments)
        {
            long before = link.A.Counters.SegmentsOut;
            int l = link.B.Listen(TcpLink.IpB, 9, 2);
            int c = link.A.Connect(TcpLink.IpA, TcpLink.IpB, 9, 0);
            int s = 0;
            long total = (long)segments * buf.Length;
            long sent = 0;
            long received = 0;
            bool aClosed = false;
            bool bClosed = false;
            for (long guard = 0; guard < 100000000; guard++)
            {
                if (s <= 0)
                {
                    s = link.B.Accept(l);
                }

                while (sent < total && link.A.GetState(c) == TcpState.Established)
                {
                    int k = link.A.Send(c, buf, 0, (int)Math.Min(buf.Length, total - sent));
                    if (k <= 0)
                    {
                        break;
                    }

                    sent += k;
                }

                if (sent == total && !aClosed)
                {
                    link.A.Close(c);
                    aClosed = true;
                }

                if (s > 0 && !bClosed)
                {
                    int k;
                    while ((k = link.B.Receive(s, rbuf, 0, rbuf.Length)) > 0)
                    {
                        received += k;
                    }

                    if (k == NetError.EndOfStream)
                    {
                        link.B.Close(s);
                        bClosed = true;
                    }
                }

                if (aClosed && bClosed && link.A.ActiveCount == 0 && link.B.ActiveCount == 0)
                {
                    break;
                }

                if (!link.Step(link.Now + 100000))
                {
                    break;
                }
            }

            link.B.StopListening(l);
            return received == total ? link.A.Counters.SegmentsOut - before : -1;
        }
    }
}
