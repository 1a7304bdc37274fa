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
                if (path.Count == 0)
                {
                    path.Add(e.FromState);
                }

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
                w.Finish();
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
            w.App = () => { if (b <= 0) { b = w.B.Tcp.Accept(l); } };
            Require(w.RunUntil(() => b > 0 && w.A.Tcp.GetState(a) == TcpState.Established, 5000), "handshake");
            w.App = null;
            return (a, b);
        }

        private static void Require(bool ok, string what)
        {
            if (!ok)
            {
                throw new InvalidOperationException("scenario step did not complete: " + what);
            }
        }

        private static bool BothClosed(ScenarioWorld w) => w.StateA == "CLOSED" && w.StateB == "CLOSED";

        /// <summary>Reads and throws away what arrived; returns true at end of stream.</summary>
        private static bool Drain(TcpStack tcp, int h)
        {
            var buf = new byte[2048];
            for (; ; )
            {
                int n = tcp.Receive(h, buf, 0, buf.Length);
                if (n == NetError.EndOfStream)
                {
                    return true;
                }

                if (n <= 0)
                {
                    return false;
                }
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
                if (bClosed)
                {
                    return;
                }

                if (eofAt < 0 && Drain(w.B.Tcp, b))
                {
                    eofAt = w.Lan.NowMs;
                }

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
                if (bDone)
                {
                    return;
                }

                if (nextAt < 0 && Drain(w.B.Tcp, b))
                {
                    nextAt = w.Lan.NowMs + 50;
                }

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

        /// <summary>"FIN,ACK seq=1 ack=1 len=0": a segment's label.</summary>
        internal static string SegmentText(ScenarioEvent e) =>
            e.Flags + " seq=" + e.Seq.ToString(CultureInfo.InvariantCulture) + " ack=" + e.Ack.ToString(CultureInfo.InvariantCulture)
            + " len=" + e.Length.ToString(CultureInfo.InvariantCulture);

        private static LadderLayout Layout(ScenarioResult r) =>
            new LadderLayout(r, r.Events.Count > 0 ? FirstState(r, "A") : "CLOSED", r.Events.Count > 0 ? FirstState(r, "B") : "CLOSED");

        /// <summary>
        /// The ladder diagram as text, time-true: each segment runs from its send row on one
        /// lifeline to its arrival row on the other (see <see cref="LadderLayout"/>), so segments
        /// in flight at the same time cross; a lost one ends in X. The notes column says what
        /// happened on each row.
        /// </summary>
        public static string Ladder(ScenarioResult r)
        {
            const int StateWidth = 13;
            const int Wire = 44;
            LadderLayout layout = Layout(r);
            var sb = new StringBuilder();
            sb.Append("scenario ").Append(r.Info.Name).Append(": ").AppendLine(r.Info.Summary);
            sb.Append("A = 192.0.2.1:").Append(r.PortA).Append("   B = 192.0.2.2:").Append(r.PortB)
              .Append("   MSL = ").Append(r.MslMs / 1000).Append(" s (TIME_WAIT lasts ").Append(2 * r.MslMs / 1000).AppendLine(" s)");
            sb.AppendLine("times: ms of virtual time since the start; seq/ack relative to each side's ISN; X = lost on the wire");
            sb.Append("each segment runs from its send time to its arrival time (segments in flight together cross);")
              .AppendLine(" the axis is not to scale: longer gaps take more rows, idle stretches over "
                + LadderLayout.Duration(LadderLayout.IdleBreakNs) + " are cut (~3.9 s)");
            sb.AppendLine();

            // The wire, one char array per row; crossings where two segments share a cell show '+'.
            var cells = new char[layout.Rows.Count][];
            for (int i = 0; i < cells.Length; i++)
            {
                cells[i] = new string(' ', Wire).ToCharArray();
            }

            foreach (LadderLayout.Line line in layout.Lines)
            {
                bool right = line.Segment.Node == "A";
                int steps = line.ToRow - line.FromRow + 1;
                int reach = (int)Math.Round(Wire * line.Reach);
                for (int k = 0; k < steps; k++)
                {
                    int from = reach * k / steps, to = reach * (k + 1) / steps;
                    char[] row = cells[line.FromRow + k];
                    for (int c = from; c < to; c++)
                    {
                        int x = right ? c : Wire - 1 - c;
                        bool last = k == steps - 1;
                        // Runs join like a staircase: a row's run ends in '.', the next row's starts
                        // with '`' (going right) or '\'' (going left), so crossing lines read as an X.
                        char ch = last && c == to - 1 ? (line.InFlight ? '-' : line.Segment.Dropped ? 'X' : right ? '>' : '<')
                            : !last && c == to - 1 ? '.'
                            : k > 0 && c == from ? (right ? '`' : '\'')
                            : '-';
                        row[x] = ch == '-' && row[x] != ' ' ? (row[x] == '-' ? '+' : row[x]) : ch;
                    }
                }
            }

            sb.Append("  time ms   ").Append("A".PadRight(StateWidth)).Append(' ').Append(new string(' ', Wire + 2)).Append(' ').AppendLine("B");
            sb.Append(Ms(0).PadLeft(10)).Append("  ").Append(layout.FirstA.PadRight(StateWidth)).Append(" |").Append(new string(' ', Wire)).Append("| ").AppendLine(layout.FirstB);
            string printed = Ms(0);
            for (int i = 0; i < layout.Rows.Count; i++)
            {
                LadderLayout.Row row = layout.Rows[i];
                var line = new StringBuilder();
                if (row.IdleNs > 0)
                {
                    string mark = "~" + LadderLayout.Duration(row.IdleNs);
                    string centre = "... " + LadderLayout.Duration(row.IdleNs) + " idle ...";
                    int pad = (Wire - centre.Length) / 2;
                    string wire = (new string(' ', pad) + centre).PadRight(Wire);
                    for (int c = 0; c < Wire; c++)
                    {
                        if (cells[i][c] != ' ')
                        {
                            wire = wire.Remove(c, 1).Insert(c, cells[i][c].ToString());
                        }
                    }

                    line.Append(mark.PadLeft(10)).Append("  ").Append(new string(' ', StateWidth)).Append(" ~").Append(wire).Append('~');
                }
                else
                {
                    bool instant = row.TimeNs >= 0;
                    // Two instants less than a microsecond apart print the same time: print it once.
                    string time = row.FirstOfInstant && Ms(row.TimeNs) != printed ? Ms(row.TimeNs) : "";
                    if (time.Length > 0)
                    {
                        printed = time;
                    }

                    line.Append(time.PadLeft(10)).Append("  ")
                        .Append((instant ? row.StateA : "").PadRight(StateWidth)).Append(" |").Append(cells[i]).Append("| ")
                        .Append((instant ? row.StateB : "").PadRight(StateWidth));
                    if (row.Note != null)
                    {
                        line.Append("  ").Append(row.Note);
                    }
                }

                sb.AppendLine(line.ToString().TrimEnd());
            }

            return sb.ToString();
        }

        private static string FirstState(ScenarioResult r, string node)
        {
            foreach (ScenarioEvent e in r.Events)
            {
                if (!e.IsSegment && e.Node == node)
                {
                    return e.FromState;
                }

                if (e.IsSegment)
                {
                    return node == "A" ? e.StateA : e.StateB;
                }
            }
            return node == "A" ? r.Events[^1].StateA : r.Events[^1].StateB;
        }

        private static string Json(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

        private static string JsonTime(long ns) => Ms(ns);

        private static string JsonTimeOrNull(long ns) => ns < 0 ? "null" : Ms(ns);

        /// <summary>
        /// One JSON object per line: state changes and segments. A segment carries "sent" (the
        /// same as "t"), "arrived" (null if it never did) and "dropped_at" (null unless lost).
        /// </summary>
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
                      .Append(",\"dropped\":").Append(e.Dropped ? "true" : "false")
                      .Append(",\"sent\":").Append(JsonTime(e.SentNs))
                      .Append(",\"arrived\":").Append(JsonTimeOrNull(e.ArrivedNs))
                      .Append(",\"dropped_at\":").Append(JsonTimeOrNull(e.DroppedAtNs)).Append("}\n");
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

        private static string Xml(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

        private static string Num(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

        /// <summary>
        /// The ladder as an SVG image, time-true like <see cref="Ladder"/>: two lifelines with
        /// their states, a line per segment from its send time to its arrival time (class
        /// "segment", with data-from/flags/seq/ack/sent/arrived), an X (class "drop-x") where a
        /// lost one ends, and a break in the lifelines (class "idle-break") for each idle stretch cut.
        /// </summary>
        public static string Svg(ScenarioResult r)
        {
            const int xa = 230, xb = 650, top = 110, row = 20, width = 900;
            LadderLayout layout = Layout(r);
            int height = top + layout.Rows.Count * row + 40;
            double Y(int i) => top + i * row;
            var sb = new StringBuilder();
            sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(width).Append("\" height=\"").Append(height)
              .Append("\" font-family=\"monospace\" font-size=\"13\">\n");
            sb.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
            sb.Append("<defs><marker id=\"arrow\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" fill=\"#222\"/></marker></defs>\n");
            sb.Append("<text x=\"20\" y=\"24\" font-size=\"16\" font-weight=\"bold\">").Append(Xml(r.Info.Name)).Append("</text>\n");
            sb.Append("<text x=\"20\" y=\"44\">").Append(Xml(r.Info.Summary)).Append("</text>\n");
            sb.Append("<text x=\"20\" y=\"62\" fill=\"#666\" font-size=\"11\">").Append(Xml("each segment runs from its send time to its arrival time; the axis is not to scale: longer gaps take more room, idle stretches over "
                + LadderLayout.Duration(LadderLayout.IdleBreakNs) + " are cut (\u2248)")).Append("</text>\n");
            sb.Append("<text x=\"").Append(xa - 40).Append("\" y=\"82\" font-weight=\"bold\">A 192.0.2.1:").Append(r.PortA).Append("</text>\n");
            sb.Append("<text x=\"").Append(xb - 40).Append("\" y=\"82\" font-weight=\"bold\">B 192.0.2.2:").Append(r.PortB).Append("</text>\n");
            sb.Append("<text x=\"20\" y=\"82\" fill=\"#666\">time (ms)</text>\n");

            // Lifelines, broken where an idle stretch is cut.
            double bottom = Y(layout.Rows.Count);
            double from = top - 20;
            void Lifelines(double y1, double y2)
            {
                foreach (int x in new[] { xa, xb })
                {
                    sb.Append("<line class=\"lifeline\" x1=\"").Append(x).Append("\" y1=\"").Append(Num(y1)).Append("\" x2=\"").Append(x).Append("\" y2=\"").Append(Num(y2)).Append("\" stroke=\"#888\" stroke-width=\"2\"/>\n");
                }
            }

            for (int i = 0; i < layout.Rows.Count; i++)
            {
                long idle = layout.Rows[i].IdleNs;
                if (idle <= 0)
                {
                    continue;
                }

                double y = Y(i);
                Lifelines(from, y - 7);
                string text = "\u2026 " + LadderLayout.Duration(idle) + " \u2026";
                sb.Append("<g class=\"idle-break\" data-idle-ms=\"").Append(Ms(idle)).Append("\">");
                foreach (int x in new[] { xa, xb })
                {
                    sb.Append("<path d=\"M").Append(x - 8).Append(',').Append(Num(y - 3)).Append(" l16,-6 M").Append(x - 8).Append(',').Append(Num(y + 5)).Append(" l16,-6\" stroke=\"#888\" stroke-width=\"2\"/>");
                }
                sb.Append("<text x=\"20\" y=\"").Append(Num(y + 4)).Append("\" fill=\"#666\">").Append(Xml(text)).Append("</text>");
                sb.Append("<text x=\"").Append((xa + xb) / 2).Append("\" y=\"").Append(Num(y + 4)).Append("\" fill=\"#999\" text-anchor=\"middle\">").Append(Xml(text.Replace(" \u2026", " idle \u2026"))).Append("</text></g>\n");
                from = y + 7;
            }

            Lifelines(from, bottom);

            void State(int x, double y, string text, bool left)
            {
                int w = text.Length * 8 + 10;
                int rx = left ? x - w - 6 : x + 6;
                sb.Append("<rect x=\"").Append(rx).Append("\" y=\"").Append(Num(y - 14)).Append("\" width=\"").Append(w).Append("\" height=\"18\" rx=\"4\" fill=\"#e8f0ff\" stroke=\"#4060a0\"/>\n");
                sb.Append("<text x=\"").Append(rx + 5).Append("\" y=\"").Append(Num(y)).Append("\" fill=\"#203060\">").Append(Xml(text)).Append("</text>\n");
            }

            string printedTime = null;
            State(xa, top - 14, layout.FirstA, true);
            State(xb, top - 14, layout.FirstB, false);
            for (int i = 0; i < layout.Rows.Count; i++)
            {
                LadderLayout.Row rw = layout.Rows[i];
                if (rw.FirstOfInstant && Ms(rw.TimeNs) != printedTime)
                {
                    printedTime = Ms(rw.TimeNs); // instants under a microsecond apart share one label
                    sb.Append("<text class=\"time\" x=\"20\" y=\"").Append(Num(Y(i) + 4)).Append("\" fill=\"#666\">").Append(Ms(rw.TimeNs)).Append("</text>\n");
                }

                if (rw.StateNode != null)
                {
                    State(rw.StateNode == "A" ? xa : xb, Y(i) + 4, rw.NewState, rw.StateNode == "A");
                }
            }

            foreach (LadderLayout.Line line in layout.Lines)
            {
                ScenarioEvent e = line.Segment;
                int x1 = e.Node == "A" ? xa : xb;
                int x2full = e.Node == "A" ? xb : xa;
                double x2 = x1 + (x2full - x1) * line.Reach;
                double y1 = Y(line.FromRow), y2 = Y(line.ToRow);
                string style = e.Dropped ? " stroke=\"#c00\" stroke-width=\"1.5\" stroke-dasharray=\"6,4\""
                    : line.InFlight ? " stroke=\"#222\" stroke-width=\"1.5\" stroke-dasharray=\"2,3\""
                    : " stroke=\"#222\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"";
                sb.Append("<line class=\"segment").Append(e.Dropped ? " lost" : "").Append("\" data-from=\"").Append(e.Node).Append("\" data-flags=\"").Append(Xml(e.Flags))
                  .Append("\" data-seq=\"").Append(e.Seq.ToString(CultureInfo.InvariantCulture)).Append("\" data-ack=\"").Append(e.Ack.ToString(CultureInfo.InvariantCulture))
                  .Append("\" data-sent=\"").Append(Ms(e.SentNs)).Append('"');
                if (e.ArrivedNs >= 0)
                {
                    sb.Append(" data-arrived=\"").Append(Ms(e.ArrivedNs)).Append('"');
                }

                if (e.DroppedAtNs >= 0)
                {
                    sb.Append(" data-dropped-at=\"").Append(Ms(e.DroppedAtNs)).Append('"');
                }

                sb.Append(" x1=\"").Append(x1).Append("\" y1=\"").Append(Num(y1)).Append("\" x2=\"").Append(Num(x2)).Append("\" y2=\"").Append(Num(y2)).Append('"').Append(style).Append("/>\n");
                if (e.Dropped)
                {
                    sb.Append("<path class=\"drop-x\" data-x=\"").Append(Num(x2)).Append("\" data-y=\"").Append(Num(y2)).Append("\" d=\"M").Append(Num(x2 - 7)).Append(',').Append(Num(y2 - 7)).Append(" L").Append(Num(x2 + 7)).Append(',').Append(Num(y2 + 7))
                      .Append(" M").Append(Num(x2 - 7)).Append(',').Append(Num(y2 + 7)).Append(" L").Append(Num(x2 + 7)).Append(',').Append(Num(y2 - 7)).Append("\" stroke=\"#c00\" stroke-width=\"3\"/>\n");
                }

                // The label sits just above the line's start, on the sender's side, so two segments sent together do not overlap.
                bool left = e.Node == "A";
                sb.Append("<text x=\"").Append(left ? xa + 8 : xb - 8).Append("\" y=\"").Append(Num(y1 - 4)).Append("\" font-size=\"12\" text-anchor=\"").Append(left ? "start" : "end").Append('"')
                  .Append(e.Dropped ? " fill=\"#c00\"" : "").Append('>').Append(Xml(SegmentText(e) + (e.Dropped ? " (lost)" : ""))).Append("</text>\n");
            }

            sb.Append("</svg>\n");
            return sb.ToString();
        }
    }
}
