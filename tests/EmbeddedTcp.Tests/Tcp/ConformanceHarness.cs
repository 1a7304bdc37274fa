using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using EmbeddedTcp.Diagnostics;
using EmbeddedTcp.Tcp;
using EmbeddedTcp.Wire;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Tcp
{
    /// <summary>The columns of the conformance table: every event a TCP state can meet.</summary>
    public enum ConformanceEvent
    {
        Syn,
        SynAck,
        AcceptableAck,
        UnacceptableAck,
        Fin,
        FinAck,
        RstExact,
        RstInWindow,
        RstOutsideWindow,
        DataInWindow,
        DataOutsideWindow,
        RetransmissionTimer,
        TimeWaitTimer,
        FinWait2Timer,
        DelayedAckTimer,
        KeepaliveTimer,
        OpenActive,
        OpenPassive,
        Send,
        Receive,
        Close,
        Abort,
        Status,
    }

    /// <summary>
    /// The connection under test and the model the table's symbols are resolved against.
    /// SND.UNA, SND.NXT, RCV.NXT, RCV.WND, ISS and IRS are the values the connection holds
    /// <i>before</i> the event (RFC 9293 names); SEG.SEQ, SEG.ACK and SEG.LEN (SYN and FIN
    /// count) are those of the segment the event fed.
    /// </summary>
    public sealed class ConformanceContext
    {
        public TcpFixture F;
        public TcpState Pre;
        /// <summary>The user's handle, 0 when the subject has none (listener, passive half-open entry).</summary>
        public int Handle;
        /// <summary>The subject is the listener itself (LISTEN rows, passive OPEN).</summary>
        public bool ListenerSubject;
        public uint Iss;
        public uint Irs = TcpFixture.RemoteIss;
        public uint SndUna;
        public uint SndNxt;
        public uint RcvNxt;
        public int RcvWnd;
        public Seg Fed;
        public int? Result;
        /// <summary>How many times the event fed its segment.</summary>
        public int FedCount;
        public readonly List<TraceEvent> Trace = new List<TraceEvent>();

        public TcpStack S { get { return F.Stack; } }

        public void CollectTrace()
        {
            Trace.AddRange(F.DrainTrace());
        }

        public uint Value(string symbol)
        {
            switch (symbol)
            {
                case "SND.UNA": return SndUna;
                case "SND.NXT": return SndNxt;
                case "RCV.NXT": return RcvNxt;
                case "RCV.WND": return (uint)RcvWnd;
                case "ISS": return Iss;
                case "IRS": return Irs;
                case "SEG.SEQ": return NeedFed(symbol).SeqNo;
                case "SEG.ACK": return NeedFed(symbol).AckNo;
                case "SEG.LEN":
                    Seg s = NeedFed(symbol);
                    return (uint)(s.Len + (s.Has(TcpFlags.Syn) ? 1 : 0) + (s.Has(TcpFlags.Fin) ? 1 : 0));
            }

            uint n;
            if (uint.TryParse(symbol, out n))
            {
                return n;
            }

            throw new ArgumentException("unknown symbol '" + symbol + "'");
        }

        private Seg NeedFed(string symbol)
        {
            if (Fed == null)
            {
                throw new ArgumentException(symbol + " used by a row that feeds no segment");
            }

            return Fed;
        }
    }

    /// <summary>A starting point of a row: a state, reached the way the name says.</summary>
    public sealed class ConformanceOrigin
    {
        public readonly string Name;
        public readonly TcpState State;
        private readonly Func<ConformanceContext> _build;

        public ConformanceOrigin(string name, TcpState state, Func<ConformanceContext> build)
        {
            Name = name;
            State = state;
            _build = build;
        }

        public ConformanceContext Build()
        {
            ConformanceContext c = _build();
            c.Pre = State;
            Assert.True(c.F.Out.Sent.Count == 0, "origin " + Name + " left output behind: " + string.Join(" | ", c.F.Out.Sent));
            c.F.DrainTrace();
            c.Trace.Clear();
            return c;
        }

        public override string ToString() { return Name; }
    }

    /// <summary>One row: origin + event -> next state, the segments sent, and what the call returned.</summary>
    public sealed class ConformanceRow
    {
        public readonly ConformanceOrigin Origin;
        public readonly ConformanceEvent Event;
        public string Label;
        public string Incoming;
        public int Times = 1;
        public Action<ConformanceContext> Call;
        public Func<TcpConfig, long> Delay;
        public TcpState Next;
        public bool NextSet;
        public string Sends;
        public bool ReturnsSet;
        public int ReturnsValue;
        public string ReturnsText;
        public bool ReturnsAnyError;
        public bool ErrorSet;
        public int ErrorValue;
        public string Rfc;
        public string ThenText;
        public Action<ConformanceContext> ThenCheck;

        public ConformanceRow(ConformanceOrigin origin, ConformanceEvent e)
        {
            Origin = origin;
            Event = e;
        }

        public ConformanceRow In(string incoming) { Incoming = incoming; return this; }
        public ConformanceRow As(string label) { Label = label; return this; }
        public ConformanceRow Repeated(int times) { Times = times; return this; }
        public ConformanceRow Do(string label, Action<ConformanceContext> call) { Label = label; Call = call; return this; }
        public ConformanceRow After(Func<TcpConfig, long> delay) { Delay = delay; return this; }
        public ConformanceRow To(TcpState next) { Next = next; NextSet = true; return this; }
        public ConformanceRow Emits(string sends) { Sends = sends; return this; }
        public ConformanceRow Silent() { Sends = "none"; return this; }
        public ConformanceRow Returns(int value, string text = null) { ReturnsSet = true; ReturnsValue = value; ReturnsText = text ?? ConformanceHarness.ErrorName(value); return this; }
        public ConformanceRow ReturnsError(string meaning) { ReturnsAnyError = true; ReturnsText = "an error (" + meaning + ")"; return this; }
        public ConformanceRow Error(int error) { ErrorSet = true; ErrorValue = error; return this; }
        public ConformanceRow Ref(string rfc) { Rfc = rfc; return this; }
        public ConformanceRow Then(string text, Action<ConformanceContext> check) { ThenText = text; ThenCheck = check; return this; }

        public bool IsSegmentEvent { get { return Event <= ConformanceEvent.DataOutsideWindow; } }

        public bool IsTimerEvent { get { return Event >= ConformanceEvent.RetransmissionTimer && Event <= ConformanceEvent.KeepaliveTimer; } }

        /// <summary>The readable display name: "ESTABLISHED + FIN &lt;...&gt; -> CLOSE_WAIT, sends ACK ... [RFC ...]".</summary>
        public string Name
        {
            get
            {
                string ev = Label ?? ConformanceHarness.ColumnLabel(Event);
                if (Times > 1)
                {
                    ev = Times + " × " + ev + " at once";
                }
                if (IsSegmentEvent && Incoming != null)
                {
                    ev += " <" + Incoming + ">";
                }

                if (IsTimerEvent && Delay != null)
                {
                    ev += " (" + Delay(new TcpConfig()) + " ms)";
                }

                string s = Origin.Name + " + " + ev + " -> " + TcpStateNames.Of(Next) + ", "
                    + (Sends == "none" ? "sends nothing" : "sends " + Sends);
                if (ReturnsSet || ReturnsAnyError)
                {
                    s += ", returns " + ReturnsText;
                }

                if (ErrorSet)
                {
                    s += ", error " + ConformanceHarness.ErrorName(ErrorValue);
                }

                if (ThenText != null)
                {
                    s += "; then " + ThenText;
                }

                if (Rfc != null)
                {
                    s += " [" + Rfc + "]";
                }

                return s;
            }
        }

        public override string ToString() { return Name; }
    }

    /// <summary>A theory argument naming a row; serializable so every row is its own test case.</summary>
    public sealed class Transition : IXunitSerializable
    {
        public string Name;

        public Transition() { }

        public Transition(string name) { Name = name; }

        public void Deserialize(IXunitSerializationInfo info) { Name = info.GetValue<string>("Name"); }

        public void Serialize(IXunitSerializationInfo info) { info.AddValue("Name", Name); }

        public override string ToString() { return Name; }
    }

    /// <summary>Runs a row: builds its origin, applies the event, resolves and checks the expectations.</summary>
    public static class ConformanceHarness
    {
        public static string ColumnLabel(ConformanceEvent e)
        {
            switch (e)
            {
                case ConformanceEvent.Syn: return "SYN";
                case ConformanceEvent.SynAck: return "SYN-ACK";
                case ConformanceEvent.AcceptableAck: return "acceptable ACK";
                case ConformanceEvent.UnacceptableAck: return "unacceptable ACK (acks data not yet sent)";
                case ConformanceEvent.Fin: return "FIN";
                case ConformanceEvent.FinAck: return "FIN-ACK (acks our FIN)";
                case ConformanceEvent.RstExact: return "RST exact";
                case ConformanceEvent.RstInWindow: return "RST in window, not exact";
                case ConformanceEvent.RstOutsideWindow: return "RST outside window";
                case ConformanceEvent.DataInWindow: return "data in window";
                case ConformanceEvent.DataOutsideWindow: return "data outside window";
                case ConformanceEvent.RetransmissionTimer: return "retransmission timer";
                case ConformanceEvent.TimeWaitTimer: return "2MSL timer";
                case ConformanceEvent.FinWait2Timer: return "FIN_WAIT_2 timer";
                case ConformanceEvent.DelayedAckTimer: return "delayed-ACK timer";
                case ConformanceEvent.KeepaliveTimer: return "keepalive timer";
                case ConformanceEvent.OpenActive: return "OPEN active";
                case ConformanceEvent.OpenPassive: return "OPEN passive";
                case ConformanceEvent.Send: return "SEND 10 bytes";
                case ConformanceEvent.Receive: return "RECEIVE";
                case ConformanceEvent.Close: return "CLOSE";
                case ConformanceEvent.Abort: return "ABORT";
                case ConformanceEvent.Status: return "STATUS";
            }

            return e.ToString();
        }

        /// <summary>The default segment of a segment column, for the synchronized states.</summary>
        public static string DefaultIncoming(ConformanceEvent e)
        {
            switch (e)
            {
                case ConformanceEvent.Syn: return "SYN seq=RCV.NXT";
                case ConformanceEvent.SynAck: return "SYN,ACK seq=IRS ack=SND.NXT";
                case ConformanceEvent.AcceptableAck: return "ACK seq=RCV.NXT ack=SND.NXT";
                case ConformanceEvent.UnacceptableAck: return "ACK seq=RCV.NXT ack=SND.NXT+100";
                case ConformanceEvent.Fin: return "FIN,ACK seq=RCV.NXT ack=SND.UNA";
                case ConformanceEvent.FinAck: return "FIN,ACK seq=RCV.NXT ack=SND.NXT";
                case ConformanceEvent.RstExact: return "RST seq=RCV.NXT";
                case ConformanceEvent.RstInWindow: return "RST seq=RCV.NXT+1";
                case ConformanceEvent.RstOutsideWindow: return "RST seq=RCV.NXT+RCV.WND";
                case ConformanceEvent.DataInWindow: return "ACK seq=RCV.NXT ack=SND.UNA len=10";
                case ConformanceEvent.DataOutsideWindow: return "ACK seq=RCV.NXT+RCV.WND ack=SND.UNA len=10";
            }

            return null;
        }

        /// <summary>The default delay of a timer column (from the event; the origin armed the timer at its time 0).</summary>
        public static Func<TcpConfig, long> DefaultDelay(ConformanceEvent e, TcpState pre)
        {
            switch (e)
            {
                case ConformanceEvent.RetransmissionTimer:
                    if (pre == TcpState.SynSent || pre == TcpState.SynReceived)
                    {
                        return cfg => cfg.InitialRtoMs; // no RTT sample yet
                    }

                    return cfg => cfg.MinRtoMs; // the handshake's ~0 ms sample put the RTO at its floor
                case ConformanceEvent.TimeWaitTimer: return cfg => 2L * cfg.MslMs;
                case ConformanceEvent.FinWait2Timer: return cfg => cfg.FinWait2TimeoutMs;
                case ConformanceEvent.DelayedAckTimer: return cfg => cfg.DelayedAckMs;
                case ConformanceEvent.KeepaliveTimer: return cfg => cfg.KeepaliveIdleMs;
            }

            return null;
        }

        public static string ErrorName(int code)
        {
            if (code > 0)
            {
                return code.ToString();
            }

            foreach (FieldInfo fi in typeof(NetError).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                if (fi.IsLiteral && (int)fi.GetRawConstantValue() == code)
                {
                    return fi.Name;
                }
            }

            return code.ToString();
        }

        // ------------------------------------------------------------------ segment specs

        private static readonly Regex Term = new Regex(@"([+-]?)\s*([A-Z][A-Z.']*|\d+)");

        /// <summary>Evaluates "RCV.NXT+RCV.WND", "SND.NXT-1", "0"... against the context.</summary>
        public static uint Eval(string expr, ConformanceContext c)
        {
            uint v = 0;
            int consumed = 0;
            foreach (Match m in Term.Matches(expr))
            {
                uint t = c.Value(m.Groups[2].Value);
                v = m.Groups[1].Value == "-" ? v - t : v + t;
                consumed += m.Length;
            }

            if (consumed != expr.Replace(" ", string.Empty).Length)
            {
                throw new ArgumentException("bad expression '" + expr + "'");
            }

            return v;
        }

        private static byte ParseFlags(string text)
        {
            byte f = 0;
            foreach (string name in text.Split(','))
            {
                switch (name)
                {
                    case "SYN": f |= TcpFlags.Syn; break;
                    case "ACK": f |= TcpFlags.Ack; break;
                    case "FIN": f |= TcpFlags.Fin; break;
                    case "RST": f |= TcpFlags.Rst; break;
                    case "PSH": f |= TcpFlags.Psh; break;
                    default: throw new ArgumentException("unknown flag '" + name + "' in '" + text + "'");
                }
            }

            return f;
        }

        /// <summary>Builds the segment the remote sends from a spec like "FIN,ACK seq=RCV.NXT ack=SND.UNA len=10".</summary>
        public static Seg Incoming(string spec, ConformanceContext c)
        {
            string[] parts = spec.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var s = new Seg { Flags = ParseFlags(parts[0]) };
            for (int i = 1; i < parts.Length; i++)
            {
                int eq = parts[i].IndexOf('=');
                string key = parts[i].Substring(0, eq);
                string val = parts[i].Substring(eq + 1);
                switch (key)
                {
                    case "seq": s.SeqNo = Eval(val, c); break;
                    case "ack": s.AckNo = Eval(val, c); break;
                    case "len": s.Data = TcpFixture.Bytes((int)Eval(val, c), 3); break;
                    case "src": s.SrcPort = (ushort)Eval(val, c); break;
                    default: throw new ArgumentException("unknown field '" + key + "' in '" + spec + "'");
                }
            }

            if (s.Has(TcpFlags.Syn))
            {
                s.Mss = 1460;
            }

            return s;
        }

        private sealed class Expected
        {
            public byte Flags;
            public string SeqOp;
            public string SeqExpr;
            public string AckExpr;
            public string LenExpr = "0";
            public string Text;
        }

        private static List<Expected> ParseExpected(string spec)
        {
            var list = new List<Expected>();
            if (spec == "none")
            {
                return list;
            }

            foreach (string one in spec.Split(';'))
            {
                string text = one.Trim();
                int count = 1;
                int times = text.IndexOf('×');
                if (times > 0)
                {
                    count = int.Parse(text.Substring(0, times));
                    text = text.Substring(times + 1).Trim();
                }

                string[] parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var e = new Expected { Flags = ParseFlags(parts[0]), Text = text };
                for (int i = 1; i < parts.Length; i++)
                {
                    Match m = Regex.Match(parts[i], @"^(seq|ack|len)([=>])(.+)$");
                    Assert.True(m.Success, "bad expectation '" + parts[i] + "' in '" + spec + "'");
                    switch (m.Groups[1].Value)
                    {
                        case "seq": e.SeqOp = m.Groups[2].Value; e.SeqExpr = m.Groups[3].Value; break;
                        case "ack": e.AckExpr = m.Groups[3].Value; break;
                        case "len": e.LenExpr = m.Groups[3].Value; break;
                    }
                }

                Assert.True(e.SeqExpr != null, "expectation without seq: '" + text + "'");
                Assert.True((e.Flags & TcpFlags.Ack) == 0 || e.AckExpr != null, "ACK expectation without ack: '" + text + "'");
                for (int k = 0; k < count; k++)
                {
                    list.Add(e);
                }
            }

            return list;
        }

        /// <summary>
        /// Checks the segments sent against a spec. Symbols resolve against the context; "ISS'"
        /// is a fresh initial sequence number (any value); PSH is advisory and not compared.
        /// </summary>
        public static void ExpectSegments(string spec, List<Seg> sent, ConformanceContext c, string what)
        {
            List<Expected> expected = ParseExpected(spec);
            string actual = sent.Count == 0 ? "nothing" : string.Join(" | ", sent.Select(x => x.ToString()));
            Assert.True(expected.Count == sent.Count,
                what + ": expected " + (expected.Count == 0 ? "nothing" : spec + " = " + Resolve(expected, c)) + ", sent " + actual);
            for (int i = 0; i < expected.Count; i++)
            {
                Expected e = expected[i];
                Seg s = sent[i];
                string msg = what + ": expected " + e.Text + " = " + Resolve(new List<Expected> { e }, c) + ", sent " + s;
                Assert.True((s.Flags & ~TcpFlags.Psh) == e.Flags, msg + " (flags)");
                if (e.SeqExpr != "ISS'")
                {
                    uint seq = Eval(e.SeqExpr, c);
                    Assert.True(e.SeqOp == "=" ? s.SeqNo == seq : Seq.Gt(s.SeqNo, seq), msg + " (seq)");
                }

                if (e.AckExpr != null)
                {
                    Assert.True(s.AckNo == Eval(e.AckExpr, c), msg + " (ack)");
                }

                Assert.True(s.Len == (int)Eval(e.LenExpr, c), msg + " (len)");
                Assert.Equal(TcpFixture.LocalPort, s.SrcPort);
            }
        }

        private static string Resolve(List<Expected> list, ConformanceContext c)
        {
            var parts = new List<string>();
            foreach (Expected e in list)
            {
                string p = Seg.FlagText(e.Flags) + " seq" + e.SeqOp + (e.SeqExpr == "ISS'" ? "any" : Eval(e.SeqExpr, c).ToString());
                if (e.AckExpr != null)
                {
                    p += " ack=" + Eval(e.AckExpr, c);
                }

                p += " len=" + Eval(e.LenExpr, c);
                parts.Add(p);
            }

            return string.Join(" | ", parts);
        }

        // ------------------------------------------------------------------ state

        /// <summary>
        /// The state the subject is in now: the live table entry of the fixture's 4-tuple; else
        /// the state the user's handle reads; else where the trace saw it go (a freed passive
        /// entry goes back to LISTEN, a freed connection to CLOSED); else the listener's.
        /// </summary>
        public static TcpState Observed(ConformanceContext c)
        {
            TcpState? live = null;
            var info = new TcpEntryInfo();
            for (int i = 0; i < c.S.Capacity; i++)
            {
                c.S.GetEntry(i, info);
                if (!info.Free && info.State != TcpState.Closed && info.LocalPort == TcpFixture.LocalPort
                    && info.RemotePort == TcpFixture.RemotePort && info.RemoteIp == TcpFixture.RemoteIp)
                {
                    Assert.True(live == null, "two live entries for the same 4-tuple");
                    live = info.State;
                }
            }

            if (live != null)
            {
                return live.Value;
            }

            if (c.Handle > 0 && c.S.IsValid(c.Handle))
            {
                return c.S.GetState(c.Handle);
            }

            for (int i = c.Trace.Count - 1; i >= 0; i--)
            {
                if (c.Trace[i].Kind == TraceKind.StateChange)
                {
                    return (TcpState)c.Trace[i].B;
                }
            }

            if (c.ListenerSubject)
            {
                return c.S.Accept(c.F.Listener) >= 0 ? TcpState.Listen : TcpState.Closed;
            }

            return c.Pre == TcpState.Listen ? TcpState.Listen : TcpState.Closed;
        }

        // ------------------------------------------------------------------ running a row

        public static void Run(ConformanceRow r)
        {
            Assert.True(r.NextSet && r.Sends != null, "row without next state or segments: " + r.Name);
            ConformanceContext c = r.Origin.Build();
            string name = r.Name;
            if (r.IsSegmentEvent)
            {
                c.Fed = Incoming(r.Incoming ?? DefaultIncoming(r.Event), c);
                for (int i = 0; i < r.Times; i++)
                {
                    c.F.Feed(c.Fed);
                    c.FedCount++;
                }
            }
            else if (r.IsTimerEvent)
            {
                long delay = (r.Delay ?? DefaultDelay(r.Event, c.Pre))(c.F.Config);
                c.F.Advance(delay - 1);
                c.CollectTrace();
                Assert.True(Observed(c) == c.Pre, name + ": the timer acted early: " + TcpStateNames.Of(Observed(c)) + " at " + (delay - 1) + " ms");
                if (r.Next == c.Pre)
                {
                    Assert.True(c.F.Out.Sent.Count == 0, name + ": the timer acted early: sent " + string.Join(" | ", c.F.Out.Sent) + " by " + (delay - 1) + " ms");
                }

                c.F.Advance(1);
            }
            else
            {
                Assert.True(r.Call != null, "user-call row without a call: " + name);
                r.Call(c);
            }

            c.CollectTrace();
            List<Seg> sent = c.F.Out.Take();
            TcpState now = Observed(c);
            Assert.True(now == r.Next, name + ": expected state " + TcpStateNames.Of(r.Next) + ", got " + TcpStateNames.Of(now)
                + " (sent " + (sent.Count == 0 ? "nothing" : string.Join(" | ", sent)) + ")");
            if (now != c.Pre && !(c.Pre == TcpState.Closed && now == TcpState.Listen) && !(c.Pre == TcpState.Listen && now == TcpState.Closed && c.ListenerSubject))
            {
                // Every transition is a visible trace event.
                Assert.True(c.Trace.Any(e => e.Kind == TraceKind.StateChange && (TcpState)e.A == c.Pre), name + ": the trace does not show leaving " + TcpStateNames.Of(c.Pre));
                Assert.True(c.Trace.Any(e => e.Kind == TraceKind.StateChange && (TcpState)e.B == now), name + ": the trace does not show entering " + TcpStateNames.Of(now));
            }

            ExpectSegments(r.Sends, sent, c, name);
            if (r.ReturnsSet)
            {
                Assert.True(c.Result.HasValue, name + ": the call result was not recorded");
                Assert.True(c.Result.Value == r.ReturnsValue, name + ": expected the call to return " + r.ReturnsText + ", got " + ErrorName(c.Result.Value));
            }

            if (r.ReturnsAnyError)
            {
                Assert.True(c.Result.HasValue && c.Result.Value < 0, name + ": expected the call to return " + r.ReturnsText + ", got " + (c.Result.HasValue ? ErrorName(c.Result.Value) : "nothing"));
            }

            if (r.ErrorSet)
            {
                Assert.True(c.Handle > 0 && c.S.IsValid(c.Handle), name + ": the handle should still be readable");
                Assert.True(c.S.GetError(c.Handle) == r.ErrorValue, name + ": expected error " + ErrorName(r.ErrorValue) + ", got " + ErrorName(c.S.GetError(c.Handle)));
            }

            if (r.Next == TcpState.Listen)
            {
                Assert.True(c.S.ActiveCount == 0, name + ": the half-open entry was not freed");
                // The listener keeps listening: a new SYN from another port gets its SYN-ACK.
                c.F.Feed(new Seg { Flags = TcpFlags.Syn, SeqNo = 7000, Mss = 1460, SrcPort = TcpFixture.RemotePort + 1 });
                Seg synAck = c.F.Out.Single();
                Assert.True(synAck.Flags == (TcpFlags.Syn | TcpFlags.Ack) && synAck.AckNo == 7001 && synAck.DstPort == TcpFixture.RemotePort + 1,
                    name + ": the listener does not answer a new SYN: " + synAck);
            }

            if (r.ThenCheck != null)
            {
                r.ThenCheck(c);
            }
        }
    }
}
