using System;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Simulation
{
    /// <summary>
    /// Wraps any <see cref="INetworkDevice"/> and records every frame received from it and every
    /// frame it accepted for sending into a <see cref="PcapWriter"/>. Timestamps come from a
    /// <see cref="VirtualClock"/> when one is given, else from the last <see cref="Poll"/> time.
    /// Frames the inner device refused to send are not recorded (they never reached the wire).
    /// </summary>
    public sealed class PcapDevice : INetworkDevice
    {
        private readonly INetworkDevice _inner;
        private readonly PcapWriter _writer;
        private readonly VirtualClock _clock;
        private long _lastPollNs;

        /// <summary>Wraps <paramref name="inner"/>, writing to <paramref name="writer"/> (not owned).</summary>
        public PcapDevice(INetworkDevice inner, PcapWriter writer, VirtualClock clock = null)
        {
            _inner = inner ?? throw new ArgumentNullException(nameof(inner));
            _writer = writer ?? throw new ArgumentNullException(nameof(writer));
            _clock = clock;
        }

        /// <summary>The wrapped device.</summary>
        public INetworkDevice Inner => _inner;

        private long NowNs => _clock != null ? _clock.NowNs : _lastPollNs;

        /// <inheritdoc />
        public void GetMacAddress(byte[] destination, int offset) => _inner.GetMacAddress(destination, offset);

        /// <inheritdoc />
        public bool LinkUp => _inner.LinkUp;

        /// <inheritdoc />
        public int Receive(byte[] buffer, int offset, int capacity)
        {
            int n = _inner.Receive(buffer, offset, capacity);
            if (n > 0)
            {
                _writer.WriteFrame(NowNs, buffer, offset, n);
            }

            return n;
        }

        /// <inheritdoc />
        public bool Send(byte[] frame, int offset, int length)
        {
            bool ok = _inner.Send(frame, offset, length);
            if (ok)
            {
                _writer.WriteFrame(NowNs, frame, offset, length);
            }

            return ok;
        }

        /// <inheritdoc />
        public void Poll(long nowMs)
        {
            _lastPollNs = nowMs * VirtualClock.NanosecondsPerMillisecond;
            _inner.Poll(nowMs);
        }
    }
}
