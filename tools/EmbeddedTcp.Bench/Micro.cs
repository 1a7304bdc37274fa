using BenchmarkDotNet.Attributes;
using EmbeddedTcp.Bench.Harness;

namespace EmbeddedTcp.Bench
{
    /// <summary>
    /// Micro-benchmarks (BenchmarkDotNet): `dotnet run -c Release --project tools/EmbeddedTcp.Bench -- micro --filter '*'`.
    /// Each operation moves 64 KiB of a bulk transfer between two stacks over the in-memory link
    /// (about 45 full segments), so ns per segment ≈ the mean / 45.
    /// </summary>
    [MemoryDiagnoser]
    public class BulkTransferBenchmarks
    {
        private BulkTransfer _bulk;

        /// <summary>Ring size of both stacks.</summary>
        [Params(4096, 16384)]
        public int Buffer;

        [GlobalSetup]
        public void Setup()
        {
            var pair = new StackPair(StackPair.Config(8, Buffer), StackPair.Config(8, Buffer));
            _bulk = new BulkTransfer(pair);
            _bulk.Run(1 << 20);
        }

        /// <summary>64 KiB A → B.</summary>
        [Benchmark]
        public long Transfer64KiB()
        {
            _bulk.Run(64 << 10);
            return _bulk.BytesReceived;
        }
    }

    /// <summary>One 64-byte request and its 64-byte response between two stacks.</summary>
    [MemoryDiagnoser]
    public class RequestResponseBenchmarks
    {
        private RequestResponse _rr;

        [GlobalSetup]
        public void Setup()
        {
            _rr = new RequestResponse(new StackPair());
            _rr.Run(100);
        }

        /// <summary>One exchange.</summary>
        [Benchmark]
        public void Exchange() { _rr.Run(1); }
    }

    /// <summary>
    /// One <see cref="HoleScenario"/> iteration: 2H+2 full segments sent, every second one received
    /// first (H holes), then the holes filled and the data read.
    /// </summary>
    [MemoryDiagnoser]
    public class OutOfOrderBenchmarks
    {
        private HoleScenario _scenario;

        /// <summary>Holes left open before the last segment.</summary>
        [Params(0, 4, 16)]
        public int Holes;

        [GlobalSetup]
        public void Setup()
        {
            _scenario = new HoleScenario(Holes);
        }

        /// <summary>One iteration (2H+2 segments).</summary>
        [Benchmark]
        public long Iteration() { return _scenario.Iterate(); }
    }
}
