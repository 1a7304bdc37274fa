using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Xml.Linq;
using EmbeddedTcp.Sim;
using EmbeddedTcp.Tests.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Sim
{
    /// <summary>
    /// Runs every scenario through the tool's command line in-process, reads the state paths
    /// back from --events-json and compares them with RFC 9293's diagram.
    /// </summary>
    public class ScenarioTests
    {
        private readonly ITestOutputHelper _output;
        public ScenarioTests(ITestOutputHelper output) { _output = output; }

        private const string Open = "CLOSED SYN_SENT ESTABLISHED";
        private const string Passive = "LISTEN SYN_RECEIVED ESTABLISHED";

        public static IEnumerable<object[]> Expected() => new[]
        {
            new object[] { "three-way-handshake", Open, Passive },
            new object[] { "four-way-close", Open + " FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED", Passive + " CLOSE_WAIT LAST_ACK CLOSED" },
            new object[] { "simultaneous-open", "CLOSED SYN_SENT SYN_RECEIVED ESTABLISHED", "CLOSED SYN_SENT SYN_RECEIVED ESTABLISHED" },
            new object[] { "simultaneous-close", Open + " FIN_WAIT_1 CLOSING TIME_WAIT CLOSED", Passive + " FIN_WAIT_1 CLOSING TIME_WAIT CLOSED" },
            new object[] { "fin-ack-in-fin-wait-1", Open + " FIN_WAIT_1 TIME_WAIT CLOSED", Passive + " CLOSE_WAIT LAST_ACK CLOSED" },
            new object[] { "time-wait-2msl", Open + " FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED", Passive + " CLOSE_WAIT LAST_ACK CLOSED" },
            new object[] { "lost-final-ack", Open + " FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED", Passive + " CLOSE_WAIT LAST_ACK CLOSED" },
            // The half-open entry born from the listener goes back to LISTEN when B gives up.
            new object[] { "syn-received-no-ack", Open, "LISTEN SYN_RECEIVED LISTEN" },
            new object[] { "half-close", Open + " FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED", Passive + " CLOSE_WAIT LAST_ACK CLOSED" },
        };

        private sealed class Ev
        {
            public double T;
            public string Event, Node, From, To, Flags;
            public long Seq, Ack, Len;
            public bool Dropped;
            public double Sent;
            public double? Arrived, DroppedAt;
        }

        private static double? TimeOrNull(JsonElement r, string name) =>
            r.GetProperty(name).ValueKind == JsonValueKind.Null ? null : r.GetProperty(name).GetDouble();

        private static List<Ev> ReadEvents(string path)
        {
            var list = new List<Ev>();
            foreach (string line in File.ReadAllLines(path))
            {
                using JsonDocument d = JsonDocument.Parse(line);
                JsonElement r = d.RootElement;
                var e = new Ev { T = r.GetProperty("t").GetDouble(), Event = r.GetProperty("event").GetString() };
                if (e.Event == "state")
                {
                    e.Node = r.GetProperty("node").GetString();
                    e.From = r.GetProperty("from").GetString();
                    e.To = r.GetProperty("to").GetString();
                    Assert.True(r.GetProperty("conn").GetInt32() >= 0);
                }
                else
                {
                    Assert.Equal("segment", e.Event);
                    e.From = r.GetProperty("from").GetString();
                    e.To = r.GetProperty("to").GetString();
                    e.Flags = r.GetProperty("flags").GetString();
                    e.Seq = r.GetProperty("seq").GetInt64();
                    e.Ack = r.GetProperty("ack").GetInt64();
                    e.Len = r.GetProperty("len").GetInt64();
                    e.Dropped = r.GetProperty("dropped").GetBoolean();
                    e.Sent = r.GetProperty("sent").GetDouble();
                    e.Arrived = TimeOrNull(r, "arrived");
                    e.DroppedAt = TimeOrNull(r, "dropped_at");
                }
                list.Add(e);
            }
            return list;
        }

        private static string Path(List<Ev> events, string node)
        {
            var p = new List<string>();
            foreach (Ev e in events.Where(e => e.Event == "state" && e.Node == node))
            {
                if (p.Count == 0)
                {
                    p.Add(e.From);
                }
                else
                {
                    Assert.Equal(p[^1], e.From); // each change starts where the last one ended
                }

                p.Add(e.To);
            }
            return string.Join(" ", p);
        }

        private (int code, string stdout, string stderr) Sim(params string[] args)
        {
            var o = new StringWriter();
            var e = new StringWriter();
            int code = Program.Run(args, o, e);
            return (code, o.ToString(), e.ToString());
        }

        private static string Temp(string ext) => System.IO.Path.Combine(System.IO.Path.GetTempPath(), "etcp-sim-" + Guid.NewGuid().ToString("N") + ext);

        private List<Ev> RunScenario(string name, params string[] extra)
        {
            string json = Temp(".jsonl");
            try
            {
                var (code, stdout, stderr) = Sim(new[] { "scenario", name, "--events-json", json }.Concat(extra).ToArray());
                Assert.True(code == 0, stderr);
                Assert.Contains("scenario " + name, stdout);
                return ReadEvents(json);
            }
            finally
            {
                File.Delete(json);
            }
        }

        [Theory]
        [MemberData(nameof(Expected))]
        public void StatePathsOfBothEndsAreTheRfcs(string name, string a, string b)
        {
            List<Ev> events = RunScenario(name);
            Assert.Equal(a, Path(events, "A"));
            Assert.Equal(b, Path(events, "B"));
            Assert.Contains(events, e => e.Event == "segment");
            Assert.True(events.Zip(events.Skip(1), (x, y) => x.T <= y.T).All(ok => ok), "events in time order");
        }

        [Fact]
        public void ThreeWayHandshakeIsSynSynAckAck()
        {
            var segs = RunScenario("three-way-handshake").Where(e => e.Event == "segment").ToList();
            Assert.Equal(new[] { "A>B SYN 0/0", "B>A SYN,ACK 0/1", "A>B ACK 1/1" },
                segs.Select(s => s.From + ">" + s.To + " " + s.Flags + " " + s.Seq + "/" + s.Ack));
        }

        [Fact]
        public void FinAckInFinWait1ArrivesAsOneSegment()
        {
            List<Ev> events = RunScenario("fin-ack-in-fin-wait-1");
            int i = events.FindIndex(e => e.Event == "state" && e.Node == "A" && e.From == "FIN_WAIT_1" && e.To == "TIME_WAIT");
            Ev last = events.Take(i).Last(e => e.Event == "segment" && e.From == "B" && !e.Dropped);
            Assert.Equal("FIN,ACK", last.Flags);
            Assert.Equal(2, last.Ack); // acknowledges A's FIN (seq 1)
        }

        [Fact]
        public void TimeWaitLastsTwoMsl()
        {
            List<Ev> events = RunScenario("time-wait-2msl");
            Ev enter = events.Single(e => e.Event == "state" && e.Node == "A" && e.To == "TIME_WAIT");
            Ev leave = events.Single(e => e.Event == "state" && e.Node == "A" && e.From == "TIME_WAIT");
            Assert.InRange(leave.T - enter.T, 2 * Scenarios.MslMs - 1, 2 * Scenarios.MslMs + 1);
        }

        [Fact]
        public void LostFinalAckIsAnsweredByARetransmittedFin()
        {
            List<Ev> events = RunScenario("lost-final-ack");
            var segs = events.Where(e => e.Event == "segment").ToList();
            Assert.Single(segs, s => s.Dropped);
            Assert.Equal(2, segs.Count(s => s.From == "B" && s.Flags.Contains("FIN")));
            Ev reAck = segs.Last(s => s.From == "A");
            Assert.False(reAck.Dropped);
            Assert.Equal("ACK", reAck.Flags);
        }

        [Fact]
        public void SynReceivedRetransmitsSynAckThenGivesUp()
        {
            var segs = RunScenario("syn-received-no-ack").Where(e => e.Event == "segment").ToList();
            Assert.Equal(1 + new EmbeddedTcp.Tcp.TcpConfig().MaxSynAckRetries, segs.Count(s => s.From == "B" && s.Flags == "SYN,ACK"));
            Assert.All(segs.Where(s => s.From == "A" && s.Flags != "SYN"), s => Assert.True(s.Dropped));
        }

        [Fact]
        public void HalfCloseStillReceivesDataInFinWait2()
        {
            List<Ev> events = RunScenario("half-close");
            int fw2 = events.FindIndex(e => e.Event == "state" && e.Node == "A" && e.To == "FIN_WAIT_2");
            int tw = events.FindIndex(e => e.Event == "state" && e.Node == "A" && e.To == "TIME_WAIT");
            Assert.Equal(3, events.Skip(fw2).Take(tw - fw2).Count(e => e.Event == "segment" && e.From == "B" && e.Len == 600));
        }

        [Fact]
        public void TheSameSeedGivesIdenticalEventFilesAndPcaps()
        {
            string j1 = Temp(".jsonl"), j2 = Temp(".jsonl"), p1 = Temp(".pcap"), p2 = Temp(".pcap"), p3 = Temp(".pcap");
            try
            {
                foreach (var (j, p, seed) in new[] { (j1, p1, "7"), (j2, p2, "7") })
                {
                    Assert.Equal(0, Sim("scenario", "lost-final-ack", "--seed", seed, "--events-json", j, "--pcap", p).code);
                }
                Assert.Equal(File.ReadAllBytes(j1), File.ReadAllBytes(j2));
                Assert.Equal(File.ReadAllBytes(p1), File.ReadAllBytes(p2));
                // The seed matters: another seed picks other ISNs (the pcap shows absolute numbers).
                Assert.Equal(0, Sim("scenario", "lost-final-ack", "--seed", "8", "--pcap", p3).code);
                Assert.NotEqual(File.ReadAllBytes(p1), File.ReadAllBytes(p3));
            }
            finally
            {
                foreach (string f in new[] { j1, j2, p1, p2, p3 })
                {
                    File.Delete(f);
                }
            }
        }

        [Fact]
        public void SvgIsWellFormedAndShowsStatesOnBothLifelines()
        {
            string svg = Temp(".svg");
            try
            {
                Assert.Equal(0, Sim("scenario", "simultaneous-close", "--svg", svg).code);
                XDocument doc = XDocument.Parse(File.ReadAllText(svg));
                Assert.Equal("svg", doc.Root.Name.LocalName);
                var texts = doc.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
                Assert.Equal(2, texts.Count(t => t == "CLOSING"));
                Assert.Contains(texts, t => t.StartsWith("FIN,ACK", StringComparison.Ordinal));
            }
            finally
            {
                File.Delete(svg);
            }
        }

        // ------------------------------------------------------------------ time-true ladders

        /// <summary>A segment's line in the SVG, with the times it carries.</summary>
        private sealed class SvgLine
        {
            public string From, Flags, Class;
            public double X1, Y1, X2, Y2, Sent;
            public double? Arrived, DroppedAt;
        }

        private static double Attr(XElement e, string name) => double.Parse(e.Attribute(name).Value, System.Globalization.CultureInfo.InvariantCulture);

        private static double? OptAttr(XElement e, string name) => e.Attribute(name) == null ? null : Attr(e, name);

        private (XDocument doc, List<SvgLine> lines, string ladder) Svg(string name)
        {
            string svg = Temp(".svg");
            try
            {
                var (code, stdout, stderr) = Sim("scenario", name, "--svg", svg);
                Assert.True(code == 0, stderr);
                XDocument doc = XDocument.Parse(File.ReadAllText(svg));
                var lines = doc.Descendants().Where(e => e.Name.LocalName == "line" && ((string)e.Attribute("class") ?? "").StartsWith("segment", StringComparison.Ordinal))
                    .Select(e => new SvgLine
                    {
                        From = (string)e.Attribute("data-from"),
                        Flags = (string)e.Attribute("data-flags"),
                        Class = (string)e.Attribute("class"),
                        X1 = Attr(e, "x1"),
                        Y1 = Attr(e, "y1"),
                        X2 = Attr(e, "x2"),
                        Y2 = Attr(e, "y2"),
                        Sent = Attr(e, "data-sent"),
                        Arrived = OptAttr(e, "data-arrived"),
                        DroppedAt = OptAttr(e, "data-dropped-at"),
                    }).ToList();
                return (doc, lines, stdout);
            }
            finally
            {
                File.Delete(svg);
            }
        }

        /// <summary>True when the two line segments cross at one point inside both.</summary>
        private static bool Intersect(SvgLine p, SvgLine q)
        {
            double Cross(double ax, double ay, double bx, double by, double cx, double cy) => (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
            double d1 = Cross(p.X1, p.Y1, p.X2, p.Y2, q.X1, q.Y1), d2 = Cross(p.X1, p.Y1, p.X2, p.Y2, q.X2, q.Y2);
            double d3 = Cross(q.X1, q.Y1, q.X2, q.Y2, p.X1, p.Y1), d4 = Cross(q.X1, q.Y1, q.X2, q.Y2, p.X2, p.Y2);
            return d1 * d2 < 0 && d3 * d4 < 0;
        }

        [Theory]
        [InlineData("simultaneous-close", "FIN")]
        [InlineData("simultaneous-open", "SYN")]
        public void CrossingSegmentsAreInFlightTogetherAndTheirLinesIntersect(string name, string flag)
        {
            var segs = RunScenario(name).Where(e => e.Event == "segment").ToList();
            Ev a = segs.First(s => s.From == "A" && s.Flags.Split(',').Contains(flag));
            Ev b = segs.First(s => s.From == "B" && s.Flags.Split(',').Contains(flag));
            Assert.NotNull(a.Arrived);
            Assert.NotNull(b.Arrived);
            // Both ends send before either receives: the picture the scenario is about.
            Assert.True(Math.Max(a.Sent, b.Sent) < Math.Min(a.Arrived.Value, b.Arrived.Value),
                $"A sent {a.Sent} arrived {a.Arrived}, B sent {b.Sent} arrived {b.Arrived}");

            var (_, lines, ladder) = Svg(name);
            SvgLine la = lines.First(l => l.From == "A" && l.Flags.Split(',').Contains(flag));
            SvgLine lb = lines.First(l => l.From == "B" && l.Flags.Split(',').Contains(flag));
            Assert.Equal((a.Sent, a.Arrived), (la.Sent, la.Arrived));
            Assert.Equal((b.Sent, b.Arrived), (lb.Sent, lb.Arrived));
            Assert.True(Intersect(la, lb), $"A ({la.X1},{la.Y1})-({la.X2},{la.Y2}) and B ({lb.X1},{lb.Y1})-({lb.X2},{lb.Y2}) do not cross");
            // The text ladder crosses them too: inside the wire, the two staircases meet back to
            // back ("..") on one row and have passed each other ("'`") on the next.
            var wires = ladder.Split('\n').Where(l => l.Count(c => c == '|') == 2)
                .Select(l => l.Substring(l.IndexOf('|') + 1, l.LastIndexOf('|') - l.IndexOf('|') - 1)).ToList();
            int meet = wires.FindIndex(w => w.Contains("..", StringComparison.Ordinal));
            Assert.True(meet >= 0, "no row where the staircases meet");
            Assert.Contains("'`", wires[meet + 1]);
            _output.WriteLine(ladder);
        }

        [Theory]
        [MemberData(nameof(Expected))]
        public void EverySegmentIsDrawnFromItsSendTimeToItsArrivalOnAMonotoneAxis(string name, string a, string b)
        {
            _ = a; _ = b;
            var segs = RunScenario(name).Where(e => e.Event == "segment").ToList();
            foreach (Ev s in segs)
            {
                Assert.Equal(s.T, s.Sent);
                Assert.True(s.Dropped ? s.Arrived == null && s.DroppedAt > s.Sent : s.DroppedAt == null && s.Arrived > s.Sent,
                    $"{s.From} {s.Flags} sent {s.Sent} arrived {s.Arrived} dropped {s.Dropped} at {s.DroppedAt}");
            }

            var (_, lines, _) = Svg(name);
            Assert.Equal(segs.Count, lines.Count);
            // Each line runs from the sender's lifeline downwards; later times are lower on the page.
            var points = new List<(double t, double y)>();
            foreach (SvgLine l in lines)
            {
                Assert.True(l.Y2 > l.Y1, $"{l.From} {l.Flags} at {l.Sent} does not go down");
                points.Add((l.Sent, l.Y1));
                points.Add((l.Arrived ?? l.DroppedAt.Value, l.Y2));
            }

            foreach (var p in points)
            {
                foreach (var q in points.Where(q => q.t > p.t))
                {
                    Assert.True(q.y > p.y, $"t={q.t} drawn at y={q.y}, not below t={p.t} at y={p.y}");
                }
            }
        }

        [Theory]
        [InlineData("lost-final-ack")]
        [InlineData("fin-ack-in-fin-wait-1")]
        public void ALostSegmentEndsInAnXWhereItWasDropped(string name)
        {
            Ev lost = RunScenario(name).Single(e => e.Event == "segment" && e.Dropped);
            var (doc, lines, ladder) = Svg(name);
            SvgLine line = lines.Single(l => l.Class.Split(' ').Contains("lost"));
            Assert.Equal((lost.From, lost.Flags, lost.Sent, lost.DroppedAt), (line.From, line.Flags, line.Sent, line.DroppedAt));
            Assert.Null(line.Arrived);
            // Half-way across the wire, not at either lifeline (the ends' x are where A and B's lines start).
            double xa = lines.Where(l => l.From == "A").Select(l => l.X1).First(), xb = lines.Where(l => l.From == "B").Select(l => l.X1).First();
            Assert.InRange(line.X2, Math.Min(xa, xb) + 1, Math.Max(xa, xb) - 1);
            XElement x = doc.Descendants().Single(e => e.Name.LocalName == "path" && (string)e.Attribute("class") == "drop-x");
            Assert.Equal((line.X2, line.Y2), (Attr(x, "data-x"), Attr(x, "data-y")));
            // The text ladder: the row that reports the loss holds the X inside the wire.
            string row = ladder.Split('\n').Single(l => l.Contains('|') && l.TrimEnd().EndsWith("lost on the wire", StringComparison.Ordinal));
            int bar = row.IndexOf('|');
            Assert.Contains('X', row.Substring(bar + 1, row.IndexOf('|', bar + 1) - bar - 1));
        }

        [Fact]
        public void TimeWaitIsCutToABreakMarkAndTheDiagramStaysShort()
        {
            List<Ev> events = RunScenario("time-wait-2msl");
            var (doc, lines, ladder) = Svg("time-wait-2msl");
            var breaks = doc.Descendants().Where(e => e.Name.LocalName == "g" && (string)e.Attribute("class") == "idle-break").ToList();
            double enter = events.Single(e => e.Event == "state" && e.Node == "A" && e.To == "TIME_WAIT").T;
            double leave = events.Single(e => e.Event == "state" && e.Node == "A" && e.From == "TIME_WAIT").T;
            // TIME_WAIT's quiet stretch is one break that says how long it was.
            XElement tw = breaks.Single(g => Attr(g, "data-idle-ms") > Scenarios.MslMs);
            Assert.InRange(Attr(tw, "data-idle-ms"), leave - enter - 1, leave - enter);
            Assert.Contains(tw.Descendants().Where(e => e.Name.LocalName == "text"), t => t.Value.Contains("4.0 s"));
            Assert.Contains("... 4.0 s idle ...", ladder);
            // Bounded: a few rows per event, not 4 s at the scale of a 67 µs flight.
            double height = Attr(doc.Root, "height");
            Assert.True(height <= 1200, "height " + height);
            double lastLineY = lines.Max(l => l.Y2);
            Assert.True(height - lastLineY <= 200, "the time after the last segment takes " + (height - lastLineY) + " px");
        }

        [Fact]
        public void ListNamesEveryScenarioAndAnUnknownNameFails()
        {
            var (code, stdout, _) = Sim("scenario", "list");
            Assert.Equal(0, code);
            foreach (object[] row in Expected())
            {
                Assert.Contains((string)row[0], stdout);
            }

            var bad = Sim("scenario", "no-such-story");
            Assert.NotEqual(0, bad.code);
            Assert.Single(bad.stderr.Trim().Split('\n'));
        }

        [SkippableFact]
        public void PcapsDecodeInTsharkWithoutMalformedFramesOrChecksumErrors()
        {
            string tshark = Prerequisites.Tool("tshark");
            foreach (object[] row in Expected())
            {
                string name = (string)row[0];
                string pcap = Temp(".pcap");
                try
                {
                    Assert.Equal(0, Sim("scenario", name, "--pcap", pcap).code);
                    var all = ExternalTool.Run(60_000, tshark, "-r", pcap, "-T", "fields", "-e", "frame.number", "-e", "frame.protocols");
                    Assert.True(all.ExitCode == 0, all.ToString());
                    string[] frames = all.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                    Assert.Contains(frames, f => f.Contains(":tcp"));
                    var bad = ExternalTool.Run(60_000, tshark, "-r", pcap, "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
                        "-o", "udp.check_checksum:TRUE", "-Y", "_ws.malformed || ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0 || icmp.checksum.status == 0 || tcp.flags.res != 0 || tcp.flags.ae != 0",
                        "-T", "fields", "-e", "frame.number", "-e", "_ws.col.Info");
                    Assert.True(bad.ExitCode == 0, bad.ToString());
                    Assert.True(bad.Stdout.Trim().Length == 0, name + ": " + bad.Stdout);
                    _output.WriteLine(name + ": " + frames.Length + " frames decode cleanly");
                }
                finally
                {
                    File.Delete(pcap);
                }
            }
        }
    }
}
