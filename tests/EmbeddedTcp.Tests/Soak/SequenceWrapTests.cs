using System;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Tcp;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Soak
{
    /// <summary>
    /// Issue 20, part 3: a long-lived connection whose 32-bit sequence numbers wrap. One
    /// connection starts with an ISN just below 2^32 and carries more than 4 GiB in each
    /// direction at once, so both ends' send and receive sequence spaces wrap (the sender's one
    /// a few hundred bytes in and again after 4 GiB). Two real stacks over an in-memory link with
    /// 9000-byte frames and 64 KiB rings: the same per-segment code as at 1500 bytes, a sixth of
    /// the segments, so the run fits in CI. Every byte is checked against its position
    /// (<see cref="StreamPattern"/>): nothing lost, duplicated or reordered; the FIN lands exactly
    /// after the last byte; nothing is retransmitted on a lossless link; no allocation.
    /// </summary>
    public class SequenceWrapTests
    {
        private const uint IpA = 0x0A000001;
        private const uint IpB = 0x0A000002;
        private const int Port = 5001;
        private const int LocalPort = 40000;
        private const uint SeedA = 0xA11CE;
        private const uint SeedB = 0xB0B;
        private readonly ITestOutputHelper _log;

        public SequenceWrapTests(ITestOutputHelper log)
        {
            _log = log;
        }

        private static NetworkConfig Config(uint address) => new NetworkConfig
        {
            Address = address,
            Mtu = 9000,
            Tcp = new TcpConfig { Mss = 8960, SendBufferSize = 65535, ReceiveBufferSize = 65535, MaxConnections = 2 },
        };

        /// <summary>
        /// The ISN A's stack (seed <see cref="SeedA"/>) picks for its connection at time t is
        /// 250·t + F(tuple, secret) (RFC 6528's 4 µs clock plus a keyed hash; IsnGenerator). A probe
        /// stack built the same way shows F; the connection is then opened at the first t after
        /// <paramref name="notBefore"/> where the ISN falls in [2^32 − 1250, 2^32 − 1000): the
        /// ISN is steered through the clock, with no hook in the flashed code.
        /// </summary>
        private static long TimeOfIsnBelowWrap(long notBefore, out uint isn)
        {
            var link = new JumboLink(9014, 64);
            var a = new NetworkStack(Config(IpA), link.A, new SeededRandom(SeedA));
            var b = new NetworkStack(Config(IpB), link.B, new SeededRandom(SeedB));
            const long t0 = 1000;
            a.Poll(t0);
            b.Poll(t0);
            link.A.CaptureFlags = 0x02; // SYN
            link.A.CaptureNext = new byte[9014];
            byte[] syn = link.A.CaptureNext;
            Assert.True(a.Tcp.Connect(IpA, IpB, Port, LocalPort) > 0);
            for (long t = t0; t < t0 + 100 && link.A.CaptureNext != null; t++)
            {
                a.Poll(t);
                b.Poll(t);
            }

            Assert.Null(link.A.CaptureNext);
            uint f = SeqOf(syn) - (uint)(t0 * 250);
            for (long t = notBefore; t < notBefore + (1L << 32) / 250 + 2; t++)
            {
                uint candidate = (uint)(t * 250) + f;
                if (candidate >= 0xFFFFFFFFu - 1249u && candidate < 0xFFFFFFFFu - 999u)
                {
                    isn = candidate;
                    return t;
                }
            }

            throw new InvalidOperationException("no time gives an ISN below the wrap");
        }

        private static uint SeqOf(byte[] frame)
        {
            int tcp = 14 + (frame[14] & 15) * 4;
            return (uint)(frame[tcp + 4] << 24 | frame[tcp + 5] << 16 | frame[tcp + 6] << 8 | frame[tcp + 7]);
        }

        /// <summary>The sequence number of a segment's FIN: after the data the segment carries with it.</summary>
        private static uint FinSeqOf(byte[] frame)
        {
            int ihl = (frame[14] & 15) * 4;
            int ipLength = frame[16] << 8 | frame[17];
            int tcpHeader = (frame[14 + ihl + 12] >> 4) * 4;
            return SeqOf(frame) + (uint)(ipLength - ihl - tcpHeader);
        }

        [Fact]
        public void AConnectionFromAnIsnBelowTheWrapCarriesMoreThan4GiBEachWayIntact()
        {
            const long total = (1L << 32) + (3L << 20) + 12345; // 4 GiB + 3 MiB + change, each way
            long start = TimeOfIsnBelowWrap(5000, out uint expectedIsn);

            var link = new JumboLink(9014, 64);
            var a = new NetworkStack(Config(IpA), link.A, new SeededRandom(SeedA));
            var b = new NetworkStack(Config(IpB), link.B, new SeededRandom(SeedB));
            int listener = b.Tcp.Listen(0, Port, 1);
            Assert.True(listener > 0);
            a.Poll(0);
            b.Poll(0);
            // Nothing is due until the chosen time: jump there (the stacks' deadlines allow it).
            a.Poll(start);
            b.Poll(start);
            var syn = new byte[9014];
            link.A.CaptureFlags = 0x02;
            link.A.CaptureNext = syn;
            int ha = a.Tcp.Connect(IpA, IpB, Port, LocalPort);
            Assert.True(ha > 0);
            long now = start;
            int hb = 0;
            for (int i = 0; i < 1000 && (hb <= 0 || a.Tcp.GetState(ha) != TcpState.Established); i++)
            {
                now++;
                a.Poll(now);
                b.Poll(now);
                if (hb <= 0)
                {
                    hb = b.Tcp.Accept(listener);
                }
            }

            Assert.True(hb > 0);
            Assert.Equal(TcpState.Established, a.Tcp.GetState(ha));
            Assert.Equal(expectedIsn, SeqOf(syn));

            var finA = new byte[9014];
            link.A.CaptureFlags = 0x01;
            link.A.CaptureNext = finA;
            var aOut = new StreamPattern(0x1111, 65536);
            var aIn = new StreamPattern(0x2222, 65536);
            var bOut = new StreamPattern(0x2222, 65536);
            var bIn = new StreamPattern(0x1111, 65536);
            var ends = new End[] { new End(a.Tcp, ha, aOut, aIn), new End(b.Tcp, hb, bOut, bIn) };

            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long guard = 0;
            while (!(ends[0].Ended && ends[1].Ended) && guard++ < 2_000_000)
            {
                now++;
                for (int e = 0; e < 2; e++)
                {
                    ends[e].Pump(total);
                }

                a.Poll(now);
                b.Poll(now);
                for (int e = 0; e < 2; e++)
                {
                    if (!ends[e].Drain(total))
                    {
                        Assert.Fail("stream " + e + " corrupt at byte " + ends[e].Received);
                    }
                }
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            Assert.True(ends[0].Ended && ends[1].Ended, "stalled: A got " + ends[0].Received + ", B got " + ends[1].Received);
            Assert.Equal(total, ends[0].Received);
            Assert.Equal(total, ends[1].Received);
            Assert.Null(link.A.CaptureNext);
            // A's FIN sits right after its last byte: ISN + 1 + total, modulo 2^32, after two wraps.
            Assert.Equal((uint)(expectedIsn + 1 + total), FinSeqOf(finA));
            Assert.Equal(2, (int)((expectedIsn + 1L + total) >> 32));
            Assert.Equal(0, link.A.Dropped + link.B.Dropped);
            Assert.Equal(0, a.Tcp.Counters.Retransmissions + b.Tcp.Counters.Retransmissions);
            Assert.Equal(0, a.Tcp.Counters.Dropped + b.Tcp.Counters.Dropped);
            Assert.Equal(0, ends[0].ShutdownResult);
            Assert.Equal(0, ends[1].ShutdownResult);
            Assert.Equal(0, allocated);
            a.Tcp.Close(ha);
            b.Tcp.Close(hb);
            for (int i = 0; i < 200; i++)
            {
                now += 1000;
                a.Poll(now);
                b.Poll(now);
            }

            Assert.Equal(0, a.Tcp.ActiveCount);
            Assert.Equal(0, b.Tcp.ActiveCount);
            _log.WriteLine("ISN " + expectedIsn.ToString("x8") + " at t=" + start + " ms; " + total + " bytes each way in "
                + (now - start) / 1000 + " s virtual; segments A " + a.Tcp.Counters.SegmentsOut + ", B " + b.Tcp.Counters.SegmentsOut);
        }

        /// <summary>One end of the duplex transfer: sends its pattern, checks the peer's, half-closes after the total.</summary>
        private sealed class End
        {
            private readonly TcpStack _tcp;
            private readonly int _h;
            private readonly StreamPattern _out;
            private readonly StreamPattern _in;
            private bool _closed;

            public End(TcpStack tcp, int h, StreamPattern output, StreamPattern input)
            {
                _tcp = tcp;
                _h = h;
                _out = output;
                _in = input;
            }

            public long Sent;
            public long Received;
            public bool Ended;
            public int ShutdownResult = int.MinValue;

            public void Pump(long total)
            {
                while (Sent < total)
                {
                    int n = (int)Math.Min(Math.Min(total - Sent, _out.MaxChunk), _tcp.SendSpace(_h));
                    if (n <= 0)
                    {
                        return;
                    }

                    _out.FillBuffer(Sent, n);
                    int k = _tcp.Send(_h, _out.Buffer, StreamPattern.OffsetOf(Sent), n);
                    if (k <= 0)
                    {
                        return;
                    }

                    Sent += k;
                }

                if (!_closed)
                {
                    _closed = true;
                    ShutdownResult = _tcp.Shutdown(_h);
                }
            }

            public bool Drain(long total)
            {
                while (true)
                {
                    int o = StreamPattern.OffsetOf(Received);
                    int k = _tcp.Receive(_h, _in.Buffer, o, _in.MaxChunk);
                    if (k == NetError.EndOfStream)
                    {
                        Ended = true;
                        return Received == total;
                    }

                    if (k <= 0)
                    {
                        return true;
                    }

                    if (!_in.CheckBuffer(Received, k))
                    {
                        return false;
                    }

                    Received += k;
                }
            }
        }
    }
}
