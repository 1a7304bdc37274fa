namespace EmbeddedTcp.Storage
{
    /// <summary>
    /// Tracks out-of-order data that sits in the receive ring beyond the contiguous bytes, as
    /// at most N disjoint ranges [start, end) measured from RCV.NXT. The bytes themselves are
    /// already in the ring; this only remembers which parts are filled. When a segment would
    /// need more ranges than there are, it is refused (the sender will retransmit it).
    /// </summary>
    internal sealed class Assembler
    {
        private readonly int[] _start;
        private readonly int[] _end;
        private int _count;

        public Assembler(int maxRanges)
        {
            _start = new int[maxRanges];
            _end = new int[maxRanges];
        }

        /// <summary>Number of disjoint out-of-order ranges held.</summary>
        public int RangeCount { get { return _count; } }

        public int Capacity { get { return _start.Length; } }

        public void Clear()
        {
            _count = 0;
        }

        /// <summary>Start of range i (from RCV.NXT).</summary>
        public int StartOf(int i) { return _start[i]; }

        /// <summary>End of range i (exclusive, from RCV.NXT).</summary>
        public int EndOf(int i) { return _end[i]; }

        /// <summary>Records [start, end) (start &gt; 0) as filled. Returns false when it would need a range that is not there.</summary>
        public bool Add(int start, int end)
        {
            // Find the first range that ends at or after start (touching counts as overlap).
            int i = 0;
            while (i < _count && _end[i] < start)
            {
                i++;
            }

            if (i == _count || _start[i] > end)
            {
                // Disjoint: insert at i.
                if (_count == _start.Length)
                {
                    return false;
                }

                for (int k = _count; k > i; k--)
                {
                    _start[k] = _start[k - 1];
                    _end[k] = _end[k - 1];
                }

                _start[i] = start;
                _end[i] = end;
                _count++;
                return true;
            }

            // Merge with range i and any following ranges that the new one reaches.
            if (start < _start[i])
            {
                _start[i] = start;
            }

            if (end > _end[i])
            {
                _end[i] = end;
            }

            int j = i + 1;
            while (j < _count && _start[j] <= _end[i])
            {
                if (_end[j] > _end[i])
                {
                    _end[i] = _end[j];
                }

                j++;
            }

            int removed = j - (i + 1);
            if (removed > 0)
            {
                for (int k = i + 1; k + removed < _count; k++)
                {
                    _start[k] = _start[k + removed];
                    _end[k] = _end[k + removed];
                }

                _count -= removed;
            }

            return true;
        }

        /// <summary>
        /// In-order data of <paramref name="length"/> bytes arrived at RCV.NXT. Returns how far
        /// RCV.NXT may advance (length plus any ranges it now joins) and rebases the rest.
        /// </summary>
        public int Advance(int length)
        {
            int advance = length;
            int popped = 0;
            while (popped < _count && _start[popped] <= advance)
            {
                if (_end[popped] > advance)
                {
                    advance = _end[popped];
                }

                popped++;
            }

            int k = 0;
            for (int i = popped; i < _count; i++, k++)
            {
                _start[k] = _start[i] - advance;
                _end[k] = _end[i] - advance;
            }

            _count = k;
            return advance;
        }
    }
}
