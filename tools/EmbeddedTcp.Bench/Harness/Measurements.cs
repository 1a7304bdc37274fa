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
        /// ns per data segment for each side of a bulk transfer with <paramref name="connections"/>
        /// open connections (the others idle, ESTABLISHED); best of <paramref name="repeats"/> runs
        /// of <paramref name="bytes"/> each.
        /// </summary>
        public static CostResult Cost(int connections, long bytes = 32 << 20, int repeats = 3)
        {
            int entries = Math.Max(8, connections + 4);
            var pair = new StackPair(StackPair.Config(entries, BenchBufferSize), StackPair.Config(entries, BenchBufferSize));
            int idleListener = pair.B.Tcp.Listen(0, 5002, 8);
            for (int i = 1; i < connections; i++)
            {
                int server;
                pair.Connect(idleListener, 5002, out server);
            }

            var bulk = new BulkTransfer(pair);
            bulk.Run(4 << 20);
            var best = new CostResult { Connections = connections, NsPerSegmentRx = double.MaxValue, NsPerSegmentTx = double.MaxValue };
            long retransmissions0 = pair.A.Tcp.Counters.Retransmissions;
            for (int r = 0; r < repeats; r++)
            {
                bulk.ResetCounters();
                long s0 = bulk.Segments;
                long f0 = pair.PortA.FullFramesSent;
                bulk.Run(bytes);
                long segments = bulk.Segments - s0;
                double rx = TicksToNs(bulk.RxTicks) / segments;
                double tx = TicksToNs(bulk.TxTicks) / segments;
                if (rx + tx < best.NsPerSegment)
                {
                    best.NsPerSegmentRx = rx;
                    best.NsPerSegmentTx = tx;
                    best.NsPerSegmentDrain = TicksToNs(bulk.DrainTicks) / segments;
                    best.FullSizeShare = (pair.PortA.FullFramesSent - f0) / (double)segments;
                }
            }

            best.Retransmissions = pair.A.Tcp.Counters.Retransmissions - retransmissions0;
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
        /// holes are open in its reassembly queue (0 = an in-order segment). Per iteration the sender
        /// puts 2H+1 full segments on the link; the odd ones are delivered first (H holes), then the
        /// last one is timed, then the holes are filled. Mean of <paramref name="iterations"/>.
        /// </summary>
        public static double HoleCostNs(int holes, int iterations = 300)
        {
            var cfg = StackPair.Config(8, 65535);
            cfg.Tcp.ReassemblyRanges = 20;
            var pair = new StackPair(StackPair.Config(8, 65535), cfg);
            var bulk = new BulkTransfer(pair);
            bulk.Run(2 << 20); // opens the congestion window
            var sink = new byte[65536];
            for (int i = 0; i < 200 && (pair.A.Tcp.BytesQueued(bulk.Sender) > 0 || pair.B.Tcp.BytesToRead(bulk.Receiver) > 0 || i < 50); i++)
            {
                pair.Pump();
                while (pair.B.Tcp.Receive(bulk.Receiver, sink, 0, sink.Length) > 0) { }
            }

            if (pair.A.Tcp.BytesQueued(bulk.Sender) > 0) throw new InvalidOperationException("warm-up data did not drain");
            int k = 2 * holes + 1;
            var held = new byte[k][];
            var lengths = new int[k];
            for (int i = 0; i < k; i++) held[i] = new byte[1514];
            var source = new byte[k * 1460];
            var drop = new byte[1514];
            long ticks = 0;
            for (int it = 0; it < iterations + 20; it++)
            {
                long now = pair.NowMs;
                if (pair.A.Tcp.Send(bulk.Sender, source, 0, source.Length) != source.Length) throw new InvalidOperationException("send buffer not empty");
                for (int i = 0; i < 4; i++) pair.A.Poll(now);
                int got = 0;
                while (pair.PortB.Queued > 0)
                {
                    if (got == k) throw new InvalidOperationException("more frames than segments");
                    lengths[got] = pair.PortB.Receive(held[got], 0, 1514);
                    got++;
                }

                if (got != k) throw new InvalidOperationException("sender put " + got + " of " + k + " segments on the link (congestion window)");
                for (int i = 1; i < k - 1; i += 2) pair.B.Input(held[i], lengths[i]);
                long t0 = Stopwatch.GetTimestamp();
                pair.B.Input(held[k - 1], lengths[k - 1]);
                long t1 = Stopwatch.GetTimestamp();
                if (it >= 20) ticks += t1 - t0;
                for (int i = 0; i < k - 1; i += 2)
                {
                    if (i == k - 3)
                    {
                        while (pair.PortA.Queued > 0) pair.PortA.Receive(drop, 0, drop.Length); // the dup ACKs: A sees one cumulative ACK
                    }

                    pair.B.Input(held[i], lengths[i]);
                }

                pair.B.Poll(now);
                int total = 0, n;
                while ((n = pair.B.Tcp.Receive(bulk.Receiver, sink, 0, sink.Length)) > 0) total += n;
                if (total != source.Length) throw new InvalidOperationException("reassembly delivered " + total + " of " + source.Length);
                for (int i = 0; i < 100 && pair.A.Tcp.BytesQueued(bulk.Sender) > 0; i++) pair.Pump();
                for (int i = 0; i < 3; i++) pair.Pump();
            }

            if (pair.B.Tcp.Counters.OutOfOrderSegments < (long)holes * iterations) throw new InvalidOperationException("segments were not out of order");
            return TicksToNs(ticks) / iterations;
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
            if (from.Tcp.Send(fromHandle, message, 0, message.Length) != message.Length) throw new InvalidOperationException("send refused");
            int got = 0;
            for (int round = 0; round < 1000 && got < message.Length; round++)
            {
                _pair.Pump();
                int n = to.Tcp.Receive(toHandle, _buffer, 0, _buffer.Length);
                if (n < 0) throw new InvalidOperationException("receive failed: " + n);
                got += n;
            }

            if (got != message.Length) throw new InvalidOperationException("exchange stalled");
        }
    }
}
