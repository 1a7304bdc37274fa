using EmbeddedTcp.Storage;

namespace EmbeddedTcp.Tcp
{
    /// <summary>
    /// One entry of the fixed connection table: the TCB of RFC 9293 section 3.3.1, its rings,
    /// timers and congestion state. Allocated once with the stack and reused forever.
    /// </summary>
    internal sealed class TcpConnection
    {
        public readonly int Index;
        public readonly ByteRing SendRing;
        public readonly ByteRing RecvRing;
        public readonly Assembler Ooo;

        public int Generation = 1;
        public TcpState State;
        /// <summary>The user holds a handle (active open, or accepted from a listener).</summary>
        public bool UserHolds;
        /// <summary>The user called Close: no more reads; data arriving now is answered with RST.</summary>
        public bool Orphaned;
        /// <summary>Listener index for a passive open, -1 for an active open.</summary>
        public int Listener;
        public bool Accepted;
        /// <summary>Creation order, for "oldest" choices (half-open recycling, TIME_WAIT reuse, accept order).</summary>
        public long Order;
        public int Error;

        public uint LocalIp;
        public uint RemoteIp;
        public ushort LocalPort;
        public ushort RemotePort;

        // Send sequence space.
        public uint Iss;
        public uint SndUna;
        public uint SndNxt;
        public uint SndMax;      // highest sequence number sent + 1
        public uint SndWl1;
        public uint SndWl2;
        public int SndWnd;
        public int MaxSndWnd;
        public uint SndBufSeq;   // sequence number of the first byte in SendRing
        public bool FinQueued;   // the user closed the sending side: FIN follows the data
        public int SendMss;

        // Receive sequence space.
        public uint Irs;
        public uint RcvNxt;
        public uint RcvAdvEdge;  // RCV.NXT + the window last advertised (never moves left)
        public bool FinReceived;

        /// <summary>Every deadline of the connection (retransmission, persist, keepalive, delayed ACK, 2MSL, FIN_WAIT_2).</summary>
        public readonly TcpTimers Timers;

        // Retransmissions in a row, persist backoff exponent, unanswered keepalive probes.
        public int Retries;
        public int PersistBackoff;
        public int KeepaliveProbes;

        /// <summary>RTO and Karn's sampling state (RFC 6298).</summary>
        public readonly RttEstimator Rtt = new RttEstimator();

        /// <summary>Congestion control: cwnd, ssthresh, recover, duplicate ACKs (RFC 5681, RFC 6582, RFC 3042, RFC 6928).</summary>
        public readonly NewReno Cc;

        public bool AckNow;
        public int SegmentsSinceAck;
        public bool NoDelay;
        public bool Keepalive;

        public TcpConnection(int index, int sendBuffer, int receiveBuffer, int reassemblyRanges, bool ackAfterApplicationTurn)
        {
            Index = index;
            SendRing = new ByteRing(sendBuffer);
            RecvRing = new ByteRing(receiveBuffer);
            Ooo = new Assembler(reassemblyRanges);
            Cc = new NewReno(sendBuffer);
            Timers = new TcpTimers(ackAfterApplicationTurn);
        }

        /// <summary>True when the entry may be taken for a new connection.</summary>
        public bool IsFree { get { return State == TcpState.Closed && !UserHolds; } }

        /// <summary>States in which both sequence spaces are synchronized.</summary>
        public bool IsSynchronized { get { return State >= TcpState.Established; } }

        /// <summary>The sequence number of our FIN (valid once FinQueued).</summary>
        public uint FinSeq { get { return SndBufSeq + (uint)SendRing.Count; } }

        /// <summary>True once our FIN has been acknowledged.</summary>
        public bool FinAcked { get { return FinQueued && Seq.Gt(SndUna, FinSeq); } }

        public int FlightSize { get { return (int)(SndMax - SndUna); } }

        /// <summary>Resets every field for a new connection (rings emptied, timers off).</summary>
        public void Reset()
        {
            State = TcpState.Closed;
            UserHolds = false;
            Orphaned = false;
            Listener = -1;
            Accepted = false;
            Error = 0;
            Iss = SndUna = SndNxt = SndMax = SndWl1 = SndWl2 = SndBufSeq = 0;
            SndWnd = MaxSndWnd = 0;
            FinQueued = false;
            Irs = RcvNxt = RcvAdvEdge = 0;
            FinReceived = false;
            SendRing.Clear();
            RecvRing.Clear();
            Ooo.Clear();
            Timers.CancelAll();
            Retries = 0;
            PersistBackoff = 0;
            KeepaliveProbes = 0;
            Rtt.Discard();
            Cc.Reset();
            AckNow = false;
            SegmentsSinceAck = 0;
            NoDelay = false;
            Keepalive = false;
        }
    }
}
