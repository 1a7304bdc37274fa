using System;
using System.Threading;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Apps.Sockets
{
    /// <summary>
    /// Owns a <see cref="NetworkStack"/> and makes it usable from application threads: a poll loop
    /// (on its own thread after <see cref="Start"/>, or driven by the caller through
    /// <see cref="RunOnce"/> on a single-threaded target) and a fixed table of blocking,
    /// thread-safe <see cref="NetSocket"/>s. Every stack call happens under one lock
    /// (<see cref="Gate"/>); a blocked application thread waits on its socket's event outside the
    /// lock, so the poll thread never waits for an application thread. After each poll the loop
    /// sets the event of every waiting socket whose condition now holds. Everything (sockets,
    /// events, the poll thread) is created by the constructor and <see cref="Start"/>: calls
    /// allocate nothing afterwards.
    /// </summary>
    public sealed class NetHost
    {
        private readonly NetworkStack _stack;
        private readonly IHostClock _clock;
        private readonly object _gate = new object();
        private readonly NetSocket[] _sockets;
        private readonly IHostPollable[] _pollables;
        private readonly AutoResetEvent _kick = new AutoResetEvent(false);
        private readonly int _pollIntervalMs;
        private readonly int _waitSliceMs;
        private Thread _thread;
        private bool _stop;
        private bool _threaded;

        /// <summary>Polls done.</summary>
        public long Polls;

        /// <summary>Exceptions the poll loop caught from a pollable (counted, the loop goes on).</summary>
        public long PollFailures;

        /// <summary>
        /// Creates the host and its <paramref name="maxSockets"/> sockets. <paramref name="pollIntervalMs"/>
        /// is the longest the poll loop sleeps when the stack has no earlier deadline: frames
        /// that arrive in the meantime wait at most that long (call <see cref="Wake"/> from an
        /// interrupt handler to poll at once). <paramref name="maxPollables"/> bounds <see cref="Add"/>.
        /// </summary>
        public NetHost(NetworkStack stack, IHostClock clock, int maxSockets, int pollIntervalMs, int maxPollables)
        {
            if (stack == null || clock == null)
            {
                throw new ArgumentNullException();
            }

            _stack = stack;
            _clock = clock;
            _pollIntervalMs = pollIntervalMs < 1 ? 1 : pollIntervalMs;
            // A blocked call re-checks at least this often, so a lost wake-up costs time, never a hang.
            _waitSliceMs = 50;
            _sockets = new NetSocket[maxSockets < 1 ? 1 : maxSockets];
            for (int i = 0; i < _sockets.Length; i++)
            {
                _sockets[i] = new NetSocket(this, i);
            }

            _pollables = new IHostPollable[maxPollables < 1 ? 1 : maxPollables];
        }

        /// <summary>The stack. Touch it only inside <c>lock (host.Gate)</c> once the host runs.</summary>
        public NetworkStack Stack { get { return _stack; } }

        /// <summary>The lock every stack call is made under (re-entrant: a pollable may call sockets).</summary>
        public object Gate { get { return _gate; } }

        /// <summary>The host's clock.</summary>
        public IHostClock Clock { get { return _clock; } }

        /// <summary>True while the poll thread runs.</summary>
        public bool Running { get { return _threaded; } }

        /// <summary>Sockets in the table.</summary>
        public int Capacity { get { return _sockets.Length; } }

        /// <summary>Sockets handed out and not yet closed.</summary>
        public int OpenSockets
        {
            get
            {
                lock (_gate)
                {
                    int n = 0;
                    for (int i = 0; i < _sockets.Length; i++)
                    {
                        if (_sockets[i].Kind != SocketKind.Free)
                        {
                            n++;
                        }
                    }

                    return n;
                }
            }
        }

        /// <summary>Registers something the poll loop drives after each stack poll. False when the table is full.</summary>
        public bool Add(IHostPollable pollable)
        {
            lock (_gate)
            {
                for (int i = 0; i < _pollables.Length; i++)
                {
                    if (_pollables[i] == null)
                    {
                        _pollables[i] = pollable;
                        return true;
                    }
                }

                return false;
            }
        }

        /// <summary>Removes a pollable registered with <see cref="Add"/>.</summary>
        public void Remove(IHostPollable pollable)
        {
            lock (_gate)
            {
                for (int i = 0; i < _pollables.Length; i++)
                {
                    if (_pollables[i] == pollable)
                    {
                        _pollables[i] = null;
                    }
                }
            }
        }

        /// <summary>Starts the poll loop on its own thread (start-up: creates the thread).</summary>
        public void Start()
        {
            lock (_gate)
            {
                if (_threaded)
                {
                    return;
                }

                _stop = false;
                _threaded = true;
                _thread = new Thread(Loop);
                _thread.Start();
            }
        }

        /// <summary>
        /// Stops the poll loop (waits up to <paramref name="timeoutMs"/> for it to end). Blocked
        /// calls go on waiting for their own timeouts; in a single-threaded host they drive the
        /// poll themselves.
        /// </summary>
        public void Stop(int timeoutMs)
        {
            Thread t;
            lock (_gate)
            {
                _stop = true;
                t = _thread;
            }

            _kick.Set();
            if (t != null)
            {
                t.Join(timeoutMs);
            }

            lock (_gate)
            {
                _threaded = false;
                _thread = null;
            }
        }

        /// <summary>Makes the poll loop poll now (e.g. from the network chip's interrupt handler).</summary>
        public void Wake()
        {
            _kick.Set();
        }

        /// <summary>
        /// One turn of the loop, for a caller that drives the host itself: polls the stack at
        /// the clock's time, runs the pollables and wakes the sockets whose calls can go on.
        /// Returns the milliseconds until the next turn is due (at most the poll interval).
        /// </summary>
        public int RunOnce()
        {
            lock (_gate)
            {
                long now = _clock.NowMs;
                _stack.Poll(now);
                for (int i = 0; i < _pollables.Length; i++)
                {
                    IHostPollable p = _pollables[i];
                    if (p != null)
                    {
                        try
                        {
                            p.Poll(now);
                        }
                        catch (Exception)
                        {
                            PollFailures++; // a broken pollable must not stop the network
                        }
                    }
                }

                Polls++;
                for (int i = 0; i < _sockets.Length; i++)
                {
                    _sockets[i].SignalIfReady();
                }

                long wait = _stack.NextDeadline() - _clock.NowMs;
                if (wait < 0)
                {
                    wait = 0;
                }

                return wait > _pollIntervalMs ? _pollIntervalMs : (int)wait;
            }
        }

        private void Loop()
        {
            while (!_stop)
            {
                int wait = RunOnce();
                if (wait > 0)
                {
                    _kick.WaitOne(wait, false);
                }
            }
        }

        /// <summary>Opens a TCP socket from the table, or null when all are in use.</summary>
        public NetSocket CreateTcp()
        {
            return Take(SocketKind.Tcp);
        }

        /// <summary>Opens a UDP socket from the table, or null when all are in use.</summary>
        public NetSocket CreateUdp()
        {
            return Take(SocketKind.Udp);
        }

        internal NetSocket Take(SocketKind kind)
        {
            lock (_gate)
            {
                for (int i = 0; i < _sockets.Length; i++)
                {
                    NetSocket s = _sockets[i];
                    if (s.Kind == SocketKind.Free)
                    {
                        s.Open(kind);
                        return s;
                    }
                }

                return null;
            }
        }

        /// <summary>The absolute deadline of a call with <paramref name="timeoutMs"/> (negative: none).</summary>
        internal long DeadlineOf(int timeoutMs)
        {
            return timeoutMs < 0 ? long.MaxValue : _clock.NowMs + timeoutMs;
        }

        /// <summary>
        /// Waits (outside the lock) for <paramref name="signal"/> or a slice of the time left.
        /// False once <paramref name="deadline"/> has passed. Without a poll thread, the waiting
        /// thread runs the loop itself, so a single-threaded host cannot deadlock.
        /// </summary>
        internal bool Wait(AutoResetEvent signal, long deadline)
        {
            long now = _clock.NowMs;
            if (now >= deadline)
            {
                return false;
            }

            long slice = deadline - now;
            if (slice > _waitSliceMs)
            {
                slice = _waitSliceMs;
            }

            if (!_threaded)
            {
                int next = RunOnce();
                if (next < slice)
                {
                    slice = next < 1 ? 1 : next;
                }
            }

            signal.WaitOne((int)slice, false);
            return true;
        }

        /// <summary>Maps a negative <see cref="NetError"/> to the socket error a program expects.</summary>
        public static SocketError Map(int tcpError)
        {
            switch (tcpError)
            {
                case NetError.Ok: return SocketError.Success;
                case NetError.EndOfStream: return SocketError.Success;
                case NetError.InvalidHandle: return SocketError.NotSocket;
                case NetError.NoResources: return SocketError.NoBufferSpaceAvailable;
                case NetError.InvalidState: return SocketError.NotConnected;
                case NetError.ConnectionReset: return SocketError.ConnectionReset;
                case NetError.TimedOut: return SocketError.TimedOut;
                case NetError.ConnectionRefused: return SocketError.ConnectionRefused;
                case NetError.AddressInUse: return SocketError.AddressAlreadyInUse;
                case NetError.Unreachable: return SocketError.HostUnreachable;
                case NetError.InvalidArgument: return SocketError.InvalidArgument;
                case NetError.Aborted: return SocketError.ConnectionAborted;
                default: return SocketError.ConnectionAborted;
            }
        }
    }
}
