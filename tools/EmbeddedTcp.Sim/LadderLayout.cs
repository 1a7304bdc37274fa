using System;
using System.Collections.Generic;
using System.Globalization;

namespace EmbeddedTcp.Sim
{
    /// <summary>
    /// Where things go on a time-true ladder. Every distinct instant of a scenario (a state
    /// change, a send, an arrival, a loss) gets a group of rows, one per note it carries; rows
    /// grow down with time and a segment runs from its send row on one lifeline to its arrival
    /// row on the other, so two segments in flight at the same time cross. The mapping from time
    /// to rows is monotone but not linear: a frame's flight takes about 67 µs and TIME_WAIT 4 s,
    /// so a gap takes a few more rows per decade of its length, and a gap longer than
    /// <see cref="IdleBreakNs"/> is cut to a fixed height with a break mark that says how long
    /// it was. Monotone is what matters: segment P crosses segment Q exactly when each is sent
    /// before the other arrives, on any monotone axis.
    /// </summary>
    public sealed class LadderLayout
    {
        /// <summary>Gaps longer than this (ns) are drawn as a break mark, not to length.</summary>
        public const long IdleBreakNs = 100_000_000;

        /// <summary>Rows a break takes: a blank row, the mark, a blank row, then the next instant.</summary>
        public const int BreakRows = 4;

        /// <summary>The most rows a gap shorter than <see cref="IdleBreakNs"/> takes.</summary>
        public const int MaxGapRows = 6;

        /// <summary>One line of the ladder.</summary>
        public sealed class Row
        {
            /// <summary>The instant this row belongs to (ns); -1 for rows between instants.</summary>
            public long TimeNs = -1;
            /// <summary>First row of its instant: the time is printed here.</summary>
            public bool FirstOfInstant;
            /// <summary>The note on this row ("A: FIN_WAIT_1 -> CLOSING (ReceivedFin)"), or null.</summary>
            public string Note;
            /// <summary>A state change on this row: the node and its new state; null otherwise.</summary>
            public string StateNode, NewState;
            /// <summary>States of A and B after this row (null between instants).</summary>
            public string StateA, StateB;
            /// <summary>A break in the axis: the idle stretch it stands for (ns); 0 otherwise.</summary>
            public long IdleNs;
        }

        /// <summary>A segment's line: rows and how far across the wire it gets (1 = the other lifeline, 0.5 = lost half-way).</summary>
        public sealed class Line
        {
            /// <summary>The segment.</summary>
            public ScenarioEvent Segment;
            /// <summary>Send row and end row (arrival or loss).</summary>
            public int FromRow, ToRow;
            /// <summary>The fraction of the way to the receiver where the line ends.</summary>
            public double Reach;
            /// <summary>Never arrived and was not dropped (still in flight when the scenario ended).</summary>
            public bool InFlight;
        }

        /// <summary>The rows, top to bottom.</summary>
        public readonly List<Row> Rows = new List<Row>();

        /// <summary>One line per segment, in send order.</summary>
        public readonly List<Line> Lines = new List<Line>();

        /// <summary>States before the first event.</summary>
        public string FirstA, FirstB;

        /// <summary>Lays out <paramref name="r"/>.</summary>
        public LadderLayout(ScenarioResult r, string firstA, string firstB)
        {
            FirstA = firstA;
            FirstB = firstB;
            var firstRow = new Dictionary<long, int>();
            var sendRow = new Dictionary<ScenarioEvent, int>();
            AddRows(r, firstRow, sendRow);
            AddLines(r, firstRow, sendRow);
            while (Rows.Count <= MaxRow())
            {
                Rows.Add(new Row());
            }
        }

        /// <summary>Every distinct instant: events, arrivals, losses.</summary>
        private static SortedSet<long> Instants(ScenarioResult r)
        {
            var times = new SortedSet<long>();
            foreach (ScenarioEvent e in r.Events)
            {
                times.Add(e.TimeNs);
                if (e.ArrivedNs >= 0)
                {
                    times.Add(e.ArrivedNs);
                }

                if (e.DroppedAtNs >= 0)
                {
                    times.Add(e.DroppedAtNs);
                }
            }

            return times;
        }

        /// <summary>
        /// Notes per instant, in event order: state changes and sends where they happened (with
        /// their event), losses when they happen.
        /// </summary>
        private static Dictionary<long, List<(string note, ScenarioEvent ev)>> Notes(ScenarioResult r)
        {
            var notes = new Dictionary<long, List<(string note, ScenarioEvent ev)>>();
            void Add(long t, string note, ScenarioEvent ev)
            {
                if (!notes.TryGetValue(t, out var list))
                {
                    notes[t] = list = new List<(string, ScenarioEvent)>();
                }

                list.Add((note, ev));
            }

            foreach (ScenarioEvent e in r.Events)
            {
                if (!e.IsSegment)
                {
                    Add(e.TimeNs, e.Node + ": " + e.FromState + " -> " + e.ToState + " (" + e.Cause + ")", e);
                    continue;
                }

                Add(e.TimeNs, e.Node + "->" + e.To + " " + Scenarios.SegmentText(e) + (e.Dropped ? " (lost)" : ""), e);
                if (e.DroppedAtNs >= 0)
                {
                    Add(e.DroppedAtNs, e.Node + "->" + e.To + " " + e.Flags + " seq=" + e.Seq.ToString(CultureInfo.InvariantCulture) + " lost on the wire", null);
                }
            }

            return notes;
        }

        /// <summary>The instants at which a segment arrives or is lost.</summary>
        private static HashSet<long> Arrivals(ScenarioResult r)
        {
            var arrivals = new HashSet<long>();
            foreach (ScenarioEvent e in r.Events)
            {
                if (!e.IsSegment)
                {
                    continue;
                }

                if (e.ArrivedNs >= 0)
                {
                    arrivals.Add(e.ArrivedNs);
                }

                if (e.DroppedAtNs >= 0)
                {
                    arrivals.Add(e.DroppedAtNs);
                }
            }

            return arrivals;
        }

        /// <summary>Rows from one instant to the next, <paramref name="gap"/> ns later.</summary>
        private static int GapRows(long gap)
        {
            if (gap > IdleBreakNs)
            {
                return BreakRows;
            }

            // 1 µs or less: the next row; then one more row per decade (67 µs: 3 rows, 10 ms: 5).
            double us = gap / 1000.0;
            return Math.Min(MaxGapRows, 1 + (us <= 1 ? 0 : (int)Math.Ceiling(Math.Log10(us))));
        }

        /// <summary>The rows of every instant and the gaps between; records each instant's first row and each segment's note row.</summary>
        private void AddRows(ScenarioResult r, Dictionary<long, int> firstRow, Dictionary<ScenarioEvent, int> sendRow)
        {
            Dictionary<long, List<(string note, ScenarioEvent ev)>> notes = Notes(r);
            HashSet<long> arrivals = Arrivals(r);
            string a = FirstA, b = FirstB;
            long previous = -1;
            foreach (long t in Instants(r))
            {
                if (previous >= 0)
                {
                    long gap = t - previous;
                    int gapRows = GapRows(gap);
                    for (int i = 1; i < gapRows; i++)
                    {
                        Rows.Add(new Row { IdleNs = gap > IdleBreakNs && i == BreakRows / 2 ? gap : 0 });
                    }
                }

                firstRow[t] = Rows.Count;
                List<(string note, ScenarioEvent ev)> list = notes.TryGetValue(t, out var l) ? l : new List<(string, ScenarioEvent)>();
                // Arrivals end on an instant's first row; when a send would leave from that row, a
                // blank row goes first, or the arrow head and the new line's start would overlap.
                if (list.Count == 0 || (arrivals.Contains(t) && list[0].ev != null && list[0].ev.IsSegment))
                {
                    list.Insert(0, (null, null));
                }

                for (int i = 0; i < list.Count; i++)
                {
                    var row = new Row { TimeNs = t, FirstOfInstant = i == 0, Note = list[i].note };
                    ScenarioEvent s = list[i].ev;
                    if (s != null && s.IsSegment)
                    {
                        sendRow[s] = Rows.Count;
                        s = null;
                    }

                    if (s != null)
                    {
                        if (s.Node == "A")
                        {
                            a = s.ToState;
                        }
                        else
                        {
                            b = s.ToState;
                        }

                        row.StateNode = s.Node;
                        row.NewState = s.ToState;
                    }

                    row.StateA = a;
                    row.StateB = b;
                    Rows.Add(row);
                }

                previous = t;
            }
        }

        /// <summary>One line per segment, from its send row to its arrival (or loss) row.</summary>
        private void AddLines(ScenarioResult r, Dictionary<long, int> firstRow, Dictionary<ScenarioEvent, int> sendRow)
        {
            // The i-th sends of A and of B at one instant leave from the same row (the later of
            // their two note rows), so segments sent together by both ends start level and cross
            // symmetrically; two sent together by one end leave from their own rows, or they would overlap.
            var countAt = new Dictionary<(long, string), int>();
            var pairRow = new Dictionary<(long, int), int>();
            var index = new Dictionary<ScenarioEvent, int>();
            foreach (ScenarioEvent e in r.Events)
            {
                if (!e.IsSegment)
                {
                    continue;
                }

                countAt.TryGetValue((e.TimeNs, e.Node), out int i);
                countAt[(e.TimeNs, e.Node)] = i + 1;
                index[e] = i;
                pairRow[(e.TimeNs, i)] = Math.Max(pairRow.TryGetValue((e.TimeNs, i), out int row) ? row : 0, sendRow[e]);
            }

            foreach (ScenarioEvent e in r.Events)
            {
                if (!e.IsSegment)
                {
                    continue;
                }
                // An arrival or a loss is the first thing at its instant.
                var line = new Line { Segment = e, FromRow = pairRow[(e.TimeNs, index[e])] };
                if (e.ArrivedNs >= 0)
                {
                    line.ToRow = firstRow[e.ArrivedNs];
                    line.Reach = 1;
                }
                else if (e.DroppedAtNs >= 0)
                {
                    line.ToRow = firstRow[e.DroppedAtNs];
                    line.Reach = 0.5;
                }
                else
                {
                    line.ToRow = Rows.Count - 1;
                    line.Reach = 1;
                    line.InFlight = true;
                }

                if (line.ToRow <= line.FromRow)
                {
                    line.ToRow = line.FromRow + 1; // cannot happen (flights take time); keeps the drawing sane
                }

                Lines.Add(line);
            }
        }

        private int MaxRow()
        {
            int m = 0;
            foreach (Line l in Lines)
            {
                m = Math.Max(m, l.ToRow);
            }

            return m;
        }

        /// <summary>"3.9 s", "250 ms": an idle stretch for the break mark.</summary>
        public static string Duration(long ns)
        {
            if (ns >= 1_000_000_000)
            {
                return (ns / 1e9).ToString("0.0##", CultureInfo.InvariantCulture) + " s";
            }

            return (ns / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + " ms";
        }
    }
}
