using System;
using System.Collections.Generic;
using System.Text;
using EmbeddedTcp.Diagnostics;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Tcp;
using EmbeddedTcp.Wire;
using Xunit;

namespace EmbeddedTcp.Tests.Tcp
{
    /// <summary>A segment as the tests see it: parsed back from the bytes the stack emitted, or built to feed it.</summary>
    public sealed class Seg
    {
        public byte Flags;
        public uint SeqNo;
        public uint AckNo;
        public int Window = 8192;
        public int Mss;
        public byte[] Data = Array.Empty<byte>();
        public ushort SrcPort = TcpFixture.RemotePort;
        public ushort DstPort = TcpFixture.LocalPort;

        public int Len { get { return Data.Length; } }

        public bool Has(byte f) { return (Flags & f) == f; }

        public static string FlagText(byte f)
        {
            var sb = new StringBuilder();
            void Add(byte bit, string name) { if ((f & bit) != 0) { if (sb.Length > 0) { sb.Append(','); } sb.Append(name); } }
            Add(TcpFlags.Syn, "SYN"); Add(TcpFlags.Fin, "FIN"); Add(TcpFlags.Rst, "RST"); Add(TcpFlags.Psh, "PSH"); Add(TcpFlags.Ack, "ACK");
            return sb.ToString();
        }

        public override string ToString()
        {
            return FlagText(Flags) + " seq=" + SeqNo + " ack=" + AckNo + " win=" + Window + " len=" + Len + (Mss > 0 ? " mss=" + Mss : "");
        }
    }

    /// <summary>Collects what a TcpStack sends, parsing each segment back through the wire views.</summary>
    public sealed class CapturingOutput : ITransportOutput
    {
        private readonly byte[] _buffer = new byte[1600];
        public readonly List<Seg> Sent = new List<Seg>();
        public int Capacity = 1500 - 20;
        public bool Refuse;
        public uint LastDestination;

        public byte[] BeginSegment(uint localIp, uint remoteIp, out int offset, out int capacity)
        {
            offset = 34;
            capacity = Capacity;
            return Refuse ? null : _buffer;
        }

        public int NegativeAdvice;

        public void ReachabilityInDoubt(uint localIp, uint remoteIp)
        {
            NegativeAdvice++;
        }

        public void EndSegment(uint localIp, uint remoteIp, int length)
        {
            LastDestination = remoteIp;
            var h = new TcpHeader();
            Assert.Equal(WireResult.Ok, h.TryParse(_buffer, 34, length));
            Assert.True(h.VerifyChecksum(localIp, remoteIp), "emitted segment has a bad checksum");
            var s = new Seg
            {
                Flags = h.Flags,
                SeqNo = h.SequenceNumber,
                AckNo = h.AckNumber,
                Window = h.Window,
                SrcPort = h.SourcePort,
                DstPort = h.DestinationPort,
                Data = new byte[h.PayloadLength],
            };
            Array.Copy(_buffer, h.PayloadOffset, s.Data, 0, h.PayloadLength);
            if (h.OptionsLength > 0)
            {
                var o = new TcpOptions();
                Assert.Equal(WireResult.Ok, o.Parse(_buffer, h.OptionsOffset, h.OptionsLength));
                s.Mss = o.Mss;
            }

            Sent.Add(s);
        }

        public Seg Single()
        {
            Assert.True(Sent.Count == 1, "expected exactly one segment, got " + Sent.Count + ": " + string.Join(" | ", Sent));
            Seg s = Sent[0];
            Sent.Clear();
            return s;
        }

        public void None()
        {
            Assert.True(Sent.Count == 0, "expected no segment, got: " + string.Join(" | ", Sent));
        }

        public List<Seg> Take()
        {
            var l = new List<Seg>(Sent);
            Sent.Clear();
            return l;
        }
    }

    /// <summary>
    /// One TcpStack driven segment by segment, like smoltcp's socket tests: the test plays the
    /// remote TCP. Local is 192.0.2.1:80, remote 192.0.2.2:49500, remote ISN 1000.
    /// </summary>
    public sealed class TcpFixture
    {
        public const uint LocalIp = 0xC0000201;
        public const uint RemoteIp = 0xC0000202;
        public const ushort LocalPort = 80;
        public const ushort RemotePort = 49500;
        public const uint RemoteIss = 1000;

        public readonly TcpConfig Config;
        public readonly CapturingOutput Out = new CapturingOutput();
        public readonly TcpStack Stack;
        public long Now;
        public int Listener;
        public int Handle;
        /// <summary>Our ISS, learned from the SYN or SYN-ACK we sent.</summary>
        public uint Iss;
        /// <summary>The remote's next sequence number (what it sends next).</summary>
        public uint RemoteNxt = RemoteIss;

        public TcpFixture(TcpConfig config = null, uint seed = 1)
        {
            Config = config ?? new TcpConfig();
            Stack = new TcpStack(Config, Out, new SeededRandom(seed));
        }

        public TcpState State { get { return Stack.GetState(Handle); } }

        /// <summary>The state of the table entry (works for half-open passive entries with no handle yet).</summary>
        public TcpState EntryState(int index = 0)
        {
            var info = new TcpEntryInfo();
            Stack.GetEntry(index, info);
            return info.State;
        }

        public void Feed(Seg s)
        {
            byte[] b = new byte[20 + (s.Mss > 0 ? 4 : 0) + s.Len];
            var h = new TcpHeader();
            h.Bind(b, 0, b.Length);
            h.SourcePort = s.SrcPort;
            h.DestinationPort = s.DstPort;
            h.SequenceNumber = s.SeqNo;
            h.AckNumber = s.AckNo;
            h.HeaderLength = s.Mss > 0 ? 24 : 20;
            h.Flags = s.Flags;
            h.Window = (ushort)s.Window;
            if (s.Mss > 0)
            {
                TcpOptions.WriteMss(b, 20, s.Mss);
            }

            Array.Copy(s.Data, 0, b, h.HeaderLength, s.Len);
            h.FillChecksum(RemoteIp, LocalIp);
            Stack.Input(RemoteIp, LocalIp, b, 0, b.Length, Now);
        }

        public void Advance(long ms)
        {
            long target = Now + ms;
            for (int guard = 0; guard < 100000; guard++)
            {
                long next = Stack.NextDeadline();
                if (next > target)
                {
                    break;
                }

                Now = next > Now ? next : Now;
                Stack.Poll(Now);
            }

            Now = target;
            Stack.Poll(Now);
        }

        // ---------------------------------------------------------------- getting to each state

        public static TcpFixture Listening(TcpConfig config = null)
        {
            var f = new TcpFixture(config);
            f.Listener = f.Stack.Listen(0, LocalPort, 4);
            Assert.True(f.Listener > 0);
            return f;
        }

        /// <summary>LISTEN + SYN: the entry is SYN_RECEIVED and our SYN-ACK has been taken from the output.</summary>
        public static TcpFixture SynReceived(TcpConfig config = null)
        {
            var f = Listening(config);
            f.Feed(new Seg { Flags = TcpFlags.Syn, SeqNo = RemoteIss, Mss = 1460 });
            Seg synAck = f.Out.Single();
            Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
            Assert.Equal(RemoteIss + 1, synAck.AckNo);
            f.Iss = synAck.SeqNo;
            f.RemoteNxt = RemoteIss + 1;
            return f;
        }

        /// <summary>Passive open completed and accepted.</summary>
        public static TcpFixture Established(TcpConfig config = null)
        {
            var f = SynReceived(config);
            f.Feed(f.Ack(f.Iss + 1));
            f.Out.None();
            f.Handle = f.Stack.Accept(f.Listener);
            Assert.True(f.Handle > 0);
            Assert.Equal(TcpState.Established, f.State);
            return f;
        }

        /// <summary>Active open: our SYN is out.</summary>
        public static TcpFixture SynSent(TcpConfig config = null)
        {
            var f = new TcpFixture(config);
            f.Handle = f.Stack.Connect(LocalIp, RemoteIp, RemotePort, LocalPort);
            Assert.True(f.Handle > 0);
            Seg syn = f.Out.Single();
            Assert.Equal(TcpFlags.Syn, syn.Flags);
            f.Iss = syn.SeqNo;
            return f;
        }

        /// <summary>Active open completed.</summary>
        public static TcpFixture EstablishedActive(TcpConfig config = null)
        {
            var f = SynSent(config);
            f.Feed(new Seg { Flags = TcpFlags.Syn | TcpFlags.Ack, SeqNo = RemoteIss, AckNo = f.Iss + 1, Mss = 1460 });
            f.RemoteNxt = RemoteIss + 1;
            Seg ack = f.Out.Single();
            Assert.Equal(TcpFlags.Ack, ack.Flags);
            Assert.Equal(TcpState.Established, f.State);
            return f;
        }

        /// <summary>ESTABLISHED, then the user shuts down sending: our FIN (seq ISS+1) is out.</summary>
        public static TcpFixture FinWait1(TcpConfig config = null)
        {
            var f = Established(config);
            Assert.Equal(NetError.Ok, f.Stack.Shutdown(f.Handle));
            Seg fin = f.Out.Single();
            Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, fin.Flags);
            Assert.Equal(f.Iss + 1, fin.SeqNo);
            Assert.Equal(TcpState.FinWait1, f.State);
            return f;
        }

        public static TcpFixture FinWait2(TcpConfig config = null)
        {
            var f = FinWait1(config);
            f.Feed(f.Ack(f.Iss + 2));
            f.Out.None();
            Assert.Equal(TcpState.FinWait2, f.State);
            return f;
        }

        public static TcpFixture Closing(TcpConfig config = null)
        {
            var f = FinWait1(config);
            f.Feed(new Seg { Flags = TcpFlags.Fin | TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = f.Iss + 1 });
            f.RemoteNxt++;
            Seg ack = f.Out.Single();
            Assert.Equal(TcpFlags.Ack, ack.Flags);
            Assert.Equal(f.RemoteNxt, ack.AckNo);
            Assert.Equal(TcpState.Closing, f.State);
            return f;
        }

        public static TcpFixture TimeWait(TcpConfig config = null)
        {
            var f = FinWait2(config);
            f.Feed(new Seg { Flags = TcpFlags.Fin | TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = f.Iss + 2 });
            f.RemoteNxt++;
            Seg ack = f.Out.Single();
            Assert.Equal(TcpFlags.Ack, ack.Flags);
            Assert.Equal(TcpState.TimeWait, f.State);
            return f;
        }

        public static TcpFixture CloseWait(TcpConfig config = null)
        {
            var f = Established(config);
            f.Feed(new Seg { Flags = TcpFlags.Fin | TcpFlags.Ack, SeqNo = f.RemoteNxt, AckNo = f.Iss + 1 });
            f.RemoteNxt++;
            Seg ack = f.Out.Single();
            Assert.Equal(TcpFlags.Ack, ack.Flags);
            Assert.Equal(f.RemoteNxt, ack.AckNo);
            Assert.Equal(TcpState.CloseWait, f.State);
            return f;
        }

        public static TcpFixture LastAck(TcpConfig config = null)
        {
            var f = CloseWait(config);
            Assert.Equal(NetError.Ok, f.Stack.Shutdown(f.Handle));
            Seg fin = f.Out.Single();
            Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, fin.Flags);
            Assert.Equal(TcpState.LastAck, f.State);
            return f;
        }

        // ---------------------------------------------------------------- segment templates

        public Seg Ack(uint ack) { return new Seg { Flags = TcpFlags.Ack, SeqNo = RemoteNxt, AckNo = ack }; }

        public Seg Data(uint ack, byte[] data) { return new Seg { Flags = TcpFlags.Ack | TcpFlags.Psh, SeqNo = RemoteNxt, AckNo = ack, Data = data }; }

        public List<TraceEvent> DrainTrace()
        {
            var l = new List<TraceEvent>();
            var e = new TraceEvent();
            while (Stack.Trace.TryRead(e))
            {
                l.Add(e);
                e = new TraceEvent(); // the list keeps each record; the ring refills the one it is given
            }

            return l;
        }

        /// <summary>The state path of a table entry as recorded in the trace, e.g. "ESTABLISHED>FIN_WAIT_1".</summary>
        public List<string> StatePath(int index = 0)
        {
            var l = new List<string>();
            foreach (var e in DrainTrace())
            {
                if (e.Kind == TraceKind.StateChange && e.Connection == index)
                {
                    if (l.Count == 0)
                    {
                        l.Add(TcpStateNames.Of((TcpState)e.A));
                    }

                    l.Add(TcpStateNames.Of((TcpState)e.B));
                }
            }

            return l;
        }

        public static byte[] Bytes(int n, int seed = 7)
        {
            var b = new byte[n];
            new Random(seed).NextBytes(b);
            return b;
        }
    }
}
