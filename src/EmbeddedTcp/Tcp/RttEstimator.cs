namespace EmbeddedTcp.Tcp
{
    /// <summary>
    /// RFC 6298 retransmission timeout in integer milliseconds: SRTT kept scaled by 8 and
    /// RTTVAR by 4 (Jacobson/Karels), RTO = SRTT + max(G, 4*RTTVAR) clamped to [min, max],
    /// doubled on each timeout (backoff) until a new sample arrives. One per connection entry,
    /// allocated with it (a class: nanoCLR would keep a struct field's copies on its heap).
    /// </summary>
    internal sealed class RttEstimator
    {
        private int _srtt8;   // SRTT * 8, 0 = no sample yet
        private int _rttvar4; // RTTVAR * 4
        private int _rto;
        private int _min;
        private int _max;

        public void Reset(int initialRto, int minRto, int maxRto)
        {
            _srtt8 = 0;
            _rttvar4 = 0;
            _rto = initialRto;
            _min = minRto;
            _max = maxRto;
        }

        public int Rto { get { return _rto; } }

        public int SmoothedRtt { get { return _srtt8 >> 3; } }

        public int RttVariance { get { return _rttvar4 >> 2; } }

        public void Sample(int rttMs)
        {
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
