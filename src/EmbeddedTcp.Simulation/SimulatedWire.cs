using System;
using System.Collections.Generic;

namespace EmbeddedTcp.Simulation
{
    /// <summary>
    /// A shared Ethernet segment (a hub) joining any number of <see cref="SimulatedPort"/>s in
    /// virtual time: every frame a port sends reaches every other port, whose MAC filter keeps
    /// or drops it. <see cref="SimulatedSwitch"/> forwards selectively instead.
    /// <para>Timing. A frame sent at time t starts when the sender's transmitter is free
    /// (frames from one port go out back to back) and arrives at
    /// start + <see cref="EthernetTiming.SerializationDelayNs"/> + propagation delay + link
    /// jitter, plus whatever delay the sender's <see cref="SimulatedPort.TransmitFaults"/> and
    /// the receiver's <see cref="SimulatedPort.ReceiveFaults"/> add. Contention between
    /// senders and switch egress queueing are not modelled.</para>
    /// <para>The simulation loop advances the <see cref="VirtualClock"/> to
    /// <see cref="NextDeliveryNs"/> (or to the stack's next deadline, whichever is earlier) and
    /// calls <see cref="DeliverDue"/>; <see cref="SimulatedPort.Receive"/> also delivers what is
    /// due. Nothing allocates after the ports are added.</para>
    /// </summary>
    public class SimulatedWire
    {
        private readonly List<SimulatedPort> _portList = new List<SimulatedPort>();
        private SimulatedPort[] _ports = Array.Empty<SimulatedPort>();
        private int[] _destinations = Array.Empty<int>();
        private readonly TimedFrameQueue _inFlight;
        private readonly Pcg32 _jitterRandom;
        private readonly long _bitsPerSecond;
        private readonly long _propagationNs;
        private readonly long _jitterNs;
        private readonly TransmitSink _transmitSink;
        private readonly ReceiveSink _receiveSink;
        private bool _delivering;

        /// <summary>
        /// Creates an empty network on <paramref name="clock"/>. <paramref name="options"/>
        /// defaults to 10 Mbit/s, 500 ns propagation, no jitter; <paramref name="seed"/> seeds
        /// the link jitter.
        /// </summary>
        public SimulatedWire(VirtualClock clock, LinkOptions options = null, ulong seed = 1)
        {
            Clock = clock ?? throw new ArgumentNullException(nameof(clock));
            options = options ?? new LinkOptions();
            if (options.BitsPerSecond <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(options), "BitsPerSecond must be > 0");
            }

            if (options.PropagationDelayNs < 0 || options.JitterNs < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(options), "delays must be >= 0");
            }

            if (options.MaxFramesInFlight < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(options), "MaxFramesInFlight must be >= 1");
            }

            _bitsPerSecond = options.BitsPerSecond;
            _propagationNs = options.PropagationDelayNs;
            _jitterNs = options.JitterNs;
            _inFlight = new TimedFrameQueue(options.MaxFramesInFlight, EthernetTiming.MaxFrameBytes);
            _jitterRandom = new Pcg32(seed, 0x5EED);
            _transmitSink = new TransmitSink(this);
            _receiveSink = new ReceiveSink(this);
        }

        /// <summary>The clock this network runs on.</summary>
        public VirtualClock Clock { get; }

        /// <summary>Link speed in bits per second.</summary>
        public long BitsPerSecond => _bitsPerSecond;

        /// <summary>Time (ns) at which the next frame arrives somewhere, or long.MaxValue when nothing is in flight.</summary>
        public long NextDeliveryNs => _inFlight.NextDue;

        /// <summary>Frames accepted from senders.</summary>
        public long FramesTransmitted { get; private set; }
        /// <summary>Frame copies handed to receiving ports (before their MAC filter).</summary>
        public long FramesDelivered { get; private set; }
        /// <summary>Frame copies dropped because <see cref="LinkOptions.MaxFramesInFlight"/> was reached.</summary>
        public long DroppedInFlightFull { get; private set; }

        /// <summary>
        /// Adds a port with MAC <paramref name="macAddress"/> (6 bytes, copied) and a receive
        /// queue of <paramref name="receiveQueueFrames"/> frames. Setup only: this allocates.
        /// </summary>
        public SimulatedPort AddPort(byte[] macAddress, int receiveQueueFrames = 32)
        {
            var port = new SimulatedPort(this, _portList.Count, macAddress, receiveQueueFrames);
            _portList.Add(port);
            _ports = _portList.ToArray();
            _destinations = new int[_ports.Length];
            OnPortAdded(port);
            return port;
        }

        /// <summary>
        /// Moves every frame due at or before the clock's current time into its port's receive
        /// queue. Returns how many frame copies were handed over.
        /// </summary>
        public int DeliverDue()
        {
            if (_delivering)
            {
                return 0;
            }

            _delivering = true;
            int delivered = 0;
            long now = Clock.NowNs;
            while (_inFlight.Count > 0 && _inFlight.NextDue <= now)
            {
                int slot = _inFlight.Top;
                _ports[_inFlight.Tag(slot)].Arrive(_inFlight.Buffer(slot), 0, _inFlight.Length(slot));
                _inFlight.RemoveTop();
                delivered++;
            }
            FramesDelivered += delivered;
            _delivering = false;
            return delivered;
        }

        /// <summary>Called when a port is added (setup time).</summary>
        protected virtual void OnPortAdded(SimulatedPort port) { }

        /// <summary>
        /// Chooses which ports receive a frame sent by <paramref name="from"/>: writes their
        /// indices into <paramref name="destinations"/> (sized to the port count) and returns
        /// how many. The wire delivers to every other port.
        /// </summary>
        protected virtual int SelectDestinations(SimulatedPort from, byte[] frame, int offset, int length, int[] destinations)
        {
            int n = 0;
            for (int i = 0; i < _ports.Length; i++)
            {
                if (i != from.Index)
                {
                    destinations[n++] = i;
                }
            }
            return n;
        }

        /// <summary>Called by the port's Send after it has checked length and link.</summary>
        internal bool Transmit(SimulatedPort from, byte[] frame, int offset, int length)
        {
            if (_inFlight.IsFull)
            {
                DroppedInFlightFull++;
                return false;
            }
            long now = Clock.NowNs;
            long start = from.TransmitFreeAtNs > now ? from.TransmitFreeAtNs : now;
            long end = start + EthernetTiming.SerializationDelayNs(length, _bitsPerSecond);
            from.TransmitFreeAtNs = end;
            long baseDelivery = end + _propagationNs;
            if (_jitterNs > 0)
            {
                baseDelivery += (long)_jitterRandom.NextBelow((ulong)_jitterNs + 1);
            }

            if (baseDelivery < from.LastBaseDeliveryNs)
            {
                baseDelivery = from.LastBaseDeliveryNs;
            }

            from.LastBaseDeliveryNs = baseDelivery;
            FramesTransmitted++;

            _transmitSink.From = from;
            _transmitSink.BaseNs = baseDelivery;
            if (from.TransmitFaults != null)
            {
                from.TransmitFaults.Process(frame, offset, length, _transmitSink);
            }
            else
            {
                _transmitSink.Accept(frame, offset, length, 0);
            }

            return true;
        }

        private void Fanout(SimulatedPort from, byte[] frame, int offset, int length, long dueNs)
        {
            int n = SelectDestinations(from, frame, offset, length, _destinations);
            for (int i = 0; i < n; i++)
            {
                SimulatedPort to = _ports[_destinations[i]];
                if (to.ReceiveFaults != null)
                {
                    _receiveSink.To = to;
                    _receiveSink.BaseNs = dueNs;
                    to.ReceiveFaults.Process(frame, offset, length, _receiveSink);
                }
                else
                {
                    Schedule(to, frame, offset, length, dueNs);
                }
            }
        }

        private void Schedule(SimulatedPort to, byte[] frame, int offset, int length, long dueNs)
        {
            if (!_inFlight.Enqueue(frame, offset, length, dueNs, to.Index))
            {
                DroppedInFlightFull++;
            }
        }

        private sealed class TransmitSink : IFrameSink
        {
            private readonly SimulatedWire _wire;
            public SimulatedPort From;
            public long BaseNs;
            public TransmitSink(SimulatedWire wire) { _wire = wire; }
            public void Accept(byte[] frame, int offset, int length, long extraDelayNs) =>
                _wire.Fanout(From, frame, offset, length, BaseNs + extraDelayNs);
        }

        private sealed class ReceiveSink : IFrameSink
        {
            private readonly SimulatedWire _wire;
            public SimulatedPort To;
            public long BaseNs;
            public ReceiveSink(SimulatedWire wire) { _wire = wire; }
            public void Accept(byte[] frame, int offset, int length, long extraDelayNs) =>
                _wire.Schedule(To, frame, offset, length, BaseNs + extraDelayNs);
        }
    }
}
