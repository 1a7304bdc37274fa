using System;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Tests.Soak
{
    /// <summary>
    /// Two Ethernet devices joined in memory with frames up to <see cref="MaxFrame"/> bytes
    /// (jumbo frames), for moving gigabytes through two real stacks cheaply: the stack's
    /// per-segment work is the same code at any MTU, only the number of segments drops. Each
    /// direction is a ring of preallocated frames; a full ring drops the frame (counted).
    /// Allocation-free after construction.
    /// </summary>
    internal sealed class JumboLink
    {
        public readonly End A;
        public readonly End B;

        public JumboLink(int maxFrame, int depth)
        {
            A = new End(0x0A, maxFrame, depth);
            B = new End(0x0B, maxFrame, depth);
            A.Peer = B;
            B.Peer = A;
        }

        public int InFlight => A.Waiting + B.Waiting;

        internal sealed class End : INetworkDevice
        {
            private readonly byte _macLast;
            private readonly byte[][] _frames;
            private readonly int[] _lengths;
            private int _head;
            private int _count;

            public End Peer;
            public long Sent;
            public long Dropped;
            public bool Up = true;

            /// <summary>
            /// A tap: when <see cref="CaptureNext"/> is set, the next IPv4 TCP frame this end sends
            /// with any of the <see cref="CaptureFlags"/> set is copied into it, and it clears.
            /// </summary>
            public byte[] CaptureNext;
            public byte CaptureFlags;
            public int CapturedLength;

            public End(byte macLast, int maxFrame, int depth)
            {
                _macLast = macLast;
                _frames = new byte[depth][];
                for (int i = 0; i < depth; i++)
                {
                    _frames[i] = new byte[maxFrame];
                }

                _lengths = new int[depth];
            }

            public int Waiting => _count;

            public bool LinkUp => Up;

            public void GetMacAddress(byte[] destination, int offset)
            {
                destination[offset] = 0x02;
                destination[offset + 1] = 0;
                destination[offset + 2] = 0;
                destination[offset + 3] = 0;
                destination[offset + 4] = 0;
                destination[offset + 5] = _macLast;
            }

            public int Receive(byte[] buffer, int offset, int capacity)
            {
                if (_count == 0)
                {
                    return 0;
                }

                int n = _lengths[_head];
                byte[] f = _frames[_head];
                _head = (_head + 1) % _frames.Length;
                _count--;
                if (n > capacity)
                {
                    return Receive(buffer, offset, capacity);
                }

                Buffer.BlockCopy(f, 0, buffer, offset, n);
                return n;
            }

            public bool Send(byte[] frame, int offset, int length)
            {
                if (!Up || !Peer.Up)
                {
                    return false;
                }

                Sent++;
                if (CaptureNext != null && length >= 54 && frame[offset + 12] == 0x08 && frame[offset + 13] == 0
                    && frame[offset + 23] == 6 && (frame[offset + 14 + ((frame[offset + 14] & 15) * 4) + 13] & CaptureFlags) != 0)
                {
                    Buffer.BlockCopy(frame, offset, CaptureNext, 0, length);
                    CapturedLength = length;
                    CaptureNext = null;
                }

                End p = Peer;
                if (p._count == p._frames.Length || length > p._frames[0].Length)
                {
                    Dropped++;
                    return true;
                }

                int slot = (p._head + p._count) % p._frames.Length;
                Buffer.BlockCopy(frame, offset, p._frames[slot], 0, length);
                p._lengths[slot] = length;
                p._count++;
                return true;
            }

            public void Poll(long nowMs)
            {
            }
        }
    }
}
