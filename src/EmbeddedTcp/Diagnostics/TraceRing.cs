namespace EmbeddedTcp.Diagnostics
{
    /// <summary>
    /// A fixed ring of trace events the host drains at its own pace. When full, the oldest
    /// event is overwritten and counted in <see cref="Overwritten"/>. Allocation-free.
    /// </summary>
    public sealed class TraceRing
    {
        private readonly long[] _time;
        private readonly byte[] _kind;
        private readonly short[] _conn;
        private readonly int[] _a;
        private readonly int[] _b;
        private readonly int[] _c;
        private int _head;
        private int _count;

        /// <summary>Creates a ring of <paramref name="capacity"/> events (0 disables tracing).</summary>
        public TraceRing(int capacity)
        {
            _time = new long[capacity];
            _kind = new byte[capacity];
            _conn = new short[capacity];
            _a = new int[capacity];
            _b = new int[capacity];
            _c = new int[capacity];
        }

        /// <summary>Events lost because the host did not drain in time.</summary>
        public long Overwritten { get; private set; }

        /// <summary>Events waiting to be read.</summary>
        public int Count { get { return _count; } }

        /// <summary>Records an event.</summary>
        public void Add(long timeMs, TraceKind kind, int connection, int a, int b, int c)
        {
            int cap = _time.Length;
            if (cap == 0)
            {
                return;
            }

            int i = _head + _count;
            if (i >= cap)
            {
                i -= cap;
            }

            if (_count == cap)
            {
                _head = _head + 1 == cap ? 0 : _head + 1;
                Overwritten++;
            }
            else
            {
                _count++;
            }

            _time[i] = timeMs;
            _kind[i] = (byte)kind;
            _conn[i] = (short)connection;
            _a[i] = a;
            _b[i] = b;
            _c[i] = c;
        }

        /// <summary>
        /// Takes the oldest event into <paramref name="e"/> (the caller's, reused from read to read);
        /// false when the ring is empty or <paramref name="e"/> is null (then nothing is taken).
        /// </summary>
        public bool TryRead(TraceEvent e)
        {
            if (_count == 0 || e == null)
            {
                return false;
            }

            int i = _head;
            e.TimeMs = _time[i];
            e.Kind = (TraceKind)_kind[i];
            e.Connection = _conn[i];
            e.A = _a[i];
            e.B = _b[i];
            e.C = _c[i];
            _head = i + 1 == _time.Length ? 0 : i + 1;
            _count--;
            return true;
        }

        /// <summary>Drops every waiting event.</summary>
        public void Clear()
        {
            _head = 0;
            _count = 0;
        }
    }
}
