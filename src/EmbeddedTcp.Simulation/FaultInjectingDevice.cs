using System;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Simulation
{
    /// <summary>
    /// Wraps any <see cref="INetworkDevice"/> (a <see cref="TapDevice"/>, a simulated port...)
    /// and passes its outgoing frames through one <see cref="FaultInjector"/> and its incoming
    /// frames through another (either may be null for a perfect direction).
    /// <para>Time: with a <see cref="VirtualClock"/> the wrapper reads it; without one it uses
    /// the last <see cref="Poll"/> time. Delayed outgoing frames are sent to the inner device
    /// from <see cref="Poll"/> (or the next <see cref="Send"/>) once due; delayed incoming
    /// frames are returned by <see cref="Receive"/> once due. Both queues are bounded and
    /// preallocated; nothing allocates per frame.</para>
    /// </summary>
    public sealed class FaultInjectingDevice : INetworkDevice
    {
        private const int MaxInnerReadsPerReceive = 16;
        private readonly INetworkDevice _inner;
        private readonly FaultInjector _transmitFaults;
        private readonly FaultInjector _receiveFaults;
        private readonly VirtualClock _clock;
        private readonly TimedFrameQueue _transmitQueue;
        private readonly TimedFrameQueue _receiveQueue;
        private readonly byte[] _scratch;
        private readonly QueueSink _transmitSink;
        private readonly QueueSink _receiveSink;
        private long _lastPollNs;

        /// <summary>
        /// Wraps <paramref name="inner"/>. <paramref name="transmitFaults"/> acts on frames sent
        /// through the wrapper, <paramref name="receiveFaults"/> on frames received;
        /// <paramref name="queueFrames"/> bounds each direction's delay queue.
        /// </summary>
        public FaultInjectingDevice(INetworkDevice inner, FaultInjector transmitFaults, FaultInjector receiveFaults,
            VirtualClock clock = null, int queueFrames = 64, int maxFrameLength = EthernetTiming.MaxFrameBytes)
        {
            _inner = inner ?? throw new ArgumentNullException(nameof(inner));
            if (transmitFaults != null && transmitFaults == receiveFaults)
            {
                throw new ArgumentException("each direction needs its own FaultInjector", nameof(receiveFaults));
            }

            _transmitFaults = transmitFaults;
            _receiveFaults = receiveFaults;
            _clock = clock;
            _transmitQueue = new TimedFrameQueue(queueFrames, maxFrameLength);
            _receiveQueue = new TimedFrameQueue(queueFrames, maxFrameLength);
            _scratch = new byte[maxFrameLength];
            _transmitSink = new QueueSink(this, _transmitQueue, transmit: true);
            _receiveSink = new QueueSink(this, _receiveQueue, transmit: false);
        }

        /// <summary>The wrapped device.</summary>
        public INetworkDevice Inner => _inner;
        /// <summary>The injector for frames sent through the wrapper (may be null).</summary>
        public FaultInjector TransmitFaults => _transmitFaults;
        /// <summary>The injector for frames received through the wrapper (may be null).</summary>
        public FaultInjector ReceiveFaults => _receiveFaults;
        /// <summary>Frames dropped because a delay queue was full.</summary>
        public long QueueOverflows { get; private set; }
        /// <summary>Delayed frames the inner device refused when they came due.</summary>
        public long DelayedSendFailures { get; private set; }

        private long NowNs => _clock != null ? _clock.NowNs : _lastPollNs;

        /// <inheritdoc />
        public void GetMacAddress(byte[] destination, int offset) => _inner.GetMacAddress(destination, offset);

        /// <inheritdoc />
        public bool LinkUp => _inner.LinkUp;

        /// <inheritdoc />
        public int Receive(byte[] buffer, int offset, int capacity)
        {
            long now = NowNs;
            if (_receiveFaults == null && _receiveQueue.Count == 0)
            {
                return _inner.Receive(buffer, offset, capacity);
            }

            for (int reads = 0; ; reads++)
            {
                while (_receiveQueue.Count > 0 && _receiveQueue.NextDue <= now)
                {
                    int slot = _receiveQueue.Top;
                    int length = _receiveQueue.Length(slot);
                    if (length <= capacity)
                    {
                        Array.Copy(_receiveQueue.Buffer(slot), 0, buffer, offset, length);
                        _receiveQueue.RemoveTop();
                        return length;
                    }
                    _receiveQueue.RemoveTop();
                }
                if (reads == MaxInnerReadsPerReceive)
                {
                    return 0;
                }

                int n = _inner.Receive(_scratch, 0, _scratch.Length);
                if (n == 0)
                {
                    return 0;
                }

                _receiveSink.BaseNs = now;
                if (_receiveFaults != null)
                {
                    _receiveFaults.Process(_scratch, 0, n, _receiveSink);
                }
                else
                {
                    _receiveSink.Accept(_scratch, 0, n, 0);
                }
            }
        }

        /// <summary>
        /// Passes the frame through the transmit injector. Frames that come out undelayed (and
        /// with nothing delayed ahead of them) go to the inner device at once; the result is
        /// false if the inner device refused one of them. A frame the injector dropped, held or
        /// delayed counts as sent (true), as on a real lossy link.
        /// </summary>
        public bool Send(byte[] frame, int offset, int length)
        {
            long now = NowNs;
            SendDue(now);
            if (_transmitFaults == null && _transmitQueue.Count == 0)
            {
                return _inner.Send(frame, offset, length);
            }

            _transmitSink.BaseNs = now;
            _transmitSink.DirectResult = true;
            if (_transmitFaults != null)
            {
                _transmitFaults.Process(frame, offset, length, _transmitSink);
            }
            else
            {
                _transmitSink.Accept(frame, offset, length, 0);
            }

            SendDue(now); // a zero-delay frame queued behind a delayed one may be due already
            return _transmitSink.DirectResult;
        }

        /// <inheritdoc />
        public void Poll(long nowMs)
        {
            _lastPollNs = nowMs * VirtualClock.NanosecondsPerMillisecond;
            _inner.Poll(nowMs);
            SendDue(NowNs);
        }

        /// <summary>Time (ns) when the next delayed frame is due in either direction, or long.MaxValue.</summary>
        public long NextDueNs => Math.Min(_transmitQueue.NextDue, _receiveQueue.NextDue);

        private void SendDue(long now)
        {
            while (_transmitQueue.Count > 0 && _transmitQueue.NextDue <= now)
            {
                int slot = _transmitQueue.Top;
                if (!_inner.Send(_transmitQueue.Buffer(slot), 0, _transmitQueue.Length(slot)))
                {
                    DelayedSendFailures++;
                }

                _transmitQueue.RemoveTop();
            }
        }

        private sealed class QueueSink : IFrameSink
        {
            private readonly FaultInjectingDevice _owner;
            private readonly TimedFrameQueue _queue;
            private readonly bool _transmit;
            public long BaseNs;
            public bool DirectResult;
            public QueueSink(FaultInjectingDevice owner, TimedFrameQueue queue, bool transmit) { _owner = owner; _queue = queue; _transmit = transmit; }
            public void Accept(byte[] frame, int offset, int length, long extraDelayNs)
            {
                if (_transmit && extraDelayNs == 0 && _queue.Count == 0)
                {
                    if (!_owner._inner.Send(frame, offset, length))
                    {
                        DirectResult = false;
                    }

                    return;
                }
                if (!_queue.Enqueue(frame, offset, length, BaseNs + extraDelayNs, 0))
                {
                    _owner.QueueOverflows++;
                }
            }
        }
    }
}
