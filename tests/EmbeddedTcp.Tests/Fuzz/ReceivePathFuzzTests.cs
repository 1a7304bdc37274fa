using System;
using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Fuzz
{
    /// <summary>
    /// Fuzzes NetworkStack.Input with established connections present: no exception, no
    /// allocation, TCP invariants after every frame. CI: 100,000 frames. Full run:
    /// <c>EMBEDDEDTCP_FUZZ_FRAMES=10000000 dotnet test tests/EmbeddedTcp.Tests -c Release --filter FullyQualifiedName~ReceivePathFuzzTests --logger "console;verbosity=detailed"</c>
    /// </summary>
    public sealed class ReceivePathFuzzTests
    {
        private readonly ITestOutputHelper _output;
        public ReceivePathFuzzTests(ITestOutputHelper output) { _output = output; }

        [Fact]
        public void MutatedFramesNeverThrowAllocateOrBreakTcpInvariants()
        {
            string v = Environment.GetEnvironmentVariable("EMBEDDEDTCP_FUZZ_FRAMES");
            long frames = v != null ? long.Parse(v) : 100_000;
            var fuzzer = new ReceivePathFuzzer(1);
            Assert.True(fuzzer.SeedCount >= 10, "only " + fuzzer.SeedCount + " seed frames captured");
            Assert.Equal(2, fuzzer.EstablishedOnB());
            Assert.Null(fuzzer.B.Tcp.CheckInvariants());

            fuzzer.Run(20_000); // warm up: JIT and every lazily built path
            long segmentsBefore = fuzzer.B.Tcp.Counters.SegmentsIn;
            long challengeBefore = fuzzer.B.Tcp.Counters.ChallengeAcks;
            var sw = Stopwatch.StartNew();
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            string failure = null;
            try
            {
                failure = fuzzer.Run(frames);
            }
            catch (Exception e)
            {
                Assert.Fail("exception on frame " + fuzzer.Frames + " (" + Convert.ToHexString(fuzzer.Frame, 0, fuzzer.FrameLength) + "): " + e);
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            Assert.True(failure == null, "invariant broken after frame " + fuzzer.Frames + " ("
                + Convert.ToHexString(fuzzer.Frame, 0, fuzzer.FrameLength) + "): " + failure);
            var c = fuzzer.B.Counters;
            var t = fuzzer.B.Tcp.Counters;
            _output.WriteLine(frames + " frames fuzzed (from " + fuzzer.SeedCount + " seeds) in " + sw.ElapsedMilliseconds + " ms, "
                + allocated + " bytes allocated, reconnects " + fuzzer.Reconnects + ", established on B now " + fuzzer.EstablishedOnB());
            _output.WriteLine("B: frames in " + c.FramesIn + ", malformed " + c.FramesMalformed + ", IP bad checksum " + c.IpBadChecksum
                + ", IP malformed " + c.IpMalformed + ", ARP in " + (c.ArpRequestsIn + c.ArpRepliesIn) + ", ICMP in " + c.IcmpIn + ", UDP in " + c.UdpIn
                + ", TCP segments " + (t.SegmentsIn - segmentsBefore) + ", challenge ACKs " + (t.ChallengeAcks - challengeBefore)
                + ", resets in " + t.ResetsIn + ", drops " + t.Dropped);
            Assert.Equal(0, allocated);
            Assert.True(t.SegmentsIn - segmentsBefore > frames / 10, "too few fuzz frames reached TCP: " + (t.SegmentsIn - segmentsBefore));
        }
    }
}
