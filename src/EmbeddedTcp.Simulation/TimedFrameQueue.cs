namespace EmbeddedTcp.Simulation
{
    /// <summary>
    /// A bounded set of frames, each with a due time and a tag, preallocated once. Frames
    /// leave in order of due time; frames due at the same time leave in the order they came,
    /// so runs are deterministic. A binary heap over slot indices; nothing allocates after
    /// construction.
    /// </summary>
    internal sealed class TimedFrameQueue
    {
        private readonly byte[][] _buffers;
        private readonly int[] _lengths;
        private readonly long[] _due;
        private readonly long[] _order;
        private readonly int[] _tags;
        private readonly int[] _heap;
        private readonly int[] _free;
        private int _count;
        private int _freeCount;
        private long _nextOrder;

        public TimedFrameQueue(int capacity, int frameCapacity)
        {
            _buffers = new byte[capacity][];
            _lengths = new int[capacity];
            _due = new long[capacity];
            _order = new long[capacity];
            _tags = new int[capacity];
            _heap = new int[capacity];
            _free = new int[capacity];
            for (int i = 0; i < capacity; i++)
            {
                _buffers[i] = new byte[frameCapacity];
                _free[i] = capacity - 1 - i;
            }
            _freeCount = capacity;
            FrameCapacity = frameCapacity;
        }

        public int FrameCapacity { get; }
        public int Count => _count;
        public bool IsFull => _freeCount == 0;

        /// <summary>Due time of the earliest frame, or long.MaxValue when empty.</summary>
        public long NextDue => _count == 0 ? long.MaxValue : _due[_heap[0]];

        /// <summary>Copies a frame in; false when full or the frame is too long.</summary>
        public bool Enqueue(byte[] frame, int offset, int length, long due, int tag)
        {
            if (_freeCount == 0 || length > FrameCapacity || length < 0)
            {
                return false;
            }

            int slot = _free[--_freeCount];
            System.Array.Copy(frame, offset, _buffers[slot], 0, length);
            _lengths[slot] = length;
            _due[slot] = due;
            _order[slot] = _nextOrder++;
            _tags[slot] = tag;
            int i = _count++;
            _heap[i] = slot;
            SiftUp(i);
            return true;
        }

        /// <summary>Slot of the earliest frame (only when Count &gt; 0).</summary>
        public int Top => _heap[0];
        public byte[] Buffer(int slot) => _buffers[slot];
        public int Length(int slot) => _lengths[slot];
        public int Tag(int slot) => _tags[slot];

        /// <summary>Removes the earliest frame.</summary>
        public void RemoveTop()
        {
            int slot = _heap[0];
            _free[_freeCount++] = slot;
            _count--;
            if (_count > 0)
            {
                _heap[0] = _heap[_count];
                SiftDown(0);
            }
        }

        /// <summary>Drops every frame.</summary>
        public void Clear()
        {
            while (_count > 0)
            {
                RemoveTop();
            }
        }

        private bool Less(int a, int b)
        {
            long da = _due[a], db = _due[b];
            return da < db || (da == db && _order[a] < _order[b]);
        }

        private void SiftUp(int i)
        {
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (!Less(_heap[i], _heap[parent]))
                {
                    break;
                }

                int t = _heap[i]; _heap[i] = _heap[parent]; _heap[parent] = t;
                i = parent;
            }
        }

        private void SiftDown(int i)
        {
            while (true)
            {
                int left = 2 * i + 1;
                if (left >= _count)
                {
                    break;
                }

                int smallest = left;
                int right = left + 1;
                if (right < _count && Less(_heap[right], _heap[left]))
                {
                    smallest = right;
                }

                if (!Less(_heap[smallest], _heap[i]))
                {
                    break;
                }

                int t = _heap[i]; _heap[i] = _heap[smallest]; _heap[smallest] = t;
                i = smallest;
            }
        }
    }
}
