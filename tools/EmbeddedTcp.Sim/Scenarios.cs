using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Sim
{
    /// <summary>A named TCP story.</summary>
    public sealed class ScenarioInfo
    {
        public string Name;
        public string Summary;
        internal Action<ScenarioWorld> Script;
    }

    /// <summary>A finished scenario run.</summary>
    public sealed class ScenarioResult
    {
        public ScenarioInfo Info;
        public List<ScenarioEvent> Events;
        public int MslMs;
        public long PortA, PortB;

        /// <summary>The states one end went through, in order (first "from", then every "to").</summary>
        public List<string> StatePath(string node)
        {
            var path = new List<string>();
            foreach (ScenarioEvent e in Events.Where(e => !e.IsSegment && e.Node == node))
            {
                if (path.Count == 0) path.Add(e.FromState);
                path.Add(e.ToState);
            }
            return path;
        }
    }

    /// <summary>
    /// The TCP stories a learner asks about, between two simulated stacks with a scripted wire.
    /// Each produces events that print as a ladder diagram, JSON lines or an SVG image.
    /// </summary>
    public static class Scenarios
    {
        public const int MslMs = 2000;
        private const int PortA = 50000;
        private const int PortB = 80;

        public static readonly IReadOnlyList<ScenarioInfo> All = new[]
        {
            new ScenarioInfo { Name = "three-way-handshake", Summary = "A connects to B listening: SYN, SYN+ACK, ACK.", Script = ThreeWayHandshake },
            new ScenarioInfo { Name = "four-way-close", Summary = "A closes first, B acknowledges, closes later: FIN, ACK, FIN, ACK; A waits in TIME_WAIT.", Script = FourWayClose },
            new ScenarioInfo { Name = "simultaneous-open", Summary = "Both ends connect to each other at the same moment (fixed ports): the SYNs cross.", Script = SimultaneousOpen },
            new ScenarioInfo { Name = "simultaneous-close", Summary = "Both ends close at the same moment: the FINs cross, both pass CLOSING and TIME_WAIT.", Script = SimultaneousClose },
            new ScenarioInfo { Name = "fin-ack-in-fin-wait-1", Summary = "A's FIN is acknowledged by the segment that carries B's FIN (B's pure ACK is lost): A goes FIN_WAIT_1 -> TIME_WAIT directly.", Script = FinAckInFinWait1 },
            new ScenarioInfo { Name = "time-wait-2msl", Summary = "The active closer stays in TIME_WAIT for 2 x MSL before CLOSED.", Script = TimeWait2Msl },
            new ScenarioInfo { Name = "lost-final-ack", Summary = "A's last ACK is lost: B retransmits its FIN from LAST_ACK, A re-acknowledges from TIME_WAIT.", Script = LostFinalAck },
            new ScenarioInfo { Name = "syn-received-no-ack", Summary = "The client's ACK never arrives: B retransmits SYN+ACK with backoff, then gives up the half-open connection.", Script = SynReceivedNoAck },
            new ScenarioInfo { Name = "half-close", Summary = "A shuts down its sending side and keeps receiving in FIN_WAIT_2 while B sends its answer, then closes.", Script = HalfClose },
        };

        public static ScenarioInfo Find(string name) => All.FirstOrDefault(s => s.Name == name);

        /// <summary>Runs a scenario in virtual time. <paramref name="pcapPath"/> (optional) captures A's side of the wire.</summary>
        public static ScenarioResult Run(string name, ulong seed = 1, string pcapPath = null)
        {
            ScenarioInfo info = Find(name) ?? throw new ArgumentException("unknown scenario '" + name + "' (see: scenario list)");
            PcapWriter pcap = pcapPath != null ? PcapWriter.Create(pcapPath) : null;
            try
            {
                var w = new ScenarioWorld(seed, MslMs, pcap);
                info.Script(w);
                w.DrainTraces();
                return new ScenarioResult { Info = info, Events = w.Events, MslMs = MslMs, PortA = PortA, PortB = PortB };
            }
            finally
            {
                pcap?.Dispose();
            }
        }

        // ------------------------------------------------------------------ the stories

        private static int Listen(ScenarioWorld w)
        {
            int l = w.B.Tcp.Listen(ScenarioWorld.IpB, PortB, 1);
            w.StateB = "LISTEN";
            return l;
        }

        /// <summary>B listening, A connects; returns (a, b) once both are ESTABLISHED.</summary>
        private static (int a, int b) Connect(ScenarioWorld w)
        {
            int l = Listen(w);
            int a = w.A.Tcp.Connect(ScenarioWorld.IpA, ScenarioWorld.IpB, PortB, PortA);
            int b = 0;
            w.App = () => { if (b <= 0) b = w.B.Tcp.Accept(l); };
            Require(w.RunUntil(() => b > 0 && w.A.Tcp.GetState(a) == TcpState.Established, 5000), "handshake");
            w.App = null;
            return (a, b);
        }

        private static void Require(bool ok, string what)
        {
            if (!ok) throw new InvalidOperationException("scenario step did not complete: " + what);
        }

        private static bool BothClosed(ScenarioWorld w) => w.StateA == "CLOSED" && w.StateB == "CLOSED";

        /// <summary>Reads and throws away what arrived; returns true at end of stream.</summary>
        private static bool Drain(TcpStack tcp, int h)
        {
            var buf = new byte[2048];
            for (;;)
            {
                int n = tcp.Receive(h, buf, 0, buf.Length);
                if (n == TcpError.EndOfStream) return true;
                if (n <= 0) return false;
            }
        }

        private static void ThreeWayHandshake(ScenarioWorld w)
        {
            Connect(w);
            w.RunFor(100);
        }

        /// <summary>A closes; B closes <paramref name="bDelayMs"/> after it saw A's FIN (0 = in the same turn).</summary>
        private static void CloseFromA(ScenarioWorld w, int bDelayMs, long waitMs)
        {
            (int a, int b) = Connect(w);
            w.RunFor(10);
            w.A.Tcp.Close(a);
            long eofAt = -1;
            bool bClosed = false;
            w.App = () =>
            {
                if (bClosed) return;
                if (eofAt < 0 && Drain(w.B.Tcp, b)) eofAt = w.Lan.NowMs;
                if (eofAt >= 0 && w.Lan.NowMs >= eofAt + bDelayMs) { w.B.Tcp.Close(b); bClosed = true; }
            };
            Require(w.RunUntil(() => BothClosed(w), waitMs), "close");
            w.App = null;
        }

        private static void FourWayClose(ScenarioWorld w) => CloseFromA(w, 200, 4 * MslMs);

        private static void TimeWait2Msl(ScenarioWorld w) => CloseFromA(w, 20, 4 * MslMs);

        private static void FinAckInFinWait1(ScenarioWorld w)
        {
            // B acknowledges A's FIN at once and closes in the same turn; the script loses that
            // pure ACK, so the first acknowledgment of A's FIN that reaches A rides on B's FIN.
            bool dropped = false;
            w.Drop = (node, s) =>
            {
                if (!dropped && node == 1 && w.StateB == "CLOSE_WAIT" && s.Flags == 0x10 && s.Length == 0)
                {
                    dropped = true;
                    return true;
                }
                return false;
            };
            CloseFromA(w, 0, 4 * MslMs);
        }

        private static void LostFinalAck(ScenarioWorld w)
        {
            bool dropped = false;
            w.Drop = (node, s) =>
            {
                // A's ACK of B's FIN: A is in TIME_WAIT and sends a pure ACK.
                if (!dropped && node == 0 && w.StateA == "TIME_WAIT" && s.Flags == 0x10 && s.Length == 0)
                {
                    dropped = true;
                    return true;
                }
                return false;
            };
            CloseFromA(w, 200, 6 * MslMs);
        }

        private static void SynReceivedNoAck(ScenarioWorld w)
        {
            int l = Listen(w);
            // Everything A sends after its SYN is lost: B never sees the handshake's ACK.
            w.Drop = (node, s) => node == 0 && !s.Syn;
            w.A.Tcp.Connect(ScenarioWorld.IpA, ScenarioWorld.IpB, PortB, PortA);
            w.App = () => w.B.Tcp.Accept(l);
            Require(w.RunUntil(() => w.Events.Exists(e => !e.IsSegment && e.Node == "B" && e.FromState == "SYN_RECEIVED"), 120000), "B gives up the half-open connection");
            w.App = null;
            w.RunFor(100);
        }

        private static void SimultaneousOpen(ScenarioWorld w)
        {
            int a = w.A.Tcp.Connect(ScenarioWorld.IpA, ScenarioWorld.IpB, PortB, PortA);
            int b = w.B.Tcp.Connect(ScenarioWorld.IpB, ScenarioWorld.IpA, PortA, PortB);
            Require(a > 0 && b > 0, "both connects");
            Require(w.RunUntil(() => w.A.Tcp.GetState(a) == TcpState.Established && w.B.Tcp.GetState(b) == TcpState.Established, 10000), "simultaneous open");
            w.RunFor(100);
        }

        private static void SimultaneousClose(ScenarioWorld w)
        {
            (int a, int b) = Connect(w);
            w.RunFor(10);
            w.A.Tcp.Close(a);
            w.B.Tcp.Close(b);
            Require(w.RunUntil(() => BothClosed(w), 4 * MslMs), "simultaneous close");
        }

        private static void HalfClose(ScenarioWorld w)
        {
            (int a, int b) = Connect(w);
            byte[] request = Encoding.ASCII.GetBytes("GET /report HTTP/1.0\r\n\r\n");
            w.A.Tcp.Send(a, request, 0, request.Length);
            w.A.Tcp.Shutdown(a); // A: no more to say, but still listening
            byte[] answer = new byte[600];
            int chunks = 0;
            long nextAt = -1;
            bool aDone = false, bDone = false;
            w.App = () =>
            {
                if (!aDone && Drain(w.A.Tcp, a)) { w.A.Tcp.Close(a); aDone = true; }
                if (bDone) return;
                if (nextAt < 0 && Drain(w.B.Tcp, b)) nextAt = w.Lan.NowMs + 50;
                if (nextAt >= 0 && w.Lan.NowMs >= nextAt)
                {
                    if (chunks < 3) { w.B.Tcp.Send(b, answer, 0, answer.Length); chunks++; nextAt = w.Lan.NowMs + 50; }
                    else { w.B.Tcp.Close(b); bDone = true; }
                }
            };
            Require(w.RunUntil(() => BothClosed(w), 4 * MslMs), "half close");
            w.App = null;
        }

        // ------------------------------------------------------------------ output

        private static string Ms(long ns) => (ns / 1_000_000).ToString(CultureInfo.InvariantCulture) + "." + (ns % 1_000_000 / 1000).ToString("D3", CultureInfo.InvariantCulture);

        private static string SegmentText(ScenarioEvent e) =>
            e.Flags + " seq=" + e.Seq.ToString(CultureInfo.InvariantCulture) + " ack=" + e.Ack.ToString(CultureInfo.InvariantCulture)
            + " len=" + e.Length.ToString(CultureInfo.InvariantCulture);

        /// <summary>The ladder diagram as text.</summary>
        public static string Ladder(ScenarioResult r)
        {
            const int StateWidth = 13;
            const int ArrowWidth = 46;
            var sb = new StringBuilder();
            sb.Append("scenario ").Append(r.Info.Name).Append(": ").AppendLine(r.Info.Summary);
            sb.Append("A = 192.0.2.1:").Append(r.PortA).Append("   B = 192.0.2.2:").Append(r.PortB)
              .Append("   MSL = ").Append(r.MslMs / 1000).Append(" s (TIME_WAIT lasts ").Append(2 * r.MslMs / 1000).AppendLine(" s)");
            sb.AppendLine("times: ms of virtual time since the start; seq/ack relative to each side's ISN; X = lost on the wire");
            sb.AppendLine();
            sb.Append("  time ms   ").Append("A".PadRight(StateWidth)).Append(' ').Append(new string(' ', ArrowWidth)).Append(' ').AppendLine("B");
            string left = r.Events.Count > 0 ? FirstState(r, "A") : "CLOSED";
            string right = r.Events.Count > 0 ? FirstState(r, "B") : "CLOSED";
            sb.Append(Ms(0).PadLeft(10)).Append("  ").Append(left.PadRight(StateWidth)).Append(' ').Append(new string(' ', ArrowWidth)).Append(' ').AppendLine(right);
            foreach (ScenarioEvent e in r.Events)
            {
                sb.Append(Ms(e.TimeNs).PadLeft(10)).Append("  ");
                if (!e.IsSegment)
                {
                    string change = e.FromState + " -> " + e.ToState;
                    if (e.Node == "A") sb.AppendLine(change);
                    else sb.Append(new string(' ', StateWidth + ArrowWidth + 2)).AppendLine(change);
                    continue;
                }
                string label = " " + SegmentText(e) + " ";
                string arrow;
                if (e.Node == "A")
                {
                    string body = "--" + label;
                    arrow = e.Dropped ? (body + "--X").PadRight(ArrowWidth) : body.PadRight(ArrowWidth - 1, '-') + ">";
                }
                else
                {
                    string body = label + "--";
                    arrow = e.Dropped ? ("X--" + body).PadLeft(ArrowWidth) : "<" + body.PadLeft(ArrowWidth - 1, '-');
                }
                sb.Append(e.StateA.PadRight(StateWidth)).Append(' ').Append(arrow).Append(' ').AppendLine(e.StateB);
            }
            return sb.ToString();
        }

        private static string FirstState(ScenarioResult r, string node)
        {
            foreach (ScenarioEvent e in r.Events)
            {
                if (!e.IsSegment && e.Node == node) return e.FromState;
                if (e.IsSegment) return node == "A" ? e.StateA : e.StateB;
            }
            return node == "A" ? r.Events[^1].StateA : r.Events[^1].StateB;
        }

        private static string Json(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

        private static string JsonTime(long ns) => Ms(ns);

        /// <summary>One JSON object per line: state changes and segments.</summary>
        public static string EventsJson(ScenarioResult r)
        {
            var sb = new StringBuilder();
            foreach (ScenarioEvent e in r.Events)
            {
                if (e.IsSegment)
                {
                    sb.Append("{\"t\":").Append(JsonTime(e.TimeNs)).Append(",\"event\":\"segment\",\"from\":").Append(Json(e.Node))
                      .Append(",\"to\":").Append(Json(e.To)).Append(",\"flags\":").Append(Json(e.Flags))
                      .Append(",\"seq\":").Append(e.Seq.ToString(CultureInfo.InvariantCulture))
                      .Append(",\"ack\":").Append(e.Ack.ToString(CultureInfo.InvariantCulture))
                      .Append(",\"len\":").Append(e.Length.ToString(CultureInfo.InvariantCulture))
                      .Append(",\"dropped\":").Append(e.Dropped ? "true" : "false").Append("}\n");
                }
                else
                {
                    sb.Append("{\"t\":").Append(JsonTime(e.TimeNs)).Append(",\"node\":").Append(Json(e.Node))
                      .Append(",\"event\":\"state\",\"conn\":").Append(e.Connection.ToString(CultureInfo.InvariantCulture))
                      .Append(",\"from\":").Append(Json(e.FromState)).Append(",\"to\":").Append(Json(e.ToState))
                      .Append(",\"cause\":").Append(Json(e.Cause)).Append("}\n");
                }
            }
            return sb.ToString();
        }

        private static string Xml(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

        /// <summary>The ladder as an SVG image: two lifelines with their states, arrows for segments.</summary>
        public static string Svg(ScenarioResult r)
        {
            const int xa = 230, xb = 650, top = 90, row = 30, width = 900;
            int rows = r.Events.Count + 2;
            int height = top + rows * row + 40;
            var sb = new StringBuilder();
            sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(width).Append("\" height=\"").Append(height)
              .Append("\" font-family=\"monospace\" font-size=\"13\">\n");
            sb.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
            sb.Append("<defs><marker id=\"arrow\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" fill=\"#222\"/></marker></defs>\n");
            sb.Append("<text x=\"20\" y=\"24\" font-size=\"16\" font-weight=\"bold\">").Append(Xml(r.Info.Name)).Append("</text>\n");
            sb.Append("<text x=\"20\" y=\"44\">").Append(Xml(r.Info.Summary)).Append("</text>\n");
            sb.Append("<text x=\"").Append(xa - 40).Append("\" y=\"72\" font-weight=\"bold\">A 192.0.2.1:").Append(r.PortA).Append("</text>\n");
            sb.Append("<text x=\"").Append(xb - 40).Append("\" y=\"72\" font-weight=\"bold\">B 192.0.2.2:").Append(r.PortB).Append("</text>\n");
            sb.Append("<text x=\"20\" y=\"72\" fill=\"#666\">time (ms)</text>\n");
            int bottom = top + rows * row;
            sb.Append("<line x1=\"").Append(xa).Append("\" y1=\"").Append(top - 10).Append("\" x2=\"").Append(xa).Append("\" y2=\"").Append(bottom).Append("\" stroke=\"#888\" stroke-width=\"2\"/>\n");
            sb.Append("<line x1=\"").Append(xb).Append("\" y1=\"").Append(top - 10).Append("\" x2=\"").Append(xb).Append("\" y2=\"").Append(bottom).Append("\" stroke=\"#888\" stroke-width=\"2\"/>\n");
            void State(int x, int y, string text, bool left)
            {
                int w = text.Length * 8 + 10;
                int rx = left ? x - w - 6 : x + 6;
                sb.Append("<rect x=\"").Append(rx).Append("\" y=\"").Append(y - 14).Append("\" width=\"").Append(w).Append("\" height=\"20\" rx=\"4\" fill=\"#e8f0ff\" stroke=\"#4060a0\"/>\n");
                sb.Append("<text x=\"").Append(rx + 5).Append("\" y=\"").Append(y).Append("\" fill=\"#203060\">").Append(Xml(text)).Append("</text>\n");
            }
            int y0 = top + 10;
            State(xa, y0, r.Events.Count > 0 ? FirstState(r, "A") : "CLOSED", true);
            State(xb, y0, r.Events.Count > 0 ? FirstState(r, "B") : "CLOSED", false);
            for (int i = 0; i < r.Events.Count; i++)
            {
                ScenarioEvent e = r.Events[i];
                int y = top + (i + 1) * row + 10;
                sb.Append("<text x=\"20\" y=\"").Append(y).Append("\" fill=\"#666\">").Append(Ms(e.TimeNs)).Append("</text>\n");
                if (!e.IsSegment)
                {
                    State(e.Node == "A" ? xa : xb, y, e.ToState, e.Node == "A");
                    continue;
                }
                int x1 = e.Node == "A" ? xa : xb;
                int x2 = e.Node == "A" ? xb : xa;
                int y1 = y - 8, y2 = y + row - 8;
                if (e.Dropped)
                {
                    int xm = (x1 + x2) / 2, ym = (y1 + y2) / 2;
                    sb.Append("<line x1=\"").Append(x1).Append("\" y1=\"").Append(y1).Append("\" x2=\"").Append(xm).Append("\" y2=\"").Append(ym).Append("\" stroke=\"#c00\" stroke-width=\"1.5\" stroke-dasharray=\"6,4\"/>\n");
                    sb.Append("<text x=\"").Append(xm - 6).Append("\" y=\"").Append(ym + 5).Append("\" fill=\"#c00\" font-size=\"18\" font-weight=\"bold\">X</text>\n");
                }
                else
                {
                    sb.Append("<line x1=\"").Append(x1).Append("\" y1=\"").Append(y1).Append("\" x2=\"").Append(x2).Append("\" y2=\"").Append(y2).Append("\" stroke=\"#222\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>\n");
                }
                sb.Append("<text x=\"").Append((xa + xb) / 2).Append("\" y=\"").Append(y - 12).Append("\" text-anchor=\"middle\"").Append(e.Dropped ? " fill=\"#c00\"" : "").Append('>')
                  .Append(Xml(SegmentText(e) + (e.Dropped ? " (lost)" : ""))).Append("</text>\n");
            }
            sb.Append("</svg>\n");
            return sb.ToString();
        }
    }
}
