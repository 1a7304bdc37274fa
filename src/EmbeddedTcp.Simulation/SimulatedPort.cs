using System;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Simulation
{
    /// <summary>
    /// One endpoint on a <see cref="SimulatedWire"/> or <see cref="SimulatedSwitch"/>: a NIC
    /// with a MAC address, a destination filter (own MAC, broadcast and multicast unless
    /// <see cref="Promiscuous"/>) and a bounded receive queue of preallocated frame slots.
    /// Created by <see cref="SimulatedWire.AddPort"/>. Send, Receive and Poll allocate nothing.
    /// </summary>
    public sealed class SimulatedPort : INetworkDevice
    {
        private readonly SimulatedWire _wire;
        private readonly byte[] _mac = new byte[6];
        private readonly byte[][] _slots;
        private readonly int[] _lengths;
        private int _head;
        private int _count;
        private bool _linkUp = true;

        internal SimulatedPort(SimulatedWire wire, int index, byte[] macAddress, int receiveQueueFrames)
        {
            if (macAddress == null || macAddress.Length != 6)
            {
                throw new ArgumentException("a MAC address is 6 bytes", nameof(macAddress));
            }

            ArgumentOutOfRangeException.ThrowIfLessThan(receiveQueueFrames, 1);

            _wire = wire;
            Index = index;
            Array.Copy(macAddress, _mac, 6);
            MacKey = MacToKey(macAddress, 0);
            _slots = new byte[receiveQueueFrames][];
            _lengths = new int[receiveQueueFrames];
            for (int i = 0; i < receiveQueueFrames; i++)
            {
                _slots[i] = new byte[EthernetTiming.MaxFrameBytes];
            }
        }

        /// <summary>Position of this port on its wire (0-based, in the order ports were added).</summary>
        public int Index { get; }

        internal long MacKey { get; }

        /// <summary>
        /// Faults applied to frames this port sends (port → network). Null (default) is a perfect link.
        /// Set before traffic flows; the injector must not be shared with another direction.
        /// </summary>
        public FaultInjector TransmitFaults { get; set; }

        /// <summary>Faults applied to frames delivered to this port (network → port). Null (default) is a perfect link.</summary>
        public FaultInjector ReceiveFaults { get; set; }

        /// <summary>When true the port accepts every frame, not only its own, broadcast and multicast.</summary>
        public bool Promiscuous { get; set; }

        /// <summary>Frames waiting in the receive queue.</summary>
        public int ReceiveQueueCount => _count;

        /// <summary>Frames accepted by <see cref="Send"/>.</summary>
        public long FramesSent { get; private set; }
        /// <summary>Frames refused by <see cref="Send"/> (link down, bad length, network full).</summary>
        public long SendFailures { get; private set; }
        /// <summary>Frames returned by <see cref="Receive"/>.</summary>
        public long FramesReceived { get; private set; }
        /// <summary>Frames that arrived while the receive queue was full.</summary>
        public long ReceiveOverflows { get; private set; }
        /// <summary>Frames dropped by <see cref="Receive"/> because the caller's buffer was too small.</summary>
        public long ReceiveTooLong { get; private set; }
        /// <summary>Frames that arrived for another MAC and were filtered out.</summary>
        public long FilteredOut { get; private set; }
        /// <summary>Frames that arrived while the link was down.</summary>
        public long DroppedLinkDown { get; private set; }

        /// <inheritdoc />
        public void GetMacAddress(byte[] destination, int offset) => Array.Copy(_mac, 0, destination, offset, 6);

        /// <inheritdoc />
        public bool LinkUp => _linkUp;

        /// <summary>Plugs (true) or unplugs (false) this port's cable. Unplugging drops queued received frames.</summary>
        public void SetLinkUp(bool up)
        {
            _linkUp = up;
            if (!up) { _head = 0; _count = 0; }
        }

        /// <inheritdoc />
        public int Receive(byte[] buffer, int offset, int capacity)
        {
            _wire.DeliverDue();
            while (_count > 0)
            {
                int slot = _head;
                int length = _lengths[slot];
                _head = (_head + 1) % _slots.Length;
                _count--;
                if (length > capacity)
                {
                    ReceiveTooLong++;
                    continue;
                }
                Array.Copy(_slots[slot], 0, buffer, offset, length);
                FramesReceived++;
                return length;
            }
            return 0;
        }

        /// <inheritdoc />
        public bool Send(byte[] frame, int offset, int length)
        {
            if (!_linkUp || length < 14 || length > EthernetTiming.MaxFrameBytes || frame == null || offset < 0 || offset + length > frame.Length)
            {
                SendFailures++;
                return false;
            }
            if (!_wire.Transmit(this, frame, offset, length))
            {
                SendFailures++;
                return false;
            }
            FramesSent++;
            return true;
        }

        /// <inheritdoc />
        public void Poll(long nowMs) => _wire.DeliverDue();

        /// <summary>Called by the wire when a frame reaches this port.</summary>
        internal void Arrive(byte[] frame, int offset, int length)
        {
            if (!_linkUp) { DroppedLinkDown++; return; }
            if (!Promiscuous && (frame[offset] & 1) == 0 && MacToKey(frame, offset) != MacKey)
            {
                FilteredOut++;
                return;
            }
            if (_count == _slots.Length)
            {
                ReceiveOverflows++;
                return;
            }
            int slot = (_head + _count) % _slots.Length;
            Array.Copy(frame, offset, _slots[slot], 0, length);
            _lengths[slot] = length;
            _count++;
        }

        internal static long MacToKey(byte[] b, int o) =>
            ((long)b[o] << 40) | ((long)b[o + 1] << 32) | ((long)b[o + 2] << 24) | ((long)b[o + 3] << 16) | ((long)b[o + 4] << 8) | b[o + 5];

        // Per-port scheduling state used by the wire.
        internal long TransmitFreeAtNs;
        internal long LastBaseDeliveryNs;
    }
}
