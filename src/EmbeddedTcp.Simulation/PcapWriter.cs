using System;
using System.IO;

namespace EmbeddedTcp.Simulation
{
    /// <summary>
    /// Writes frames to a classic libpcap capture file (LINKTYPE_ETHERNET = 1), readable by
    /// Wireshark, tshark and tcpdump. Timestamps are given in nanoseconds (virtual or real);
    /// the file stores microseconds (magic a1b2c3d4) or, with nanosecondResolution,
    /// nanoseconds (magic a1b23c4d). Little-endian. Writing a frame allocates nothing (it
    /// uses a preallocated 16-byte record header and <see cref="Stream.Write(byte[], int, int)"/>).
    /// </summary>
    public sealed class PcapWriter : IDisposable
    {
        /// <summary>LINKTYPE_ETHERNET.</summary>
        public const int LinkTypeEthernet = 1;
        private readonly Stream _stream;
        private readonly bool _leaveOpen;
        private readonly bool _nanoseconds;
        private readonly int _snapLength;
        private readonly byte[] _record = new byte[16];
        private bool _disposed;

        /// <summary>
        /// Starts a capture on <paramref name="stream"/> and writes the 24-byte file header.
        /// Frames longer than <paramref name="snapLength"/> are truncated in the file (their
        /// original length is recorded).
        /// </summary>
        public PcapWriter(Stream stream, bool nanosecondResolution = false, int snapLength = 65535, bool leaveOpen = false)
        {
            _stream = stream ?? throw new ArgumentNullException(nameof(stream));
            ArgumentOutOfRangeException.ThrowIfLessThan(snapLength, 1);

            _leaveOpen = leaveOpen;
            _nanoseconds = nanosecondResolution;
            _snapLength = snapLength;
            var header = new byte[24];
            Put32(header, 0, nanosecondResolution ? 0xA1B23C4Du : 0xA1B2C3D4u);
            Put16(header, 4, 2);   // version major
            Put16(header, 6, 4);   // version minor
            Put32(header, 8, 0);   // thiszone
            Put32(header, 12, 0);  // sigfigs
            Put32(header, 16, (uint)snapLength);
            Put32(header, 20, LinkTypeEthernet);
            _stream.Write(header, 0, header.Length);
        }

        /// <summary>Creates (or overwrites) the file at <paramref name="path"/> and starts a capture in it.</summary>
        public static PcapWriter Create(string path, bool nanosecondResolution = false)
        {
            var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024);
            return new PcapWriter(file, nanosecondResolution);
        }

        /// <summary>Frames written so far.</summary>
        public long FramesWritten { get; private set; }

        /// <summary>
        /// Appends one frame with timestamp <paramref name="timestampNs"/> (nanoseconds since the
        /// epoch of the capture; virtual time starts at 1970-01-01 in Wireshark's display).
        /// </summary>
        public void WriteFrame(long timestampNs, byte[] frame, int offset, int length)
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(PcapWriter));
            }

            if (timestampNs < 0)
            {
                timestampNs = 0;
            }

            long seconds = timestampNs / 1_000_000_000L;
            long fraction = timestampNs % 1_000_000_000L;
            if (!_nanoseconds)
            {
                fraction /= 1000;
            }

            int included = length < _snapLength ? length : _snapLength;
            Put32(_record, 0, (uint)seconds);
            Put32(_record, 4, (uint)fraction);
            Put32(_record, 8, (uint)included);
            Put32(_record, 12, (uint)length);
            _stream.Write(_record, 0, 16);
            _stream.Write(frame, offset, included);
            FramesWritten++;
        }

        /// <summary>Flushes the underlying stream.</summary>
        public void Flush() => _stream.Flush();

        /// <summary>Flushes and, unless leaveOpen was given, closes the stream.</summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _stream.Flush();
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }
        }

        private static void Put16(byte[] b, int o, ushort v)
        {
            b[o] = (byte)v;
            b[o + 1] = (byte)(v >> 8);
        }

        private static void Put32(byte[] b, int o, uint v)
        {
            b[o] = (byte)v;
            b[o + 1] = (byte)(v >> 8);
            b[o + 2] = (byte)(v >> 16);
            b[o + 3] = (byte)(v >> 24);
        }
    }
}
