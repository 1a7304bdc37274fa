namespace EmbeddedTcp.Tcp
{
    /// <summary>
    /// What each state of RFC 9293 allows, in one place: the user calls and segment arrival ask
    /// here instead of listing states each time. The states are ordered (<see cref="TcpState"/>)
    /// so that each rule is a range check or two.
    /// </summary>
    internal static class TcpStateRules
    {
        /// <summary>
        /// SEND is accepted (RFC 9293 3.10.2): SYN_SENT and SYN_RECEIVED queue the data until the
        /// connection is established; ESTABLISHED and CLOSE_WAIT send it. CLOSED and LISTEN have no
        /// connection to send on, and FIN_WAIT_1 and later are closing ("error: connection closing").
        /// </summary>
        public static bool MaySend(TcpState state)
        {
            return (uint)(state - TcpState.SynSent) < 3 || state == TcpState.CloseWait; // SYN_SENT, SYN_RECEIVED, ESTABLISHED (a range)
        }

        /// <summary>
        /// Text from the peer is taken (RFC 9293 3.10.7.4, seventh step): ESTABLISHED, FIN_WAIT_1 and
        /// FIN_WAIT_2, the synchronized states in which the peer has not sent its FIN. In CLOSE_WAIT,
        /// CLOSING, LAST_ACK and TIME_WAIT the peer's FIN came already; what the user can still read
        /// then is what the receive ring holds (RFC 9293 3.10.3).
        /// </summary>
        public static bool MayReceive(TcpState state)
        {
            return (uint)(state - TcpState.Established) < 3; // ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2 (a range)
        }
    }
}
