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
        // The segment being processed (fields rather than parameters keep the interpreter's calls cheap).
        private uint _segSrcIp;
        private uint _segDstIp;
        private ushort _segSrcPort;
        private ushort _segDstPort;
        private uint _segSeq;
        private uint _segAck;
        private byte _segFlags;
        private int _segWnd;
        private int _segMss;
        private byte[] _segBuf;
        private int _segDataOff;
        private int _segDataLen;

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
            _segDataLen = 0;
            _segSeq = 0;
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

            _segSrcIp = sourceIp;
            _segDstIp = destinationIp;
            _segSrcPort = (ushort)((buffer[offset] << 8) | buffer[offset + 1]);
            _segDstPort = (ushort)((buffer[offset + 2] << 8) | buffer[offset + 3]);
            _segSeq = ((uint)buffer[offset + 4] << 24) | ((uint)buffer[offset + 5] << 16) | ((uint)buffer[offset + 6] << 8) | buffer[offset + 7];
            _segAck = ((uint)buffer[offset + 8] << 24) | ((uint)buffer[offset + 9] << 16) | ((uint)buffer[offset + 10] << 8) | buffer[offset + 11];
            _segFlags = buffer[offset + 13];
            _segWnd = (buffer[offset + 14] << 8) | buffer[offset + 15];
            _segBuf = buffer;
            _segDataOff = offset + headerLength;
            _segDataLen = length - headerLength;
            _segMss = 0;
            if ((_segFlags & TcpFlags.Syn) != 0 && headerLength > TcpHeader.MinimumHeaderLength)
            {
                TcpOptions o = _rxOptions;
                if (o.Parse(buffer, offset + TcpHeader.MinimumHeaderLength, headerLength - TcpHeader.MinimumHeaderLength) != WireResult.Ok)
                {
                    Drop(null, TcpDropReason.BadOptions);
                    return;
                }

                _segMss = o.Mss;
            }

            TcpConnection c = Find(destinationIp, _segDstPort, sourceIp, _segSrcPort);
            if (c != null)
            {
                if (c.State == TcpState.SynSent)
                {
                    SynSentArrives(c);
                }
                else
                {
                    SynchronizedArrives(c);
                }

                return;
            }

            int l = FindListener(destinationIp, _segDstPort);
            if (l >= 0)
            {
                ListenArrives(l, 0);
                return;
            }

            ClosedArrives();
        }

        /// <summary>No connection: RST per RFC 9293 3.10.7.1 (never in answer to an RST).</summary>
        private void ClosedArrives()
        {
            Drop(null, TcpDropReason.NoConnection);
            if ((_segFlags & TcpFlags.Rst) != 0)
            {
                return;
            }

            ReplyReset();
        }

        private void ReplyReset()
        {
            Counters.ResetsOut++;
            if ((_segFlags & TcpFlags.Ack) != 0)
            {
                EmitRaw(_segDstIp, _segSrcIp, _segDstPort, _segSrcPort, _segAck, 0, TcpFlags.Rst, 0);
            }
            else
            {
                EmitRaw(_segDstIp, _segSrcIp, _segDstPort, _segSrcPort, 0, _segSeq + SegmentLength(), TcpFlags.Rst | TcpFlags.Ack, 0);
            }
        }

        private uint SegmentLength()
        {
            uint n = (uint)_segDataLen;
            if ((_segFlags & TcpFlags.Syn) != 0) n++;
            if ((_segFlags & TcpFlags.Fin) != 0) n++;
            return n;
        }

        /// <summary>LISTEN (3.10.7.2). <paramref name="issFloor"/> is non-zero when a TIME_WAIT tuple is being reopened.</summary>
        private void ListenArrives(int l, uint issFloor)
        {
            byte f = _segFlags;
            if ((f & TcpFlags.Rst) != 0)
            {
                Drop(null, TcpDropReason.Unexpected);
                return;
            }

            if ((f & TcpFlags.Ack) != 0)
            {
                Drop(null, TcpDropReason.Unexpected);
                Counters.ResetsOut++;
                EmitRaw(_segDstIp, _segSrcIp, _segDstPort, _segSrcPort, _segAck, 0, TcpFlags.Rst, 0);
                return;
            }

            if ((f & TcpFlags.Syn) == 0)
            {
                Drop(null, TcpDropReason.Unexpected);
                return;
            }

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
                    return;
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
                return;
            }

            c.Listener = l;
            c.UserHolds = false;
            Init(c, _segDstIp, _segDstPort, _segSrcIp, _segSrcPort, issFloor);
            c.State = TcpState.Listen; // the entry is born from the listener: LISTEN -> SYN_RECEIVED
            c.Irs = _segSeq;
            c.RcvNxt = _segSeq + 1;
            c.RcvAdvEdge = c.RcvNxt;
            c.SndWnd = _segWnd;
            c.MaxSndWnd = _segWnd;
            c.SndWl1 = _segSeq;
            c.SndWl2 = 0;
            ApplyPeerMss(c);
            Counters.PassiveOpens++;
            SetState(c, TcpState.SynReceived, TcpCause.ReceivedSyn);
            // Data carried on the SYN is not queued; the peer retransmits it after the handshake.
            SendSyn(c);
        }

        private void ApplyPeerMss(TcpConnection c)
        {
            int mss = _segMss > 0 ? _segMss : 536;
            if (mss > _config.Mss)
            {
                mss = _config.Mss;
            }

            c.SendMss = mss < 64 ? 64 : mss;
        }

        /// <summary>SYN_SENT (3.10.7.3).</summary>
        private void SynSentArrives(TcpConnection c)
        {
            byte f = _segFlags;
            bool ack = (f & TcpFlags.Ack) != 0;
            if (ack && ((int)(_segAck - c.Iss) <= 0 || (int)(_segAck - c.SndMax) > 0))
            {
                Drop(c, TcpDropReason.BadAck);
                if ((f & TcpFlags.Rst) == 0)
                {
                    Counters.ResetsOut++;
                    EmitRaw(c.LocalIp, c.RemoteIp, c.LocalPort, c.RemotePort, _segAck, 0, TcpFlags.Rst, 0);
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

            c.Irs = _segSeq;
            c.RcvNxt = _segSeq + 1;
            c.RcvAdvEdge = c.RcvNxt;
            ApplyPeerMss(c);
            if (ack)
            {
                EnterEstablished(c, TcpCause.ReceivedSynAck);
                c.AckNow = true;
                Output(c);
                return;
            }

            // Simultaneous open: SYN_SENT -> SYN_RECEIVED, answer SYN,ACK with our ISS.
            c.SndWnd = _segWnd;
            c.MaxSndWnd = _segWnd;
            c.SndWl1 = _segSeq;
            SetState(c, TcpState.SynReceived, TcpCause.ReceivedSyn);
            c.SndNxt = c.Iss;
            SendSyn(c);
        }

        /// <summary>
        /// The segment acknowledged our SYN: take its window, sample the handshake's RTT, open
        /// the congestion window and enter ESTABLISHED (or FIN_WAIT_1 if the user already closed).
        /// </summary>
        private void EnterEstablished(TcpConnection c, TcpCause cause)
        {
            c.SndUna = _segAck;
            c.SndWnd = _segWnd;
            c.MaxSndWnd = _segWnd;
            c.SndWl1 = _segSeq;
            c.SndWl2 = _segAck;
            c.RetransmitAt = TcpConnection.Never;
            c.Retries = 0;
            if (c.RttTiming)
            {
                c.Rtt.Sample((int)(_now - c.RttStart));
                c.RttTiming = false;
            }

            InitCongestion(c);
            SetState(c, TcpState.Established, cause);
            if (c.Keepalive)
            {
                c.KeepaliveAt = _now + _config.KeepaliveIdleMs;
            }

            if (c.FinQueued)
            {
                SetState(c, TcpState.FinWait1, TcpCause.UserClose);
            }
        }

        /// <summary>SYN_RECEIVED and every synchronized state (3.10.7.4).</summary>
        private void SynchronizedArrives(TcpConnection c)
        {
            byte f = _segFlags;
            TcpState state = c.State;

            // A retransmitted SYN while the handshake is unfinished: answer with the SYN-ACK again.
            if (state == TcpState.SynReceived && (f & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) == TcpFlags.Syn && _segSeq == c.Irs)
            {
                SendSyn(c);
                return;
            }

            // Simultaneous open (RFC 9293 figure 7, line 6): the peer's SYN,ACK answers our SYN while we
            // are in SYN_RECEIVED. Its SYN was already counted; take it as the handshake's ACK (as Linux does).
            if (state == TcpState.SynReceived && c.Listener < 0 && (f & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) == (TcpFlags.Syn | TcpFlags.Ack)
                && _segSeq + 1 == c.RcvNxt && _segAck == c.SndMax)
            {
                _segSeq = c.RcvNxt;
                _segDataLen = 0;
                _segFlags = TcpFlags.Ack;
                f = _segFlags;
            }

            // TIME_WAIT may be reopened by a new SYN above the old sequence space (RFC 1122 4.2.2.13).
            if (state == TcpState.TimeWait && (f & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) == TcpFlags.Syn && (int)(_segSeq - c.RcvNxt) > 0)
            {
                int l = FindListener(_segDstIp, _segDstPort);
                if (l >= 0)
                {
                    uint floor = c.SndMax + 65536;
                    Counters.TimeWaitReused++;
                    EnterClosed(c, TcpCause.Recycled, 0);
                    ListenArrives(l, floor);
                    return;
                }
            }

            int wnd = (int)(c.RcvAdvEdge - c.RcvNxt);
            if (wnd < 0)
            {
                wnd = 0;
            }

            // SegmentLength() and InWindow(seq, RCV.NXT, wnd) written out (per segment): seq is in the
            // window when 0 <= seq - RCV.NXT < wnd, modulo 2^32.
            uint segLen = (uint)_segDataLen + (uint)((f >> 1) & 1) + (uint)(f & 1); // + SYN + FIN (TcpFlags 0x02, 0x01)
            uint rcvNxt = c.RcvNxt;
            bool acceptable;
            if (segLen == 0)
            {
                acceptable = wnd == 0 ? _segSeq == rcvNxt : (int)(_segSeq - rcvNxt) >= 0 && (int)(_segSeq - (rcvNxt + (uint)wnd)) < 0;
            }
            else
            {
                uint last = _segSeq + segLen - 1;
                acceptable = wnd != 0
                    && (((int)(_segSeq - rcvNxt) >= 0 && (int)(_segSeq - (rcvNxt + (uint)wnd)) < 0)
                        || ((int)(last - rcvNxt) >= 0 && (int)(last - (rcvNxt + (uint)wnd)) < 0));
            }

            // first: sequence number check
            if (!acceptable)
            {
                bool zeroWindowProbe = wnd == 0 && _segSeq == c.RcvNxt && (f & TcpFlags.Rst) == 0;
                if (!zeroWindowProbe)
                {
                    if ((f & TcpFlags.Rst) != 0)
                    {
                        Drop(c, TcpDropReason.RstNotExact);
                        return;
                    }

                    Drop(c, TcpDropReason.OutOfWindow);
                    if (state == TcpState.TimeWait && (f & TcpFlags.Fin) != 0)
                    {
                        c.TimeWaitAt = _now + 2L * _config.MslMs; // a retransmitted FIN restarts 2MSL
                    }

                    SendAck(c);
                    return;
                }

                // RCV.WND == 0: still process ACK (and RST/URG) of a segment at RCV.NXT; its text is not taken.
                _segDataLen = 0;
                _segFlags &= unchecked((byte)~(TcpFlags.Fin | TcpFlags.Syn));
                f = _segFlags;
                c.AckNow = true;
            }

            // second: RST (RFC 5961 3.2: only an exact RCV.NXT resets; else challenge ACK)
            if ((f & TcpFlags.Rst) != 0)
            {
                Counters.ResetsIn++;
                if (state == TcpState.TimeWait)
                {
                    Drop(c, TcpDropReason.RstInTimeWait); // RFC 1337
                    return;
                }

                if (_segSeq != c.RcvNxt)
                {
                    Drop(c, TcpDropReason.RstNotExact);
                    SendChallengeAck(c);
                    return;
                }

                ResetArrives(c);
                return;
            }

            // fourth: SYN in a synchronized state (RFC 5961 4.2: challenge ACK)
            if ((f & TcpFlags.Syn) != 0)
            {
                if (state == TcpState.SynReceived && c.Listener >= 0)
                {
                    // RFC 9293: a passive SYN_RECEIVED returns to LISTEN.
                    SetState(c, TcpState.Listen, TcpCause.ReceivedSyn);
                    FreeHalfOpen(c);
                    Drop(c, TcpDropReason.SynInWindow);
                    return;
                }

                Drop(c, TcpDropReason.SynInWindow);
                SendChallengeAck(c);
                return;
            }

            // Trim to the window: bytes before RCV.NXT were received already, bytes past the window are not taken.
            if ((int)(_segSeq - c.RcvNxt) < 0)
            {
                int dup = (int)(c.RcvNxt - _segSeq);
                if (dup >= _segDataLen)
                {
                    if (dup > _segDataLen)
                    {
                        _segFlags &= unchecked((byte)~TcpFlags.Fin); // the FIN was already received
                    }

                    if (_segDataLen > 0)
                    {
                        c.AckNow = true; // a pure duplicate: tell the sender where we are
                    }

                    _segDataLen = 0;
                }
                else
                {
                    _segDataOff += dup;
                    _segDataLen -= dup;
                    c.AckNow = true;
                }

                _segSeq = c.RcvNxt;
                f = _segFlags;
            }

            int room = (int)(c.RcvAdvEdge - _segSeq);
            if (room < 0)
            {
                room = 0;
            }

            if (_segDataLen > room)
            {
                _segDataLen = room;
                _segFlags &= unchecked((byte)~TcpFlags.Fin);
                f = _segFlags;
                c.AckNow = true;
            }

            // fifth: ACK
            if ((f & TcpFlags.Ack) == 0)
            {
                Drop(c, TcpDropReason.NoAck);
                return;
            }

            if (c.Keepalive)
            {
                c.KeepaliveProbes = 0;
                c.KeepaliveAt = _now + _config.KeepaliveIdleMs;
            }

            if (state == TcpState.SynReceived)
            {
                if ((int)(c.SndUna - _segAck) < 0 && (int)(_segAck - c.SndMax) <= 0)
                {
                    EnterEstablished(c, TcpCause.ReceivedAck);
                    state = c.State;
                }
                else
                {
                    Drop(c, TcpDropReason.BadAck);
                    Counters.ResetsOut++;
                    EmitRaw(c.LocalIp, c.RemoteIp, c.LocalPort, c.RemotePort, _segAck, 0, TcpFlags.Rst, 0);
                    return;
                }
            }
            else if (!AckArrives(c))
            {
                return;
            }

            // Our FIN acknowledged: the closing states move on (FIN_WAIT_1 waits for a FIN in this same segment).
            bool finAcked = c.FinAcked;
            if (finAcked)
            {
                if (state == TcpState.Closing)
                {
                    EnterTimeWait(c, TcpCause.ReceivedAck);
                    return;
                }

                if (state == TcpState.LastAck)
                {
                    EnterClosed(c, TcpCause.ReceivedAck, 0);
                    return;
                }
            }

            // seventh: segment text (ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2)
            bool inOrder = true;
            if (_segDataLen > 0)
            {
                if (state == TcpState.Established || state == TcpState.FinWait1 || state == TcpState.FinWait2)
                {
                    if (c.Orphaned)
                    {
                        // The user is gone: nobody will read this (RFC 2525 2.17, as Linux does).
                        SendReset(c);
                        Fail(c, NetError.Aborted, TcpCause.DataAfterClose);
                        return;
                    }

                    inOrder = TakeText(c);
                }
                else
                {
                    inOrder = false; // CLOSE_WAIT and later: the peer already sent its FIN; ignore
                }
            }

            // eighth: FIN (only when everything before it has arrived)
            if ((f & TcpFlags.Fin) != 0 && inOrder && _segSeq + (uint)_segDataLen == c.RcvNxt)
            {
                FinArrives(c, finAcked && state == TcpState.FinWait1);
                return;
            }

            if (finAcked && state == TcpState.FinWait1)
            {
                SetState(c, TcpState.FinWait2, TcpCause.ReceivedAck);
                if (c.Orphaned)
                {
                    c.FinWait2At = _now + _config.FinWait2TimeoutMs;
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
        private bool AckArrives(TcpConnection c)
        {
            uint ack = _segAck;
            int maxWnd = c.MaxSndWnd > c.SendMss ? c.MaxSndWnd : c.SendMss;
            if ((int)(ack - c.SndMax) > 0 || (int)(ack - (c.SndUna - (uint)maxWnd)) < 0)
            {
                Drop(c, TcpDropReason.BadAck);
                SendChallengeAck(c);
                return false;
            }

            if ((int)(ack - c.SndUna) > 0)
            {
                AckNewData(c, ack);
            }
            else if (ack == c.SndUna && _segDataLen == 0 && (_segFlags & (TcpFlags.Syn | TcpFlags.Fin)) == 0
                && _segWnd == c.SndWnd && _segWnd != 0 && c.SndMax != c.SndUna)
            {
                DuplicateAck(c);
            }
            else if (ack == c.SndUna && c.SndMax == c.SndUna)
            {
                c.DupAcks = 0;
            }

            // Window update (SND.WL1/SND.WL2 keep old segments from reopening it).
            if ((int)(c.SndWl1 - _segSeq) < 0 || (c.SndWl1 == _segSeq && (int)(c.SndWl2 - ack) <= 0))
            {
                c.SndWnd = _segWnd;
                c.SndWl1 = _segSeq;
                c.SndWl2 = ack;
                if (_segWnd > c.MaxSndWnd)
                {
                    c.MaxSndWnd = _segWnd;
                }

                if (_segWnd > 0)
                {
                    c.PersistAt = TcpConnection.Never;
                    c.PersistBackoff = 0;
                }
            }

            return true;
        }

        private void AckNewData(TcpConnection c, uint ack)
        {
            int acked = (int)(ack - c.SndUna);
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

            if (c.RttTiming && (int)(ack - c.RttSeq) > 0)
            {
                c.Rtt.Sample((int)(_now - c.RttStart));
                c.RttTiming = false;
            }

            c.Retries = 0;
            int mss = c.SendMss;
            if (c.InRecovery)
            {
                if ((int)(ack - c.Recover) >= 0)
                {
                    // RFC 6582 3.2 step 3: full acknowledgment ends fast recovery.
                    int flight = c.FlightSize;
                    c.Cwnd = c.Ssthresh < flight + mss ? c.Ssthresh : flight + mss;
                    c.InRecovery = false;
                    c.DupAcks = 0;
                }
                else
                {
                    // Partial acknowledgment: resend the next hole, deflate by what was acked.
                    RetransmitFirst(c, true);
                    c.Cwnd -= acked;
                    if (acked >= mss)
                    {
                        c.Cwnd += mss;
                    }

                    if (c.Cwnd < mss)
                    {
                        c.Cwnd = mss;
                    }
                }
            }
            else
            {
                c.DupAcks = 0;
                if (c.Cwnd < c.Ssthresh)
                {
                    c.Cwnd += acked < mss ? acked : mss; // slow start (RFC 5681 eq. 2)
                }
                else
                {
                    int inc = mss * mss / c.Cwnd; // congestion avoidance (eq. 3)
                    c.Cwnd += inc > 0 ? inc : 1;
                }
            }

            int cap = 2 * (_config.SendBufferSize + mss);
            if (c.Cwnd > cap)
            {
                c.Cwnd = cap;
            }

            if (c.SndUna == c.SndMax)
            {
                c.RetransmitAt = TcpConnection.Never;
            }
            else
            {
                c.RetransmitAt = _now + c.Rtt.Rto;
            }
        }

        /// <summary>
        /// RFC 5681 3.2 / RFC 6582: the third duplicate ACK triggers fast retransmit. (Answers to
        /// zero-window probes are not duplicates: the window is closed, nothing was lost.)
        /// </summary>
        private void DuplicateAck(TcpConnection c)
        {
            c.DupAcks++;
            int mss = c.SendMss;
            if (c.InRecovery)
            {
                c.Cwnd += mss; // inflate for each segment that left the network
                return;
            }

            if (c.DupAcks < 3)
            {
                return; // limited transmit (RFC 3042): the Output that ends segment arrival may send one new segment
            }

            if (c.DupAcks == 3 && (int)(c.SndUna - c.Recover) > 0)
            {
                int half = c.FlightSize / 2;
                c.Ssthresh = half > 2 * mss ? half : 2 * mss;
                c.Recover = c.SndMax;
                c.InRecovery = true;
                Counters.FastRetransmits++;
                RetransmitFirst(c, true);
                c.Cwnd = c.Ssthresh + 3 * mss;
            }
        }

        /// <summary>In-order or out-of-order text into the receive ring. Returns true when it was in order.</summary>
        private bool TakeText(TcpConnection c)
        {
            int distance = (int)(_segSeq - c.RcvNxt);
            ByteRing ring = c.RecvRing;
            if (distance + _segDataLen > ring.Free)
            {
                // Cannot happen while the window is honoured (RcvAdvEdge <= RCV.NXT + free); be safe.
                _segDataLen = ring.Free - distance;
                if (_segDataLen <= 0)
                {
                    Drop(c, TcpDropReason.OutOfWindow);
                    c.AckNow = true;
                    return false;
                }
            }

            if (distance > 0)
            {
                if (!c.Ooo.Add(distance, distance + _segDataLen))
                {
                    Drop(c, TcpDropReason.ReassemblyFull);
                    c.AckNow = true;
                    return false;
                }

                ring.WriteAt(ring.Count + distance, _segBuf, _segDataOff, _segDataLen);
                Counters.OutOfOrderSegments++;
                c.AckNow = true; // RFC 5681 4.2: out-of-order data is acknowledged at once (a duplicate ACK)
                return false;
            }

            bool hadHoles = c.Ooo.RangeCount > 0;
            ring.WriteAt(ring.Count, _segBuf, _segDataOff, _segDataLen);
            int advance = c.Ooo.Advance(_segDataLen);
            ring.Commit(advance);
            c.RcvNxt += (uint)advance;
            if (hadHoles)
            {
                c.AckNow = true; // filled (part of) a hole: ACK at once
            }
            else if (_segDataLen >= c.SendMss && ++c.SegmentsSinceAck >= 2)
            {
                // At least every second full-sized segment (RFC 5681 4.2). With the application-turn
                // rule the ACK leaves at the next poll, after the application read: it then opens the window.
                if (_config.AckAfterApplicationTurn)
                {
                    c.DelayedAckAt = _now;
                    c.AckArmedAtPoll = _pollCount;
                }
                else
                {
                    c.AckNow = true;
                }
            }
            else
            {
                ArmDelayedAck(c);
            }

            return true;
        }

        /// <summary>
        /// Delays the ACK of in-order data so it can ride on the application's answer: until the
        /// next poll after the application had its turn (when AckAfterApplicationTurn), at most
        /// DelayedAckMs. This keeps Nagle and delayed ACK from stalling request/response rounds.
        /// </summary>
        private void ArmDelayedAck(TcpConnection c)
        {
            if (c.DelayedAckAt == TcpConnection.Never)
            {
                c.DelayedAckAt = _now + _config.DelayedAckMs;
                c.AckArmedAtPoll = _pollCount;
            }
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
                    c.TimeWaitAt = _now + 2L * _config.MslMs;
                    break;
            }

            Output(c);
        }

        private void EnterTimeWait(TcpConnection c, TcpCause cause)
        {
            SetState(c, TcpState.TimeWait, cause);
            c.RetransmitAt = TcpConnection.Never;
            c.PersistAt = TcpConnection.Never;
            c.KeepaliveAt = TcpConnection.Never;
            c.FinWait2At = TcpConnection.Never;
            c.DelayedAckAt = TcpConnection.Never;
            c.TimeWaitAt = _now + 2L * _config.MslMs;
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
        /// states errors are soft (recorded, the connection goes on); fragmentation needed lowers
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
            if (type == 3 && code == 4)
            {
                // Path MTU discovery (RFC 1191): the segment was too big for a hop.
                int mss = nextHopMtu - 40;
                if (nextHopMtu >= 68 && mss < c.SendMss)
                {
                    c.SendMss = mss < 88 ? 88 : mss;
                    if (c.IsSynchronized && c.SndNxt != c.SndUna)
                    {
                        c.SndNxt = c.SndUna; // resend what was lost at the smaller size
                        Output(c);
                    }
                }

                return;
            }

            if (c.State == TcpState.SynSent && type == 3 && (code == 2 || code == 3 || code == 4))
            {
                Fail(c, NetError.Unreachable, TcpCause.IcmpError);
                return;
            }

            c.SoftError = type == 3 ? NetError.Unreachable : NetError.TimedOut;
        }
    }
}
