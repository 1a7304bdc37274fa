namespace EmbeddedTcp.Tcp
{
    /// <summary>
    /// Every TCP tunable, with its default and memory cost, in one place (like lwIP's opt.h).
    /// The stack reads it once, at construction, and allocates everything then.
    /// </summary>
    public sealed class TcpConfig
    {
        /// <summary>
        /// Connection table entries (default 8). Each costs SendBufferSize + ReceiveBufferSize
        /// bytes of ring plus about 300 bytes of state. TIME_WAIT and half-open entries count.
        /// </summary>
        public int MaxConnections = 8;

        /// <summary>Listener table entries (default 4); about 40 bytes each.</summary>
        public int MaxListeners = 4;

        /// <summary>Per-connection send ring, bytes (default 4096). Bounds the data in flight.</summary>
        public int SendBufferSize = 4096;

        /// <summary>Per-connection receive ring, bytes (default 4096, at most 65535: no window scaling). Bounds the advertised window.</summary>
        public int ReceiveBufferSize = 4096;

        /// <summary>Our MSS: the largest segment payload we accept and send (default 1460 = Ethernet MTU 1500 - 40).</summary>
        public int Mss = 1460;

        /// <summary>Maximum segment lifetime, ms (default 30,000: TIME_WAIT lasts 2*MSL = 60 s, as on Linux; RFC 9293 suggests 2 minutes).</summary>
        public int MslMs = 30000;

        /// <summary>Initial retransmission timeout, ms (default 1000, RFC 6298).</summary>
        public int InitialRtoMs = 1000;

        /// <summary>Lower bound of the RTO, ms (default 200, as Linux; RFC 6298 says 1 s, which hurts a LAN device).</summary>
        public int MinRtoMs = 200;

        /// <summary>Upper bound of the RTO, ms (default 60,000).</summary>
        public int MaxRtoMs = 60000;

        /// <summary>Retransmissions of data or FIN before the connection is aborted with TimedOut (default 8).</summary>
        public int MaxRetransmissions = 8;

        /// <summary>Retransmissions of our SYN before a connect fails with TimedOut (default 7: 1+2+4+...+60+60 s = 183 s, RFC 9293 MUST-23's 3 minutes).</summary>
        public int MaxSynRetries = 7;

        /// <summary>Retransmissions of a SYN-ACK before the half-open entry is freed (default 4).</summary>
        public int MaxSynAckRetries = 4;

        /// <summary>How long an orphaned (closed by the user) FIN_WAIT_2 waits for the peer's FIN, ms (default 60,000, like tcp_fin_timeout).</summary>
        public int FinWait2TimeoutMs = 60000;

        /// <summary>Delayed ACK timer, ms (default 40; at most 200 per RFC 1122). An ACK is sent at least every second full segment.</summary>
        public int DelayedAckMs = 40;

        /// <summary>
        /// When true (default), a delayed ACK goes out at the first poll after the application
        /// had a turn to answer (so it rides on the answer when there is one, and a sender held
        /// by Nagle never waits for the DelayedAckMs timer); DelayedAckMs stays the upper bound.
        /// </summary>
        public bool AckAfterApplicationTurn = true;

        /// <summary>Out-of-order ranges the receive side can hold per connection (default 4; 8 bytes each).</summary>
        public int ReassemblyRanges = 4;

        /// <summary>RFC 5961 challenge ACKs allowed per second, whole stack (default 10).</summary>
        public int ChallengeAckLimitPerSecond = 10;

        /// <summary>Keepalive idle time before the first probe, ms (default 7,200,000 = 2 h; keepalive is off unless enabled per connection).</summary>
        public int KeepaliveIdleMs = 7200000;

        /// <summary>Interval between keepalive probes, ms (default 75,000).</summary>
        public int KeepaliveIntervalMs = 75000;

        /// <summary>Unanswered keepalive probes before the connection is aborted (default 9).</summary>
        public int KeepaliveCount = 9;

        /// <summary>Largest persist (zero-window probe) interval, ms (default 60,000).</summary>
        public int MaxPersistMs = 60000;

        /// <summary>Trace events kept for the host (default 64; 24 bytes each; 0 disables tracing).</summary>
        public int TraceCapacity = 64;

        /// <summary>Lowest ephemeral port (default 49152, RFC 6335).</summary>
        public int EphemeralPortFirst = 49152;

        /// <summary>Highest ephemeral port (default 65535).</summary>
        public int EphemeralPortLast = 65535;
    }
}
