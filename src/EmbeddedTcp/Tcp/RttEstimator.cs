namespace EmbeddedTcp.Tcp
{
    /// <summary>
    /// RFC 6298 retransmission timeout in integer milliseconds: SRTT kept scaled by 8 and
    /// RTTVAR by 4 (Jacobson/Karels), RTO = SRTT + max(G, 4*RTTVAR) clamped to [min, max],
    /// doubled on each timeout (backoff) until a new sample arrives. It also owns Karn's sampling
    /// state: one segment at a time is timed, from when it is first sent to the ACK that covers it,
    /// and a retransmission of it (or a timeout) discards the sample (Karn and Partridge; RFC 6298 3).
    /// One per connection entry, allocated with it (a class: nanoCLR would keep a struct field's
    /// copies on its heap).
    /// </summary>
    internal sealed class RttEstimator
    {
        /// <summary>
        /// True while a segment is being timed. A field, read in place on the per-segment paths (a read is one
        /// IL instruction, a property a call); it is written only by the methods below.
        /// </summary>
        public bool Timing;

        /// <summary>The first sequence number of the timed segment (valid while <see cref="Timing"/>).</summary>
        public uint TimedSeq;

        private long _timedAt; // poll time the timed segment was sent, ms
        private int _srtt8;    // SRTT * 8, 0 = no sample yet
        private int _rttvar4;  // RTTVAR * 4
        private int _rto;
        private int _min;
        private int _max;

        /// <summary>Starts over for a new connection: no sample, nothing timed, RTO = <paramref name="initialRto"/>.</summary>
        public void Reset(int initialRto, int minRto, int maxRto)
        {
            Timing = false;
            _srtt8 = 0;
            _rttvar4 = 0;
            _rto = initialRto;
            _min = minRto;
            _max = maxRto;
        }

        /// <summary>The current retransmission timeout, ms.</summary>
        public int Rto { get { return _rto; } }

        /// <summary>The smoothed round-trip time, ms (0 before the first sample).</summary>
        public int SmoothedRtt { get { return _srtt8 >> 3; } }

        /// <summary>Times the segment starting at <paramref name="seq"/>, sent (for the first time) at <paramref name="nowMs"/>.</summary>
        public void StartTiming(uint seq, long nowMs)
        {
            Timing = true;
            TimedSeq = seq;
            _timedAt = nowMs;
        }

        /// <summary>Karn's rule: the segment starting at <paramref name="seq"/> is sent again; a sample of it (or of a later segment it covers) is discarded.</summary>
        public void Retransmitted(uint seq)
        {
            if (Timing && (int)(TimedSeq - seq) >= 0)
            {
                Timing = false;
            }
        }

        /// <summary>Discards the running sample (a retransmission timeout, a retransmitted SYN, a connection reset).</summary>
        public void Discard()
        {
            Timing = false;
        }

        /// <summary>
        /// The timed segment was acknowledged at <paramref name="nowMs"/>: ends the timing and updates SRTT,
        /// RTTVAR and RTO with the sample (RFC 6298 2.2-2.4). The caller checked <see cref="Timing"/> and the ACK.
        /// </summary>
        public void Measure(long nowMs)
        {
            Timing = false;
            int rttMs = (int)(nowMs - _timedAt);
            if (rttMs < 1)
            {
                rttMs = 1;
            }

            if (_srtt8 == 0)
            {
                _srtt8 = rttMs << 3;
                _rttvar4 = rttMs << 1; // RTTVAR = R/2
            }
            else
            {
                int err = rttMs - (_srtt8 >> 3);
                _srtt8 += err; // SRTT += err/8
                if (err < 0)
                {
                    err = -err;
                }

                _rttvar4 += err - (_rttvar4 >> 2); // RTTVAR += (|err| - RTTVAR)/4
            }

            int rto = (_srtt8 >> 3) + (_rttvar4 < 1 ? 1 : _rttvar4);
            _rto = rto < _min ? _min : (rto > _max ? _max : rto);
        }

        /// <summary>Exponential backoff after a timeout (RFC 6298 5.5).</summary>
        public void Backoff()
        {
            int rto = _rto * 2;
            _rto = rto > _max ? _max : rto;
        }
    }
}
