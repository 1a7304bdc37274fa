#if !NANOFRAMEWORK_1_0
namespace EmbeddedTcp.Tcp
{
    public sealed partial class TcpStack
    {
        /// <summary>
        /// Checks the table's invariants (for tests and fuzzing): for every live entry
        /// SND.UNA &lt;= SND.NXT &lt;= SND.MAX, SND.UNA within one of the send ring's first
        /// sequence number (SYN or FIN), nothing sent beyond the ring plus FIN, ring counts
        /// within capacity, out-of-order ranges sorted, disjoint and inside the ring's free
        /// space, RCV.NXT &lt;= the advertised edge, a valid listener index, and no two live
        /// entries with the same four-tuple. Returns null when all hold (no allocation), else a
        /// description of the first failure. Desktop-only (tests and fuzzing): the description is built
        /// by string concatenation, so the flashed build leaves this file out.
        /// </summary>
        internal string CheckInvariants()
        {
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection c = _conns[i];
                if (c.Index != i)
                {
                    return "entry " + i + " has index " + c.Index;
                }

                if (c.SendRing.Count < 0 || c.SendRing.Count > c.SendRing.Capacity || c.RecvRing.Count < 0 || c.RecvRing.Count > c.RecvRing.Capacity)
                {
                    return "entry " + i + " ring counts " + c.SendRing.Count + "/" + c.RecvRing.Count;
                }

                int ranges = c.Ooo.RangeCount;
                if (ranges < 0 || ranges > c.Ooo.Capacity)
                {
                    return "entry " + i + " has " + ranges + " reassembly ranges";
                }

                int free = c.RecvRing.Capacity - c.RecvRing.Count;
                for (int r = 0; r < ranges; r++)
                {
                    int s = c.Ooo.StartOf(r);
                    int e = c.Ooo.EndOf(r);
                    if (s <= 0 || e <= s || e > free || (r > 0 && s <= c.Ooo.EndOf(r - 1)))
                    {
                        return "entry " + i + " reassembly range " + r + " [" + s + "," + e + ") free " + free;
                    }
                }

                if (c.Listener < -1 || c.Listener >= _listenInUse.Length)
                {
                    return "entry " + i + " listener " + c.Listener;
                }

                if (c.State == TcpState.Closed)
                {
                    continue;
                }

                if (!Seq.Le(c.SndUna, c.SndNxt) || !Seq.Le(c.SndNxt, c.SndMax))
                {
                    return "entry " + i + " " + TcpStateNames.Of(c.State) + " SND.UNA " + c.SndUna + " SND.NXT " + c.SndNxt + " SND.MAX " + c.SndMax;
                }

                if (!Seq.Le(c.SndBufSeq - 1, c.SndUna) || !Seq.Le(c.SndUna, c.SndBufSeq + 1))
                {
                    return "entry " + i + " SND.UNA " + c.SndUna + " vs send ring start " + c.SndBufSeq;
                }

                if (!Seq.Le(c.SndMax, c.SndBufSeq + (uint)c.SendRing.Count + 1))
                {
                    return "entry " + i + " SND.MAX " + c.SndMax + " beyond ring end " + (c.SndBufSeq + (uint)c.SendRing.Count) + " + FIN";
                }

                if (c.IsSynchronized && !Seq.Le(c.RcvNxt, c.RcvAdvEdge))
                {
                    return "entry " + i + " RCV.NXT " + c.RcvNxt + " beyond advertised edge " + c.RcvAdvEdge;
                }

                if (c.Listener >= 0 && !c.Accepted && !_listenInUse[c.Listener])
                {
                    return "entry " + i + " waits on listener " + c.Listener + " which is not in use";
                }

                for (int k = i + 1; k < _conns.Length; k++)
                {
                    TcpConnection d = _conns[k];
                    if (d.State != TcpState.Closed && d.LocalIp == c.LocalIp && d.LocalPort == c.LocalPort
                        && d.RemoteIp == c.RemoteIp && d.RemotePort == c.RemotePort)
                    {
                        return "entries " + i + " and " + k + " share a four-tuple";
                    }
                }
            }

            return null;
        }
    }
}
#endif
