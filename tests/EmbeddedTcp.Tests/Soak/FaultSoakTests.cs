using System;
using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Soak
{
    /// <summary>
    /// The fault soak: 256 KB each way between two simulated boards at 10% loss, 5%
    /// duplication, 5% reordering and 1% corruption per seed. CI runs 20 seeds; the full soak
    /// (500 seeds) runs with EMBEDDEDTCP_SOAK_SEEDS=500:
    /// <c>EMBEDDEDTCP_SOAK_SEEDS=500 dotnet test tests/EmbeddedTcp.Tests -c Release --filter FullyQualifiedName~FaultSoakTests --logger "console;verbosity=detailed"</c>
    /// </summary>
    public sealed class FaultSoakTests
    {
        private readonly ITestOutputHelper _output;
        public FaultSoakTests(ITestOutputHelper output) { _output = output; }

        public static int Seeds()
        {
            string v = Environment.GetEnvironmentVariable("EMBEDDEDTCP_SOAK_SEEDS");
            return v != null ? int.Parse(v) : 20;
        }

        [Fact]
        public void TransfersUnderHeavyFaultsAreByteExactAndLeaveEmptyTables()
        {
            int seeds = Seeds();
            var soak = new FaultSoak();
            var sw = Stopwatch.StartNew();
            long frames = 0, lost = 0, dup = 0, reordered = 0, corrupted = 0, retransmissions = 0, badChecksums = 0, virtualMs = 0, allocated = 0;
            int failures = 0;
            string firstFailure = null;
            string firstVar = Environment.GetEnvironmentVariable("EMBEDDEDTCP_SOAK_FIRST");
            uint first = firstVar != null ? uint.Parse(firstVar) : 1;
            for (uint seed = first; seed < first + seeds; seed++)
            {
                FaultSoak.Result r = soak.Run(seed);
                frames += r.Frames; lost += r.FramesLost; dup += r.FramesDuplicated; reordered += r.FramesReordered;
                corrupted += r.FramesCorrupted; retransmissions += r.Retransmissions; badChecksums += r.BadChecksums;
                virtualMs += r.VirtualMs; allocated += r.AllocatedBytes;
                if (r.Failure != null)
                {
                    failures++;
                    firstFailure ??= r.ToString();
                    _output.WriteLine("FAILED " + r);
                }
            }
            _output.WriteLine(seeds + " seeds x " + FaultSoak.Bytes + " bytes each way (" + (2L * seeds * FaultSoak.Bytes) + " bytes), "
                + failures + " failures, " + sw.ElapsedMilliseconds + " ms wall, " + virtualMs + " ms virtual");
            _output.WriteLine("frames " + frames + ": lost " + lost + ", duplicated " + dup + ", reordered " + reordered + ", corrupted " + corrupted
                + "; checksum drops " + badChecksums + "; retransmissions " + retransmissions + "; bytes allocated during transfers " + allocated);
            Assert.True(failures == 0, failures + " of " + seeds + " seeds failed; first: " + firstFailure);
            Assert.True(lost > 0 && dup > 0 && reordered > 0 && corrupted > 0, "the faults did not happen");
        }

        /// <summary>
        /// Regression: seed 8 lost both sides' last segments, both timed out and rewound SND.NXT
        /// to SND.UNA, and their bare ACKs (sent with SEQ=SND.NXT, below the peer's RCV.NXT)
        /// were unacceptable to each other: answered with more unacceptable ACKs, never read,
        /// until the connections timed out (NetError.TimedOut). Bare ACKs now carry SND.MAX.
        /// </summary>
        [Fact]
        public void AcksAfterARetransmissionTimeoutAreAcceptableToThePeer()
        {
            FaultSoak.Result r = new FaultSoak().Run(8);
            _output.WriteLine(r.ToString());
            Assert.Null(r.Failure);
        }
    }
}
