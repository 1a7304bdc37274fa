using EmbeddedTcp.Storage;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Tcp
{
    /// <summary>Segment arrival: RFC 9293 section 3.10.7, step by step.</summary>
    /// <remarks>
    /// Sequence comparisons are written out as <c>(int)(a - b) &lt; 0</c> (modulo 2^32, as <see cref="Seq"/>
    /// does): this file runs per segment, and on the interpreter each <c>Seq</c> call costs more than its body.
    /// </remarks>
    public sealed partial class TcpStack
    {
        // The segment being processed: one object, filled once per arrival and handed to each step.
        private readonly TcpSegment _seg = new TcpSegment();

        // The connection the previous segment belonged to (or null), tried before the table walk.
        private TcpConnection _lastArrival;

        // The options view of the segment being read, made once (on nanoCLR a struct view would be a heap
        // object per segment); the header is read in place (Input).
        private readonly TcpOptions _rxOptions = new TcpOptions();

        /// <summary>
        /// SEGMENT ARRIVES: one TCP segment of <paramref name="length"/> bytes at
        /// <paramref name="offset"/> (header included), from <paramref name="sourceIp"/> to
        /// <paramref name="destinationIp"/>, at poll time <paramref name="nowMs"/>. Bad input is
        /// dropped and counted; answers (ACK, RST, SYN-ACK) are sent through the output.
        /// </summary>
        public void Input(uint sourceIp, uint destinationIp, byte[] buffer, int offset, int length, long nowMs)
        {
            Input(sourceIp, destinationIp, buffer, offset, length, nowMs, -1);
        }

        /// <summary>
        /// As <see cref="Input(uint, uint, byte[], int, int, long)"/>, with <paramref name="segmentSum"/> the one's
        /// complement sum of the segment's bytes computed by the device (checksum offload), or -1.
        /// </summary>
        public void Input(uint sourceIp, uint destinationIp, byte[] buffer, int offset, int length, long nowMs, int segmentSum)
        {
            _now = nowMs;
            Counters.SegmentsIn++;
            TcpSegment s = _seg;
            s.DataLen = 0;
            s.Seq = 0;
            // TcpHeader.TryParse and its accessors written out: this runs per segment, and on the
            // interpreter each accessor is a call or two (NetOrder inside). Same checks, same results.
            int headerLength = 0;
            if (buffer != null && offset >= 0 && length >= TcpHeader.MinimumHeaderLength && offset <= buffer.Length - length)
            {
                headerLength = (buffer[offset + 12] >> 4) << 2;
            }

            if (headerLength < TcpHeader.MinimumHeaderLength || headerLength > length)
            {
                Drop(null, TcpDropReason.Malformed); // truncated, or a data offset below 5 or past the end
                return;
            }

            // Checksum.PseudoHeader + Verify of the device's sum; a sum that does not verify (or none)
            // is checked in software, so a device that got it wrong costs time, never a good segment.
            uint sum = (sourceIp >> 16) + (sourceIp & 0xFFFF) + (destinationIp >> 16) + (destinationIp & 0xFFFF) + IpProtocol.Tcp + ((uint)length & 0xFFFF);
            bool good = false;
            if (segmentSum >= 0)
            {
                uint folded = sum + (uint)segmentSum;
                folded = (folded & 0xFFFF) + (folded >> 16);
                folded = (folded & 0xFFFF) + (folded >> 16);
                good = folded == 0xFFFF;
            }

            if (!good && !Checksum.Verify(Checksum.Accumulate(sum, buffer, offset, length)))
            {
                Drop(null, TcpDropReason.BadChecksum);
                return;
            }

            s.SrcIp = sourceIp;
            s.DstIp = destinationIp;
            s.SrcPort = (ushort)((buffer[offset] << 8) | buffer[offset + 1]);
            s.DstPort = (ushort)((buffer[offset + 2] << 8) | buffer[offset + 3]);
            s.Seq = ((uint)buffer[offset + 4] << 24) | ((uint)buffer[offset + 5] << 16) | ((uint)buffer[offset + 6] << 8) | buffer[offset + 7];
            s.Ack = ((uint)buffer[offset + 8] << 24) | ((uint)buffer[offset + 9] << 16) | ((uint)buffer[offset + 10] << 8) | buffer[offset + 11];
            s.Flags = buffer[offset + 13];
            s.Wnd = (buffer[offset + 14] << 8) | buffer[offset + 15];
            s.Buf = buffer;
            s.DataOff = offset + headerLength;
            s.DataLen = length - headerLength;
            s.Mss = 0;
            if ((s.Flags & TcpFlags.Syn) != 0 && headerLength > TcpHeader.MinimumHeaderLength)
            {
                TcpOptions o = _rxOptions;
                if (o.Parse(buffer, offset + TcpHeader.MinimumHeaderLength, headerLength - TcpHeader.MinimumHeaderLength) != WireResult.Ok)
                {
                    Drop(null, TcpDropReason.BadOptions);
                    return;
                }

                s.Mss = o.Mss;
            }

            // The previous segment's connection first (most segments belong to it), checked in full so that a
            // stale entry only misses; the table walk (Find) otherwise.
            TcpConnection c = _lastArrival;
            if (c == null || c.State == TcpState.Closed || c.LocalPort != s.DstPort || c.RemotePort != s.SrcPort
                || c.RemoteIp != sourceIp || c.LocalIp != destinationIp)
            {
                c = Find(destinationIp, s.DstPort, sourceIp, s.SrcPort);
                _lastArrival = c;
            }

            if (c != null)
            {
                if (c.State == TcpState.SynSent)
                {
                    SynSentArrives(c, s);
                }
                else
                {
                    SynchronizedArrives(c, s);
                }

                return;
            }

            int l = FindListener(destinationIp, s.DstPort);
            if (l >= 0)
            {
                ListenArrives(l, 0, s);
                return;
            }

            ClosedArrives();
        }

        /// <summary>No connection: RST per RFC 9293 3.10.7.1 (never in answer to an RST).</summary>
        private void ClosedArrives()
        {
            TcpSegment s = _seg;
            Drop(null, TcpDropReason.NoConnection);
            if ((s.Flags & TcpFlags.Rst) != 0)
            {
                return;
            }

            ReplyReset();
        }

        private void ReplyReset()
        {
            TcpSegment s = _seg;
            Counters.ResetsOut++;
            if ((s.Flags & TcpFlags.Ack) != 0)
            {
                EmitRaw(s.DstIp, s.SrcIp, s.DstPort, s.SrcPort, s.Ack, 0, TcpFlags.Rst, 0);
            }
            else
            {
                EmitRaw(s.DstIp, s.SrcIp, s.DstPort, s.SrcPort, 0, s.Seq + SegmentLength(), TcpFlags.Rst | TcpFlags.Ack, 0);
            }
        }

        private uint SegmentLength()
        {
            TcpSegment s = _seg;
            uint n = (uint)s.DataLen;
            if ((s.Flags & TcpFlags.Syn) != 0)
            {
                n++;
            }

            if ((s.Flags & TcpFlags.Fin) != 0)
            {
                n++;
            }

            return n;
        }

        /// <summary>LISTEN (3.10.7.2). <paramref name="issFloor"/> is non-zero when a TIME_WAIT tuple is being reopened.</summary>
        private void ListenArrives(int l, uint issFloor, TcpSegment s)
        {
            byte f = s.Flags;
            if ((f & TcpFlags.Rst) != 0)
            {
                Drop(null, TcpDropReason.Unexpected);
                return;
            }

            if ((f & TcpFlags.Ack) != 0)
            {
                Drop(null, TcpDropReason.Unexpected);
                Counters.ResetsOut++;
                EmitRaw(s.DstIp, s.SrcIp, s.DstPort, s.SrcPort, s.Ack, 0, TcpFlags.Rst, 0);
                return;
            }

            if ((f & TcpFlags.Syn) == 0)
            {
                Drop(null, TcpDropReason.Unexpected);
                return;
            }

            TcpConnection c = TakeEntryForSyn(l);
            if (c == null)
            {
                return;
            }

            c.Listener = l;
            c.UserHolds = false;
            Init(c, s.DstIp, s.DstPort, s.SrcIp, s.SrcPort, issFloor);
            c.State = TcpState.Listen; // the entry is born from the listener: LISTEN -> SYN_RECEIVED
            c.Irs = s.Seq;
            c.RcvNxt = s.Seq + 1;
            c.RcvAdvEdge = c.RcvNxt;
            c.SndWnd = s.Wnd;
            c.MaxSndWnd = s.Wnd;
            c.SndWl1 = s.Seq;
            c.SndWl2 = 0;
            ApplyPeerMss(c, s);
            Counters.PassiveOpens++;
            SetState(c, TcpState.SynReceived, TcpCause.ReceivedSyn);
            // Data carried on the SYN is not queued; the peer retransmits it after the handshake.
            SendSyn(c);
        }

        /// <summary>
        /// The entry a SYN to listener <paramref name="l"/> opens: a free one (or the oldest TIME_WAIT), within
        /// the listener's backlog of half-open and unaccepted connections; when the backlog or the table is
        /// full, the listener's oldest half-open entry makes room (SYN flood defence). Null, counted, when none.
        /// </summary>
        private TcpConnection TakeEntryForSyn(int l)
        {
            // Backlog: half-open and unaccepted connections of this listener.
            int queued = 0;
            TcpConnection oldestHalfOpen = null;
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection e = _conns[i];
                if (e.Listener == l && !e.Accepted && e.State != TcpState.Closed)
                {
                    queued++;
                    if (e.State == TcpState.SynReceived && (oldestHalfOpen == null || e.Order < oldestHalfOpen.Order))
                    {
                        oldestHalfOpen = e;
                    }
                }
            }

            TcpConnection c = null;
            if (queued >= _listenBacklog[l])
            {
                if (oldestHalfOpen == null)
                {
                    Drop(null, TcpDropReason.BacklogFull);
                    return null;
                }

                // SYN flood defence: the oldest half-open entry of this listener makes room.
                Counters.HalfOpenRecycled++;
                SetState(oldestHalfOpen, TcpState.Listen, TcpCause.Recycled);
                FreeHalfOpen(oldestHalfOpen);
                c = oldestHalfOpen;
            }
            else
            {
                c = Allocate();
                if (c == null && oldestHalfOpen != null)
                {
                    Counters.HalfOpenRecycled++;
                    SetState(oldestHalfOpen, TcpState.Listen, TcpCause.Recycled);
                    FreeHalfOpen(oldestHalfOpen);
                    c = oldestHalfOpen;
                }
            }

            if (c == null)
            {
                Drop(null, TcpDropReason.TableFull);
                return null;
            }

            return c;
        }

        private void ApplyPeerMss(TcpConnection c, TcpSegment s)
        {
            int mss = s.Mss > 0 ? s.Mss : DefaultMss;
            if (mss > _config.Mss)
            {
                mss = _config.Mss;
            }

            c.SendMss = mss < MinPeerMss ? MinPeerMss : mss;
        }

        /// <summary>SYN_SENT (3.10.7.3).</summary>
        private void SynSentArrives(TcpConnection c, TcpSegment s)
        {
            byte f = s.Flags;
            bool ack = (f & TcpFlags.Ack) != 0;
            if (ack && ((int)(s.Ack - c.Iss) <= 0 || (int)(s.Ack - c.SndMax) > 0))
            {
                Drop(c, TcpDropReason.BadAck);
                if ((f & TcpFlags.Rst) == 0)
                {
                    Counters.ResetsOut++;
                    EmitRaw(c.LocalIp, c.RemoteIp, c.LocalPort, c.RemotePort, s.Ack, 0, TcpFlags.Rst, 0);
                }

                return;
            }

            if ((f & TcpFlags.Rst) != 0)
            {
                Counters.ResetsIn++;
                if (ack)
                {
                    Fail(c, NetError.ConnectionRefused, TcpCause.ReceivedRst);
                }
                else
                {
                    Drop(c, TcpDropReason.RstNotExact);
                }

                return;
            }

            if ((f & TcpFlags.Syn) == 0)
            {
                Drop(c, TcpDropReason.Unexpected);
                return;
            }

            c.Irs = s.Seq;
            c.RcvNxt = s.Seq + 1;
            c.RcvAdvEdge = c.RcvNxt;
            ApplyPeerMss(c, s);
            if (ack)
            {
                EnterEstablished(c, s, TcpCause.ReceivedSynAck);
                c.AckNow = true;
                Output(c);
                return;
            }

            // Simultaneous open: SYN_SENT -> SYN_RECEIVED, answer SYN,ACK with our ISS.
            c.SndWnd = s.Wnd;
            c.MaxSndWnd = s.Wnd;
            c.SndWl1 = s.Seq;
            SetState(c, TcpState.SynReceived, TcpCause.ReceivedSyn);
            c.SndNxt = c.Iss;
            SendSyn(c);
        }

        /// <summary>
        /// The segment acknowledged our SYN: take its window, sample the handshake's RTT, open
        /// the congestion window and enter ESTABLISHED (or FIN_WAIT_1 if the user already closed).
        /// </summary>
        private void EnterEstablished(TcpConnection c, TcpSegment s, TcpCause cause)
        {
            c.SndUna = s.Ack;
            c.SndWnd = s.Wnd;
            c.MaxSndWnd = s.Wnd;
            c.SndWl1 = s.Seq;
            c.SndWl2 = s.Ack;
            c.Timers.RetransmitAt = TcpTimers.Never;
            c.Retries = 0;
            if (c.Rtt.Timing)
            {
                c.Rtt.Measure(_now);
            }

            c.Cc.Open(c.SendMss);
            SetState(c, TcpState.Established, cause);
            if (c.Keepalive)
            {
                c.Timers.KeepaliveAt = _now + _config.KeepaliveIdleMs;
            }

            if (c.FinQueued)
            {
                SetState(c, TcpState.FinWait1, TcpCause.UserClose);
            }
        }

        /// <summary>
        /// SYN_RECEIVED and every synchronized state (3.10.7.4): the RFC's eight steps, in its order, one
        /// method each (the RST, SYN and text steps called only for a segment that has one); a step that
        /// finishes with the segment (dropped, answered, or the connection gone) returns false and the rest
        /// are skipped. The last step sends what is owed.
        /// </summary>
        private void SynchronizedArrives(TcpConnection c, TcpSegment s)
        {
            if ((c.State == TcpState.SynReceived || c.State == TcpState.TimeWait) && !HandshakeRepeatArrives(c, s))
            {
                return;
            }

            if (!CheckSequenceNumber(c, s))
            {
                return;
            }

            // An RST or a SYN ends arrival in its step: the test is made here, the step called only for it.
            byte f = s.Flags;
            if ((f & TcpFlags.Rst) != 0)
            {
                CheckRst(c, s);
                return;
            }

            CheckSecurity();
            if ((f & TcpFlags.Syn) != 0)
            {
                CheckSyn(c, s);
                return;
            }

            TrimToWindow(c, s);
            if (!CheckAck(c, s))
            {
                return;
            }

            CheckUrg();
            if (s.DataLen > 0 && !ProcessText(c, s))
            {
                return;
            }

            CheckFin(c, s);
        }

        /// <summary>
        /// Before the steps, the segments that repeat or restart a handshake (SYN_RECEIVED, TIME_WAIT):
        /// a retransmitted SYN is answered with the SYN-ACK again; in a simultaneous open the peer's SYN,ACK
        /// becomes the handshake's ACK; a new SYN may reopen TIME_WAIT. False when the segment was handled.
        /// </summary>
        private bool HandshakeRepeatArrives(TcpConnection c, TcpSegment s)
        {
            byte f = s.Flags;
            TcpState state = c.State;

            // A retransmitted SYN while the handshake is unfinished: answer with the SYN-ACK again.
            if (state == TcpState.SynReceived && (f & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) == TcpFlags.Syn && s.Seq == c.Irs)
            {
                SendSyn(c);
                return false;
            }

            // Simultaneous open (RFC 9293 figure 7, line 6): the peer's SYN,ACK answers our SYN while we
            // are in SYN_RECEIVED. Its SYN was already counted; take it as the handshake's ACK (as Linux does).
            if (state == TcpState.SynReceived && c.Listener < 0 && (f & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) == (TcpFlags.Syn | TcpFlags.Ack)
                && s.Seq + 1 == c.RcvNxt && s.Ack == c.SndMax)
            {
                s.Seq = c.RcvNxt;
                s.DataLen = 0;
                s.Flags = TcpFlags.Ack;
                return true;
            }

            // TIME_WAIT may be reopened by a new SYN above the old sequence space (RFC 1122 4.2.2.13).
            if (state == TcpState.TimeWait && (f & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) == TcpFlags.Syn && (int)(s.Seq - c.RcvNxt) > 0)
            {
                int l = FindListener(s.DstIp, s.DstPort);
                if (l >= 0)
                {
                    uint floor = c.SndMax + 65536;
                    Counters.TimeWaitReused++;
                    EnterClosed(c, TcpCause.Recycled, 0);
                    ListenArrives(l, floor, s);
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// First: sequence number check (RFC 9293 3.10.7.4 table 6). An unacceptable segment is dropped and
        /// answered with an ACK (an RST with nothing); with a zero receive window a segment at RCV.NXT is
        /// still processed for its ACK and RST, its text and SYN/FIN stripped. False when dropped.
        /// </summary>
        private bool CheckSequenceNumber(TcpConnection c, TcpSegment s)
        {
            int wnd = (int)(c.RcvAdvEdge - c.RcvNxt);
            if (wnd < 0)
            {
                wnd = 0;
            }

            // SegmentLength() and InWindow(seq, RCV.NXT, wnd) written out (per segment): seq is in the
            // window when 0 <= seq - RCV.NXT < wnd, modulo 2^32.
            byte f = s.Flags;
            uint seq = s.Seq;
            uint segLen = (uint)s.DataLen + (uint)((f >> 1) & 1) + (uint)(f & 1); // + SYN + FIN (TcpFlags 0x02, 0x01)
            uint rcvNxt = c.RcvNxt;
            bool acceptable;
            if (segLen == 0)
            {
                acceptable = wnd == 0 ? seq == rcvNxt : (int)(seq - rcvNxt) >= 0 && (int)(seq - (rcvNxt + (uint)wnd)) < 0;
            }
            else
            {
                uint last = seq + segLen - 1;
                acceptable = wnd != 0
                    && (((int)(seq - rcvNxt) >= 0 && (int)(seq - (rcvNxt + (uint)wnd)) < 0)
                        || ((int)(last - rcvNxt) >= 0 && (int)(last - (rcvNxt + (uint)wnd)) < 0));
            }

            if (acceptable)
            {
                return true;
            }

            if (wnd != 0 || seq != rcvNxt || (f & TcpFlags.Rst) != 0)
            {
                if ((f & TcpFlags.Rst) != 0)
                {
                    Drop(c, TcpDropReason.RstNotExact);
                    return false;
                }

                Drop(c, TcpDropReason.OutOfWindow);
                if (c.State == TcpState.TimeWait && (f & TcpFlags.Fin) != 0)
                {
                    c.Timers.TimeWaitAt = _now + 2L * _config.MslMs; // a retransmitted FIN restarts 2MSL
                }

                SendAck(c);
                return false;
            }

            // RCV.WND == 0 and a zero-window probe at RCV.NXT: still process its ACK (and RST/URG); its text is not taken.
            s.DataLen = 0;
            s.Flags = (byte)(f & ~(TcpFlags.Fin | TcpFlags.Syn));
            c.AckNow = true;
            return true;
        }

        /// <summary>Second: the RST bit (the segment has it). RFC 5961 3.2: only an RST at exactly RCV.NXT resets; any other gets a challenge ACK.</summary>
        private void CheckRst(TcpConnection c, TcpSegment s)
        {
            Counters.ResetsIn++;
            if (c.State == TcpState.TimeWait)
            {
                Drop(c, TcpDropReason.RstInTimeWait); // RFC 1337
                return;
            }

            if (s.Seq != c.RcvNxt)
            {
                Drop(c, TcpDropReason.RstNotExact);
                SendChallengeAck(c);
                return;
            }

            ResetArrives(c);
        }

        /// <summary>
        /// Third: security and compartment. Not implemented: this stack neither sends nor checks IP security
        /// labels (the IP Security Option, RFC 1108), so every segment's "security/compartment" matches the
        /// connection's and passes. Kept as a step, with no work, so the steps read in the RFC's order.
        /// </summary>
        private static void CheckSecurity()
        {
        }

        /// <summary>
        /// Fourth: the SYN bit (the segment has it). A SYN in a synchronized state gets a challenge ACK
        /// (RFC 5961 4.2); in a passive SYN_RECEIVED the half-open entry goes back to LISTEN (RFC 9293).
        /// </summary>
        private void CheckSyn(TcpConnection c, TcpSegment s)
        {
            if (c.State == TcpState.SynReceived && c.Listener >= 0)
            {
                // RFC 9293: a passive SYN_RECEIVED returns to LISTEN.
                SetState(c, TcpState.Listen, TcpCause.ReceivedSyn);
                FreeHalfOpen(c);
                Drop(c, TcpDropReason.SynInWindow);
                return;
            }

            Drop(c, TcpDropReason.SynInWindow);
            SendChallengeAck(c);
        }

        /// <summary>
        /// The trimming the first step describes, done once the RST and SYN steps have seen the segment as it
        /// came (RFC 5961's exact-RCV.NXT test needs the untrimmed SEG.SEQ): bytes before RCV.NXT were
        /// received already, bytes past the advertised window are not taken (nor a FIN after them).
        /// </summary>
        private void TrimToWindow(TcpConnection c, TcpSegment s)
        {
            if ((int)(s.Seq - c.RcvNxt) < 0)
            {
                int dup = (int)(c.RcvNxt - s.Seq);
                if (dup >= s.DataLen)
                {
                    if (dup > s.DataLen)
                    {
                        s.Flags &= unchecked((byte)~TcpFlags.Fin); // the FIN was already received
                    }

                    if (s.DataLen > 0)
                    {
                        c.AckNow = true; // a pure duplicate: tell the sender where we are
                    }

                    s.DataLen = 0;
                }
                else
                {
                    s.DataOff += dup;
                    s.DataLen -= dup;
                    c.AckNow = true;
                }

                s.Seq = c.RcvNxt;
            }

            int room = (int)(c.RcvAdvEdge - s.Seq);
            if (room < 0)
            {
                room = 0;
            }

            if (s.DataLen > room)
            {
                s.DataLen = room;
                s.Flags &= unchecked((byte)~TcpFlags.Fin);
                c.AckNow = true;
            }
        }

        /// <summary>
        /// Fifth: the ACK field. Without ACK the segment is dropped. SYN_RECEIVED completes the handshake
        /// (or answers a bad ACK with RST); the other states take the ACK (<see cref="AckArrives"/>). Once our
        /// FIN is acknowledged CLOSING enters TIME_WAIT and LAST_ACK closes; FIN_WAIT_1 moves on after the
        /// eighth step, which may find the peer's FIN in this same segment. False when the segment is finished.
        /// </summary>
        private bool CheckAck(TcpConnection c, TcpSegment s)
        {
            if ((s.Flags & TcpFlags.Ack) == 0)
            {
                Drop(c, TcpDropReason.NoAck);
                return false;
            }

            if (c.Keepalive)
            {
                c.KeepaliveProbes = 0;
                c.Timers.KeepaliveAt = _now + _config.KeepaliveIdleMs;
            }

            if (c.State == TcpState.SynReceived)
            {
                if ((int)(c.SndUna - s.Ack) < 0 && (int)(s.Ack - c.SndMax) <= 0)
                {
                    EnterEstablished(c, s, TcpCause.ReceivedAck);
                }
                else
                {
                    Drop(c, TcpDropReason.BadAck);
                    Counters.ResetsOut++;
                    EmitRaw(c.LocalIp, c.RemoteIp, c.LocalPort, c.RemotePort, s.Ack, 0, TcpFlags.Rst, 0);
                    return false;
                }
            }
            else if (!AckArrives(c, s))
            {
                return false;
            }

            // Our FIN acknowledged: the closing states move on (FIN_WAIT_1 waits for a FIN in this same segment).
            bool finAcked = c.FinQueued && (int)(c.SndUna - c.FinSeq) > 0; // FinAcked, written out (per segment)
            s.FinAcked = finAcked;
            if (finAcked)
            {
                TcpState state = c.State;
                if (state == TcpState.Closing)
                {
                    EnterTimeWait(c, TcpCause.ReceivedAck);
                    return false;
                }

                if (state == TcpState.LastAck)
                {
                    EnterClosed(c, TcpCause.ReceivedAck, 0);
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Sixth: the URG bit. Urgent data is not supported (RFC 6093 advises new applications not to use
        /// it): the bit and the urgent pointer are ignored, and the bytes they point at are taken as
        /// ordinary in-line text by the seventh step, which is what RFC 6093's "urgent data in-line" does.
        /// </summary>
        private static void CheckUrg()
        {
        }

        /// <summary>
        /// Seventh: segment text (the segment has some). ESTABLISHED, FIN_WAIT_1 and FIN_WAIT_2 take it into the receive ring
        /// (<see cref="TakeText"/>); once the user closed, text is answered with RST (RFC 2525 2.17, as Linux
        /// does). In CLOSE_WAIT and later the peer has sent its FIN already, so text is ignored. When the text
        /// did not land in order, a FIN after it cannot be taken either: the FIN bit is cleared. False when
        /// the connection was aborted.
        /// </summary>
        private bool ProcessText(TcpConnection c, TcpSegment s)
        {
            bool inOrder = false; // CLOSE_WAIT and later: the peer already sent its FIN; ignore
            if (TcpStateRules.MayReceive(c.State))
            {
                if (c.Orphaned)
                {
                    // The user is gone: nobody will read this (RFC 2525 2.17, as Linux does).
                    SendReset(c);
                    Fail(c, NetError.Aborted, TcpCause.DataAfterClose);
                    return false;
                }

                inOrder = TakeText(c, s);
            }

            if (!inOrder)
            {
                s.Flags &= unchecked((byte)~TcpFlags.Fin);
            }

            return true;
        }

        /// <summary>
        /// Eighth: the FIN bit, taken only when everything before it has arrived (<see cref="FinArrives"/>).
        /// Then what the ACK step left for now: FIN_WAIT_1 whose FIN was acknowledged enters FIN_WAIT_2; and
        /// segment arrival ends by sending what is owed (data, FIN, ACK), except in TIME_WAIT.
        /// </summary>
        private void CheckFin(TcpConnection c, TcpSegment s)
        {
            TcpState state = c.State;
            if ((s.Flags & TcpFlags.Fin) != 0 && s.Seq + (uint)s.DataLen == c.RcvNxt)
            {
                FinArrives(c, s.FinAcked && state == TcpState.FinWait1);
                return;
            }

            if (s.FinAcked && state == TcpState.FinWait1)
            {
                SetState(c, TcpState.FinWait2, TcpCause.ReceivedAck);
                if (c.Orphaned)
                {
                    c.Timers.FinWait2At = _now + _config.FinWait2TimeoutMs;
                }
            }

            if (state == TcpState.TimeWait)
            {
                return;
            }

            Output(c);
        }

        /// <summary>An acceptable RST (exactly RCV.NXT), per state.</summary>
        private void ResetArrives(TcpConnection c)
        {
            switch (c.State)
            {
                case TcpState.SynReceived:
                    if (c.Listener >= 0)
                    {
                        SetState(c, TcpState.Listen, TcpCause.ReceivedRst);
                        FreeHalfOpen(c);
                    }
                    else
                    {
                        Fail(c, NetError.ConnectionRefused, TcpCause.ReceivedRst);
                    }

                    return;
                case TcpState.Closing:
                case TcpState.LastAck:
                    EnterClosed(c, TcpCause.ReceivedRst, 0);
                    return;
                default:
                    Fail(c, NetError.ConnectionReset, TcpCause.ReceivedRst);
                    return;
            }
        }

        /// <summary>
        /// ACK processing in a synchronized state: RFC 5961 5.2 acceptability, SND.UNA,
        /// RTT, congestion control, duplicate ACKs and window update. False when dropped.
        /// </summary>
        private bool AckArrives(TcpConnection c, TcpSegment s)
        {
            // Acceptable when SND.UNA - max(MAX.SND.WND, MSS) <= SEG.ACK <= SND.MAX; an ACK at or above SND.UNA
            // passes the left edge without computing it (per segment).
            uint ack = s.Ack;
            int acked = (int)(ack - c.SndUna);
            if ((int)(ack - c.SndMax) > 0 || (acked < 0 && acked + (c.MaxSndWnd > c.SendMss ? c.MaxSndWnd : c.SendMss) < 0))
            {
                Drop(c, TcpDropReason.BadAck);
                SendChallengeAck(c);
                return false;
            }

            if (acked > 0)
            {
                AckNewData(c, ack, acked);
            }
            else if (acked == 0)
            {
                if (c.SndMax == c.SndUna)
                {
                    c.Cc.NothingInFlight();
                }
                else if (s.DataLen == 0 && (s.Flags & (TcpFlags.Syn | TcpFlags.Fin)) == 0 && s.Wnd == c.SndWnd && s.Wnd != 0)
                {
                    DuplicateAck(c);
                }
            }

            // Window update (SND.WL1/SND.WL2 keep old segments from reopening it).
            if ((int)(c.SndWl1 - s.Seq) < 0 || (c.SndWl1 == s.Seq && (int)(c.SndWl2 - ack) <= 0))
            {
                c.SndWnd = s.Wnd;
                c.SndWl1 = s.Seq;
                c.SndWl2 = ack;
                if (s.Wnd > c.MaxSndWnd)
                {
                    c.MaxSndWnd = s.Wnd;
                }

                if (s.Wnd > 0)
                {
                    c.Timers.PersistAt = TcpTimers.Never;
                    c.PersistBackoff = 0;
                }
            }

            return true;
        }

        /// <summary>SEG.ACK <paramref name="ack"/> acknowledges <paramref name="acked"/> new bytes: SND.UNA moves, the send ring frees them, RTT is sampled, congestion control grows cwnd, the retransmission timer restarts.</summary>
        private void AckNewData(TcpConnection c, uint ack, int acked)
        {
            if ((int)(ack - c.SndBufSeq) > 0)
            {
                int data = (int)(ack - c.SndBufSeq);
                if (data > c.SendRing.Count)
                {
                    data = c.SendRing.Count; // the rest is our FIN
                }

                c.SendRing.Consume(data);
                c.SndBufSeq += (uint)data;
            }

            c.SndUna = ack;
            if ((int)(c.SndNxt - ack) < 0)
            {
                c.SndNxt = ack; // a zero-window probe byte was taken
            }

            RttEstimator rtt = c.Rtt;
            if (rtt.Timing && (int)(ack - rtt.TimedSeq) > 0)
            {
                rtt.Measure(_now);
            }

            c.Retries = 0;
            if (c.Cc.NewAck(ack, acked, c.SndMax, c.SendMss))
            {
                RetransmitFirst(c, true); // NewReno partial acknowledgment: resend the next hole
            }

            c.Timers.RetransmitAt = c.SndUna == c.SndMax ? TcpTimers.Never : _now + rtt.Rto; // off, or restarted (RFC 6298 5.2, 5.3)
        }

        /// <summary>
        /// A duplicate ACK (RFC 5681 3.2, RFC 6582): congestion control counts it, and the third one fast-retransmits
        /// the first unacknowledged segment. (Answers to zero-window probes are not duplicates: the window is
        /// closed, nothing was lost.)
        /// </summary>
        private void DuplicateAck(TcpConnection c)
        {
            if (c.Cc.DuplicateAck(c.SndUna, c.SndMax, c.SendMss))
            {
                Counters.FastRetransmits++;
                RetransmitFirst(c, true);
            }
        }

        /// <summary>In-order or out-of-order text into the receive ring. Returns true when it was in order.</summary>
        private bool TakeText(TcpConnection c, TcpSegment s)
        {
            int distance = (int)(s.Seq - c.RcvNxt);
            ByteRing ring = c.RecvRing;
            if (distance + s.DataLen > ring.Free)
            {
                // Cannot happen while the window is honoured (RcvAdvEdge <= RCV.NXT + free); be safe.
                s.DataLen = ring.Free - distance;
                if (s.DataLen <= 0)
                {
                    Drop(c, TcpDropReason.OutOfWindow);
                    c.AckNow = true;
                    return false;
                }
            }

            if (distance > 0)
            {
                if (!c.Ooo.Add(distance, distance + s.DataLen))
                {
                    Drop(c, TcpDropReason.ReassemblyFull);
                    c.AckNow = true;
                    return false;
                }

                ring.WriteAt(ring.Count + distance, s.Buf, s.DataOff, s.DataLen);
                Counters.OutOfOrderSegments++;
                c.AckNow = true; // RFC 5681 4.2: out-of-order data is acknowledged at once (a duplicate ACK)
                return false;
            }

            bool hadHoles = c.Ooo.RangeCount > 0;
            ring.WriteAt(ring.Count, s.Buf, s.DataOff, s.DataLen);
            int advance = hadHoles ? c.Ooo.Advance(s.DataLen) : s.DataLen; // with no ranges Advance returns its length
            ring.Commit(advance);
            c.RcvNxt += (uint)advance;
            if (hadHoles)
            {
                c.AckNow = true; // filled (part of) a hole: ACK at once
            }
            else if (s.DataLen >= c.SendMss && ++c.SegmentsSinceAck >= 2)
            {
                // At least every second full-sized segment (RFC 5681 4.2). With the application-turn
                // rule the ACK leaves at the next poll, after the application read: it then opens the window.
                if (_config.AckAfterApplicationTurn)
                {
                    TcpTimers t = c.Timers;
                    t.DelayedAckAt = _now;
                    t.DelayedAckPoll = _pollCount;
                }
                else
                {
                    c.AckNow = true;
                }
            }
            else
            {
                // Delayed so the ACK can ride on the application's answer: until the next poll after the
                // application had its turn (AckAfterApplicationTurn), at most DelayedAckMs. This keeps Nagle
                // and delayed ACK from stalling request/response rounds.
                c.Timers.ArmDelayedAck(_now + _config.DelayedAckMs, _pollCount);
            }

            return true;
        }

        /// <summary>An in-order FIN (3.10.7.4, eighth).</summary>
        private void FinArrives(TcpConnection c, bool ourFinAcked)
        {
            c.RcvNxt++;
            c.FinReceived = true;
            c.AckNow = true;
            switch (c.State)
            {
                case TcpState.SynReceived:
                case TcpState.Established:
                    SetState(c, TcpState.CloseWait, TcpCause.ReceivedFin);
                    break;
                case TcpState.FinWait1:
                    if (ourFinAcked)
                    {
                        EnterTimeWait(c, TcpCause.ReceivedFinAck);
                    }
                    else
                    {
                        SetState(c, TcpState.Closing, TcpCause.ReceivedFin);
                    }

                    break;
                case TcpState.FinWait2:
                    EnterTimeWait(c, TcpCause.ReceivedFin);
                    break;
                case TcpState.TimeWait:
                    c.Timers.TimeWaitAt = _now + 2L * _config.MslMs;
                    break;
            }

            Output(c);
        }

        private void EnterTimeWait(TcpConnection c, TcpCause cause)
        {
            SetState(c, TcpState.TimeWait, cause);
            c.Timers.StartTimeWait(_now + 2L * _config.MslMs);
            if (c.AckNow)
            {
                SendAck(c);
            }
        }

        /// <summary>RFC 5961 challenge ACK, rate limited for the whole stack.</summary>
        private void SendChallengeAck(TcpConnection c)
        {
            if (_now - _challengeWindowStart >= 1000)
            {
                _challengeWindowStart = _now;
                _challengeCount = 0;
            }

            if (_challengeCount >= _config.ChallengeAckLimitPerSecond)
            {
                Counters.ChallengeAcksSuppressed++;
                return;
            }

            _challengeCount++;
            Counters.ChallengeAcks++;
            SendAck(c);
        }

        /// <summary>
        /// An ICMP error about a segment we sent (RFC 1122 4.2.3.9, RFC 5927): destination
        /// unreachable with code 2-4 in SYN_SENT ends the attempt (hard error); in synchronized
        /// states errors are soft (counted, the connection goes on); fragmentation needed lowers
        /// the MSS to the path MTU and resends. The quoted sequence number must lie in
        /// [SND.UNA, SND.MAX), so a blind attacker cannot use ICMP to reset or slow connections.
        /// </summary>
        public void IcmpError(uint localIp, uint remoteIp, ushort localPort, ushort remotePort, uint seq, byte type, byte code, int nextHopMtu)
        {
            TcpConnection c = Find(localIp, localPort, remoteIp, remotePort);
            if (c == null || (int)(seq - c.SndUna) < 0 || (int)(seq - c.SndMax) >= 0)
            {
                Counters.IcmpIgnored++;
                return;
            }

            Counters.IcmpErrors++;
            if (type == IcmpType.DestinationUnreachable && code == IcmpCode.FragmentationNeeded)
            {
                // Path MTU discovery (RFC 1191): the segment was too big for a hop.
                int mss = nextHopMtu - IpAndTcpHeaderBytes;
                if (nextHopMtu >= MinIpv4Mtu && mss < c.SendMss)
                {
                    c.SendMss = mss < MinPathMss ? MinPathMss : mss;
                    if (c.IsSynchronized && c.SndNxt != c.SndUna)
                    {
                        c.SndNxt = c.SndUna; // resend what was lost at the smaller size
                        Output(c);
                    }
                }

                return;
            }

            if (c.State == TcpState.SynSent && type == IcmpType.DestinationUnreachable
                && (code == IcmpCode.ProtocolUnreachable || code == IcmpCode.PortUnreachable || code == IcmpCode.FragmentationNeeded))
            {
                Fail(c, NetError.Unreachable, TcpCause.IcmpError);
            }

            // Any other error is soft (RFC 1122 4.2.3.9): counted above, and the connection goes on.
        }
    }
}
