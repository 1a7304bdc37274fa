using EmbeddedTcp.Apps.Mdns;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Firmware
{
    /// <summary>
    /// The firmware application that is flashed, and run unchanged by the simulator: echo on
    /// TCP 7, discard on 9, chargen on 19, an HTTP/1.0 status page on 80 (the device closes
    /// after the response), and optionally a client that connects out. Several connections per
    /// service at once, up to the stack's connection table. Call <see cref="Poll"/> after each
    /// <see cref="EmbeddedTcp.Ip.IpInterface.Poll"/>. Allocation-free after construction.
    /// </summary>
    /// <remarks>
    /// This class holds the connection slots and the listeners and runs the poll loop; each
    /// service is its own class (<see cref="EchoService"/>, <see cref="DiscardService"/>,
    /// <see cref="ChargenService"/>, <see cref="HttpService"/> with its <see cref="StatusPage"/>,
    /// <see cref="ClientService"/>, <see cref="FirmwareMqtt"/>).
    /// </remarks>
    public sealed class FirmwareApp
    {
        /// <summary>Bytes in one chargen line: 72 printable characters, CR, LF.</summary>
        public const int ChargenLineLength = ChargenService.LineLength;

        private readonly NetworkStack _stack;
        private readonly TcpStack _tcp;
        private readonly FirmwareOptions _options;
        private readonly FirmwareSession[] _sessions;
        private readonly EchoService _echo;
        private readonly DiscardService _discard;
        private readonly ChargenService _chargen;
        private readonly HttpService _http;
        private readonly StatusPage _statusPage;
        private readonly ClientService _client;
        private int _echoListener;
        private int _discardListener;
        private int _chargenListener;
        private int _httpListener;
        private long _startMs = -1;
        private long _now;

        /// <summary>What the application has done.</summary>
        public readonly FirmwareCounters Counters = new FirmwareCounters();

        /// <summary>The MQTT status publisher and command topic (null unless <see cref="FirmwareOptions.MqttBroker"/> is set).</summary>
        public readonly FirmwareMqtt Mqtt;

        /// <summary>The mDNS responder (null unless <see cref="FirmwareOptions.MdnsHostName"/> is set).</summary>
        public readonly MdnsResponder Mdns;

        /// <summary>Listens on the configured ports of <paramref name="stack"/> and allocates every buffer.</summary>
        public FirmwareApp(NetworkStack stack, FirmwareOptions options)
        {
            _stack = stack;
            _tcp = stack.Tcp;
            _options = options ?? new FirmwareOptions();
            int n = _tcp.Capacity;
            _sessions = new FirmwareSession[n];
            int size = _options.SessionBufferSize < 64 ? 64 : _options.SessionBufferSize;
            for (int i = 0; i < n; i++)
            {
                _sessions[i] = new FirmwareSession(size);
            }

            // What discard/chargen/HTTP drain and chargen sends per call: one segment of the
            // stack's MSS (1460 by default, as before), not a fixed 1460 that a small-MSS
            // configuration could never fill in one segment.
            int mss = stack.Config.Tcp.Mss;
            var scratch = new byte[size < mss ? mss : size];
            int responseSize = _options.ResponseBufferSize < 512 ? 512 : _options.ResponseBufferSize;
            var writer = new AsciiWriter();
            _echo = new EchoService(this, _tcp);
            _discard = new DiscardService(this, _tcp, scratch);
            _chargen = new ChargenService(this, _tcp, scratch);
            _statusPage = new StatusPage(this, stack, _options, writer, responseSize);
            _http = new HttpService(this, _tcp, _statusPage, writer, scratch, responseSize);
            _client = _options.ConnectToAddress != 0 ? new ClientService(this, stack, _echo) : null;
            int backlog = _options.Backlog < 1 ? 1 : _options.Backlog;
            _echoListener = ListenOn(_options.EchoPort, backlog);
            _discardListener = ListenOn(_options.DiscardPort, backlog);
            _chargenListener = ListenOn(_options.ChargenPort, backlog);
            _httpListener = ListenOn(_options.HttpPort, backlog);
            Mqtt = _options.MqttBroker != 0 ? new FirmwareMqtt(this, stack, _options) : null;
            if (_options.MdnsHostName != null)
            {
                var mdns = new MdnsOptions();
                mdns.HostName = _options.MdnsHostName.Length == 0 ? null : _options.MdnsHostName;
                mdns.HttpPort = _options.HttpPort;
                Mdns = new MdnsResponder(stack, mdns);
            }
        }

        /// <summary>The stack the application runs on.</summary>
        public NetworkStack Stack { get { return _stack; } }

        /// <summary>The options given at construction.</summary>
        public FirmwareOptions Options { get { return _options; } }

        /// <summary>Listener handle of a service (negative <see cref="NetError"/> when it could not listen, 0 when disabled).</summary>
        public int ListenerOf(FirmwareService service)
        {
            switch (service)
            {
                case FirmwareService.Echo: return _echoListener;
                case FirmwareService.Discard: return _discardListener;
                case FirmwareService.Chargen: return _chargenListener;
                case FirmwareService.Http: return _httpListener;
                default: return 0;
            }
        }

        /// <summary>Connections the application currently holds.</summary>
        public int ActiveSessions
        {
            get
            {
                int n = 0;
                for (int i = 0; i < _sessions.Length; i++)
                {
                    if (_sessions[i].Service != FirmwareService.None)
                    {
                        n++;
                    }
                }

                return n;
            }
        }

        /// <summary>The outbound client's connection handle, or 0 when it has none.</summary>
        public int ClientHandle
        {
            get { return _client == null || _client.Slot < 0 ? 0 : _sessions[_client.Slot].Handle; }
        }

        /// <summary>Milliseconds since the first <see cref="Poll"/>.</summary>
        public long UptimeMs { get { return _startMs < 0 ? 0 : _now - _startMs; } }

        /// <summary>The time given to the current (or last) <see cref="Poll"/>.</summary>
        internal long NowMs { get { return _now; } }

        /// <summary>The byte at <paramref name="position"/> of the endless RFC 864 chargen stream.</summary>
        public static byte ChargenByte(long position)
        {
            return ChargenService.StreamByte(position);
        }

        /// <summary>Serves every connection; call after each <see cref="EmbeddedTcp.Ip.IpInterface.Poll"/>.</summary>
        public void Poll(long nowMs)
        {
            _now = nowMs;
            if (_startMs < 0)
            {
                _startMs = nowMs;
            }

            AcceptAll(_echoListener, FirmwareService.Echo);
            AcceptAll(_discardListener, FirmwareService.Discard);
            AcceptAll(_chargenListener, FirmwareService.Chargen);
            AcceptAll(_httpListener, FirmwareService.Http);
            if (_client != null)
            {
                _client.Run(nowMs);
            }

            if (Mqtt != null)
            {
                Mqtt.Poll(nowMs);
            }

            if (Mdns != null)
            {
                Mdns.Poll(nowMs);
            }

            for (int i = 0; i < _sessions.Length; i++)
            {
                FirmwareSession s = _sessions[i];
                switch (s.Service)
                {
                    case FirmwareService.Echo:
                        _echo.Serve(i, s);
                        break;
                    case FirmwareService.Discard:
                        _discard.Serve(i, s);
                        break;
                    case FirmwareService.Chargen:
                        _chargen.Serve(i, s);
                        break;
                    case FirmwareService.Http:
                        _http.Serve(i, s);
                        break;
                    case FirmwareService.Client:
                        _client.Serve(i, s);
                        break;
                }
            }
        }

        /// <summary>
        /// Builds the status page (HTTP/1.0 header and text body) into <paramref name="buffer"/>
        /// and returns its length; 0 when the range is not inside <paramref name="buffer"/>.
        /// Allocation-free; used by the HTTP service.
        /// </summary>
        public int BuildStatusPage(byte[] buffer, int offset, int capacity)
        {
            return _statusPage.Build(buffer, offset, capacity);
        }

        /// <summary>The first free session slot, or -1 when every slot is taken.</summary>
        internal int FreeSession()
        {
            for (int i = 0; i < _sessions.Length; i++)
            {
                if (_sessions[i].Service == FirmwareService.None)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Gives slot <paramref name="slot"/> to connection <paramref name="handle"/> of <paramref name="service"/>.</summary>
        internal void Start(int slot, int handle, FirmwareService service)
        {
            FirmwareSession s = _sessions[slot];
            s.Service = service;
            s.Handle = handle;
            s.Filled = 0;
            s.Position = 0;
            s.Phase = HttpService.Reading;
            s.StartedAt = _now;
            s.Greeted = false;
            if (_options.SessionKeepalive)
            {
                _tcp.SetKeepalive(handle, true);
            }
        }

        /// <summary>Closes (or aborts) the connection of slot <paramref name="slot"/> and frees the slot.</summary>
        internal void Release(int slot, bool abort)
        {
            FirmwareSession s = _sessions[slot];
            if (abort)
            {
                _tcp.Abort(s.Handle);
            }
            else
            {
                _tcp.Close(s.Handle);
            }

            if (s.Service == FirmwareService.Client)
            {
                _client.Released();
            }

            s.Service = FirmwareService.None;
            s.Handle = 0;
        }

        /// <summary>Counts a connection error and aborts the connection of slot <paramref name="slot"/>.</summary>
        internal void Fail(int slot)
        {
            Counters.ConnectionErrors++;
            Release(slot, true);
        }

        private int ListenOn(int port, int backlog)
        {
            if (port <= 0)
            {
                return 0;
            }

            return _tcp.Listen(0, port, backlog);
        }

        private void AcceptAll(int listener, FirmwareService service)
        {
            if (listener <= 0)
            {
                return;
            }

            for (int guard = 0; guard < _sessions.Length; guard++)
            {
                int slot = FreeSession();
                if (slot < 0)
                {
                    return; // leave the rest in the backlog until a slot frees up
                }

                int h = _tcp.Accept(listener);
                if (h <= 0)
                {
                    return;
                }

                Start(slot, h, service);
                switch (service)
                {
                    case FirmwareService.Echo: Counters.EchoConnections++; break;
                    case FirmwareService.Discard: Counters.DiscardConnections++; break;
                    case FirmwareService.Chargen: Counters.ChargenConnections++; break;
                    case FirmwareService.Http: Counters.HttpConnections++; break;
                }
            }
        }
    }
}
