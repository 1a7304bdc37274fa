namespace EmbeddedTcp.Apps.Sockets
{
    /// <summary>
    /// Result of a socket call: the names and values of System.Net.Sockets.SocketError, so code
    /// ported from sockets compares against the same constants. Calls return it (or hand it out
    /// through an out parameter) instead of throwing: an exception allocates on nanoCLR.
    /// </summary>
    public enum SocketError
    {
        /// <summary>The call succeeded.</summary>
        Success = 0,
        /// <summary>The socket was closed (by another thread) while the call waited.</summary>
        OperationAborted = 995,
        /// <summary>The call was interrupted (the host stopped).</summary>
        Interrupted = 10004,
        /// <summary>No free socket in the host's table.</summary>
        TooManyOpenSockets = 10024,
        /// <summary>A bad argument (buffer range, port, address).</summary>
        InvalidArgument = 10022,
        /// <summary>Timeout 0 and the call could not complete at once.</summary>
        WouldBlock = 10035,
        /// <summary>A connect is already running on this socket.</summary>
        AlreadyInProgress = 10037,
        /// <summary>The socket was closed, or is not a socket of this host.</summary>
        NotSocket = 10038,
        /// <summary>A datagram larger than the MTU allows.</summary>
        MessageSize = 10040,
        /// <summary>The operation does not fit this socket (e.g. Accept on a connected socket).</summary>
        OperationNotSupported = 10045,
        /// <summary>The local port is taken.</summary>
        AddressAlreadyInUse = 10048,
        /// <summary>The network is down (no address yet, no link).</summary>
        NetworkDown = 10050,
        /// <summary>The connection was aborted locally.</summary>
        ConnectionAborted = 10053,
        /// <summary>The peer reset the connection.</summary>
        ConnectionReset = 10054,
        /// <summary>The stack's connection, listener or UDP table is full.</summary>
        NoBufferSpaceAvailable = 10055,
        /// <summary>Connect on a connected socket.</summary>
        IsConnected = 10056,
        /// <summary>The socket is not connected.</summary>
        NotConnected = 10057,
        /// <summary>Send after Shutdown(Send).</summary>
        Shutdown = 10058,
        /// <summary>The call's timeout, or the connection's retransmission limit, expired.</summary>
        TimedOut = 10060,
        /// <summary>The peer answered the SYN with a RST.</summary>
        ConnectionRefused = 10061,
        /// <summary>No route to the peer (ARP failed).</summary>
        HostUnreachable = 10065,
    }
}
