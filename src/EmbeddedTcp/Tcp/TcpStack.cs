using EmbeddedTcp.Diagnostics;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Tcp
{
    /// <summary>
    /// The TCP layer: a fixed table of connections and listeners, segment arrival per RFC 9293
    /// section 3.10.7, segment output, and every timer, all driven by the host's poll time.
    /// Nothing is allocated after construction. The IP layer calls <see cref="Input(uint, uint, byte[], int, int, long)"/> for each
    /// TCP segment addressed to us and <see cref="Poll"/> on every tick; applications use the
    /// handle-based calls (Listen, Accept, Connect, Send, Receive, Shutdown, Close, Abort).
    /// This file holds the table, the user calls and timers; TcpStack.Input.cs holds segment
    /// arrival and TcpStack.Output.cs everything that builds segments.
    /// </summary>
    public sealed partial class TcpStack : ITransport
    {
        // Handles: see Handles (one scheme, a kind tag per table).
        private const int IndexBits = Handles.IndexBits;
        private const int IndexMask = Handles.IndexMask;
        private const int MaxGeneration = Handles.MaxGeneration;
        /// <summary>After this many consecutive timeouts the IP layer is asked to re-resolve the path.</summary>
        private const int NegativeAdviceRetries = 3;
        /// <summary>The send MSS until the peer's MSS option says otherwise, and when its SYN has none (RFC 9293 3.7.1, RFC 1122 4.2.2.6).</summary>
        private const int DefaultMss = 536;
        /// <summary>The smallest MSS taken from a peer's option: a smaller one would cost a segment per few bytes.</summary>
        private const int MinPeerMss = 64;
        /// <summary>The smallest MSS path MTU discovery lowers to (Linux's TCP_MIN_MSS): a forged ICMP cannot shrink segments further.</summary>
        private const int MinPathMss = 88;
        /// <summary>The smallest MTU an IPv4 link may have (RFC 791): an ICMP "fragmentation needed" announcing less is ignored.</summary>
        private const int MinIpv4Mtu = 68;
        /// <summary>IPv4 and TCP headers without options: MTU - 40 = MSS.</summary>
        private const int IpAndTcpHeaderBytes = 40;

        private readonly TcpConfig _config;
        private readonly ITransportOutput _output;
        private readonly IRandomSource _random;
        private readonly IsnGenerator _isn;
        private readonly TcpConnection[] _conns;

        private readonly ushort[] _listenPort;
        private readonly uint[] _listenIp;
        private readonly int[] _listenBacklog;
        private readonly int[] _listenGeneration;
        private readonly bool[] _listenInUse;

        // Receiver SWS avoidance (RFC 1122 4.2.3.3): the window grows in steps of min(receive ring / 2, our MSS);
        // both are fixed at construction, so the step is worked out once.
        private readonly int _windowStep;
        private readonly int _receiveBufferSize;

        private long _now;
        private long _order;
        private int _pollCount;
        private long _challengeWindowStart;
        private int _challengeCount;

        /// <summary>Counters for the whole TCP layer.</summary>
        public readonly TcpCounters Counters = new TcpCounters();

        /// <summary>
        /// Checksum offload: segments of at least this many bytes leave with the folded pseudo-header sum in
        /// their checksum field, for the device to complete (<see cref="EmbeddedTcp.Hal.IChecksumOffload"/>);
        /// shorter ones are summed here. Default <see cref="int.MaxValue"/>: every segment summed here. Set by
        /// <see cref="EmbeddedTcp.NetworkStack"/> when its device offloads.
        /// </summary>
        public int ChecksumOffloadMinLength = int.MaxValue;

        /// <summary>State changes, drops and retransmissions, for the host to drain.</summary>
        public readonly TraceRing Trace;

        /// <summary>Creates the layer and allocates every table and ring it will ever use.</summary>
        public TcpStack(TcpConfig config, ITransportOutput output, IRandomSource random)
        {
            _config = config;
            _output = output;
            _random = random;
            _isn = new IsnGenerator(random.NextUInt32(), random.NextUInt32());
            _receiveBufferSize = config.ReceiveBufferSize;
            _windowStep = config.ReceiveBufferSize / 2 < config.Mss ? config.ReceiveBufferSize / 2 : config.Mss;
            _conns = new TcpConnection[config.MaxConnections];
            for (int i = 0; i < _conns.Length; i++)
            {
                _conns[i] = new TcpConnection(i, config.SendBufferSize, config.ReceiveBufferSize, config.ReassemblyRanges, config.AckAfterApplicationTurn);
                _conns[i].Reset();
            }

            _listenPort = new ushort[config.MaxListeners];
            _listenIp = new uint[config.MaxListeners];
            _listenBacklog = new int[config.MaxListeners];
            _listenGeneration = new int[config.MaxListeners];
            _listenInUse = new bool[config.MaxListeners];
            for (int i = 0; i < _listenGeneration.Length; i++)
            {
                _listenGeneration[i] = 1;
            }

            Trace = new TraceRing(config.TraceCapacity);
        }

        /// <summary>
        /// Bytes of rings, tables and trace a stack of configuration <paramref name="c"/> allocates
        /// (arrays' payloads), for the interface's AllocatedBytes.
        /// </summary>
        public static long Footprint(TcpConfig c)
        {
            long perConnection = c.SendBufferSize + c.ReceiveBufferSize + 8L * c.ReassemblyRanges + 200;
            return c.MaxConnections * perConnection + 16L * c.MaxListeners + 24L * c.TraceCapacity;
        }

        /// <summary>The configuration the stack was built from.</summary>
        public TcpConfig Config { get { return _config; } }

        /// <summary>Number of entries in the connection table.</summary>
        public int Capacity { get { return _conns.Length; } }

        /// <summary>The poll time last seen, ms.</summary>
        public long Now { get { return _now; } }

        /// <summary>The address <see cref="Connect"/> uses when given local address 0 (the IP layer keeps it current).</summary>
        public uint LocalAddress { get; set; }

        // ------------------------------------------------------------------ listeners

        /// <summary>
        /// Passive OPEN: listens on <paramref name="port"/> of <paramref name="localIp"/> (0 = any
        /// address). <paramref name="backlog"/> bounds half-open plus not-yet-accepted
        /// connections. Returns a listener handle, or a negative <see cref="NetError"/>.
        /// </summary>
        public int Listen(uint localIp, int port, int backlog)
        {
            if (port <= 0 || port > 65535 || backlog <= 0)
            {
                return NetError.InvalidArgument;
            }

            int free = -1;
            for (int i = 0; i < _listenInUse.Length; i++)
            {
                if (_listenInUse[i])
                {
                    if (_listenPort[i] == port && (_listenIp[i] == 0 || localIp == 0 || _listenIp[i] == localIp))
                    {
                        return NetError.AddressInUse;
                    }
                }
                else if (free < 0)
                {
                    free = i;
                }
            }

            if (free < 0)
            {
                return NetError.NoResources;
            }

            _listenInUse[free] = true;
            _listenPort[free] = (ushort)port;
            _listenIp[free] = localIp;
            _listenBacklog[free] = backlog;
            return Handles.TcpListener | (_listenGeneration[free] << IndexBits) | free;
        }

        /// <summary>
        /// Takes the oldest fully established connection waiting on the listener. Returns its
        /// handle, 0 when none is waiting, or a negative <see cref="NetError"/>.
        /// </summary>
        public int Accept(int listener)
        {
            int l = ListenerIndex(listener);
            if (l < 0)
            {
                return NetError.InvalidHandle;
            }

            TcpConnection best = null;
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection c = _conns[i];
                if (c.Listener == l && !c.Accepted && c.State >= TcpState.Established && (best == null || c.Order < best.Order))
                {
                    best = c;
                }
            }

            if (best == null)
            {
                return 0;
            }

            best.Accepted = true;
            best.UserHolds = true;
            return HandleOf(best);
        }

        /// <summary>Stops listening. Half-open and unaccepted connections of the listener are reset.</summary>
        public int StopListening(int listener)
        {
            int l = ListenerIndex(listener);
            if (l < 0)
            {
                return NetError.InvalidHandle;
            }

            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection c = _conns[i];
                if (c.Listener == l && !c.Accepted && c.State != TcpState.Closed)
                {
                    SendReset(c);
                    EnterClosed(c, TcpCause.UserAbort, 0);
                }
                else if (c.Listener == l)
                {
                    c.Listener = -1; // accepted: no longer tied to the listener
                }
            }

            _listenInUse[l] = false;
            _listenGeneration[l] = _listenGeneration[l] == MaxGeneration ? 1 : _listenGeneration[l] + 1;
            return NetError.Ok;
        }

        private int ListenerIndex(int handle)
        {
            if ((handle & Handles.KindMask) != Handles.TcpListener)
            {
                return -1;
            }

            int i = handle & IndexMask;
            if (i >= _listenInUse.Length || !_listenInUse[i] || ((handle >> IndexBits) & MaxGeneration) != _listenGeneration[i])
            {
                return -1;
            }

            return i;
        }

        // ------------------------------------------------------------------ user calls

        /// <summary>
        /// Active OPEN to <paramref name="remoteIp"/>:<paramref name="remotePort"/> from
        /// <paramref name="localIp"/> (0 = <see cref="LocalAddress"/>); <paramref name="localPort"/> 0 picks a random ephemeral
        /// port. The SYN goes out now. Returns a handle or a negative <see cref="NetError"/>.
        /// </summary>
        public int Connect(uint localIp, uint remoteIp, int remotePort, int localPort)
        {
            // localIp 0 is refused: the SYN would leave from 0.0.0.0 and no answer could ever come back.
            if (remotePort <= 0 || remotePort > 65535 || localPort < 0 || localPort > 65535 || remoteIp == 0)
            {
                return NetError.InvalidArgument;
            }

            if (localIp == 0)
            {
                localIp = LocalAddress;
                if (localIp == 0)
                {
                    return NetError.InvalidState; // no address yet (DHCP still running)
                }
            }

            if (localPort == 0)
            {
                localPort = PickEphemeralPort(localIp, remoteIp, (ushort)remotePort);
                if (localPort == 0)
                {
                    return NetError.NoResources;
                }
            }
            else if (Find(localIp, (ushort)localPort, remoteIp, (ushort)remotePort) != null)
            {
                return NetError.AddressInUse;
            }

            TcpConnection c = Allocate();
            if (c == null)
            {
                return NetError.NoResources;
            }

            c.UserHolds = true;
            c.Listener = -1;
            Init(c, localIp, (ushort)localPort, remoteIp, (ushort)remotePort, 0);
            Counters.ActiveOpens++;
            SetState(c, TcpState.SynSent, TcpCause.UserOpen);
            SendSyn(c);
            return HandleOf(c);
        }

        /// <summary>
        /// SEND: queues up to <paramref name="length"/> bytes and transmits what the windows
        /// allow. Returns the number of bytes taken (0 = the send ring is full: would block) or
        /// a negative <see cref="NetError"/>. Data queued before the connection is established
        /// is sent once it is.
        /// </summary>
        public int Send(int handle, byte[] buffer, int offset, int length)
        {
            TcpConnection c = Resolve(handle);
            if (c == null)
            {
                return NetError.InvalidHandle;
            }

            // NetOrder.InBounds, written out: this is a per-call path and the interpreter pays per call.
            if (buffer == null || offset < 0 || length < 0 || offset > buffer.Length - length)
            {
                return NetError.InvalidArgument;
            }

            if (c.Error != 0)
            {
                return c.Error;
            }

            if (c.FinQueued || c.Orphaned || !TcpStateRules.MaySend(c.State))
            {
                return NetError.InvalidState;
            }

            int n = c.SendRing.Write(buffer, offset, length);
            if (n > 0 && c.IsSynchronized)
            {
                Output(c);
            }

            return n;
        }

        /// <summary>
        /// RECEIVE: copies up to <paramref name="length"/> received bytes. Returns the count,
        /// 0 when nothing is there yet (would block), <see cref="NetError.EndOfStream"/> once
        /// the peer has closed and everything was read, or another negative error.
        /// </summary>
        public int Receive(int handle, byte[] buffer, int offset, int length)
        {
            TcpConnection c = Resolve(handle);
            if (c == null)
            {
                return NetError.InvalidHandle;
            }

            // NetOrder.InBounds, written out: this is a per-call path and the interpreter pays per call.
            if (buffer == null || offset < 0 || length < 0 || offset > buffer.Length - length)
            {
                return NetError.InvalidArgument;
            }

            int n = c.RecvRing.Count;
            if (n > 0)
            {
                if (n > length)
                {
                    n = length;
                }

                c.RecvRing.Peek(0, buffer, offset, n);
                c.RecvRing.Consume(n);
                if (TcpStateRules.MayReceive(c.State) && WindowUpdateWorthSending(c))
                {
                    c.AckNow = true;
                    Output(c);
                }

                return n;
            }

            if (c.Error != 0)
            {
                return c.Error;
            }

            if (c.FinReceived || c.State == TcpState.Closed)
            {
                return NetError.EndOfStream;
            }

            return 0;
        }

        /// <summary>
        /// Half-close: no more data will be sent; a FIN follows what is queued. Receiving goes
        /// on (FIN_WAIT_2 still delivers data) until the peer closes too.
        /// </summary>
        public int Shutdown(int handle)
        {
            TcpConnection c = Resolve(handle);
            if (c == null)
            {
                return NetError.InvalidHandle;
            }

            return UserClose(c);
        }

        /// <summary>
        /// CLOSE: shuts the sending side like <see cref="Shutdown"/> and gives the handle back;
        /// the stack finishes the close on its own (FIN_WAIT_2 is bounded by
        /// <see cref="TcpConfig.FinWait2TimeoutMs"/>). Unread received data, or data arriving
        /// later, resets the connection instead (RFC 2525). The handle is invalid afterwards.
        /// </summary>
        public int Close(int handle)
        {
            TcpConnection c = Resolve(handle);
            if (c == null)
            {
                return NetError.InvalidHandle;
            }

            c.UserHolds = false;
            c.Orphaned = true;
            if (c.State == TcpState.Closed)
            {
                Free(c);
                return NetError.Ok;
            }

            if (c.RecvRing.Count > 0 && c.IsSynchronized)
            {
                SendReset(c);
                EnterClosed(c, TcpCause.UserAbort, 0);
                return NetError.Ok;
            }

            UserClose(c);
            if (c.State == TcpState.FinWait2)
            {
                c.Timers.FinWait2At = _now + _config.FinWait2TimeoutMs;
            }

            return NetError.Ok;
        }

        /// <summary>ABORT: sends RST (when synchronized), drops everything and frees the entry. The handle is invalid afterwards.</summary>
        public int Abort(int handle)
        {
            TcpConnection c = Resolve(handle);
            if (c == null)
            {
                return NetError.InvalidHandle;
            }

            c.UserHolds = false;
            if (c.State != TcpState.Closed)
            {
                // RFC 9293 3.10.5: no RST from SYN_SENT, nor once our FIN was acknowledged-or-crossed (CLOSING, LAST_ACK, TIME_WAIT).
                if (c.State != TcpState.SynSent && c.State != TcpState.TimeWait && c.State != TcpState.Closing && c.State != TcpState.LastAck)
                {
                    SendReset(c);
                }

                EnterClosed(c, TcpCause.UserAbort, 0);
            }
            else
            {
                Free(c);
            }

            return NetError.Ok;
        }

        /// <summary>STATUS: the connection's state, or (TcpState)255 for a stale handle; see <see cref="IsValid"/>.</summary>
        public TcpState GetState(int handle)
        {
            TcpConnection c = Resolve(handle);
            return c == null ? (TcpState)255 : c.State;
        }

        /// <summary>True while <paramref name="handle"/> names a live connection.</summary>
        public bool IsValid(int handle)
        {
            return Resolve(handle) != null;
        }

        /// <summary>The error that ended the connection (a negative <see cref="NetError"/>), or 0.</summary>
        public int GetError(int handle)
        {
            TcpConnection c = Resolve(handle);
            return c == null ? NetError.InvalidHandle : c.Error;
        }

        /// <summary>Bytes waiting to be read.</summary>
        public int BytesToRead(int handle)
        {
            TcpConnection c = Resolve(handle);
            return c == null ? 0 : c.RecvRing.Count;
        }

        /// <summary>Bytes queued for sending and not yet acknowledged.</summary>
        public int BytesQueued(int handle)
        {
            TcpConnection c = Resolve(handle);
            return c == null ? 0 : c.SendRing.Count;
        }

        /// <summary>
        /// True when Send would take at least one byte: no error, no FIN queued, room in the send ring,
        /// and a state in which SEND is accepted (<see cref="TcpStateRules.MaySend"/>; that includes
        /// SYN_SENT and SYN_RECEIVED, where RFC 9293 3.10.2 queues the data until the connection is established).
        /// </summary>
        public bool CanSend(int handle)
        {
            TcpConnection c = Resolve(handle);
            return c != null && c.Error == 0 && !c.FinQueued && c.SendRing.Free > 0 && TcpStateRules.MaySend(c.State);
        }

        /// <summary>
        /// Bytes <see cref="Send"/> would take now (free space in the send ring), 0 when it would take
        /// none (a stale handle, an error, a FIN queued, or a state in which SEND is refused). Lets a sender
        /// that makes its data (a generator, a formatter) make only what fits.
        /// </summary>
        public int SendSpace(int handle)
        {
            TcpConnection c = Resolve(handle);
            if (c == null || c.Error != 0 || c.FinQueued || !TcpStateRules.MaySend(c.State))
            {
                return 0;
            }

            return c.SendRing.Free;
        }

        /// <summary>True when Receive would return data, end of stream or an error rather than 0.</summary>
        public bool CanReceive(int handle)
        {
            TcpConnection c = Resolve(handle);
            return c != null && (c.RecvRing.Count > 0 || c.FinReceived || c.Error != 0 || c.State == TcpState.Closed);
        }

        /// <summary>Turns Nagle's algorithm off (true) or on (false, the default).</summary>
        public int SetNoDelay(int handle, bool noDelay)
        {
            TcpConnection c = Resolve(handle);
            if (c == null)
            {
                return NetError.InvalidHandle;
            }

            c.NoDelay = noDelay;
            return NetError.Ok;
        }

        /// <summary>Turns keepalive on or off (off by default); timings come from the configuration.</summary>
        public int SetKeepalive(int handle, bool on)
        {
            TcpConnection c = Resolve(handle);
            if (c == null)
            {
                return NetError.InvalidHandle;
            }

            c.Keepalive = on;
            c.KeepaliveProbes = 0;
            c.Timers.KeepaliveAt = on && c.IsSynchronized ? _now + _config.KeepaliveIdleMs : TcpTimers.Never;
            return NetError.Ok;
        }

        /// <summary>
        /// Fills <paramref name="info"/> (the caller's, reused from call to call) with a netstat-like view of
        /// table entry <paramref name="index"/> (0 .. <see cref="Capacity"/> - 1). Returns false, filling
        /// nothing, for an index outside the table or a null <paramref name="info"/>.
        /// </summary>
        public bool GetEntry(int index, TcpEntryInfo info)
        {
            if (index < 0 || index >= _conns.Length || info == null)
            {
                return false;
            }

            TcpConnection c = _conns[index];
            info.State = c.State;
            info.LocalIp = c.LocalIp;
            info.LocalPort = c.LocalPort;
            info.RemoteIp = c.RemoteIp;
            info.RemotePort = c.RemotePort;
            info.SendQueued = c.SendRing.Count;
            info.ReceiveQueued = c.RecvRing.Count;
            info.Free = c.IsFree;
            info.RtoMs = c.Rtt.Rto;
            info.SmoothedRttMs = c.Rtt.SmoothedRtt;
            info.CongestionWindow = c.Cc.Cwnd;
            return true;
        }

        /// <summary>Number of table entries not free (any state but a released CLOSED).</summary>
        public int ActiveCount
        {
            get
            {
                int n = 0;
                for (int i = 0; i < _conns.Length; i++)
                {
                    if (!_conns[i].IsFree)
                    {
                        n++;
                    }
                }

                return n;
            }
        }

        /// <summary>The table index a handle refers to, or -1 when stale.</summary>
        public int IndexOf(int handle)
        {
            TcpConnection c = Resolve(handle);
            return c == null ? -1 : c.Index;
        }

        private int UserClose(TcpConnection c)
        {
            switch (c.State)
            {
                case TcpState.SynSent:
                    EnterClosed(c, TcpCause.UserClose, 0);
                    return NetError.Ok;
                case TcpState.SynReceived:
                    c.FinQueued = true; // sent once ESTABLISHED (RFC 9293 3.10.4)
                    return NetError.Ok;
                case TcpState.Established:
                    c.FinQueued = true;
                    SetState(c, TcpState.FinWait1, TcpCause.UserClose);
                    Output(c);
                    return NetError.Ok;
                case TcpState.CloseWait:
                    c.FinQueued = true;
                    SetState(c, TcpState.LastAck, TcpCause.UserClose);
                    Output(c);
                    return NetError.Ok;
                case TcpState.Closed:
                    return c.Error != 0 ? c.Error : NetError.InvalidState;
                case TcpState.Closing:
                case TcpState.LastAck:
                case TcpState.TimeWait:
                    return NetError.InvalidState; // RFC 9293 3.10.4: "error: connection closing"
                default:
                    return NetError.Ok; // FIN_WAIT_1/2: already closing (the RFC accepts "ok")
            }
        }

        // ------------------------------------------------------------------ timers

        /// <summary>
        /// Runs every timer that is due at <paramref name="nowMs"/> and sends what is owed
        /// (delayed ACKs, retransmissions, probes). Call it at least by <see cref="NextDeadline"/>.
        /// </summary>
        public void Poll(long nowMs)
        {
            _now = nowMs;
            _pollCount++;
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection c = _conns[i];
                if (c.State == TcpState.Closed)
                {
                    continue;
                }

                TcpTimers t = c.Timers;
                if (t.TimeWaitAt <= nowMs)
                {
                    t.TimeWaitAt = TcpTimers.Never;
                    EnterClosed(c, TcpCause.TimeWaitExpired, 0);
                    continue;
                }

                if (t.FinWait2At <= nowMs)
                {
                    t.FinWait2At = TcpTimers.Never;
                    EnterClosed(c, TcpCause.FinWait2Timeout, 0);
                    continue;
                }

                if (t.RetransmitAt <= nowMs)
                {
                    t.RetransmitAt = TcpTimers.Never;
                    if (!OnRetransmitTimeout(c))
                    {
                        continue;
                    }
                }

                if (t.PersistAt <= nowMs)
                {
                    t.PersistAt = TcpTimers.Never;
                    SendPersistProbe(c);
                }

                if (t.KeepaliveAt <= nowMs)
                {
                    if (!OnKeepaliveTimer(c))
                    {
                        continue;
                    }
                }

                if (t.DelayedAckDue(nowMs, _pollCount))
                {
                    t.DelayedAckAt = TcpTimers.Never;
                    c.AckNow = true;
                }

                Output(c);
            }
        }

        /// <summary>The earliest poll time at which a timer is due; long.MaxValue when none is armed.</summary>
        public long NextDeadline()
        {
            long next = long.MaxValue;
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection c = _conns[i];
                if (c.State == TcpState.Closed)
                {
                    continue;
                }

                next = c.Timers.Earliest(next, _now, _pollCount);
            }

            return next;
        }

        /// <summary>Retransmission timer expiry. Returns false when the connection was closed.</summary>
        private bool OnRetransmitTimeout(TcpConnection c)
        {
            Counters.RetransmitTimeouts++;
            c.Retries++;
            c.Rtt.Discard(); // Karn: no sample from a retransmitted segment
            if (c.State == TcpState.SynSent)
            {
                if (c.Retries > _config.MaxSynRetries)
                {
                    Fail(c, NetError.TimedOut, TcpCause.RetransmitTimeout);
                    return false;
                }

                if (c.Retries == NegativeAdviceRetries)
                {
                    _output.ReachabilityInDoubt(c.LocalIp, c.RemoteIp);
                }

                c.Rtt.Backoff();
                Counters.Retransmissions++;
                SendSyn(c);
                return true;
            }

            if (c.State == TcpState.SynReceived)
            {
                if (c.Retries > _config.MaxSynAckRetries)
                {
                    if (c.Listener >= 0)
                    {
                        SetState(c, TcpState.Listen, TcpCause.RetransmitTimeout);
                        FreeHalfOpen(c);
                    }
                    else
                    {
                        Fail(c, NetError.TimedOut, TcpCause.RetransmitTimeout);
                    }

                    return false;
                }

                c.Rtt.Backoff();
                Counters.Retransmissions++;
                SendSyn(c);
                return true;
            }

            if (c.Retries > _config.MaxRetransmissions)
            {
                SendReset(c);
                Fail(c, NetError.TimedOut, TcpCause.RetransmitTimeout);
                return false;
            }

            if (c.Retries == NegativeAdviceRetries)
            {
                _output.ReachabilityInDoubt(c.LocalIp, c.RemoteIp); // as Linux's dst_negative_advice
            }

            // RFC 5681 3.1 eq. 4 and RFC 6298 5.5-5.7: collapse the window, back off, go back to SND.UNA.
            c.Cc.Timeout(c.FlightSize, c.SendMss, c.SndMax);
            c.Rtt.Backoff();
            c.SndNxt = c.SndUna;
            Trace.Add(_now, TraceKind.Retransmit, c.Index, (int)c.SndUna, c.FlightSize, 0);
            return true;
        }

        /// <summary>Keepalive timer. Returns false when the connection was aborted.</summary>
        private bool OnKeepaliveTimer(TcpConnection c)
        {
            if (!c.Keepalive || !(c.State == TcpState.Established || c.State == TcpState.CloseWait))
            {
                c.Timers.KeepaliveAt = TcpTimers.Never;
                return true;
            }

            if (c.KeepaliveProbes >= _config.KeepaliveCount)
            {
                SendReset(c); // as Linux: should the peer be back, it learns the connection is gone
                Fail(c, NetError.TimedOut, TcpCause.KeepaliveTimeout);
                return false;
            }

            c.KeepaliveProbes++;
            Counters.KeepaliveProbes++;
            // RFC 1122 4.2.3.6: SEG.SEQ = SND.NXT - 1, no data, so the peer must answer with an ACK.
            EmitSegment(c, c.SndUna - 1, TcpFlags.Ack, 0, false);
            c.Timers.KeepaliveAt = _now + _config.KeepaliveIntervalMs;
            return true;
        }

        // ------------------------------------------------------------------ table

        private int HandleOf(TcpConnection c)
        {
            return Handles.TcpConnection | (c.Generation << IndexBits) | c.Index;
        }

        private TcpConnection Resolve(int handle)
        {
            if ((handle & Handles.KindMask) != Handles.TcpConnection)
            {
                return null;
            }

            int i = handle & IndexMask;
            if (i >= _conns.Length)
            {
                return null;
            }

            TcpConnection c = _conns[i];
            if (!c.UserHolds || c.Generation != ((handle >> IndexBits) & MaxGeneration))
            {
                return null;
            }

            return c;
        }

        private TcpConnection Find(uint localIp, ushort localPort, uint remoteIp, ushort remotePort)
        {
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection c = _conns[i];
                if (c.State != TcpState.Closed && c.LocalPort == localPort && c.RemotePort == remotePort
                    && c.RemoteIp == remoteIp && c.LocalIp == localIp)
                {
                    return c;
                }
            }

            return null;
        }

        private int FindListener(uint localIp, ushort port)
        {
            for (int i = 0; i < _listenInUse.Length; i++)
            {
                if (_listenInUse[i] && _listenPort[i] == port && (_listenIp[i] == 0 || _listenIp[i] == localIp))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>A free entry, else the oldest TIME_WAIT entry (reused), else null.</summary>
        private TcpConnection Allocate()
        {
            TcpConnection oldestTimeWait = null;
            for (int i = 0; i < _conns.Length; i++)
            {
                TcpConnection c = _conns[i];
                if (c.IsFree)
                {
                    return c;
                }

                if (c.State == TcpState.TimeWait && (oldestTimeWait == null || c.Timers.TimeWaitAt < oldestTimeWait.Timers.TimeWaitAt))
                {
                    oldestTimeWait = c;
                }
            }

            if (oldestTimeWait != null)
            {
                Counters.TimeWaitReused++;
                EnterClosed(oldestTimeWait, TcpCause.Recycled, 0);
                if (oldestTimeWait.IsFree)
                {
                    return oldestTimeWait;
                }
            }

            return null;
        }

        private void Init(TcpConnection c, uint localIp, ushort localPort, uint remoteIp, ushort remotePort, uint issFloor)
        {
            int listener = c.Listener;
            bool holds = c.UserHolds;
            c.Reset();
            c.Listener = listener;
            c.UserHolds = holds;
            c.Order = ++_order;
            c.LocalIp = localIp;
            c.LocalPort = localPort;
            c.RemoteIp = remoteIp;
            c.RemotePort = remotePort;
            uint iss = _isn.Next(localIp, localPort, remoteIp, remotePort, _now);
            if (issFloor != 0 && Seq.Le(iss, issFloor))
            {
                iss = issFloor + 1; // RFC 1122 4.2.2.13: a reopened TIME_WAIT tuple starts above the old sequence space
            }

            c.Iss = iss;
            c.SndUna = iss;
            c.SndNxt = iss;
            c.SndMax = iss;
            c.SndBufSeq = iss + 1;
            c.Cc.Start(iss);
            c.SendMss = DefaultMss; // until the peer's MSS option says otherwise
            c.Rtt.Reset(_config.InitialRtoMs, _config.MinRtoMs, _config.MaxRtoMs);
        }

        private ushort PickEphemeralPort(uint localIp, uint remoteIp, ushort remotePort)
        {
            int first = _config.EphemeralPortFirst;
            int span = _config.EphemeralPortLast - first + 1;
            if (span <= 0)
            {
                return 0;
            }

            int start = (int)(_random.NextUInt32() % (uint)span);
            for (int k = 0; k < span; k++)
            {
                ushort port = (ushort)(first + ((start + k) % span));
                if (Find(localIp, port, remoteIp, remotePort) == null && FindListener(localIp, port) < 0 && !LocalPortBusy(port))
                {
                    return port;
                }
            }

            return 0;
        }

        private bool LocalPortBusy(ushort port)
        {
            for (int i = 0; i < _conns.Length; i++)
            {
                if (_conns[i].State != TcpState.Closed && _conns[i].LocalPort == port)
                {
                    return true;
                }
            }

            return false;
        }

        private void SetState(TcpConnection c, TcpState next, TcpCause cause)
        {
            if (c.State == next)
            {
                return;
            }

            Trace.Add(_now, TraceKind.StateChange, c.Index, (int)c.State, (int)next, (int)cause);
            c.State = next;
        }

        /// <summary>Enters CLOSED; the entry is freed unless the user still holds its handle.</summary>
        private void EnterClosed(TcpConnection c, TcpCause cause, int error)
        {
            SetState(c, TcpState.Closed, cause);
            c.Timers.CancelAll();
            if (error != 0 && c.Error == 0)
            {
                c.Error = error;
            }

            if (!c.UserHolds)
            {
                Free(c);
            }
        }

        private void Fail(TcpConnection c, int error, TcpCause cause)
        {
            Counters.ConnectionErrors++;
            Trace.Add(_now, TraceKind.ConnectionError, c.Index, error, 0, 0);
            EnterClosed(c, cause, error);
        }

        /// <summary>A passive half-open entry goes back to the listener's care: it is simply freed.</summary>
        private void FreeHalfOpen(TcpConnection c)
        {
            c.State = TcpState.Closed;
            c.Timers.CancelAll();
            Free(c);
        }

        private void Free(TcpConnection c)
        {
            int generation = c.Generation == MaxGeneration ? 1 : c.Generation + 1;
            c.Reset();
            c.Generation = generation;
        }

        private void Drop(TcpConnection c, TcpDropReason reason)
        {
            Counters.Dropped++;
            Counters.DropsByReason[(int)reason]++;
            Trace.Add(_now, TraceKind.SegmentDropped, c == null ? -1 : c.Index, (int)reason, (int)(_seg.Seq & 0x7FFFFFFF), _seg.DataLen);
        }
    }
}
