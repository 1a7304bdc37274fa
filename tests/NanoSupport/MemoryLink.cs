using System;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.NanoSupport
{
    /// <summary>
    /// Two Ethernet devices joined by a cable in memory, mscorlib only, so it runs on nanoCLR
    /// (NanoTests, NanoMeter) as well as on desktop .NET. Every frame buffer is allocated in the
    /// constructor: sending and receiving allocate nothing. Each direction is a ring of
    /// <c>depth</c> frames; a full ring drops the frame (as a busy switch port would). An optional
    /// loss pattern drops frames deterministically: with <see cref="DropEvery"/> = N &gt; 0, every
    /// N-th frame sent (counted per direction) is lost. For measurements (NanoMeter) an end can
    /// also hand its stack an exact number of frames (<see cref="End.ReceiveLimit"/>), show and
    /// reorder what is queued (<see cref="End.CopyWaiting"/>, <see cref="End.SwapWaiting"/>) and
    /// take crafted frames (<see cref="End.Inject"/>). Frames are copied with Array.Copy (one
    /// native call on nanoCLR, as a driver's SPI transfer would be), so the link adds little to
    /// the interpreter cost of a frame.
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

        /// <summary>
        /// An end that declares checksum offload (<see cref="IChecksumOffload"/>): what the board's stack sees
        /// over the ENC28J60 with its DMA checksum, without charging the chip's work to the board (the sums
        /// are made on the peer's turn, as hardware makes them off the CPU).
        /// </summary>
        public sealed class OffloadingEnd : INetworkDevice, IChecksumOffload
        {
            private readonly End _end;

            /// <summary>Wraps <paramref name="end"/> and turns its <see cref="End.OffloadChecksums"/> on.</summary>
            public OffloadingEnd(End end, int minimumOffloadLength)
            {
                _end = end;
                end.OffloadChecksums = true;
                MinimumOffloadLength = minimumOffloadLength;
            }

            /// <inheritdoc />
            public int MinimumOffloadLength { get; private set; }

            /// <inheritdoc />
            public int ReceivedSum { get { return _end.LastReceivedSum; } }

            /// <inheritdoc />
            public bool LinkUp { get { return _end.Up; } }

            /// <inheritdoc />
            public void GetMacAddress(byte[] destination, int offset) { _end.GetMacAddress(destination, offset); }

            /// <inheritdoc />
            public int Receive(byte[] buffer, int offset, int capacity) { return _end.Receive(buffer, offset, capacity); }

            /// <inheritdoc />
            public bool Send(byte[] frame, int offset, int length) { return _end.Send(frame, offset, length); }

            /// <inheritdoc />
            public bool SendWithChecksum(byte[] frame, int offset, int length, int sumStart, int checksumOffset)
            {
                return _end.SendWithChecksum(frame, offset, length, sumStart, checksumOffset);
            }

            /// <inheritdoc />
            public void Poll(long nowMs) { }
        }

        /// <summary>One end of the cable: what its stack sends is queued at the peer.</summary>
        public sealed class End : INetworkDevice
        {
            private readonly byte _macLast;
            private readonly byte[][] _frames;
            private readonly int[] _lengths;
            private readonly int[] _sums;      // offload: the receive sum, computed when the frame is queued
            private readonly int[] _fillFrom;  // offload: a checksum the sender left to the "device" (0: none)
            private readonly int[] _fillAt;
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
            /// <summary>
            /// Frames <see cref="Receive"/> may still deliver before it reports "none waiting";
            /// each delivered frame counts one down. Negative (the default): no limit. Lets a
            /// measurement hand a stack exactly one frame in a Poll although more are queued.
            /// </summary>
            public int ReceiveLimit = -1;

            internal End(byte macLast, int depth)
            {
                _macLast = macLast;
                _frames = new byte[depth][];
                for (int i = 0; i < depth; i++)
                {
                    _frames[i] = new byte[MaxFrame];
                }

                _lengths = new int[depth];
                _sums = new int[depth];
                _fillFrom = new int[depth];
                _fillAt = new int[depth];
            }

            /// <summary>
            /// Checksum offload, as a device does it off the CPU: frames queued to this end get their
            /// receive sum when they are queued (the peer's turn), and checksums left by
            /// <see cref="SendWithChecksum"/> are filled when the peer takes the frame. Default false.
            /// </summary>
            public bool OffloadChecksums;

            /// <summary>Offload: the sum of the frame the last <see cref="Receive"/> returned (bytes 14 to its end), or -1.</summary>
            public int LastReceivedSum = -1;

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
                if (_count == 0 || ReceiveLimit == 0)
                {
                    return 0;
                }

                if (ReceiveLimit > 0)
                {
                    ReceiveLimit--;
                }

                int length = _lengths[_head];
                byte[] frame = _frames[_head];
                _head = (_head + 1) % _frames.Length;
                _count--;
                if (length > capacity)
                {
                    return 0;
                }

                int slot = (_head + _frames.Length - 1) % _frames.Length;
                if (_fillFrom[slot] != 0)
                {
                    FrameBytes.FillChecksum(frame, _fillFrom[slot], length, _fillAt[slot]);
                    _fillFrom[slot] = 0;
                }
                LastReceivedSum = _sums[slot];
                Array.Copy(frame, 0, buffer, offset, length);
                Received++;
                return length;
            }

            /// <inheritdoc />
            public bool Send(byte[] frame, int offset, int length)
            {
                if (!Up || length > MaxFrame)
                {
                    return false;
                }

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

            /// <summary>Offload: as <see cref="Send"/>, the checksum at <paramref name="checksumOffset"/> over <paramref name="sumStart"/>..end filled when the peer takes the frame.</summary>
            public bool SendWithChecksum(byte[] frame, int offset, int length, int sumStart, int checksumOffset)
            {
                if (!Send(frame, offset, length))
                {
                    return false;
                }

                Peer.LeaveChecksum(sumStart, checksumOffset);
                return true;
            }

            private void LeaveChecksum(int sumStart, int checksumOffset)
            {
                if (_count == 0)
                {
                    return;
                }

                int tail = (_head + _count - 1) % _frames.Length;
                _fillFrom[tail] = sumStart;
                _fillAt[tail] = checksumOffset;
            }

            /// <summary>Forgets every queued frame (a cable pulled and plugged back).</summary>
            public void Flush()
            {
                _head = 0;
                _count = 0;
            }

            /// <summary>
            /// Copies the frame at position <paramref name="index"/> of this end's queue (0: the next
            /// one <see cref="Receive"/> delivers) into <paramref name="destination"/>; returns its
            /// length, or 0 when there is no such frame. The queue is unchanged.
            /// </summary>
            public int CopyWaiting(int index, byte[] destination, int offset)
            {
                if (index < 0 || index >= _count)
                {
                    return 0;
                }

                int slot = (_head + index) % _frames.Length;
                int length = _lengths[slot];
                if (_fillFrom[slot] != 0)
                {
                    FrameBytes.FillChecksum(_frames[slot], _fillFrom[slot], length, _fillAt[slot]);
                    _fillFrom[slot] = 0;
                }
                Array.Copy(_frames[slot], 0, destination, offset, length);
                return length;
            }

            /// <summary>Swaps two queued frames (positions as in <see cref="CopyWaiting"/>): delivers them out of order.</summary>
            public void SwapWaiting(int first, int second)
            {
                if (first < 0 || second < 0 || first >= _count || second >= _count)
                {
                    return;
                }

                int a = (_head + first) % _frames.Length;
                int b = (_head + second) % _frames.Length;
                byte[] frame = _frames[a];
                _frames[a] = _frames[b];
                _frames[b] = frame;
                int length = _lengths[a];
                _lengths[a] = _lengths[b];
                _lengths[b] = length;
            }

            /// <summary>
            /// Queues a frame for this end's stack as if the peer had sent it (a crafted or
            /// replayed frame); it is not counted in the peer's <see cref="Sent"/>. A full ring
            /// drops it (counted in <see cref="Dropped"/>).
            /// </summary>
            public void Inject(byte[] frame, int offset, int length)
            {
                if (length > MaxFrame)
                {
                    return;
                }

                Enqueue(frame, offset, length);
            }

            private void Enqueue(byte[] frame, int offset, int length)
            {
                if (_count == _frames.Length)
                {
                    Dropped++;
                    return;
                }
                int tail = (_head + _count) % _frames.Length;
                Array.Copy(frame, offset, _frames[tail], 0, length);
                _lengths[tail] = length;
                _fillFrom[tail] = 0;
                _sums[tail] = OffloadChecksums && length > 14 ? FrameBytes.FoldedSum(_frames[tail], 14, length - 14) : -1;
                _count++;
            }
        }
    }
}
