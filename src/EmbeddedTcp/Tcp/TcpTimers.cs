namespace EmbeddedTcp.Tcp
{
    /// <summary>
    /// Every timer of one connection, as absolute poll times in ms (<see cref="Never"/> when off):
    /// retransmission (RFC 6298), persist (zero-window probes, RFC 9293 3.8.6.1), keepalive
    /// (RFC 1122 4.2.3.6), delayed ACK (RFC 1122 4.2.3.2), TIME_WAIT's 2MSL, and the bound on an
    /// orphaned FIN_WAIT_2. The stack reads no clock: <see cref="TcpStack.Poll"/> compares these with
    /// the host's time and <see cref="TcpStack.NextDeadline"/> asks <see cref="Earliest"/>. One per
    /// connection entry, allocated with it. The deadlines are fields: the per-segment paths (sending a
    /// segment, an ACK of new data) store and test them in place, where a call would cost the
    /// interpreter more than the store; what is more than one store is a method here.
    /// </summary>
    internal sealed class TcpTimers
    {
        /// <summary>The deadline of a timer that is off.</summary>
        public const long Never = long.MaxValue;

        /// <summary>Retransmission timer: SND.UNA is resent (or the SYN) when it expires.</summary>
        public long RetransmitAt;

        /// <summary>Persist timer: a zero-window probe (or what fits a small window) goes out.</summary>
        public long PersistAt;

        /// <summary>Keepalive timer: the next probe of an idle connection.</summary>
        public long KeepaliveAt;

        /// <summary>Delayed ACK timer: the latest time the owed ACK goes out.</summary>
        public long DelayedAckAt;

        /// <summary>The poll count when the delayed ACK was armed (the ACK leaves at the first poll after the application's turn).</summary>
        public int DelayedAckPoll;

        /// <summary>2MSL: TIME_WAIT ends and the entry is freed.</summary>
        public long TimeWaitAt;

        /// <summary>An orphaned FIN_WAIT_2 gives up waiting for the peer's FIN.</summary>
        public long FinWait2At;

        // TcpConfig.AckAfterApplicationTurn, kept here so the per-poll tests need not fetch it.
        private readonly bool _ackAfterApplicationTurn;

        /// <summary>Allocated with the connection entry; <paramref name="ackAfterApplicationTurn"/> is <see cref="TcpConfig.AckAfterApplicationTurn"/>.</summary>
        public TcpTimers(bool ackAfterApplicationTurn)
        {
            _ackAfterApplicationTurn = ackAfterApplicationTurn;
        }

        /// <summary>Turns every timer off.</summary>
        public void CancelAll()
        {
            RetransmitAt = Never;
            TimeWaitAt = Never;
            DelayedAckAt = Never;
            PersistAt = Never;
            KeepaliveAt = Never;
            FinWait2At = Never;
        }

        /// <summary>Entering TIME_WAIT: every other timer off, 2MSL ends at <paramref name="at"/>.</summary>
        public void StartTimeWait(long at)
        {
            RetransmitAt = Never;
            PersistAt = Never;
            KeepaliveAt = Never;
            FinWait2At = Never;
            DelayedAckAt = Never;
            TimeWaitAt = at;
        }

        /// <summary>Arms the delayed ACK for <paramref name="at"/> at poll <paramref name="poll"/>, unless it is armed already (the first deadline stands).</summary>
        public void ArmDelayedAck(long at, int poll)
        {
            if (DelayedAckAt == Never)
            {
                DelayedAckAt = at;
                DelayedAckPoll = poll;
            }
        }

        /// <summary>
        /// True when the delayed ACK is due at <paramref name="now"/>, poll <paramref name="poll"/>: its deadline
        /// passed, or (with AckAfterApplicationTurn) it is armed and a poll has come since it was.
        /// </summary>
        public bool DelayedAckDue(long now, int poll)
        {
            return DelayedAckAt <= now || (DelayedAckAt != Never && _ackAfterApplicationTurn && DelayedAckPoll != poll);
        }

        /// <summary>
        /// The earliest of <paramref name="next"/> (the earliest deadline found so far) and this connection's
        /// timers. A delayed ACK armed since the last poll (<paramref name="poll"/>), with AckAfterApplicationTurn,
        /// is due at the next poll: it counts as <paramref name="now"/>.
        /// </summary>
        public long Earliest(long next, long now, int poll)
        {
            if (RetransmitAt < next)
            {
                next = RetransmitAt;
            }

            if (TimeWaitAt < next)
            {
                next = TimeWaitAt;
            }

            if (DelayedAckAt < next)
            {
                next = _ackAfterApplicationTurn && DelayedAckPoll == poll ? now : DelayedAckAt;
            }

            if (PersistAt < next)
            {
                next = PersistAt;
            }

            if (KeepaliveAt < next)
            {
                next = KeepaliveAt;
            }

            if (FinWait2At < next)
            {
                next = FinWait2At;
            }

            return next;
        }
    }
}
