using System.Threading;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Apps.Sockets
{
    /// <summary>
    /// A blocking, thread-safe socket of a <see cref="NetHost"/>, shaped like
    /// System.Net.Sockets.Socket so that porting is mostly a type swap. Differences, each for
    /// nanoCLR's sake: addresses are <c>uint</c> in host order (192.0.2.1 = 0xC0000201); calls
    /// never throw but return a <see cref="SocketError"/> (directly, or through an out
    /// parameter as Socket's own <c>Send(..., out SocketError)</c> overloads do); every blocking call
    /// takes a timeout in ms (0: do not wait, <see cref="SocketError.WouldBlock"/>; negative: no
    /// limit, but <see cref="Close"/> from another thread still ends the wait with
    /// <see cref="SocketError.OperationAborted"/>). Sockets come from the host's fixed table
    /// (<see cref="NetHost.CreateTcp"/>, <see cref="NetHost.CreateUdp"/>, <see cref="Accept"/>) and go
    /// back to it on <see cref="Close"/>; do not use one after closing it.
    /// </summary>
    public sealed class NetSocket
    {
        private readonly NetHost _host;
        private readonly NetworkStack _stack;
        private readonly TcpStack _tcp;
        private readonly AutoResetEvent _readable = new AutoResetEvent(false);
        private readonly AutoResetEvent _writable = new AutoResetEvent(false);
        private readonly int _index;
        private SocketKind _kind;
        private int _generation;
        private int _handle;        // TCP connection, TCP listener or UDP handle; 0 = none
        private bool _listening;
        private bool _connecting;
        private bool _receiveShut;
        private int _localPort;
        private int _pendingAccept; // a connection the poll loop took for a waiting Accept
        private int _readWaiters;
        private int _writeWaiters;

        internal NetSocket(NetHost host, int index)
        {
            _host = host;
            _stack = host.Stack;
            _tcp = host.Stack.Tcp;
            _index = index;
        }

        /// <summary>TCP, UDP, or Free once closed.</summary>
        public SocketKind Kind { get { return _kind; } }

        /// <summary>The socket's slot in the host's table.</summary>
        public int Index { get { return _index; } }

        /// <summary>The stack handle underneath (TCP connection, listener or UDP socket), 0 if none.</summary>
        public int Handle { get { return _handle; } }

        /// <summary>The last error of a call on this socket.</summary>
        public SocketError LastError;

        internal void Open(SocketKind kind)
        {
            _kind = kind;
            _handle = 0;
            _listening = false;
            _connecting = false;
            _receiveShut = false;
            _localPort = 0;
            _pendingAccept = 0;
            LastError = SocketError.Success;
            _readable.Reset();
            _writable.Reset();
        }

        /// <summary>True while a TCP socket is connected (ESTABLISHED or CLOSE_WAIT).</summary>
        public bool Connected
        {
            get
            {
                lock (_host.Gate)
                {
                    if (_kind != SocketKind.Tcp || _listening || _handle == 0)
                    {
                        return false;
                    }

                    TcpState st = _tcp.GetState(_handle);
                    return st == TcpState.Established || st == TcpState.CloseWait;
                }
            }
        }

        /// <summary>Bytes that Receive can return now (UDP: 1 when a datagram waits, else 0).</summary>
        public int Available
        {
            get
            {
                lock (_host.Gate)
                {
                    if (_handle == 0 || _listening)
                    {
                        return 0;
                    }

                    if (_kind == SocketKind.Udp)
                    {
                        return _stack.UdpCanReceive(_handle) ? 1 : 0;
                    }

                    return _tcp.BytesToRead(_handle);
                }
            }
        }

        /// <summary>Sets the local port (0: an ephemeral one) for Listen, Connect or UDP.</summary>
        public SocketError Bind(int port)
        {
            lock (_host.Gate)
            {
                if (_kind == SocketKind.Free)
                {
                    return Fail(SocketError.NotSocket);
                }

                if (port < 0 || port > 65535)
                {
                    return Fail(SocketError.InvalidArgument);
                }

                if (_handle != 0)
                {
                    return Fail(SocketError.InvalidArgument);
                }

                if (_kind == SocketKind.Udp)
                {
                    int h = _stack.UdpOpen(port);
                    if (h < 0)
                    {
                        return Fail(NetHost.Map(h));
                    }

                    _handle = h;
                    _localPort = _stack.UdpLocalPort(h);
                    return Fail(SocketError.Success);
                }

                _localPort = port;
                return Fail(SocketError.Success);
            }
        }

        /// <summary>Listens on the bound port, with room for <paramref name="backlog"/> connections not yet accepted.</summary>
        public SocketError Listen(int backlog)
        {
            lock (_host.Gate)
            {
                if (_kind != SocketKind.Tcp)
                {
                    return Fail(_kind == SocketKind.Free ? SocketError.NotSocket : SocketError.OperationNotSupported);
                }

                if (_handle != 0 || _localPort == 0)
                {
                    return Fail(SocketError.InvalidArgument);
                }

                int h = _tcp.Listen(0, _localPort, backlog < 1 ? 1 : backlog);
                if (h < 0)
                {
                    return Fail(NetHost.Map(h));
                }

                _handle = h;
                _listening = true;
                return Fail(SocketError.Success);
            }
        }

        /// <summary>
        /// Waits up to <paramref name="timeoutMs"/> for a connection on a listening socket and
        /// returns it as a new socket from the host's table; null with the reason in
        /// <paramref name="error"/> (TimedOut, WouldBlock, TooManyOpenSockets, OperationAborted...).
        /// </summary>
        public NetSocket Accept(int timeoutMs, out SocketError error)
        {
            long deadline = _host.DeadlineOf(timeoutMs);
            int generation = _generation;
            while (true)
            {
                lock (_host.Gate)
                {
                    if (generation != _generation || _kind == SocketKind.Free)
                    {
                        error = Fail(SocketError.OperationAborted);
                        return null;
                    }

                    if (!_listening)
                    {
                        error = Fail(SocketError.InvalidArgument);
                        return null;
                    }

                    TakePendingAccept();
                    if (_pendingAccept > 0)
                    {
                        NetSocket s = _host.Take(SocketKind.Tcp);
                        if (s == null)
                        {
                            error = Fail(SocketError.TooManyOpenSockets); // the connection stays pending
                            return null;
                        }

                        s._handle = _pendingAccept;
                        s._localPort = _localPort;
                        _pendingAccept = 0;
                        error = Fail(SocketError.Success);
                        return s;
                    }

                    if (timeoutMs == 0)
                    {
                        error = Fail(SocketError.WouldBlock);
                        return null;
                    }

                    _readWaiters++;
                }

                if (!WaitFor(false, deadline))
                {
                    error = Fail(SocketError.TimedOut);
                    return null;
                }
            }
        }

        /// <summary>
        /// Connects to <paramref name="address"/>:<paramref name="port"/>, waiting up to
        /// <paramref name="timeoutMs"/>. On a timeout the attempt is abandoned (the socket can try again).
        /// </summary>
        public SocketError Connect(uint address, int port, int timeoutMs)
        {
            long deadline = _host.DeadlineOf(timeoutMs);
            int generation;
            lock (_host.Gate)
            {
                SocketError refused = BeginConnect(address, port);
                if (refused != SocketError.Success)
                {
                    return Fail(refused);
                }

                generation = _generation;
            }

            while (true)
            {
                lock (_host.Gate)
                {
                    if (generation != _generation || _kind == SocketKind.Free)
                    {
                        return Fail(SocketError.OperationAborted);
                    }

                    TcpState st = _tcp.GetState(_handle);
                    if (st == TcpState.Established || st == TcpState.CloseWait)
                    {
                        _connecting = false;
                        return Fail(SocketError.Success);
                    }

                    if (st != TcpState.SynSent && st != TcpState.SynReceived)
                    {
                        int e = _tcp.GetError(_handle);
                        DropConnection();
                        return Fail(e == 0 ? SocketError.ConnectionAborted : NetHost.Map(e));
                    }

                    _writeWaiters++;
                }

                bool more = _host.Wait(_writable, deadline);
                lock (_host.Gate)
                {
                    _writeWaiters--;
                    if (!more && generation == _generation)
                    {
                        DropConnection();
                        return Fail(SocketError.TimedOut);
                    }
                }
            }
        }

        /// <summary>
        /// Under the gate: checks that the socket can connect and sends the SYN. Success when the
        /// connection is being made, otherwise why not.
        /// </summary>
        private SocketError BeginConnect(uint address, int port)
        {
            if (_kind != SocketKind.Tcp)
            {
                return _kind == SocketKind.Free ? SocketError.NotSocket : SocketError.OperationNotSupported;
            }

            if (_listening || (_handle != 0 && !_connecting))
            {
                return SocketError.IsConnected;
            }

            if (_connecting)
            {
                return SocketError.AlreadyInProgress;
            }

            if (_stack.Address == 0)
            {
                return SocketError.NetworkDown;
            }

            int h = _tcp.Connect(0, address, port, _localPort);
            if (h < 0)
            {
                return NetHost.Map(h);
            }

            _handle = h;
            _connecting = true;
            return SocketError.Success;
        }

        /// <summary>
        /// Waits, outside the gate, for the signal the caller registered for (it raised
        /// _readWaiters or _writeWaiters under the gate), then unregisters. False at the deadline.
        /// </summary>
        private bool WaitFor(bool write, long deadline)
        {
            bool more = _host.Wait(write ? _writable : _readable, deadline);
            lock (_host.Gate)
            {
                if (write)
                {
                    _writeWaiters--;
                }
                else
                {
                    _readWaiters--;
                }
            }

            return more;
        }

        private void DropConnection()
        {
            if (_handle != 0)
            {
                _tcp.Abort(_handle);
            }

            _handle = 0;
            _connecting = false;
        }

        /// <summary>Sends all of buffer[offset..offset+size) within <paramref name="timeoutMs"/>; returns the bytes taken.</summary>
        public int Send(byte[] buffer, int offset, int size, int timeoutMs)
        {
            SocketError e;
            return Send(buffer, offset, size, timeoutMs, out e);
        }

        /// <summary>
        /// Queues all of buffer[offset..offset+size), waiting up to <paramref name="timeoutMs"/>
        /// for room in the send ring. Returns the bytes taken; fewer than <paramref name="size"/>
        /// only with an error (TimedOut, WouldBlock, ConnectionReset...).
        /// </summary>
        public int Send(byte[] buffer, int offset, int size, int timeoutMs, out SocketError error)
        {
            long deadline = _host.DeadlineOf(timeoutMs);
            int generation = _generation;
            int sent = 0;
            while (true)
            {
                lock (_host.Gate)
                {
                    if (generation != _generation || _kind == SocketKind.Free)
                    {
                        error = Fail(SocketError.OperationAborted);
                        return sent;
                    }

                    if (_kind != SocketKind.Tcp || _listening || _handle == 0)
                    {
                        error = Fail(SocketError.NotConnected);
                        return sent;
                    }

                    if (buffer == null || offset < 0 || size < 0 || offset + size > buffer.Length)
                    {
                        error = Fail(SocketError.InvalidArgument);
                        return 0;
                    }

                    if (sent == size)
                    {
                        error = Fail(SocketError.Success);
                        return sent;
                    }

                    int n = _tcp.Send(_handle, buffer, offset + sent, size - sent);
                    if (n < 0)
                    {
                        error = Fail(SendError(n));
                        return sent;
                    }

                    sent += n;
                    if (sent == size)
                    {
                        error = Fail(SocketError.Success);
                        return sent;
                    }

                    if (timeoutMs == 0)
                    {
                        error = Fail(sent == 0 ? SocketError.WouldBlock : SocketError.Success);
                        return sent;
                    }

                    _writeWaiters++;
                }

                if (!WaitFor(true, deadline))
                {
                    error = Fail(SocketError.TimedOut);
                    return sent;
                }
            }
        }

        private SocketError SendError(int n)
        {
            if (n == NetError.InvalidState)
            {
                TcpState st = _tcp.GetState(_handle);
                if (st == TcpState.SynSent || st == TcpState.SynReceived)
                {
                    return SocketError.NotConnected;
                }

                return SocketError.Shutdown;
            }

            return NetHost.Map(n);
        }

        /// <summary>Receives into buffer[offset..offset+size) within <paramref name="timeoutMs"/>; returns the bytes read.</summary>
        public int Receive(byte[] buffer, int offset, int size, int timeoutMs)
        {
            SocketError e;
            return Receive(buffer, offset, size, timeoutMs, out e);
        }

        /// <summary>
        /// Waits up to <paramref name="timeoutMs"/> for data and copies what is there (at most
        /// <paramref name="size"/> bytes). Returns the count; 0 with Success at end of stream
        /// (the peer closed), 0 with TimedOut / WouldBlock / an error otherwise.
        /// </summary>
        public int Receive(byte[] buffer, int offset, int size, int timeoutMs, out SocketError error)
        {
            long deadline = _host.DeadlineOf(timeoutMs);
            int generation = _generation;
            while (true)
            {
                lock (_host.Gate)
                {
                    if (generation != _generation || _kind == SocketKind.Free)
                    {
                        error = Fail(SocketError.OperationAborted);
                        return 0;
                    }

                    if (_kind != SocketKind.Tcp || _listening || _handle == 0)
                    {
                        error = Fail(SocketError.NotConnected);
                        return 0;
                    }

                    if (_receiveShut)
                    {
                        error = Fail(SocketError.Success);
                        return 0;
                    }

                    int n = _tcp.Receive(_handle, buffer, offset, size);
                    if (n > 0)
                    {
                        error = Fail(SocketError.Success);
                        return n;
                    }

                    if (n == NetError.EndOfStream)
                    {
                        error = Fail(SocketError.Success);
                        return 0;
                    }

                    if (n < 0)
                    {
                        error = Fail(NetHost.Map(n));
                        return 0;
                    }

                    if (size == 0)
                    {
                        error = Fail(SocketError.Success);
                        return 0;
                    }

                    if (timeoutMs == 0)
                    {
                        error = Fail(SocketError.WouldBlock);
                        return 0;
                    }

                    _readWaiters++;
                }

                if (!WaitFor(false, deadline))
                {
                    error = Fail(SocketError.TimedOut);
                    return 0;
                }
            }
        }

        /// <summary>
        /// Sends one datagram to <paramref name="address"/>:<paramref name="port"/> (binds an
        /// ephemeral port first if needed). Returns the bytes sent.
        /// </summary>
        public int SendTo(byte[] buffer, int offset, int size, uint address, int port, out SocketError error)
        {
            lock (_host.Gate)
            {
                if (_kind != SocketKind.Udp)
                {
                    error = Fail(_kind == SocketKind.Free ? SocketError.NotSocket : SocketError.OperationNotSupported);
                    return 0;
                }

                if (_handle == 0)
                {
                    int h = _stack.UdpOpen(0);
                    if (h < 0)
                    {
                        error = Fail(NetHost.Map(h));
                        return 0;
                    }

                    _handle = h;
                    _localPort = _stack.UdpLocalPort(h);
                }

                if (buffer != null && size > _stack.Config.Mtu - 28)
                {
                    error = Fail(SocketError.MessageSize);
                    return 0;
                }

                int n = _stack.UdpSendTo(_handle, address, port, buffer, offset, size);
                if (n < 0)
                {
                    error = Fail(n == NetError.InvalidState ? SocketError.NetworkDown : NetHost.Map(n));
                    return 0;
                }

                error = Fail(SocketError.Success);
                return n;
            }
        }

        /// <summary>
        /// Waits up to <paramref name="timeoutMs"/> for a datagram on a bound UDP socket and copies
        /// up to <paramref name="size"/> bytes of it (the rest is dropped). Returns the bytes copied,
        /// the sender in <paramref name="address"/>/<paramref name="port"/>.
        /// </summary>
        public int ReceiveFrom(byte[] buffer, int offset, int size, int timeoutMs, out uint address, out int port, out SocketError error)
        {
            long deadline = _host.DeadlineOf(timeoutMs);
            int generation = _generation;
            address = 0;
            port = 0;
            while (true)
            {
                lock (_host.Gate)
                {
                    if (generation != _generation || _kind == SocketKind.Free)
                    {
                        error = Fail(SocketError.OperationAborted);
                        return 0;
                    }

                    if (_kind != SocketKind.Udp || _handle == 0)
                    {
                        error = Fail(SocketError.InvalidArgument);
                        return 0;
                    }

                    int n = _stack.UdpReceiveFrom(_handle, buffer, offset, size, out address, out port);
                    if (n > 0 || (n == 0 && address != 0))
                    {
                        error = Fail(SocketError.Success);
                        return n > size ? size : n;
                    }

                    if (n < 0)
                    {
                        error = Fail(NetHost.Map(n));
                        return 0;
                    }

                    if (timeoutMs == 0)
                    {
                        error = Fail(SocketError.WouldBlock);
                        return 0;
                    }

                    _readWaiters++;
                }

                if (!WaitFor(false, deadline))
                {
                    error = Fail(SocketError.TimedOut);
                    return 0;
                }
            }
        }

        /// <summary>
        /// Waits up to <paramref name="microSeconds"/> (negative: no limit) for the socket to be
        /// readable, writable or in error, as Socket.Poll does. False on timeout or a closed socket.
        /// </summary>
        public bool Poll(int microSeconds, SelectMode mode)
        {
            int timeoutMs = microSeconds < 0 ? -1 : (microSeconds + 999) / 1000;
            long deadline = _host.DeadlineOf(timeoutMs);
            int generation = _generation;
            bool write = mode == SelectMode.SelectWrite;
            while (true)
            {
                lock (_host.Gate)
                {
                    if (generation != _generation || _kind == SocketKind.Free)
                    {
                        return false;
                    }

                    if (IsReady(mode))
                    {
                        return true;
                    }

                    if (write)
                    {
                        _writeWaiters++;
                    }
                    else
                    {
                        _readWaiters++;
                    }
                }

                if (!WaitFor(write, deadline))
                {
                    return false;
                }
            }
        }

        /// <summary>Closes one or both directions of a TCP connection (Send: a FIN after the queued data).</summary>
        public SocketError Shutdown(SocketShutdown how)
        {
            lock (_host.Gate)
            {
                if (_kind != SocketKind.Tcp || _listening || _handle == 0)
                {
                    return Fail(_kind == SocketKind.Free ? SocketError.NotSocket : SocketError.NotConnected);
                }

                if (how != SocketShutdown.Send)
                {
                    _receiveShut = true;
                }

                if (how != SocketShutdown.Receive)
                {
                    int r = _tcp.Shutdown(_handle);
                    if (r < 0 && r != NetError.InvalidState)
                    {
                        return Fail(NetHost.Map(r));
                    }
                }

                _readable.Set();
                _writable.Set();
                return Fail(SocketError.Success);
            }
        }

        /// <summary>
        /// Closes the socket (a connection gracefully; a listener resets what it has not handed
        /// out), wakes every call blocked on it (they return OperationAborted) and gives the slot
        /// back to the host's table.
        /// </summary>
        public void Close()
        {
            lock (_host.Gate)
            {
                if (_kind == SocketKind.Free)
                {
                    return;
                }

                if (_kind == SocketKind.Udp)
                {
                    if (_handle != 0)
                    {
                        _stack.UdpClose(_handle);
                    }
                }
                else if (_listening)
                {
                    if (_pendingAccept > 0)
                    {
                        _tcp.Abort(_pendingAccept);
                    }

                    _tcp.StopListening(_handle);
                }
                else if (_handle != 0)
                {
                    if (_connecting)
                    {
                        _tcp.Abort(_handle);
                    }
                    else
                    {
                        _tcp.Close(_handle);
                    }
                }

                _handle = 0;
                _pendingAccept = 0;
                _listening = false;
                _connecting = false;
                _kind = SocketKind.Free;
                _generation++;
                _readable.Set();
                _writable.Set();
            }
        }

        private void TakePendingAccept()
        {
            if (_pendingAccept == 0)
            {
                int h = _tcp.Accept(_handle);
                if (h > 0)
                {
                    _pendingAccept = h;
                }
            }
        }

        private bool IsReady(SelectMode mode)
        {
            if (_handle == 0)
            {
                return false;
            }

            if (_kind == SocketKind.Udp)
            {
                return mode == SelectMode.SelectWrite || (mode == SelectMode.SelectRead && _stack.UdpCanReceive(_handle));
            }

            if (_listening)
            {
                if (mode != SelectMode.SelectRead)
                {
                    return false;
                }

                TakePendingAccept();
                return _pendingAccept > 0;
            }

            TcpState st = _tcp.GetState(_handle);
            bool failed = _tcp.GetError(_handle) != 0 || st == TcpState.Closed;
            if (mode == SelectMode.SelectError)
            {
                return failed;
            }

            if (mode == SelectMode.SelectRead)
            {
                return _receiveShut || _tcp.CanReceive(_handle);
            }

            // Writable: connected with room, or anything a Send/Connect would return at once. TCP's
            // CanSend is also true while connecting (SEND queues then, RFC 9293 3.10.2), but a socket
            // is not writable before its connection is: a blocked Connect waits for the handshake.
            if (st == TcpState.SynSent || st == TcpState.SynReceived)
            {
                return failed;
            }

            return failed || (st != TcpState.Established && st != TcpState.CloseWait) || _tcp.CanSend(_handle);
        }

        /// <summary>Called by the poll loop under the lock: wakes waiting calls whose condition holds.</summary>
        internal void SignalIfReady()
        {
            if (_kind == SocketKind.Free)
            {
                return;
            }

            if (_readWaiters > 0 && IsReady(SelectMode.SelectRead))
            {
                _readable.Set();
            }

            if (_writeWaiters > 0 && IsReady(SelectMode.SelectWrite))
            {
                _writable.Set();
            }
        }

        private SocketError Fail(SocketError e)
        {
            LastError = e;
            return e;
        }
    }
}
