using System;
using System.Diagnostics;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Bench.Harness
{
    /// <summary>
    /// A one-way bulk transfer from A to B over a <see cref="StackPair"/>. Each round the sender
    /// offers data and polls, then the receiver polls and drains its ring. The time and the bytes
    /// allocated are accumulated per side: "tx" is everything stack A does (Send into its ring,
    /// Poll: TCP → IP → Ethernet frame out, the ACKs it takes in), "rx" what stack B does in Poll
    /// (Ethernet frame → IP → TCP → the receive ring, the ACKs it sends); the receiving
    /// application's Receive calls (copying out of the ring) are timed apart in <see cref="DrainTicks"/>.
    /// </summary>
    public sealed class BulkTransfer
    {
        private readonly StackPair _pair;
        private readonly byte[] _source = new byte[16384];
        private readonly byte[] _sink = new byte[16384];

        /// <summary>A's (sending) handle.</summary>
        public readonly int Sender;
        /// <summary>B's (receiving) handle.</summary>
        public readonly int Receiver;

        /// <summary>Stopwatch ticks spent in the sending stack.</summary>
        public long TxTicks;
        /// <summary>Stopwatch ticks spent in the receiving stack.</summary>
        public long RxTicks;
        /// <summary>Stopwatch ticks spent in the receiving application's Receive calls.</summary>
        public long DrainTicks;
        /// <summary>Bytes allocated on this thread by the sending stack.</summary>
        public long TxAllocated;
        /// <summary>Bytes allocated on this thread by the receiving stack.</summary>
        public long RxAllocated;
        /// <summary>Bytes the receiving application read.</summary>
        public long BytesReceived;

        /// <summary>Opens the connection (B listens on 5001) on <paramref name="pair"/>.</summary>
        public BulkTransfer(StackPair pair, int listener = 0)
        {
            _pair = pair;
            for (int i = 0; i < _source.Length; i++)
            {
                _source[i] = (byte)i;
            }

            if (listener <= 0)
            {
                listener = pair.B.Tcp.Listen(0, 5001, 4);
            }

            Sender = pair.Connect(listener, 5001, out Receiver);
        }

        /// <summary>Data frames A has sent so far.</summary>
        public long Segments { get { return _pair.PortA.DataFramesSent; } }

        /// <summary>Clears the accumulated time and allocation.</summary>
        public void ResetCounters()
        {
            TxTicks = RxTicks = DrainTicks = TxAllocated = RxAllocated = 0;
        }

        /// <summary>Runs until the receiver has read <paramref name="bytes"/> more bytes (bounded by <paramref name="maxRounds"/>).</summary>
        public void Run(long bytes, int maxRounds = 100000000)
        {
            long target = BytesReceived + bytes;
            var a = _pair.A;
            var b = _pair.B;
            for (int round = 0; round < maxRounds && BytesReceived < target; round++)
            {
                long now = _pair.NowMs;
                long m0 = GC.GetAllocatedBytesForCurrentThread();
                long t0 = Stopwatch.GetTimestamp();
                a.Tcp.Send(Sender, _source, 0, _source.Length);
                a.Poll(now);
                long t1 = Stopwatch.GetTimestamp();
                long m1 = GC.GetAllocatedBytesForCurrentThread();
                b.Poll(now);
                long t2 = Stopwatch.GetTimestamp();
                int n;
                while ((n = b.Tcp.Receive(Receiver, _sink, 0, _sink.Length)) > 0)
                {
                    BytesReceived += n;
                }

                long t3 = Stopwatch.GetTimestamp();
                long m2 = GC.GetAllocatedBytesForCurrentThread();
                TxTicks += t1 - t0;
                RxTicks += t2 - t1;
                DrainTicks += t3 - t2;
                TxAllocated += m1 - m0;
                RxAllocated += m2 - m1;
                _pair.NowMs++;
                if (n < 0)
                {
                    throw new InvalidOperationException("receive failed: " + n);
                }
            }

            if (BytesReceived < target)
            {
                throw new InvalidOperationException("bulk transfer stalled");
            }
        }
    }
}
