using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Tests.Tcp
{
    /// <summary>
    /// Two TcpStacks joined by an in-memory link in virtual time, with seeded loss,
    /// duplication, reordering and corruption. Allocation-free after construction, so whole
    /// transfers can be measured with GC.GetAllocatedBytesForCurrentThread.
    /// </summary>
    public sealed class TcpLink
    {
        public const uint IpA = 0xC0000201;
        public const uint IpB = 0xC0000202;

        public readonly TcpStack A;
        public readonly TcpStack B;
        public long Now;
        public int DelayMs = 1;
        public int LossPercent;
        public int DuplicatePercent;
        public int ReorderPercent;
        public int CorruptPercent;
        public long Delivered;
        public long Lost;
        public long Duplicated;
        public long Reordered;
        public long Corrupted;
        public long Blackholed;
        public long NegativeAdvice;

        private readonly Side _toB;
        private readonly Side _toA;
        private uint _rng;

        public TcpLink(TcpConfig configA, TcpConfig configB, uint seed, int slots = 64)
        {
            _rng = seed * 2654435761u + 1;
            _toB = new Side(this, IpB, slots);
            _toA = new Side(this, IpA, slots);
            A = new TcpStack(configA, _toB, new SeededRandom(seed * 7 + 1));
            B = new TcpStack(configB, _toA, new SeededRandom(seed * 13 + 5));
        }

        internal uint Next()
        {
            uint x = _rng;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            _rng = x;
            return x;
        }

        internal bool Chance(int percent)
        {
            return percent > 0 && Next() % 100 < (uint)percent;
        }

        /// <summary>Runs the link until <paramref name="untilMs"/> or until <paramref name="done"/> says stop (checked after every event).</summary>
        public void RunUntil(long untilMs)
        {
            for (int guard = 0; guard < 100000000; guard++)
            {
                if (!Step(untilMs))
                {
                    return;
                }
            }
        }

        /// <summary>Processes the next event (a delivery or a timer) if it is due by <paramref name="limitMs"/>. False when there is none.</summary>
        public bool Step(long limitMs)
        {
            long tA = _toA.NextAt();
            long tB = _toB.NextAt();
            long t = tA < tB ? tA : tB;
            long dA = A.NextDeadline();
            long dB = B.NextDeadline();
            long d = dA < dB ? dA : dB;
            long next = t < d ? t : d;
            if (next > limitMs)
            {
                Now = limitMs;
                A.Poll(Now);
                B.Poll(Now);
                return false;
            }

            if (next > Now)
            {
                Now = next;
            }

            if (t <= d)
            {
                if (tA <= tB)
                {
                    _toA.DeliverOne(A, IpB);
                }
                else
                {
                    _toB.DeliverOne(B, IpA);
                }
            }
            else
            {
                if (dA <= dB)
                {
                    A.Poll(Now);
                }
                else
                {
                    B.Poll(Now);
                }
            }

            return true;
        }

        /// <summary>Polls both stacks at the current time (after user calls).</summary>
        public void PollBoth()
        {
            A.Poll(Now);
            B.Poll(Now);
        }

        private sealed class Side : ITransportOutput
        {
            private readonly TcpLink _link;
            private readonly uint _to;
            private readonly byte[][] _frames;
            private readonly int[] _lengths;
            private readonly long[] _at;
            private readonly bool[] _used;
            private readonly long[] _order;
            private long _counter;
            private readonly byte[] _scratch = new byte[1600];
            private int _inUse;

            public Side(TcpLink link, uint to, int slots)
            {
                _link = link;
                _to = to;
                _frames = new byte[slots][];
                _lengths = new int[slots];
                _at = new long[slots];
                _used = new bool[slots];
                _order = new long[slots];
                for (int i = 0; i < slots; i++)
                {
                    _frames[i] = new byte[1600];
                }
            }

            public byte[] BeginSegment(uint localIp, uint remoteIp, out int offset, out int capacity)
            {
                offset = 0;
                capacity = 1480;
                return _scratch;
            }

            public void ReachabilityInDoubt(uint localIp, uint remoteIp)
            {
                _link.NegativeAdvice++;
            }

            public void EndSegment(uint localIp, uint remoteIp, int length)
            {
                if (remoteIp != _to)
                {
                    _link.Blackholed++; // addressed to a host that is not on this link (e.g. a spoofed source)
                    return;
                }

                if (_link.Chance(_link.LossPercent))
                {
                    _link.Lost++;
                    return;
                }

                int copies = 1;
                if (_link.Chance(_link.DuplicatePercent))
                {
                    _link.Duplicated++;
                    copies = 2;
                }

                for (int k = 0; k < copies; k++)
                {
                    int slot = Free();
                    if (slot < 0)
                    {
                        _link.Lost++; // queue overflow: a full router drops
                        return;
                    }

                    System.Array.Copy(_scratch, 0, _frames[slot], 0, length);
                    _lengths[slot] = length;
                    long at = _link.Now + _link.DelayMs;
                    if (_link.Chance(_link.ReorderPercent))
                    {
                        _link.Reordered++;
                        at += 1 + _link.Next() % (uint)(3 * _link.DelayMs + 3);
                    }

                    if (_link.Chance(_link.CorruptPercent))
                    {
                        _link.Corrupted++;
                        int pos = (int)(_link.Next() % (uint)length);
                        _frames[slot][pos] ^= (byte)(1 << (int)(_link.Next() % 8));
                    }

                    _at[slot] = at;
                    _order[slot] = ++_counter;
                    _used[slot] = true;
                    _inUse++;
                }
            }

            private int Free()
            {
                for (int i = 0; i < _used.Length; i++)
                {
                    if (!_used[i])
                    {
                        return i;
                    }
                }

                return -1;
            }

            public long NextAt()
            {
                if (_inUse == 0)
                {
                    return long.MaxValue;
                }

                long best = long.MaxValue;
                for (int i = 0; i < _used.Length; i++)
                {
                    if (_used[i] && _at[i] < best)
                    {
                        best = _at[i];
                    }
                }

                return best;
            }

            public void DeliverOne(TcpStack to, uint from)
            {
                int best = -1;
                for (int i = 0; i < _used.Length; i++)
                {
                    if (_used[i] && (best < 0 || _at[i] < _at[best] || (_at[i] == _at[best] && _order[i] < _order[best])))
                    {
                        best = i;
                    }
                }

                if (best < 0)
                {
                    return;
                }

                _used[best] = false;
                _inUse--;
                _link.Delivered++;
                to.Input(from, _to, _frames[best], 0, _lengths[best], _link.Now);
            }
        }
    }
}
