using System;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Bench.Harness
{
    /// <summary>
    /// One end of an in-memory Ethernet link: <see cref="Send"/> copies the frame into the peer's
    /// bounded queue, <see cref="Receive"/> takes the next frame from ours. No time, no loss, no
    /// allocation after construction. Counts frames and data frames (longer than 60 bytes: a
    /// bare TCP ACK is 54) that it sent.
    /// </summary>
    public sealed class MemoryPort : INetworkDevice
    {
        private readonly byte[] _mac = new byte[6];
        private readonly byte[][] _slots;
        private readonly int[] _lengths;
        private int _head;
        private int _count;

        /// <summary>A port with <paramref name="mac"/> and room for <paramref name="queueFrames"/> frames.</summary>
        public MemoryPort(byte[] mac, int queueFrames = 256)
        {
            Array.Copy(mac, _mac, 6);
            _slots = new byte[queueFrames][];
            _lengths = new int[queueFrames];
            for (int i = 0; i < queueFrames; i++)
            {
                _slots[i] = new byte[1514];
            }
        }

        /// <summary>The other end of the cable.</summary>
        public MemoryPort Peer { get; set; }

        /// <summary>Frames this port sent.</summary>
        public long FramesSent;
        /// <summary>Frames of more than 60 bytes this port sent (TCP segments that carry data).</summary>
        public long DataFramesSent;
        /// <summary>Frames of exactly 1514 bytes this port sent (full-size TCP segments).</summary>
        public long FullFramesSent;
        /// <summary>Frames dropped because our queue was full.</summary>
        public long Overflows;

        /// <summary>Frames waiting in our receive queue.</summary>
        public int Queued { get { return _count; } }

        /// <summary>Connects two ports.</summary>
        public static void Cable(MemoryPort a, MemoryPort b)
        {
            a.Peer = b;
            b.Peer = a;
        }

        /// <inheritdoc />
        public void GetMacAddress(byte[] destination, int offset) { Array.Copy(_mac, 0, destination, offset, 6); }

        /// <inheritdoc />
        public bool LinkUp { get { return true; } }

        /// <inheritdoc />
        public int Receive(byte[] buffer, int offset, int capacity)
        {
            if (_count == 0)
            {
                return 0;
            }

            int length = _lengths[_head];
            byte[] slot = _slots[_head];
            _head = (_head + 1) % _slots.Length;
            _count--;
            if (length > capacity)
            {
                return 0;
            }

            Array.Copy(slot, 0, buffer, offset, length);
            return length;
        }

        /// <inheritdoc />
        public bool Send(byte[] frame, int offset, int length)
        {
            FramesSent++;
            if (length > 60)
            {
                DataFramesSent++;
            }

            if (length == 1514)
            {
                FullFramesSent++;
            }

            return Peer.Enqueue(frame, offset, length);
        }

        /// <inheritdoc />
        public void Poll(long nowMs) { }

        private bool Enqueue(byte[] frame, int offset, int length)
        {
            if (_count == _slots.Length || length > 1514)
            {
                Overflows++;
                return false;
            }

            int tail = (_head + _count) % _slots.Length;
            Array.Copy(frame, offset, _slots[tail], 0, length);
            _lengths[tail] = length;
            _count++;
            return true;
        }
    }
}
