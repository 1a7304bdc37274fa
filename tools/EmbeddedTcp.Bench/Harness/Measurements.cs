using System;
using System.Diagnostics;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Bench.Harness
{
    /// <summary>Steady-state allocation of the whole stack (must be 0).</summary>
    public sealed class AllocationResult
    {
        /// <summary>Bytes allocated by the receiving stack per data segment of a bulk transfer.</summary>
        public double PerSegmentRx;
        /// <summary>Bytes allocated by the sending stack per data segment of a bulk transfer.</summary>
        public double PerSegmentTx;
        /// <summary>Bytes allocated by both stacks per request/response exchange (64 bytes each way).</summary>
        public double PerRequest;
        /// <summary>Data segments measured in the bulk transfer.</summary>
        public long Segments;
        /// <summary>Exchanges measured.</summary>
        public int Requests;
    }

    /// <summary>Cost of a bulk transfer on this machine (wall clock, one thread).</summary>
    public sealed class CostResult
    {
        /// <summary>Open connections (the bulk one included).</summary>
        public int Connections;
        /// <summary>ns the receiving stack spends per data segment.</summary>
        public double NsPerSegmentRx;
        /// <summary>ns the sending stack spends per data segment.</summary>
        public double NsPerSegmentTx;
        /// <summary>ns the receiving application spends per segment copying data out of the ring (Receive).</summary>
        public double NsPerSegmentDrain;
        /// <summary>Share of the data segments that were full size (1460 bytes of payload).</summary>
        public double FullSizeShare;
        /// <summary>Retransmissions during the measurement (should be 0 on a lossless link).</summary>
        public long Retransmissions;
        /// <summary>Both sides together.</summary>
        public double NsPerSegment { get { return NsPerSegmentRx + NsPerSegmentTx; } }
    }

    /// <summary>
    /// The measurements of the benchmark report that need no network and no files: shared by
    /// the bench tool and the CI allocation test.
    /// </summary>
    public static class Measurements
    {
        /// <summary>Ring size used for cost, goodput and scale (a whole number of full segments fits comfortably).</summary>
        public const int BenchBufferSize = 16384;

        /// <summary>
        /// Bulk transfer and request/response between two stacks, warmed up, then
        /// <paramref name="bulkBytes"/> and <paramref name="requests"/> measured with
        /// GC.GetAllocatedBytesForCurrentThread.
        /// </summary>
        public static AllocationResult Allocation(long bulkBytes = 4 << 20, int requests = 2000)
        {
            var result = new AllocationResult();

            var pair = new StackPair(StackPair.Config(8, BenchBufferSize), StackPair.Config(8, BenchBufferSize));
            var bulk = new BulkTransfer(pair);
            bulk.Run(1 << 20);
            bulk.ResetCounters();
            long s0 = bulk.Segments;
            bulk.Run(bulkBytes);
            result.Segments = bulk.Segments - s0;
            result.PerSegmentRx = bulk.RxAllocated / (double)result.Segments;
            result.PerSegmentTx = bulk.TxAllocated / (double)result.Segments;

            var rr = new RequestResponse(new StackPair());
            rr.Run(200);
            long m0 = GC.GetAllocatedBytesForCurrentThread();
            rr.Run(requests);
            long m1 = GC.GetAllocatedBytesForCurrentThread();
            result.Requests = requests;
            result.PerRequest = (m1 - m0) / (double)requests;
            return result;
        }

        /// <summary>
        /// Bytes allocated per segment by both stacks while segments arrive out of order behind
        /// <paramref name="holes"/> holes (<see cref="HoleScenario"/>), after a warm-up.
        /// </summary>
        public static double OutOfOrderAllocationPerSegment(int holes, int iterations = 200)
        {
            var scenario = new HoleScenario(holes);
            for (int i = 0; i < 20; i++)
            {
                scenario.Iterate();
            }

            long m0 = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < iterations; i++)
            {
                scenario.Iterate();
            }

            long m1 = GC.GetAllocatedBytesForCurrentThread();
            return (m1 - m0) / (double)((long)iterations * (2 * holes + 2));
        }

        /// <summary>
        /// ns per data segment for each side of a bulk transfer with <paramref name="connections"/>
        /// open connections (the others idle, ESTABLISHED); best of <paramref name="repeats"/> runs
        /// of <paramref name="bytes"/> each.
        /// </summary>
        public static CostResult Cost(int connections, long bytes = 32 << 20, int repeats = 3)
        {
            var scenario = new CostScenario(connections);
            CostResult best = null;
            for (int r = 0; r < repeats; r++)
            {
                best = CostScenario.Better(best, scenario.Measure(bytes));
            }

            return best;
        }

        /// <summary>
        /// Cost with each of <paramref name="connections"/> open, measured in interleaved rounds
        /// (1, 8, 64, 256, 1, 8, ...) so that a noisy spell on a shared machine hits every count
        /// alike; best of <paramref name="rounds"/> per count.
        /// </summary>
        public static CostResult[] CostInterleaved(int[] connections, long bytes, int rounds)
        {
            var scenarios = new CostScenario[connections.Length];
            var best = new CostResult[connections.Length];
            for (int i = 0; i < connections.Length; i++)
            {
                scenarios[i] = new CostScenario(connections[i]);
            }

            for (int r = 0; r < rounds; r++)
            {
                for (int i = 0; i < connections.Length; i++)
                {
                    best[i] = CostScenario.Better(best[i], scenarios[i].Measure(bytes));
                }
            }

            return best;
        }

        /// <summary>
        /// Goodput of a bulk transfer between two stacks over the in-memory link, MB/s (10^6 bytes),
        /// wall clock of the whole loop (both stacks, one thread); best of <paramref name="repeats"/>.
        /// </summary>
        public static double GoodputMBps(NetworkConfig a, NetworkConfig b, long bytes = 64 << 20, int repeats = 3)
        {
            var pair = new StackPair(a, b);
            var bulk = new BulkTransfer(pair);
            bulk.Run(4 << 20);
            double best = 0;
            for (int r = 0; r < repeats; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                bulk.Run(bytes);
                double seconds = TicksToNs(Stopwatch.GetTimestamp() - t0) / 1e9;
                best = Math.Max(best, bytes / seconds / 1e6);
            }

            return best;
        }

        /// <summary>
        /// ns the receiving stack spends on one segment that arrives while <paramref name="holes"/>
        /// holes are open in its reassembly queue (0 = an in-order segment); median of
        /// <paramref name="iterations"/> (robust against preemption on a shared machine; see
        /// <see cref="HoleScenario"/>).
        /// </summary>
        public static double HoleCostNs(int holes, int iterations = 300)
        {
            var scenario = new HoleScenario(holes);
            for (int i = 0; i < 20; i++)
            {
                scenario.Iterate();
            }

            var ticks = new long[iterations];
            long ooo0 = scenario.OutOfOrderSegments;
            for (int i = 0; i < iterations; i++)
            {
                ticks[i] = scenario.Iterate();
            }

            if (scenario.OutOfOrderSegments - ooo0 < (long)holes * iterations)
            {
                throw new InvalidOperationException("segments were not out of order");
            }

            Array.Sort(ticks);
            return TicksToNs(ticks[iterations / 2]);
        }

        /// <summary>
        /// Bytes a <see cref="NetworkStack"/> allocates at construction with <paramref name="config"/>:
        /// its own figure (<see cref="NetworkStack.AllocatedBytes"/>) and GC.GetAllocatedBytesForCurrentThread.
        /// </summary>
        public static long ConstructionBytes(NetworkConfig config, out long reported)
        {
            INetworkDevice device = new MemoryPort(new byte[] { 2, 0, 0, 0, 0, 9 }, 1);
            IRandomSource random = new SeededRandom(7);
            new NetworkStack(config, device, random); // warm up: type loading and statics
            long m0 = GC.GetAllocatedBytesForCurrentThread();
            var stack = new NetworkStack(config, device, random);
            long m1 = GC.GetAllocatedBytesForCurrentThread();
            reported = stack.AllocatedBytes;
            GC.KeepAlive(stack);
            return m1 - m0;
        }

        /// <summary>
        /// Runs bulk transfers for about <paramref name="milliseconds"/> of wall time so that the
        /// JIT has finished tiering the hot paths before anything is timed.
        /// </summary>
        public static void WarmUp(int milliseconds = 2000)
        {
            var pair = new StackPair(StackPair.Config(8, BenchBufferSize), StackPair.Config(8, BenchBufferSize));
            var bulk = new BulkTransfer(pair);
            var rr = new RequestResponse(pair);
            var sw = Stopwatch.StartNew();
            while (sw.ElapsedMilliseconds < milliseconds)
            {
                bulk.Run(1 << 20);
                rr.Run(100);
            }
        }

        /// <summary>Stopwatch ticks to ns.</summary>
        public static double TicksToNs(long ticks) { return ticks * (1e9 / Stopwatch.Frequency); }
    }

    /// <summary>A bulk transfer with n - 1 idle ESTABLISHED connections beside it, warmed up.</summary>
    public sealed class CostScenario
    {
        private readonly StackPair _pair;
        private readonly BulkTransfer _bulk;
        private readonly int _connections;

        /// <summary>Opens <paramref name="connections"/> - 1 idle connections and the bulk one.</summary>
        public CostScenario(int connections)
        {
            _connections = connections;
            int entries = Math.Max(8, connections + 4);
            _pair = new StackPair(StackPair.Config(entries, Measurements.BenchBufferSize), StackPair.Config(entries, Measurements.BenchBufferSize));
            int idleListener = _pair.B.Tcp.Listen(0, 5002, 8);
            for (int i = 1; i < connections; i++)
            {
                int server;
                _pair.Connect(idleListener, 5002, out server);
            }

            _bulk = new BulkTransfer(_pair);
            _bulk.Run(4 << 20);
        }

        /// <summary>One run of <paramref name="bytes"/>.</summary>
        public CostResult Measure(long bytes)
        {
            long retx0 = _pair.A.Tcp.Counters.Retransmissions;
            _bulk.ResetCounters();
            long s0 = _bulk.Segments;
            long f0 = _pair.PortA.FullFramesSent;
            _bulk.Run(bytes);
            long segments = _bulk.Segments - s0;
            return new CostResult
            {
                Connections = _connections,
                NsPerSegmentRx = Measurements.TicksToNs(_bulk.RxTicks) / segments,
                NsPerSegmentTx = Measurements.TicksToNs(_bulk.TxTicks) / segments,
                NsPerSegmentDrain = Measurements.TicksToNs(_bulk.DrainTicks) / segments,
                FullSizeShare = (_pair.PortA.FullFramesSent - f0) / (double)segments,
                Retransmissions = _pair.A.Tcp.Counters.Retransmissions - retx0,
            };
        }

        /// <summary>The cheaper of two results (null-tolerant).</summary>
        public static CostResult Better(CostResult a, CostResult b)
        {
            if (a == null)
            {
                return b;
            }

            return b.NsPerSegment < a.NsPerSegment ? b : a;
        }
    }

    /// <summary>
    /// Out-of-order reception. Per <see cref="Iterate"/> the sender puts 2H+2 full segments s0..s(2H+1)
    /// on the link; s0 is delivered (in order, untimed, so the receiver is as warm for H = 0 as for
    /// H &gt; 0), then s2, s4 .. s(2H) (leaving H holes), then s(2H+1), which arrives behind H holes
    /// (or in order when H = 0), is timed; then the holes are filled (the receiver's dup ACKs are
    /// dropped so the sender sees one cumulative ACK and its congestion window stays open) and the
    /// data read.
    /// </summary>
    public sealed class HoleScenario
    {
        private readonly StackPair _pair;
        private readonly BulkTransfer _bulk;
        private readonly int _k;
        private readonly byte[][] _held;
        private readonly int[] _lengths;
        private readonly byte[] _source;
        private readonly byte[] _sink = new byte[65536];
        private readonly byte[] _drop = new byte[1514];

        /// <summary>A connection with 64 KiB windows and 20 reassembly ranges, warmed up.</summary>
        public HoleScenario(int holes)
        {
            var cfg = StackPair.Config(8, 65535);
            cfg.Tcp.ReassemblyRanges = 20;
            _pair = new StackPair(StackPair.Config(8, 65535), cfg);
            _bulk = new BulkTransfer(_pair);
            _bulk.Run(2 << 20); // opens the congestion window
            for (int i = 0; i < 200 && (_pair.A.Tcp.BytesQueued(_bulk.Sender) > 0 || _pair.B.Tcp.BytesToRead(_bulk.Receiver) > 0 || i < 50); i++)
            {
                _pair.Pump();
                while (_pair.B.Tcp.Receive(_bulk.Receiver, _sink, 0, _sink.Length) > 0) { }
            }

            if (_pair.A.Tcp.BytesQueued(_bulk.Sender) > 0)
            {
                throw new InvalidOperationException("warm-up data did not drain");
            }

            _k = 2 * holes + 2;
            _held = new byte[_k][];
            _lengths = new int[_k];
            for (int i = 0; i < _k; i++)
            {
                _held[i] = new byte[1514];
            }

            _source = new byte[_k * 1460];
        }

        /// <summary>The sender's retransmissions so far.</summary>
        public long Retransmissions { get { return _pair.A.Tcp.Counters.Retransmissions; } }

        /// <summary>Sender counters and link overflows, for diagnosis.</summary>
        public string Diagnostics
        {
            get
            {
                var c = _pair.A.Tcp.Counters;
                return "fast retransmits " + c.FastRetransmits + ", RTOs " + c.RetransmitTimeouts + ", link overflows A->B " + _pair.PortB.Overflows + ", B->A " + _pair.PortA.Overflows;
            }
        }

        /// <summary>Virtual time, ms.</summary>
        public long NowMs { get { return _pair.NowMs; } }

        /// <summary>The receiver's count of out-of-order segments.</summary>
        public long OutOfOrderSegments { get { return _pair.B.Tcp.Counters.OutOfOrderSegments; } }

        private long _iterations;

        private static string Describe(byte[] f, int length)
        {
            uint seq = (uint)(f[38] << 24 | f[39] << 16 | f[40] << 8 | f[41]);
            return "[" + length + " bytes, seq " + seq + ", flags 0x" + f[47].ToString("x2") + "]";
        }

        /// <summary>One iteration; returns the Stopwatch ticks of the timed segment's Input.</summary>
        public long Iterate()
        {
            _iterations++;
            var a = _pair.A;
            var b = _pair.B;
            int k = _k;
            long now = _pair.NowMs;
            if (a.Tcp.Send(_bulk.Sender, _source, 0, _source.Length) != _source.Length)
            {
                throw new InvalidOperationException("send buffer not empty");
            }

            for (int i = 0; i < 4; i++)
            {
                a.Poll(now);
            }

            int got = 0;
            while (_pair.PortB.Queued > 0)
            {
                int length = _pair.PortB.Receive(_drop, 0, _drop.Length);
                if (length <= 60 || _drop[12] != 0x08 || _drop[13] != 0x00)
                {
                    b.Input(_drop, length); // not a data segment (an ARP refresh every few minutes of virtual time): pass it on
                    continue;
                }

                if (got == k)
                {
                    throw new InvalidOperationException("more segments than sent: " + Describe(_drop, length) + " at " + _pair.NowMs + " ms, iteration " + _iterations + ", A retransmissions " + a.Tcp.Counters.Retransmissions);
                }

                Array.Copy(_drop, _held[got], length);
                _lengths[got] = length;
                got++;
            }

            if (got != k)
            {
                throw new InvalidOperationException("sender put " + got + " of " + k + " segments on the link (congestion window)");
            }

            for (int i = 0; i < k - 1; i += 2)
            {
                b.Input(_held[i], _lengths[i]);
            }

            long t0 = Stopwatch.GetTimestamp();
            b.Input(_held[k - 1], _lengths[k - 1]);
            long t1 = Stopwatch.GetTimestamp();
            for (int i = 1; i < k - 1; i += 2)
            {
                if (i == k - 3)
                {
                    while (_pair.PortA.Queued > 0)
                    {
                        // drop the dup ACKs; anything that is not TCP (ARP) goes through
                        int length = _pair.PortA.Receive(_drop, 0, _drop.Length);
                        if (_drop[12] != 0x08 || _drop[13] != 0x00 || _drop[23] != 6)
                        {
                            a.Input(_drop, length);
                        }
                    }
                }

                b.Input(_held[i], _lengths[i]);
            }

            b.Poll(now);
            int total = 0, n;
            while ((n = b.Tcp.Receive(_bulk.Receiver, _sink, 0, _sink.Length)) > 0)
            {
                total += n;
            }

            if (total != _source.Length)
            {
                throw new InvalidOperationException("reassembly delivered " + total + " of " + _source.Length);
            }

            for (int i = 0; i < 100 && a.Tcp.BytesQueued(_bulk.Sender) > 0; i++)
            {
                _pair.Pump();
            }

            for (int i = 0; i < 3; i++)
            {
                _pair.Pump();
            }

            return t1 - t0;
        }
    }

    /// <summary>Request/response: A sends 64 bytes, B reads them and answers 64 bytes, A reads the answer.</summary>
    public sealed class RequestResponse
    {
        private readonly StackPair _pair;
        private readonly int _client;
        private readonly int _server;
        private readonly byte[] _request = new byte[64];
        private readonly byte[] _response = new byte[64];
        private readonly byte[] _buffer = new byte[256];

        /// <summary>Connects A to B port 7.</summary>
        public RequestResponse(StackPair pair)
        {
            _pair = pair;
            int listener = pair.B.Tcp.Listen(0, 7, 4);
            _client = pair.Connect(listener, 7, out _server);
            pair.A.Tcp.SetNoDelay(_client, true);
            pair.B.Tcp.SetNoDelay(_server, true);
        }

        /// <summary>Runs <paramref name="count"/> exchanges.</summary>
        public void Run(int count)
        {
            for (int i = 0; i < count; i++)
            {
                Exchange(_pair.A, _client, _request, _pair.B, _server);
                Exchange(_pair.B, _server, _response, _pair.A, _client);
            }
        }

        private void Exchange(NetworkStack from, int fromHandle, byte[] message, NetworkStack to, int toHandle)
        {
            if (from.Tcp.Send(fromHandle, message, 0, message.Length) != message.Length)
            {
                throw new InvalidOperationException("send refused");
            }

            int got = 0;
            for (int round = 0; round < 1000 && got < message.Length; round++)
            {
                _pair.Pump();
                int n = to.Tcp.Receive(toHandle, _buffer, 0, _buffer.Length);
                if (n < 0)
                {
                    throw new InvalidOperationException("receive failed: " + n);
                }

                got += n;
            }

            if (got != message.Length)
            {
                throw new InvalidOperationException("exchange stalled");
            }
        }
    }
}
