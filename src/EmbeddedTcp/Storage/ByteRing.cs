using System;

namespace EmbeddedTcp.Storage
{
    /// <summary>
    /// A fixed byte ring, allocated once. <see cref="Count"/> bytes starting at the read
    /// position are the contiguous data; the receive side may also write beyond them (out of
    /// order data waiting for a hole to fill) with <see cref="WriteAt"/>.
    /// </summary>
    internal sealed class ByteRing
    {
        private readonly byte[] _data;
        private int _head;
        private int _count;

        public ByteRing(int capacity)
        {
            _data = new byte[capacity];
        }

        public int Capacity { get { return _data.Length; } }

        public int Count { get { return _count; } }

        public int Free { get { return _data.Length - _count; } }

        public void Clear()
        {
            _head = 0;
            _count = 0;
        }

        /// <summary>Appends up to <paramref name="length"/> bytes; returns how many fit.</summary>
        public int Write(byte[] source, int offset, int length)
        {
            int n = length < Free ? length : Free;
            WriteAt(_count, source, offset, n);
            _count += n;
            return n;
        }

        /// <summary>Copies <paramref name="length"/> bytes to the ring position <paramref name="distance"/> bytes past the read position, without changing Count.</summary>
        public void WriteAt(int distance, byte[] source, int offset, int length)
        {
            int cap = _data.Length;
            int pos = _head + distance;
            if (pos >= cap)
            {
                pos -= cap;
            }

            int first = cap - pos;
            if (first >= length)
            {
                Array.Copy(source, offset, _data, pos, length);
            }
            else
            {
                Array.Copy(source, offset, _data, pos, first);
                Array.Copy(source, offset + first, _data, 0, length - first);
            }
        }

        /// <summary>Declares <paramref name="length"/> bytes already written past Count (by WriteAt) as contiguous data.</summary>
        public void Commit(int length)
        {
            _count += length;
        }

        /// <summary>Copies <paramref name="length"/> bytes starting <paramref name="distance"/> bytes past the read position, without consuming.</summary>
        public void Peek(int distance, byte[] destination, int offset, int length)
        {
            int cap = _data.Length;
            int pos = _head + distance;
            if (pos >= cap)
            {
                pos -= cap;
            }

            int first = cap - pos;
            if (first >= length)
            {
                Array.Copy(_data, pos, destination, offset, length);
            }
            else
            {
                Array.Copy(_data, pos, destination, offset, first);
                Array.Copy(_data, 0, destination, offset + first, length - first);
            }
        }

        /// <summary>Drops <paramref name="length"/> bytes from the read position.</summary>
        public void Consume(int length)
        {
            _head += length;
            if (_head >= _data.Length)
            {
                _head -= _data.Length;
            }

            _count -= length;
            // The read position is not rewound when the ring empties: out-of-order data may sit past it.
        }
    }
}
