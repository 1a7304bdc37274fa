using System;
using System.Runtime.InteropServices;

namespace EmbeddedTcp.Tests.Soak
{
    /// <summary>
    /// A byte stream in which every aligned 8-byte word names its own position: word w holds
    /// (w + 1) × an odd constant, XOR a per-stream key. A byte lost, duplicated or reordered
    /// anywhere shifts or changes a word, so comparing what arrived with what belongs at that
    /// position catches it exactly, at memory speed, without keeping the stream. Allocation-free
    /// after construction.
    /// </summary>
    internal sealed class StreamPattern
    {
        private const ulong Multiplier = 0x9E3779B97F4A7C15UL;
        private ulong _key;
        private readonly byte[] _expected;

        /// <summary>A pattern for chunks of up to <paramref name="maxChunk"/> bytes.</summary>
        public StreamPattern(ulong key, int maxChunk)
        {
            _key = key;
            _expected = new byte[maxChunk + 16];
            Buffer = new byte[maxChunk + 16];
        }

        /// <summary>The per-stream key (set it anew for each stream, so one stream's bytes never pass as another's).</summary>
        public ulong Key
        {
            get => _key;
            set => _key = value;
        }

        /// <summary>A staging buffer of the chunk size plus alignment slack.</summary>
        public readonly byte[] Buffer;

        /// <summary>Offset in <see cref="Buffer"/> where the byte at stream position <paramref name="position"/> goes.</summary>
        public static int OffsetOf(long position) => (int)(position & 7);

        /// <summary>The largest chunk starting at <paramref name="position"/> that fits <see cref="Buffer"/>.</summary>
        public int MaxChunk => Buffer.Length - 16;

        /// <summary>Writes the stream's bytes [position &amp; ~7, position + length) into <paramref name="destination"/> from 0.</summary>
        public void Fill(byte[] destination, long position, int length)
        {
            int words = (OffsetOf(position) + length + 7) >> 3;
            Span<ulong> w = MemoryMarshal.Cast<byte, ulong>(destination.AsSpan(0, words * 8));
            ulong first = (ulong)(position >> 3);
            for (int i = 0; i < words; i++)
            {
                w[i] = ((first + (ulong)i + 1) * Multiplier) ^ _key;
            }
        }

        /// <summary>Fills <see cref="Buffer"/> for a send of <paramref name="length"/> bytes at <paramref name="position"/>; send from <see cref="OffsetOf"/>.</summary>
        public void FillBuffer(long position, int length) => Fill(Buffer, position, length);

        /// <summary>True when <see cref="Buffer"/>[OffsetOf(position) ..][..length] is exactly the stream at <paramref name="position"/>.</summary>
        public bool CheckBuffer(long position, int length)
        {
            Fill(_expected, position, length);
            int o = OffsetOf(position);
            return Buffer.AsSpan(o, length).SequenceEqual(_expected.AsSpan(o, length));
        }
    }
}
