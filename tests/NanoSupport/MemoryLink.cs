using EmbeddedTcp.Hal;

namespace EmbeddedTcp.NanoSupport
{
    /// <summary>
    /// Two Ethernet devices joined by a cable in memory, mscorlib only, so it runs on nanoCLR
    /// (NanoTests, NanoMeter) as well as on desktop .NET. Every frame buffer is allocated in the
    /// constructor: sending and receiving allocate nothing. Each direction is a ring of
    /// <c>depth</c> frames; a full ring drops the frame (as a busy switch port would). An optional
    /// loss pattern drops frames deterministically: with <see cref="DropEvery"/> = N &gt; 0, every
    /// N-th frame sent (counted per direction) is lost.
    /// </summary>
    public sealed class MemoryLink
    {
        /// <summary>Largest frame carried (no FCS).</summary>
        public const int MaxFrame = 1514;

        /// <summary>End A.</summary>
        public readonly End A;
        /// <summary>End B.</summary>
        public readonly End B;

        /// <summary>Creates the link; the two MACs are 02:00:00:00:00:0a and 02:00:00:00:00:0b.</summary>
        public MemoryLink(int depth)
        {
            A = new End(0x0A, depth);
            B = new End(0x0B, depth);
            A.Peer = B;
            B.Peer = A;
        }

        /// <summary>Drops every N-th frame sent by either end (0: none).</summary>
        public int DropEvery
        {
            set { A.DropEvery = value; B.DropEvery = value; }
        }

        /// <summary>Frames waiting at both ends.</summary>
        public int InFlight { get { return A.Waiting + B.Waiting; } }

        /// <summary>One end of the cable: what its stack sends is queued at the peer.</summary>
        public sealed class End : INetworkDevice
        {
            private readonly byte _macLast;
            private readonly byte[][] _frames;
            private readonly int[] _lengths;
            private int _head;
            private int _count;
            private int _sentCounter;

            /// <summary>The other end.</summary>
            public End Peer;
            /// <summary>Drops every N-th frame this end sends (0: none).</summary>
            public int DropEvery;
            /// <summary>Frames sent (including dropped ones).</summary>
            public int Sent;
            /// <summary>Frames dropped by the loss pattern or a full ring.</summary>
            public int Dropped;
            /// <summary>Frames delivered to this end's stack.</summary>
            public int Received;
            /// <summary>Physical link state reported to the stack.</summary>
            public bool Up = true;

            internal End(byte macLast, int depth)
            {
                _macLast = macLast;
                _frames = new byte[depth][];
                for (int i = 0; i < depth; i++) _frames[i] = new byte[MaxFrame];
                _lengths = new int[depth];
            }

            /// <summary>Frames queued for this end's stack.</summary>
            public int Waiting { get { return _count; } }

            /// <inheritdoc />
            public void GetMacAddress(byte[] destination, int offset)
            {
                destination[offset] = 0x02;
                destination[offset + 1] = 0;
                destination[offset + 2] = 0;
                destination[offset + 3] = 0;
                destination[offset + 4] = 0;
                destination[offset + 5] = _macLast;
            }

            /// <inheritdoc />
            public bool LinkUp { get { return Up; } }

            /// <inheritdoc />
            public int Receive(byte[] buffer, int offset, int capacity)
            {
                if (_count == 0) return 0;
                int length = _lengths[_head];
                byte[] frame = _frames[_head];
                _head = (_head + 1) % _frames.Length;
                _count--;
                if (length > capacity) return 0;
                for (int i = 0; i < length; i++) buffer[offset + i] = frame[i];
                Received++;
                return length;
            }

            /// <inheritdoc />
            public bool Send(byte[] frame, int offset, int length)
            {
                if (!Up || length > MaxFrame) return false;
                Sent++;
                _sentCounter++;
                if (DropEvery > 0 && _sentCounter % DropEvery == 0)
                {
                    Dropped++;
                    return true;
                }
                Peer.Enqueue(frame, offset, length);
                return true;
            }

            /// <inheritdoc />
            public void Poll(long nowMs)
            {
            }

            /// <summary>Forgets every queued frame (a cable pulled and plugged back).</summary>
            public void Flush()
            {
                _head = 0;
                _count = 0;
            }

            private void Enqueue(byte[] frame, int offset, int length)
            {
                if (_count == _frames.Length)
                {
                    Dropped++;
                    return;
                }
                int tail = (_head + _count) % _frames.Length;
                byte[] slot = _frames[tail];
                for (int i = 0; i < length; i++) slot[i] = frame[offset + i];
                _lengths[tail] = length;
                _count++;
            }
        }
    }
}
