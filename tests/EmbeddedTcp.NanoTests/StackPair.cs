using EmbeddedTcp.Diagnostics;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.NanoSupport;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.NanoTests
{
    /// <summary>
    /// Two whole stacks, A (192.0.2.1) and B (192.0.2.2), joined by a <see cref="MemoryLink"/>
    /// and driven in virtual time: nothing reads a clock, so every run on nanoCLR is the same
    /// run. B may carry the firmware application (<see cref="AppB"/>) or sit behind the ENC28J60
    /// driver and chip model (<see cref="ChipOnLink"/>). Each stack's TCP trace is drained into a
    /// <see cref="StateLog"/> after every poll, so tests can assert the states a connection walked.
    /// </summary>
    public sealed class StackPair
    {
        /// <summary>A's address.</summary>
        public const uint IpA = 0xC0000201;
        /// <summary>B's address.</summary>
        public const uint IpB = 0xC0000202;
        /// <summary>An address on the subnet that nobody answers for.</summary>
        public const uint IpAbsent = 0xC0000209;

        // Bounds every loop: a stack that never settles fails the test instead of hanging nanoCLR.
        private const int MaxTurnsPerSettle = 1000;

        /// <summary>The cable.</summary>
        public readonly MemoryLink Link;
        /// <summary>Stack A (on <see cref="MemoryLink.A"/>).</summary>
        public readonly NetworkStack A;
        /// <summary>Stack B (on <see cref="MemoryLink.B"/>, or on the ENC28J60 bridge).</summary>
        public readonly NetworkStack B;
        /// <summary>State changes of A's connections.</summary>
        public readonly StateLog LogA;
        /// <summary>State changes of B's connections.</summary>
        public readonly StateLog LogB;
        /// <summary>The firmware application on B, or null.</summary>
        public FirmwareApp AppB;
        /// <summary>The virtual time of the next poll, ms.</summary>
        public long Now;
        /// <summary>
        /// While true, A is a host that has vanished: it is not polled and every frame sent to it
        /// is lost (the SYN_RECEIVED story withholds the handshake's last ACK this way).
        /// </summary>
        public bool FrozenA;

        /// <summary>Two stacks with the default configuration on a link of 32 frames per direction.</summary>
        public StackPair() : this(Config(IpA), Config(IpB), null)
        {
        }

        /// <summary>Two stacks with the given configurations; <paramref name="deviceB"/> replaces link end B as B's device when not null.</summary>
        public StackPair(NetworkConfig configA, NetworkConfig configB, INetworkDevice deviceB)
            : this(new MemoryLink(32), configA, configB, deviceB)
        {
        }

        /// <summary>Two stacks on an existing link (for a B device that is bridged to <see cref="MemoryLink.B"/>).</summary>
        public StackPair(MemoryLink link, NetworkConfig configA, NetworkConfig configB, INetworkDevice deviceB)
        {
            Link = link;
            A = new NetworkStack(configA, Link.A, new SeededRandom(11));
            B = new NetworkStack(configB, deviceB == null ? Link.B : deviceB, new SeededRandom(22));
            LogA = new StateLog(A.Tcp.Trace);
            LogB = new StateLog(B.Tcp.Trace);
        }

        /// <summary>The default configuration with a static address.</summary>
        public static NetworkConfig Config(uint address)
        {
            NetworkConfig c = new NetworkConfig();
            c.Address = address;
            return c;
        }

        /// <summary>B's ENC28J60 bridge when B sits behind the chip (its receive ring holds frames in flight too), or null.</summary>
        public ChipOnLink ChipB;

        /// <summary>Frames waiting at either end of the link or in B's chip.</summary>
        public int InFlight
        {
            get { return Link.InFlight + (ChipB == null ? 0 : ChipB.Chip.PacketCount); }
        }

        /// <summary>
        /// Drains the trace rings into the logs. Call after a user call (Connect, Shutdown,
        /// Close...) that changes a state itself; every poll does it too.
        /// </summary>
        public void Record()
        {
            LogA.Drain();
            LogB.Drain();
        }

        /// <summary>One turn at <see cref="Now"/>: A polls, then B and its application.</summary>
        public void Turn()
        {
            Record(); // state changes made by user calls since the last turn
            if (FrozenA)
            {
                Link.A.Flush();
            }
            else
            {
                A.Poll(Now);
                LogA.Drain();
            }

            B.Poll(Now);
            if (AppB != null)
            {
                AppB.Poll(Now);
            }

            LogB.Drain();
        }

        /// <summary>Turns at <see cref="Now"/> until no frame is in flight; fails if the stacks never go quiet.</summary>
        public void Settle()
        {
            for (int i = 0; i < MaxTurnsPerSettle; i++)
            {
                Turn();
                if (InFlight == 0)
                {
                    return;
                }
            }

            throw new TestFrameworkShared.AssertFailedException("the stacks did not settle within " + MaxTurnsPerSettle.ToString() + " turns");
        }

        /// <summary>The earliest deadline of the stacks that are running.</summary>
        public long NextDeadline()
        {
            long next = B.NextDeadline();
            if (!FrozenA)
            {
                long a = A.NextDeadline();
                if (a < next)
                {
                    next = a;
                }
            }

            return next;
        }

        /// <summary>
        /// One step of the world: a turn at <see cref="Now"/> while frames are in flight,
        /// otherwise time jumps to the next deadline (never past <paramref name="limitMs"/>) and
        /// the stacks get their turn there.
        /// </summary>
        public void Step(long limitMs)
        {
            if (InFlight == 0)
            {
                long next = NextDeadline();
                if (next > limitMs)
                {
                    next = limitMs;
                }

                if (next > Now)
                {
                    Now = next;
                }
            }

            Turn();
        }

        /// <summary>Runs every step due up to <paramref name="timeMs"/>, then settles there.</summary>
        public void RunUntil(long timeMs)
        {
            for (int guard = 0; guard < 1000000 && Now < timeMs; guard++)
            {
                Step(timeMs);
            }

            Settle();
        }

        /// <summary>Runs for <paramref name="ms"/> of virtual time.</summary>
        public void RunFor(long ms)
        {
            RunUntil(Now + ms);
        }
    }

    /// <summary>
    /// The state changes of one stack's connections, drained from its TCP trace ring (which
    /// holds only the latest events). Read with <see cref="Path"/>: "CLOSED SYN_SENT ESTABLISHED".
    /// </summary>
    public sealed class StateLog
    {
        private const int Capacity = 512;
        private readonly TraceRing _ring;
        private readonly int[] _conn = new int[Capacity];
        private readonly int[] _from = new int[Capacity];
        private readonly int[] _to = new int[Capacity];
        private readonly int[] _cause = new int[Capacity];
        private readonly long[] _time = new long[Capacity];
        private int _count;
        private int _overwrittenSeen;

        /// <summary>Records the state changes that appear in <paramref name="ring"/>.</summary>
        public StateLog(TraceRing ring)
        {
            _ring = ring;
        }

        /// <summary>The record each event is read into (one, reused: nothing allocates per event).</summary>
        private readonly TraceEvent _event = new TraceEvent();

        /// <summary>Events lost because the log was full or the ring overwrote them before a drain (a test must see 0).</summary>
        public int Lost;

        /// <summary>State changes recorded.</summary>
        public int Count { get { return _count; } }

        /// <summary>Moves every waiting trace event into the log (state changes only).</summary>
        public void Drain()
        {
            TraceEvent e = _event;
            while (_ring.TryRead(e))
            {
                if (e.Kind != TraceKind.StateChange)
                {
                    continue;
                }

                if (_count == Capacity)
                {
                    Lost++;
                    continue;
                }

                _conn[_count] = e.Connection;
                _from[_count] = e.A;
                _to[_count] = e.B;
                _cause[_count] = e.C;
                _time[_count] = e.TimeMs;
                _count++;
            }

            Lost += (int)_ring.Overwritten - _overwrittenSeen;
            _overwrittenSeen = (int)_ring.Overwritten;
        }

        /// <summary>Forgets what was recorded (to tell the next part of a story on its own).</summary>
        public void Clear()
        {
            _ring.Clear();
            _count = 0;
        }

        /// <summary>
        /// The states connection-table entry <paramref name="index"/> walked: the state it left
        /// first, then every state it entered, separated by spaces ("" when it never moved).
        /// </summary>
        public string Path(int index)
        {
            string path = "";
            for (int i = 0; i < _count; i++)
            {
                if (_conn[i] != index)
                {
                    continue;
                }

                if (path.Length == 0)
                {
                    path = TcpStateNames.Of((TcpState)_from[i]);
                }

                path = path + " " + TcpStateNames.Of((TcpState)_to[i]);
            }

            return path;
        }

        /// <summary>The entry that left <paramref name="from"/> first (e.g. LISTEN: the first passive open), or -1.</summary>
        public int FirstEntryLeaving(TcpState from)
        {
            for (int i = 0; i < _count; i++)
            {
                if (_from[i] == (int)from)
                {
                    return _conn[i];
                }
            }

            return -1;
        }

        /// <summary>Virtual time at which entry <paramref name="index"/> last entered <paramref name="state"/>, or -1.</summary>
        public long TimeEntered(int index, TcpState state)
        {
            long t = -1;
            for (int i = 0; i < _count; i++)
            {
                if (_conn[i] == index && _to[i] == (int)state)
                {
                    t = _time[i];
                }
            }

            return t;
        }

        /// <summary>The <see cref="TcpCause"/> of entry <paramref name="index"/>'s last move into <paramref name="state"/>, or -1.</summary>
        public int CauseOf(int index, TcpState state)
        {
            int cause = -1;
            for (int i = 0; i < _count; i++)
            {
                if (_conn[i] == index && _to[i] == (int)state)
                {
                    cause = _cause[i];
                }
            }

            return cause;
        }
    }
}
