using System;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Simulation
{
    /// <summary>
    /// Wraps any <see cref="INetworkDevice"/> and calls a callback for every frame in and out
    /// (direction, time in ns, bytes) — the simulator prints segments from it. Time comes from a
    /// <see cref="VirtualClock"/> when given, else from the last <see cref="Poll"/>. The wrapper
    /// itself allocates nothing; what the callback does is its own business.
    /// </summary>
    public sealed class Tracer : INetworkDevice
    {
        private readonly INetworkDevice _inner;
        private readonly FrameTraceCallback _callback;
        private readonly VirtualClock _clock;
        private long _lastPollNs;

        /// <summary>Wraps <paramref name="inner"/>, reporting each frame to <paramref name="callback"/>.</summary>
        public Tracer(INetworkDevice inner, FrameTraceCallback callback, VirtualClock clock = null)
        {
            _inner = inner ?? throw new ArgumentNullException(nameof(inner));
            _callback = callback ?? throw new ArgumentNullException(nameof(callback));
            _clock = clock;
        }

        /// <summary>The wrapped device.</summary>
        public INetworkDevice Inner => _inner;

        /// <summary>When false, frames pass without calling the callback. Default true.</summary>
        public bool Enabled { get; set; } = true;

        private long NowNs => _clock != null ? _clock.NowNs : _lastPollNs;

        /// <inheritdoc />
        public void GetMacAddress(byte[] destination, int offset) => _inner.GetMacAddress(destination, offset);

        /// <inheritdoc />
        public bool LinkUp => _inner.LinkUp;

        /// <inheritdoc />
        public int Receive(byte[] buffer, int offset, int capacity)
        {
            int n = _inner.Receive(buffer, offset, capacity);
            if (n > 0 && Enabled)
            {
                _callback(FrameDirection.Received, NowNs, buffer, offset, n);
            }

            return n;
        }

        /// <inheritdoc />
        public bool Send(byte[] frame, int offset, int length)
        {
            bool ok = _inner.Send(frame, offset, length);
            if (Enabled)
            {
                _callback(ok ? FrameDirection.Sent : FrameDirection.SendRefused, NowNs, frame, offset, length);
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
