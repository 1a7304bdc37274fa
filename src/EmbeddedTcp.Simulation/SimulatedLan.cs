using System;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;

namespace EmbeddedTcp.Simulation
{
    /// <summary>
    /// Hosts (each a <see cref="NetworkStack"/>) on a simulated switch in virtual time. The loop
    /// advances the clock to the next frame delivery or stack deadline, whichever comes first,
    /// and polls the stacks; the application code runs between <see cref="Step"/> calls, which
    /// is its "turn". Same seed, same run.
    /// </summary>
    public sealed class SimulatedLan
    {
        private NetworkStack[] _stacks = Array.Empty<NetworkStack>();
        private SimulatedPort[] _ports = Array.Empty<SimulatedPort>();
        private IBusyHost[] _busy = Array.Empty<IBusyHost>();

        /// <summary>Creates an empty LAN: a learning switch at <paramref name="options"/>' speed (10 Mbit/s by default).</summary>
        public SimulatedLan(LinkOptions options = null, ulong seed = 1)
        {
            Clock = new VirtualClock();
            Switch = new SimulatedSwitch(Clock, options, seed);
        }

        /// <summary>The virtual clock shared by everything on the LAN.</summary>
        public VirtualClock Clock { get; }

        /// <summary>The switch the hosts hang off.</summary>
        public SimulatedSwitch Switch { get; }

        /// <summary>Now, in ms.</summary>
        public long NowMs => Clock.NowMs;

        /// <summary>A switch port with the given MAC (for a custom device chain: wrap it, then <see cref="AddStack"/>).</summary>
        public SimulatedPort AddPort(byte[] mac) => Switch.AddPort(mac, 64);

        /// <summary>Adds a host: a port with <paramref name="mac"/> and a stack on it.</summary>
        public NetworkStack AddHost(byte[] mac, NetworkConfig config, uint seed)
        {
            SimulatedPort port = AddPort(mac);
            return AddStack(port, config, seed, port);
        }

        /// <summary>Adds a stack over <paramref name="device"/> (which ends in <paramref name="port"/>).</summary>
        public NetworkStack AddStack(INetworkDevice device, NetworkConfig config, uint seed, SimulatedPort port)
        {
            var stack = new NetworkStack(config, device, new SeededRandom(seed));
            Array.Resize(ref _stacks, _stacks.Length + 1);
            Array.Resize(ref _ports, _ports.Length + 1);
            Array.Resize(ref _busy, _busy.Length + 1);
            _stacks[^1] = stack;
            _ports[^1] = port;
            stack.Poll(Clock.NowMs);
            return stack;
        }

        /// <summary>
        /// Makes <paramref name="stack"/>'s host one whose CPU can be busy (a simulated board that
        /// charges its turns): while <see cref="IBusyHost.BusyUntilNs"/> is ahead, the stack is not
        /// polled (the host's <see cref="IBusyHost.WhileBusy"/> runs instead), and the LAN wakes when it ends.
        /// </summary>
        public void SetBusyHost(NetworkStack stack, IBusyHost host)
        {
            int i = Array.IndexOf(_stacks, stack);
            if (i < 0)
            {
                throw new ArgumentException("the stack is not on this LAN", nameof(stack));
            }

            _busy[i] = host;
        }

        /// <summary>
        /// Runs to the next event (delivery or deadline) if it is at or before
        /// <paramref name="limitMs"/>, polls the stacks, and returns true; otherwise moves the
        /// clock to the limit, polls, and returns false.
        /// </summary>
        public bool Step(long limitMs)
        {
            long next = Switch.NextDeliveryNs;
            for (int i = 0; i < _stacks.Length; i++)
            {
                long d = _stacks[i].NextDeadline();
                long ns = d >= long.MaxValue / VirtualClock.NanosecondsPerMillisecond ? long.MaxValue : d * VirtualClock.NanosecondsPerMillisecond;
                if (_busy[i] != null && _busy[i].BusyUntilNs > Clock.NowNs)
                {
                    ns = _busy[i].BusyUntilNs; // whatever waits is seen when the CPU is free again
                }

                if (ns < next)
                {
                    next = ns;
                }
            }

            long limitNs = limitMs * VirtualClock.NanosecondsPerMillisecond;
            bool more = next <= limitNs;
            Clock.AdvanceTo(more ? next : limitNs);
            Switch.DeliverDue();
            long now = Clock.NowMs;
            for (int i = 0; i < _stacks.Length; i++)
            {
                IBusyHost busy = _busy[i];
                if (busy != null)
                {
                    if (busy.BusyUntilNs > Clock.NowNs)
                    {
                        busy.WhileBusy();
                        continue;
                    }

                    busy.TurnStarting(Clock.NowNs);
                }

                _stacks[i].Poll(now);
            }

            return more;
        }

        /// <summary>Runs every event up to <paramref name="untilMs"/>.</summary>
        public void RunUntil(long untilMs)
        {
            for (int guard = 0; guard < 50000000 && Step(untilMs); guard++)
            {
            }
        }

        /// <summary>Runs for <paramref name="ms"/> milliseconds of virtual time.</summary>
        public void RunFor(long ms) => RunUntil(Clock.NowMs + ms);
    }
}
