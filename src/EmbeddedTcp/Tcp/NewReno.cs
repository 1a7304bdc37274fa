namespace EmbeddedTcp.Tcp
{
    /// <summary>
    /// Congestion control of one connection, in bytes: slow start and congestion avoidance
    /// (RFC 5681), fast retransmit and NewReno fast recovery (RFC 6582), limited transmit
    /// (RFC 3042) and the initial window of RFC 6928. It holds cwnd, ssthresh, "recover" and the
    /// duplicate-ACK count and makes every transition of them; the connection's code tells it what
    /// happened (a new ACK, a duplicate, a timeout) and does the sending it answers with. One per
    /// connection entry, allocated with it. The state is in fields, read in place on the per-segment
    /// paths (a field read is one IL instruction on the interpreter, a property a call).
    /// </summary>
    internal sealed class NewReno
    {
        /// <summary>Duplicate ACKs that trigger fast retransmit (RFC 5681 3.2).</summary>
        private const int DupAckThreshold = 3;

        /// <summary>The ssthresh of a new connection: arbitrarily high (RFC 5681 3.1), the largest unscaled window.</summary>
        private const int InitialSsthresh = 65535;

        /// <summary>RFC 6928: IW = min(10*MSS, max(2*MSS, 14600)).</summary>
        private const int InitialWindowBytes = 14600;

        private const int InitialWindowSegments = 10;

        /// <summary>The congestion window, bytes.</summary>
        public int Cwnd;

        /// <summary>The slow start threshold, bytes.</summary>
        public int Ssthresh;

        /// <summary>Duplicate ACKs in a row (RFC 5681 3.2).</summary>
        public int DupAcks;

        /// <summary>In fast recovery (RFC 6582 3.2), until an ACK covers <see cref="Recover"/>.</summary>
        public bool InRecovery;

        /// <summary>RFC 6582 "recover": SND.MAX when fast recovery (or the last timeout) began.</summary>
        public uint Recover;

        private readonly int _sendBuffer;

        /// <summary>Allocated with the connection entry; <paramref name="sendBuffer"/> (its send ring) bounds cwnd.</summary>
        public NewReno(int sendBuffer)
        {
            _sendBuffer = sendBuffer;
        }

        /// <summary>Leaves recovery and forgets duplicate ACKs (a connection entry is reset).</summary>
        public void Reset()
        {
            DupAcks = 0;
            InRecovery = false;
        }

        /// <summary>A new connection with initial send sequence number <paramref name="iss"/>: "recover" starts at the ISS (RFC 6582), ssthresh high.</summary>
        public void Start(uint iss)
        {
            Recover = iss;
            Ssthresh = InitialSsthresh;
        }

        /// <summary>The connection is established: the RFC 6928 initial window for <paramref name="mss"/>, capped by the send ring.</summary>
        public void Open(int mss)
        {
            int iw = 2 * mss > InitialWindowBytes ? 2 * mss : InitialWindowBytes;
            if (iw > InitialWindowSegments * mss)
            {
                iw = InitialWindowSegments * mss;
            }

            int cap = _sendBuffer > mss ? _sendBuffer : mss;
            Cwnd = iw < cap ? iw : cap;
            Ssthresh = InitialSsthresh;
        }

        /// <summary>
        /// The window the sender may fill: cwnd, plus one segment for each of the first two duplicate
        /// ACKs outside recovery (RFC 3042 limited transmit: a small window still collects the three
        /// duplicates fast retransmit needs).
        /// </summary>
        public int SendWindow(int mss)
        {
            if (InRecovery || DupAcks == 0)
            {
                return Cwnd;
            }

            return Cwnd + (DupAcks < 2 ? DupAcks : 2) * mss;
        }

        /// <summary>
        /// An ACK of new data: <paramref name="acked"/> bytes up to <paramref name="ack"/> (now SND.UNA), with
        /// <paramref name="sndMax"/> the highest sequence number sent. Outside recovery cwnd grows (slow start,
        /// RFC 5681 eq. 2, or congestion avoidance, eq. 3); a full acknowledgment ends recovery (RFC 6582 3.2
        /// step 3); a partial one deflates cwnd and returns true: the caller resends the next hole.
        /// </summary>
        public bool NewAck(uint ack, int acked, uint sndMax, int mss)
        {
            bool partial = false;
            if (InRecovery)
            {
                if ((int)(ack - Recover) >= 0)
                {
                    int flight = (int)(sndMax - ack);
                    Cwnd = Ssthresh < flight + mss ? Ssthresh : flight + mss;
                    InRecovery = false;
                    DupAcks = 0;
                }
                else
                {
                    // Partial acknowledgment: deflate by what was acked, the next hole is resent.
                    partial = true;
                    Cwnd -= acked;
                    if (acked >= mss)
                    {
                        Cwnd += mss;
                    }

                    if (Cwnd < mss)
                    {
                        Cwnd = mss;
                    }
                }
            }
            else
            {
                DupAcks = 0;
                if (Cwnd < Ssthresh)
                {
                    Cwnd += acked < mss ? acked : mss; // slow start (RFC 5681 eq. 2)
                }
                else
                {
                    int inc = mss * mss / Cwnd; // congestion avoidance (eq. 3)
                    Cwnd += inc > 0 ? inc : 1;
                }
            }

            int cap = 2 * (_sendBuffer + mss);
            if (Cwnd > cap)
            {
                Cwnd = cap;
            }

            return partial;
        }

        /// <summary>
        /// A duplicate ACK (RFC 5681 3.2 / RFC 6582). In recovery cwnd inflates by a segment. The third one in
        /// a row, when SND.UNA (<paramref name="sndUna"/>) is past "recover", starts fast recovery: ssthresh =
        /// max(FlightSize/2, 2*MSS), recover = <paramref name="sndMax"/>, cwnd = ssthresh + 3*MSS, and it
        /// returns true: the caller fast-retransmits the first unacknowledged segment.
        /// </summary>
        public bool DuplicateAck(uint sndUna, uint sndMax, int mss)
        {
            DupAcks++;
            if (InRecovery)
            {
                Cwnd += mss; // inflate for each segment that left the network
                return false;
            }

            if (DupAcks != DupAckThreshold || (int)(sndUna - Recover) <= 0)
            {
                return false; // below three, limited transmit (SendWindow) may let one new segment out
            }

            int half = (int)(sndMax - sndUna) / 2;
            Ssthresh = half > 2 * mss ? half : 2 * mss;
            Recover = sndMax;
            InRecovery = true;
            Cwnd = Ssthresh + DupAckThreshold * mss;
            return true;
        }

        /// <summary>An ACK that acknowledges nothing new while nothing is in flight: the duplicate count starts over.</summary>
        public void NothingInFlight()
        {
            DupAcks = 0;
        }

        /// <summary>
        /// Retransmission timeout (RFC 5681 3.1 eq. 4, RFC 6582 4): ssthresh = max(FlightSize/2, 2*MSS), cwnd one
        /// segment, recovery and duplicates forgotten, recover = <paramref name="sndMax"/>.
        /// </summary>
        public void Timeout(int flight, int mss, uint sndMax)
        {
            int half = flight / 2;
            Ssthresh = half > 2 * mss ? half : 2 * mss;
            Cwnd = mss;
            InRecovery = false;
            DupAcks = 0;
            Recover = sndMax;
        }
    }
}
