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

    /// <summary>What <see cref="NetSocket.Poll"/> waits for (System.Net.Sockets.SelectMode).</summary>
    public enum SelectMode
    {
        /// <summary>Data, end of stream, an error, or (listener) a connection to accept.</summary>
        SelectRead = 0,
        /// <summary>Connected and Send would take bytes.</summary>
        SelectWrite = 1,
        /// <summary>A connect failed or the connection ended in an error.</summary>
        SelectError = 2,
    }

    /// <summary>Which direction <see cref="NetSocket.Shutdown"/> closes (System.Net.Sockets.SocketShutdown).</summary>
    public enum SocketShutdown
    {
        /// <summary>No more receiving: Receive returns 0.</summary>
        Receive = 0,
        /// <summary>No more sending: a FIN follows the queued data.</summary>
        Send = 1,
        /// <summary>Both.</summary>
        Both = 2,
    }

    /// <summary>The kind of a <see cref="NetSocket"/>.</summary>
    public enum SocketKind : byte
    {
        /// <summary>A free slot of the host's table.</summary>
        Free = 0,
        /// <summary>TCP (stream).</summary>
        Tcp = 1,
        /// <summary>UDP (datagrams).</summary>
        Udp = 2,
    }

    /// <summary>A monotonic millisecond clock (the host reads it; the core never does).</summary>
    public interface IHostClock
    {
        /// <summary>Milliseconds since an arbitrary fixed origin; never goes backwards.</summary>
        long NowMs { get; }
    }

    /// <summary>Something the host's poll loop drives after each stack poll, under the host's lock (an MQTT client, a service).</summary>
    public interface IHostPollable
    {
        /// <summary>Does the work due at <paramref name="nowMs"/>; must not block.</summary>
        void Poll(long nowMs);
    }
}
