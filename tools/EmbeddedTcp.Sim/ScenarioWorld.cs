using System;
using System.Collections.Generic;
using EmbeddedTcp.Diagnostics;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Sim
{
    /// <summary>One line of a scenario: a state change of one end, or a segment on the wire.</summary>
    public sealed class ScenarioEvent
    {
        /// <summary>Virtual time since the scenario started, ns.</summary>
        public long TimeNs;
        /// <summary>True for a segment, false for a state change.</summary>
        public bool IsSegment;
        /// <summary>State change: the node ("A" or "B"). Segment: the sender.</summary>
        public string Node;
        /// <summary>Segment: the receiver.</summary>
        public string To;
        /// <summary>State change: connection table index.</summary>
        public int Connection;
        /// <summary>State change: old state name.</summary>
        public string FromState;
        /// <summary>State change: new state name.</summary>
        public string ToState;
        /// <summary>State change: why (a <see cref="TcpCause"/> name).</summary>
        public string Cause;
        /// <summary>Segment flags ("SYN,ACK").</summary>
        public string Flags;
        /// <summary>Segment sequence number, relative to the sender's ISN.</summary>
        public long Seq;
        /// <summary>Segment acknowledgment number, relative to the receiver's ISN (0 without ACK).</summary>
        public long Ack;
        /// <summary>Segment payload length.</summary>
        public int Length;
        /// <summary>The script dropped this segment on the wire.</summary>
        public bool Dropped;
        /// <summary>Segment: virtual time it was handed to the wire, ns since the start (the same as <see cref="TimeNs"/>).</summary>
        public long SentNs => TimeNs;
        /// <summary>Segment: virtual time the receiver's stack read it off its device, ns; -1 if it never arrived.</summary>
        public long ArrivedNs = -1;
        /// <summary>
        /// Dropped segment: the time it is shown lost, ns; -1 otherwise. The script takes the frame
        /// before the switch, so no wire time exists: the ladder puts the loss half-way through the
        /// one-way time the delivered segments of the same run took.
        /// </summary>
        public long DroppedAtNs = -1;
        /// <summary>Absolute sequence and acknowledgment numbers, to match the arrival with the send.</summary>
        internal uint RawSeq, RawAck;
        /// <summary>The states of A and B right after this event.</summary>
        public string StateA, StateB;
    }

    /// <summary>
    /// Two plain stacks, A (192.0.2.1) and B (192.0.2.2), on a simulated switch, with a scripted
    /// wire: every TCP segment either end sends is recorded (and may be dropped by the script),
    /// and every state change is drained from <see cref="TcpStack.Trace"/> in order.
    /// </summary>
    public sealed class ScenarioWorld
    {
        public const uint IpA = 0xC0000201;
        public const uint IpB = 0xC0000202;
        public static readonly byte[] MacA = { 0x02, 0, 0, 0, 0, 0x01 };
        public static readonly byte[] MacB = { 0x02, 0, 0, 0, 0, 0x02 };

        private readonly uint?[] _isn = new uint?[2];
        private long _startNs;
        private bool _recording;

        public ScenarioWorld(ulong seed, int mslMs, PcapWriter pcap)
        {
            Lan = new SimulatedLan(null, seed);
            SimulatedPort pa = Lan.AddPort(MacA);
            SimulatedPort pb = Lan.AddPort(MacB);
            INetworkDevice devA = pcap != null ? new PcapDevice(pa, pcap, Lan.Clock) : (INetworkDevice)pa;
            A = Lan.AddStack(new ScriptedDevice(this, 0, devA), Config(IpA, mslMs), (uint)(seed * 2 + 1), pa);
            B = Lan.AddStack(new ScriptedDevice(this, 1, pb), Config(IpB, mslMs), (uint)(seed * 2 + 2), pb);
            // Warm up ARP both ways so the story starts with TCP (not recorded).
            A.Ping(IpB, 1, 1, 8);
            B.Ping(IpA, 2, 1, 8);
            RunFor(50);
            DrainTraces();
            A.Tcp.Trace.Clear();
            B.Tcp.Trace.Clear();
            _startNs = Lan.Clock.NowNs;
            _recording = true;
        }

        private static NetworkConfig Config(uint ip, int mslMs)
        {
            var c = new NetworkConfig { Address = ip };
            c.Tcp.MslMs = mslMs;
            c.Tcp.TraceCapacity = 256;
            return c;
        }

        public SimulatedLan Lan { get; }
        public NetworkStack A { get; }
        public NetworkStack B { get; }
        public readonly List<ScenarioEvent> Events = new List<ScenarioEvent>();

        /// <summary>Current state of each end's (latest) connection, from the trace.</summary>
        public string StateA = "CLOSED", StateB = "CLOSED";

        /// <summary>The script: return true to drop a segment (node 0 = A, 1 = B) before it reaches the wire.</summary>
        public Func<int, SegmentInfo, bool> Drop;

        /// <summary>The applications' turn, called after every step.</summary>
        public Action App;

        public long ElapsedMs => (Lan.Clock.NowNs - _startNs) / VirtualClock.NanosecondsPerMillisecond;

        public void DrainTraces()
        {
            Drain(A, "A");
            Drain(B, "B");
        }

        private void Drain(NetworkStack s, string node)
        {
            var e = new TraceEvent();
            while (s.Tcp.Trace.TryRead(e))
            {
                if (e.Kind != TraceKind.StateChange)
                {
                    continue;
                }

                string to = TcpStateNames.Of((TcpState)e.B);
                if (node == "A")
                {
                    StateA = to;
                }
                else
                {
                    StateB = to;
                }

                if (!_recording)
                {
                    continue;
                }

                Events.Add(new ScenarioEvent
                {
                    TimeNs = Lan.Clock.NowNs - _startNs,
                    Node = node,
                    Connection = e.Connection,
                    FromState = TcpStateNames.Of((TcpState)e.A),
                    ToState = to,
                    Cause = ((TcpCause)e.C).ToString(),
                    StateA = StateA,
                    StateB = StateB,
                });
            }
        }

        private bool OnSend(int node, byte[] frame, int offset, int length)
        {
            DrainTraces();
            if (!SegmentInfo.TryDecode(frame, offset, length, out SegmentInfo s))
            {
                return false;
            }

            if (s.Syn && _isn[node] == null)
            {
                _isn[node] = s.Seq;
            }

            bool drop = Drop != null && _recording && Drop(node, s);
            if (_recording)
            {
                uint own = _isn[node] ?? 0;
                uint peer = _isn[1 - node] ?? 0;
                Events.Add(new ScenarioEvent
                {
                    TimeNs = Lan.Clock.NowNs - _startNs,
                    IsSegment = true,
                    Node = node == 0 ? "A" : "B",
                    To = node == 0 ? "B" : "A",
                    Flags = s.FlagText,
                    Seq = (uint)(s.Seq - own),
                    Ack = s.AckFlag ? (uint)(s.Ack - peer) : 0,
                    Length = s.Length,
                    Dropped = drop,
                    RawSeq = s.Seq,
                    RawAck = s.Ack,
                    StateA = StateA,
                    StateB = StateB,
                });
            }
            return drop;
        }

        /// <summary>
        /// A frame the stack of <paramref name="node"/> reads off its device: the arrival of the
        /// oldest segment still in flight towards it with the same numbers and flags.
        /// </summary>
        private void OnReceive(int node, byte[] frame, int offset, int length)
        {
            if (!_recording || length <= 0 || !SegmentInfo.TryDecode(frame, offset, length, out SegmentInfo s))
            {
                return;
            }

            string from = node == 0 ? "B" : "A";
            string flags = s.FlagText;
            foreach (ScenarioEvent e in Events)
            {
                if (e.IsSegment && !e.Dropped && e.ArrivedNs < 0 && e.Node == from && e.RawSeq == s.Seq && e.RawAck == s.Ack
                    && e.Length == s.Length && e.Flags == flags)
                {
                    e.ArrivedNs = Lan.Clock.NowNs - _startNs;
                    return;
                }
            }
        }

        /// <summary>
        /// Ends the recording: gives each dropped segment its drop time, half-way through the
        /// median one-way time of the delivered ones (the scripted wire has no real drop point).
        /// </summary>
        public void Finish()
        {
            DrainTraces();
            var flights = new List<long>();
            foreach (ScenarioEvent e in Events)
            {
                if (e.IsSegment && e.ArrivedNs >= 0)
                {
                    flights.Add(e.ArrivedNs - e.SentNs);
                }
            }
            flights.Sort();
            long oneWay = flights.Count > 0 ? flights[flights.Count / 2] : 100_000; // nothing arrived: assume 100 µs
            foreach (ScenarioEvent e in Events)
            {
                if (e.IsSegment && e.Dropped)
                {
                    e.DroppedAtNs = e.SentNs + Math.Max(1, oneWay / 2);
                }
            }
        }

        /// <summary>One step of the network, then the applications' turn.</summary>
        public bool Step(long limitMs)
        {
            bool more = Lan.Step(limitMs);
            DrainTraces();
            App?.Invoke();
            DrainTraces();
            return more;
        }

        /// <summary>The applications wake at least this often (ms), so their timed actions happen on time.</summary>
        public const int AppTickMs = 10;

        public bool RunUntil(Func<bool> done, long maxMs)
        {
            long end = Lan.NowMs + maxMs;
            for (int guard = 0; guard < 5_000_000; guard++)
            {
                if (done())
                {
                    return true;
                }

                if (Lan.NowMs >= end)
                {
                    return false;
                }

                Step(Math.Min(end, Lan.NowMs + AppTickMs));
            }
            return done();
        }

        public void RunFor(long ms) => RunUntil(() => false, ms);

        /// <summary>The device each stack sends through: records, and drops what the script says.</summary>
        private sealed class ScriptedDevice : INetworkDevice
        {
            private readonly ScenarioWorld _world;
            private readonly int _node;
            private readonly INetworkDevice _inner;

            public ScriptedDevice(ScenarioWorld world, int node, INetworkDevice inner) { _world = world; _node = node; _inner = inner; }
            public void GetMacAddress(byte[] destination, int offset) => _inner.GetMacAddress(destination, offset);
            public bool LinkUp => _inner.LinkUp;
            public int Receive(byte[] buffer, int offset, int capacity)
            {
                int n = _inner.Receive(buffer, offset, capacity);
                if (n > 0)
                {
                    _world.OnReceive(_node, buffer, offset, n);
                }

                return n;
            }
            public bool Send(byte[] frame, int offset, int length) => _world.OnSend(_node, frame, offset, length) || _inner.Send(frame, offset, length);
            public void Poll(long nowMs) => _inner.Poll(nowMs);
        }
    }
}
