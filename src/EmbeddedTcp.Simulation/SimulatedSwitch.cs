namespace EmbeddedTcp.Simulation
{
    /// <summary>
    /// A learning Ethernet switch: it learns each source MAC's port from the frames it sees,
    /// forwards a unicast frame only to the port that MAC was learned on (drops it when that is
    /// the sender's own port), and floods broadcast, multicast and unknown unicast to every
    /// other port. Timing is that of <see cref="SimulatedWire"/> (the switch adds no latency of
    /// its own). The MAC table has a fixed capacity; when full, the oldest entry is replaced.
    /// </summary>
    public sealed class SimulatedSwitch : SimulatedWire
    {
        private readonly long[] _macs;
        private readonly int[] _macPorts;
        private int _macCount;
        private int _nextReplace;

        /// <summary>Creates a switch; see <see cref="SimulatedWire(VirtualClock, LinkOptions, ulong)"/>.</summary>
        public SimulatedSwitch(VirtualClock clock, LinkOptions options = null, ulong seed = 1, int macTableSize = 256)
            : base(clock, options, seed)
        {
            System.ArgumentOutOfRangeException.ThrowIfLessThan(macTableSize, 1);

            _macs = new long[macTableSize];
            _macPorts = new int[macTableSize];
        }

        /// <summary>Unicast frames forwarded to exactly one learned port.</summary>
        public long Forwarded { get; private set; }
        /// <summary>Frames sent to every other port (broadcast, multicast, unknown unicast).</summary>
        public long Flooded { get; private set; }
        /// <summary>Frames dropped because their destination was learned on the sender's own port.</summary>
        public long Filtered { get; private set; }

        /// <summary>Number of learned MAC addresses.</summary>
        public int LearnedCount => _macCount;

        /// <summary>Port index on which <paramref name="mac"/> (6 bytes at offset) was learned, or -1.</summary>
        public int LookupPort(byte[] mac, int offset) => Find(SimulatedPort.MacToKey(mac, offset));

        /// <inheritdoc />
        protected override int SelectDestinations(SimulatedPort from, byte[] frame, int offset, int length, int[] destinations)
        {
            // Learn the source (a multicast source address is invalid and not learned).
            if ((frame[offset + 6] & 1) == 0)
            {
                Learn(SimulatedPort.MacToKey(frame, offset + 6), from.Index);
            }

            if ((frame[offset] & 1) == 0)
            {
                int port = Find(SimulatedPort.MacToKey(frame, offset));
                if (port >= 0)
                {
                    if (port == from.Index) { Filtered++; return 0; }
                    destinations[0] = port;
                    Forwarded++;
                    return 1;
                }
            }
            Flooded++;
            return base.SelectDestinations(from, frame, offset, length, destinations);
        }

        private int Find(long key)
        {
            for (int i = 0; i < _macCount; i++)
            {
                if (_macs[i] == key)
                {
                    return _macPorts[i];
                }
            }
            return -1;
        }

        private void Learn(long key, int port)
        {
            for (int i = 0; i < _macCount; i++)
            {
                if (_macs[i] == key) { _macPorts[i] = port; return; }
            }
            int slot;
            if (_macCount < _macs.Length)
            {
                slot = _macCount++;
            }
            else { slot = _nextReplace; _nextReplace = (_nextReplace + 1) % _macs.Length; }
            _macs[slot] = key;
            _macPorts[slot] = port;
        }
    }
}
