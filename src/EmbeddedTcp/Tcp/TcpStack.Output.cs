using EmbeddedTcp.Diagnostics;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Tcp
{
    /// <summary>Everything that builds segments: data, SYN, FIN, ACK, RST, probes.</summary>
    public sealed partial class TcpStack
    {
        // Sequence comparisons are written out as (int)(a - b) < 0 (modulo 2^32, as Seq does): this
        // file runs per segment sent, and on the interpreter each Seq call costs more than its body.

        // The header view every emitted segment is written through (allocated once).
        private readonly TcpHeader _txHeader = new TcpHeader();

        /// <summary>
        /// Sends what the connection owes: new or retransmitted data within the send and
        /// congestion windows (Nagle and sender SWS avoidance applied), the FIN after the last
        /// byte, and an ACK when one is due and nothing else carried it.
        /// </summary>
        private void Output(TcpConnection c)
        {
            TcpState s = c.State;
            if (s == TcpState.Established || s == TcpState.CloseWait || s == TcpState.FinWait1
                || s == TcpState.Closing || s == TcpState.LastAck)
            {
                SendData(c);
            }

            if (c.AckNow && s != TcpState.Closed && s != TcpState.SynSent && s != TcpState.Listen)
            {
                SendAck(c);
            }
        }

        private void SendData(TcpConnection c)
        {
            for (int guard = 0; guard < 64; guard++)
            {
                uint dataEnd = c.SndBufSeq + (uint)c.SendRing.Count;
                int unsent = (int)(dataEnd - c.SndNxt);
                if (unsent <= 0)
                {
                    // Nothing unsent (the common case on a receive path's Output): only a queued FIN may go.
                    if (c.FinQueued && c.SndNxt == dataEnd)
                    {
                        EmitSegment(c, c.SndNxt, TcpFlags.Ack | TcpFlags.Fin, 0, true);
                    }

                    return;
                }

                int mss = c.SendMss; // loaded past the early return: a receive path's Output mostly has nothing to send
                int inFlight = (int)(c.SndNxt - c.SndUna);
                int cwnd = c.Cc.SendWindow(mss); // cwnd, with RFC 3042 limited transmit

                int wnd = c.SndWnd < cwnd ? c.SndWnd : cwnd;
                int usable = wnd - inFlight;

                int len = unsent;
                if (len > mss)
                {
                    len = mss;
                }

                if (len > usable)
                {
                    len = usable;
                }

                if (len <= 0)
                {
                    ArmPersistIfStalled(c, inFlight);
                    return;
                }

                // Nagle (RFC 896) and sender SWS avoidance (RFC 1122 4.2.3.4).
                bool all = len == unsent;
                bool send = len == mss
                    || (all && (c.NoDelay || inFlight == 0 || c.FinQueued))
                    || (inFlight == 0 && c.MaxSndWnd > 0 && len >= c.MaxSndWnd / 2);
                if (!send)
                {
                    ArmPersistIfStalled(c, inFlight);
                    return;
                }

                byte flags = TcpFlags.Ack;
                if (all)
                {
                    flags |= TcpFlags.Psh;
                    if (c.FinQueued)
                    {
                        flags |= TcpFlags.Fin;
                    }
                }

                EmitSegment(c, c.SndNxt, flags, len, true);
                continue;
            }
        }

        /// <summary>Nothing in flight and the window (or SWS avoidance) holds data back: the persist timer must fire.</summary>
        private void ArmPersistIfStalled(TcpConnection c, int inFlight)
        {
            TcpTimers t = c.Timers;
            if (inFlight == 0 && t.RetransmitAt == TcpTimers.Never && t.PersistAt == TcpTimers.Never)
            {
                t.PersistAt = _now + PersistInterval(c);
            }
        }

        private int PersistInterval(TcpConnection c)
        {
            long t = (long)c.Rtt.Rto << c.PersistBackoff;
            if (t > _config.MaxPersistMs)
            {
                t = _config.MaxPersistMs;
            }

            return (int)t;
        }

        /// <summary>Persist timer: a one-byte zero-window probe, or whatever fits a small window.</summary>
        private void SendPersistProbe(TcpConnection c)
        {
            uint dataEnd = c.SndBufSeq + (uint)c.SendRing.Count;
            int unsent = (int)(dataEnd - c.SndNxt);
            if (unsent <= 0 || c.SndNxt != c.SndUna)
            {
                c.PersistBackoff = 0;
                return;
            }

            int len = c.SndWnd < c.SendMss ? c.SndWnd : c.SendMss;
            if (len > unsent)
            {
                len = unsent;
            }

            if (len <= 0)
            {
                // Zero window: a probe with an old sequence number and no data (as Linux does). The
                // receiver must answer it with an ACK carrying its window; SND.NXT and SND.MAX stay,
                // so our own ACKs remain acceptable to a receiver whose window is still closed.
                Counters.ZeroWindowProbes++;
                EmitSegment(c, c.SndUna - 1, TcpFlags.Ack, 0, false);

                if (c.PersistBackoff < 16)
                {
                    c.PersistBackoff++;
                }

                c.Timers.PersistAt = _now + PersistInterval(c);
                return;
            }

            // A small window and SWS avoidance held the data: send what fits now (RFC 1122 override timeout).
            c.PersistBackoff = 0;
            EmitSegment(c, c.SndNxt, (byte)(TcpFlags.Ack | TcpFlags.Psh), len, true);
        }

        /// <summary>Resends one segment from SND.UNA (fast retransmit, NewReno partial ACK).</summary>
        private void RetransmitFirst(TcpConnection c, bool fast)
        {
            uint dataEnd = c.SndBufSeq + (uint)c.SendRing.Count;
            int len = (int)(dataEnd - c.SndUna);
            if (len > c.SendMss)
            {
                len = c.SendMss;
            }

            if (len < 0)
            {
                len = 0;
            }

            byte flags = TcpFlags.Ack;
            if (c.FinQueued && c.SndUna + (uint)len == dataEnd && (int)(c.SndMax - dataEnd) > 0)
            {
                flags |= TcpFlags.Fin;
            }

            if (len == 0 && (flags & TcpFlags.Fin) == 0)
            {
                return;
            }

            Trace.Add(_now, TraceKind.Retransmit, c.Index, (int)c.SndUna, len, fast ? 1 : 0);
            EmitSegment(c, c.SndUna, flags, len, false);
            c.Timers.RetransmitAt = _now + c.Rtt.Rto;
        }

        /// <summary>
        /// Emits one segment of the connection at <paramref name="seq"/> with
        /// <paramref name="length"/> bytes from the send ring. When <paramref name="advance"/>,
        /// SND.NXT moves past it and the retransmission timer and RTT sample start.
        /// </summary>
        private void EmitSegment(TcpConnection c, uint seq, byte flags, int length, bool advance)
        {
            if ((int)(seq - c.SndMax) < 0 && (length > 0 || (flags & TcpFlags.Fin) != 0))
            {
                Counters.Retransmissions++;
                c.Rtt.Retransmitted(seq); // Karn's rule
            }

            int window = AdvertiseWindow(c);
            if (!Emit(c.LocalIp, c.RemoteIp, c.LocalPort, c.RemotePort, seq, c.RcvNxt, flags, window, false, c, length))
            {
                // No frame buffer: keep the state as if sent; the retransmission timer recovers.
            }

            TcpTimers t = c.Timers;
            c.AckNow = false;
            t.DelayedAckAt = TcpTimers.Never;
            c.SegmentsSinceAck = 0;
            if (!advance)
            {
                return;
            }

            uint end = seq + (uint)length;
            if ((flags & TcpFlags.Fin) != 0)
            {
                end++;
            }

            if ((int)(seq - c.SndMax) >= 0 && !c.Rtt.Timing && end != seq)
            {
                c.Rtt.StartTiming(seq, _now);
            }

            c.SndNxt = end;
            if ((int)(end - c.SndMax) > 0)
            {
                c.SndMax = end;
            }

            if (t.RetransmitAt == TcpTimers.Never && end != seq)
            {
                t.RetransmitAt = _now + c.Rtt.Rto;
            }

            t.PersistAt = TcpTimers.Never;
        }

        /// <summary>SYN (SYN_SENT) or SYN,ACK (SYN_RECEIVED), with our MSS; arms the retransmission timer.</summary>
        private void SendSyn(TcpConnection c)
        {
            byte flags = c.State == TcpState.SynSent ? TcpFlags.Syn : (byte)(TcpFlags.Syn | TcpFlags.Ack);
            if (c.Retries > 0 || (int)(c.SndMax - c.Iss) > 0)
            {
                c.Rtt.Discard(); // Karn's rule: a retransmitted SYN gives no sample
            }
            else
            {
                c.Rtt.StartTiming(c.Iss, _now);
            }

            int window = flags == TcpFlags.Syn ? ReceiveWindowLimit(c) : AdvertiseWindow(c);
            Emit(c.LocalIp, c.RemoteIp, c.LocalPort, c.RemotePort, c.Iss, flags == TcpFlags.Syn ? 0 : c.RcvNxt, flags, window, true, null, 0);
            c.SndNxt = c.Iss + 1;
            c.SndMax = c.Iss + 1;
            c.AckNow = false;
            c.Timers.RetransmitAt = _now + c.Rtt.Rto;
        }

        private void SendAck(TcpConnection c)
        {
            int window = AdvertiseWindow(c);
            // A bare ACK carries SND.MAX, not SND.NXT (as BSD does): after a retransmission
            // timeout rewinds SND.NXT, a sequence number below the peer's RCV.NXT would make the
            // ACK unacceptable there; the peer would drop it unread and answer with an ACK that
            // is just as unacceptable here, and both sides would stall until they time out.
            Emit(c.LocalIp, c.RemoteIp, c.LocalPort, c.RemotePort, c.SndMax, c.RcvNxt, TcpFlags.Ack, window, false, null, 0);
            c.AckNow = false;
            c.Timers.DelayedAckAt = TcpTimers.Never;
            c.SegmentsSinceAck = 0;
        }

        /// <summary>RST for a connection we abort: &lt;SEQ=SND.MAX&gt;&lt;CTL=RST&gt; (SND.NXT unless a timeout rewound it; see SendAck).</summary>
        private void SendReset(TcpConnection c)
        {
            Counters.ResetsOut++;
            Emit(c.LocalIp, c.RemoteIp, c.LocalPort, c.RemotePort, c.SndMax, c.RcvNxt, TcpFlags.Rst | TcpFlags.Ack, 0, false, null, 0);
        }

        private int ReceiveWindowLimit(TcpConnection c)
        {
            int free = c.RecvRing.Free;
            return free > 65535 ? 65535 : free;
        }

        /// <summary>
        /// The window to advertise: the free receive space, but grown only in steps of at least
        /// min(buffer/2, MSS) (receiver SWS avoidance, RFC 1122 4.2.3.3), never shrinking the
        /// right edge already offered.
        /// </summary>
        private int AdvertiseWindow(TcpConnection c)
        {
            int free = c.RecvRing.Free; // ReceiveWindowLimit, written out (per segment sent)
            if (free > 65535)
            {
                free = 65535;
            }

            int offered = (int)(c.RcvAdvEdge - c.RcvNxt);
            if (offered < 0)
            {
                offered = 0;
            }

            int step = _windowStep;
            int window = offered;
            if (free - offered >= step || free == _receiveBufferSize)
            {
                window = free;
            }

            if (window < offered)
            {
                window = offered;
            }

            c.RcvAdvEdge = c.RcvNxt + (uint)window;
            return window;
        }

        /// <summary>
        /// After the user read data, in a state that takes the peer's text (<see cref="TcpStateRules.MayReceive"/>, the
        /// caller's test): true when the window grew enough to tell the peer at once.
        /// </summary>
        private bool WindowUpdateWorthSending(TcpConnection c)
        {
            int offered = (int)(c.RcvAdvEdge - c.RcvNxt);
            int free = ReceiveWindowLimit(c);
            int step = _windowStep;

            // Tell the peer when the window opens from (nearly) closed by at least a step, or doubles.
            return free - offered >= step && (offered < step || free >= 2 * offered);
        }

        /// <summary>
        /// Writes one segment into a buffer from the output and sends it. Payload, when any,
        /// is copied straight from <paramref name="dataFrom"/>'s send ring.
        /// </summary>
        private bool Emit(uint localIp, uint remoteIp, ushort localPort, ushort remotePort, uint seq, uint ack, byte flags,
            int window, bool mssOption, TcpConnection dataFrom, int dataLength)
        {
            int offset;
            int capacity;
            byte[] b = _output.BeginSegment(localIp, remoteIp, out offset, out capacity);
            if (b == null)
            {
                Counters.OutputFailures++;
                return false;
            }

            int headerLength = mssOption ? 24 : 20;
            if (headerLength + dataLength > capacity)
            {
                dataLength = capacity - headerLength;
            }

            // Emit writes every header byte (reserved bits included: the buffer holds an older frame).
            TcpHeader h = _txHeader;
            h.Emit(b, offset, localPort, remotePort, seq, (flags & TcpFlags.Ack) != 0 ? ack : 0, flags,
                (ushort)window, headerLength - TcpHeader.MinimumHeaderLength, dataLength);
            if (mssOption)
            {
                TcpOptions.WriteMss(b, offset + 20, _config.Mss);
            }

            if (dataLength > 0)
            {
                dataFrom.SendRing.Peek((int)(seq - dataFrom.SndBufSeq), b, offset + headerLength, dataLength);
            }

            if (headerLength + dataLength >= ChecksumOffloadMinLength)
            {
                h.FillPseudoHeaderSum(localIp, remoteIp); // the device sums the segment and stores the checksum
            }
            else
            {
                h.FillChecksum(localIp, remoteIp);
            }
            _output.EndSegment(localIp, remoteIp, headerLength + dataLength);
            Counters.SegmentsOut++;
            return true;
        }

        /// <summary>A segment outside any connection (RST answers).</summary>
        private void EmitRaw(uint localIp, uint remoteIp, ushort localPort, ushort remotePort, uint seq, uint ack, byte flags, int window)
        {
            Emit(localIp, remoteIp, localPort, remotePort, seq, ack, flags, window, false, null, 0);
        }
    }
}
