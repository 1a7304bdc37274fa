using EmbeddedTcp.Apps.Mdns;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Tcp;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Firmware
{
    /// <summary>The service a firmware connection belongs to.</summary>
    public enum FirmwareService : byte
    {
        /// <summary>No connection in this slot.</summary>
        None = 0,
        /// <summary>TCP echo (RFC 862).</summary>
        Echo,
        /// <summary>TCP discard (RFC 863).</summary>
        Discard,
        /// <summary>TCP character generator (RFC 864).</summary>
        Chargen,
        /// <summary>HTTP/1.0 status page.</summary>
        Http,
        /// <summary>The outbound client.</summary>
        Client,
    }

    /// <summary>
    /// The firmware application that is flashed, and run unchanged by the simulator: echo on
    /// TCP 7, discard on 9, chargen on 19, an HTTP/1.0 status page on 80 (the device closes
    /// after the response), and optionally a client that connects out. Several connections per
    /// service at once, up to the stack's connection table. Call <see cref="Poll"/> after each
    /// <see cref="NetworkStack.Poll"/>. Allocation-free after construction.
    /// </summary>
    public sealed class FirmwareApp
    {
        /// <summary>Bytes in one chargen line: 72 printable characters, CR, LF.</summary>
        public const int ChargenLineLength = 74;

        private const int HttpReading = 0;
        private const int HttpWaitingForBuffer = 1;
        private const int HttpSending = 2;

        private static readonly byte[] Greeting =
        {
            (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o', (byte)' ', (byte)'f', (byte)'r', (byte)'o', (byte)'m',
            (byte)' ', (byte)'E', (byte)'m', (byte)'b', (byte)'e', (byte)'d', (byte)'d', (byte)'e', (byte)'d',
            (byte)'T', (byte)'c', (byte)'p', 13, 10,
        };

        private readonly NetworkStack _stack;
        private readonly TcpStack _tcp;
        private readonly FirmwareOptions _options;
        private readonly Session[] _sessions;
        private readonly byte[] _scratch;
        private readonly byte[] _response;
        private readonly byte[] _body;
        private readonly byte[] _mac = new byte[6];
        private readonly byte[] _utc = new byte[20]; // the status page's UTC line (SntpClient.FormatUtc)
        private readonly AsciiWriter _writer = new AsciiWriter();
        private readonly TcpEntryInfo _entry = new TcpEntryInfo();
        private int _echoListener;
        private int _discardListener;
        private int _chargenListener;
        private int _httpListener;
        private int _responseOwner = -1;
        private int _responseLength;
        private int _clientSession = -1;
        private long _nextConnectAt;
        private bool _clientDone;
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
            _sessions = new Session[n];
            int size = _options.SessionBufferSize < 64 ? 64 : _options.SessionBufferSize;
            for (int i = 0; i < n; i++)
            {
                _sessions[i] = new Session(size);
            }

            // What discard/chargen/HTTP drain and chargen sends per call: one segment of the
            // stack's MSS (1460 by default, as before), not a fixed 1460 that a small-MSS
            // configuration could never fill in one segment.
            int mss = stack.Config.Tcp.Mss;
            _scratch = new byte[size < mss ? mss : size];
            int responseSize = _options.ResponseBufferSize < 512 ? 512 : _options.ResponseBufferSize;
            _response = new byte[responseSize];
            _body = new byte[responseSize];
            int backlog = _options.Backlog < 1 ? 1 : _options.Backlog;
            _echoListener = ListenOn(_options.EchoPort, backlog);
            _discardListener = ListenOn(_options.DiscardPort, backlog);
            _chargenListener = ListenOn(_options.ChargenPort, backlog);
            _httpListener = ListenOn(_options.HttpPort, backlog);
            _stack.GetMacAddress(_mac, 0);
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
            get { return _clientSession < 0 ? 0 : _sessions[_clientSession].Handle; }
        }

        /// <summary>Milliseconds since the first <see cref="Poll"/>.</summary>
        public long UptimeMs { get { return _startMs < 0 ? 0 : _now - _startMs; } }

        /// <summary>The 95 printable characters twice: a line's 72 characters are one slice of it.</summary>
        private static readonly byte[] ChargenCycle = new byte[2 * 95];

        static FirmwareApp()
        {
            for (int i = 0; i < ChargenCycle.Length; i++)
            {
                ChargenCycle[i] = (byte)(32 + i % 95);
            }
        }

        /// <summary>The byte at <paramref name="position"/> of the endless RFC 864 chargen stream.</summary>
        public static byte ChargenByte(long position)
        {
            long line = position / ChargenLineLength;
            int column = (int)(position % ChargenLineLength);
            if (column == 72)
            {
                return 13;
            }

            if (column == 73)
            {
                return 10;
            }

            return (byte)(32 + (int)((line + column) % 95));
        }

        /// <summary>Serves every connection; call after each <see cref="NetworkStack.Poll"/>.</summary>
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
            RunClient();
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
                Session s = _sessions[i];
                switch (s.Service)
                {
                    case FirmwareService.Echo:
                    case FirmwareService.Client:
                        ServeEcho(i, s);
                        break;
                    case FirmwareService.Discard:
                        ServeDiscard(i, s);
                        break;
                    case FirmwareService.Chargen:
                        ServeChargen(i, s);
                        break;
                    case FirmwareService.Http:
                        ServeHttp(i, s);
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
            if (!NetOrder.InBounds(buffer, offset, capacity))
            {
                return 0;
            }

            AsciiWriter w = _writer;
            w.Reset(_body, 0, _body.Length);
            w.Text(_options.DeviceName);
            w.Text(Texts.FirmwareStatus);
            w.NewLine();
            w.Text(Texts.Address);
            w.PadTo(12);
            w.Ip(_stack.Address);
            w.Byte((byte)'/');
            w.Int(AsciiWriter.PrefixLength(_stack.Netmask));
            w.Text(Texts.Gateway);
            w.Ip(_stack.Gateway);
            w.NewLine();
            w.Text(Texts.Mac);
            w.PadTo(12);
            w.Mac(_mac, 0);
            w.Text(_stack.LinkUp ? Texts.LinkUp : Texts.LinkDown);
            w.NewLine();
            w.Text(Texts.Uptime);
            w.PadTo(12);
            w.Seconds(UptimeMs);
            w.Text(Texts.SecondsUnit);
            w.NewLine();
            SntpClient sntp = _stack.Sntp;
            if (sntp != null && sntp.Synchronized)
            {
                w.Text(Texts.Utc);
                w.PadTo(12);
                int n = SntpClient.FormatUtc(sntp.UtcMs(_now), _utc, 0);
                for (int i = 0; i < n; i++)
                {
                    w.Byte(_utc[i]);
                }

                w.NewLine();
            }
            NetworkCounters nc = _stack.Counters;
            w.Text(Texts.Frames);
            w.PadTo(12);
            w.Text(Texts.In);
            w.Int(nc.FramesIn);
            w.Text(Texts.Out);
            w.Int(nc.FramesOut);
            w.Text(Texts.Malformed);
            w.Int(nc.FramesMalformed);
            w.NewLine();
            w.Text(Texts.Ip);
            w.PadTo(12);
            w.Text(Texts.In);
            w.Int(nc.IpIn);
            w.Text(Texts.Out);
            w.Int(nc.IpOut);
            w.Text(Texts.BadChecksum);
            w.Int(nc.IpBadChecksum);
            w.Text(Texts.IcmpEchoReplies);
            w.Int(nc.IcmpEchoReplies);
            w.NewLine();
            TcpCounters tc = _tcp.Counters;
            w.Text(Texts.Tcp);
            w.PadTo(12);
            w.Text(Texts.SegmentsIn);
            w.Int(tc.SegmentsIn);
            w.Text(Texts.Out);
            w.Int(tc.SegmentsOut);
            w.Text(Texts.Retransmitted);
            w.Int(tc.Retransmissions);
            w.Text(Texts.ResetsIn);
            w.Int(tc.ResetsIn);
            w.Text(Texts.Out);
            w.Int(tc.ResetsOut);
            w.NewLine();
            w.PadTo(12);
            w.Text(Texts.ActiveOpens);
            w.Int(tc.ActiveOpens);
            w.Text(Texts.PassiveOpens);
            w.Int(tc.PassiveOpens);
            w.Text(Texts.Dropped);
            w.Int(tc.Dropped);
            w.NewLine();
            FirmwareCounters fc = Counters;
            w.Text(Texts.Services);
            w.PadTo(12);
            w.Text(Texts.Echo);
            w.Int(fc.EchoConnections);
            w.Byte((byte)'/');
            w.Int(fc.EchoBytes);
            w.Text(Texts.BytesDiscard);
            w.Int(fc.DiscardConnections);
            w.Byte((byte)'/');
            w.Int(fc.DiscardBytes);
            w.Text(Texts.BytesChargen);
            w.Int(fc.ChargenConnections);
            w.Byte((byte)'/');
            w.Int(fc.ChargenBytes);
            w.Text(Texts.BytesHttp);
            w.Int(fc.HttpResponses + 1);
            w.NewLine();
            w.NewLine();
            w.Text(Texts.ConnectionsTitle);
            w.NewLine();
            w.Text(Texts.ConnectionsHeader);
            w.NewLine();
            for (int i = 0; i < _tcp.Capacity; i++)
            {
                _tcp.GetEntry(i, _entry);
                if (_entry.Free || _entry.State == TcpState.Closed)
                {
                    continue;
                }

                w.Text(Texts.Tcp);
                w.IntPadded(_entry.ReceiveQueued, 9);
                w.IntPadded(_entry.SendQueued, 7);
                w.Byte((byte)' ');
                int col = w.Position;
                w.Endpoint(_entry.LocalIp == 0 ? _stack.Address : _entry.LocalIp, _entry.LocalPort);
                Spaces(24 - (w.Position - col));
                col = w.Position;
                w.Endpoint(_entry.RemoteIp, _entry.RemotePort);
                Spaces(24 - (w.Position - col));
                w.Text(TcpStateNames.Of(_entry.State));
                w.NewLine();
            }

            int bodyLength = w.Length;
            w.Reset(buffer, offset, capacity);
            w.Text(Texts.Status200);
            w.NewLine();
            w.Text(Texts.ContentType);
            w.NewLine();
            w.Text(Texts.ContentLength);
            w.Int(bodyLength);
            w.NewLine();
            w.Text(Texts.ConnectionClose);
            w.NewLine();
            w.NewLine();
            int headerLength = w.Length;
            int room = capacity - headerLength;
            if (bodyLength > room)
            {
                bodyLength = room;
            }

            System.Array.Copy(_body, 0, buffer, offset + headerLength, bodyLength);
            return headerLength + bodyLength;
        }

        private void Spaces(int n)
        {
            if (n < 1)
            {
                n = 1;
            }

            for (int i = 0; i < n; i++)
            {
                _writer.Byte((byte)' ');
            }
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

        private int FreeSession()
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

        private void Start(int slot, int handle, FirmwareService service)
        {
            Session s = _sessions[slot];
            s.Service = service;
            s.Handle = handle;
            s.Filled = 0;
            s.Position = 0;
            s.Phase = HttpReading;
            s.StartedAt = _now;
            s.Greeted = false;
            if (_options.SessionKeepalive)
            {
                _tcp.SetKeepalive(handle, true);
            }
        }

        private void Release(int slot, bool abort)
        {
            Session s = _sessions[slot];
            if (abort)
            {
                _tcp.Abort(s.Handle);
            }
            else
            {
                _tcp.Close(s.Handle);
            }

            if (_responseOwner == slot)
            {
                _responseOwner = -1;
            }

            if (_clientSession == slot)
            {
                _clientSession = -1;
                ScheduleReconnect();
            }

            s.Service = FirmwareService.None;
            s.Handle = 0;
        }

        private void Fail(int slot)
        {
            Counters.ConnectionErrors++;
            Release(slot, true);
        }

        private void ScheduleReconnect()
        {
            if (_options.ConnectToRetryMs <= 0)
            {
                _clientDone = true;
            }
            else
            {
                _nextConnectAt = _now + _options.ConnectToRetryMs;
            }
        }

        private void RunClient()
        {
            if (_options.ConnectToAddress == 0 || _clientDone || _clientSession >= 0 || _now < _nextConnectAt)
            {
                return;
            }

            int slot = FreeSession();
            if (slot < 0)
            {
                return;
            }

            Counters.ClientAttempts++;
            int h = _tcp.Connect(_stack.Address, _options.ConnectToAddress, _options.ConnectToPort, 0);
            if (h <= 0)
            {
                Counters.ConnectionErrors++;
                ScheduleReconnect();
                return;
            }

            Start(slot, h, FirmwareService.Client);
            _clientSession = slot;
        }

        private void ServeEcho(int slot, Session s)
        {
            if (s.Service == FirmwareService.Client && !s.Greeted)
            {
                TcpState st = _tcp.GetState(s.Handle);
                if (st == TcpState.SynSent || st == TcpState.SynReceived)
                {
                    return;
                }

                if (st == TcpState.Closed || !_tcp.IsValid(s.Handle))
                {
                    Fail(slot);
                    return;
                }

                Counters.ClientConnected++;
                System.Array.Copy(Greeting, 0, s.Buffer, 0, Greeting.Length);
                s.Filled = Greeting.Length;
                s.Greeted = true;
            }

            for (int guard = 0; guard < 64; guard++)
            {
                if (s.Filled > 0)
                {
                    int sent = _tcp.Send(s.Handle, s.Buffer, s.Position, s.Filled - s.Position);
                    if (sent < 0)
                    {
                        Fail(slot);
                        return;
                    }

                    s.Position += sent;
                    if (s.Position < s.Filled)
                    {
                        return; // send ring full: wait for ACKs
                    }

                    s.Filled = 0;
                    s.Position = 0;
                }

                int n = _tcp.Receive(s.Handle, s.Buffer, 0, s.Buffer.Length);
                if (n == 0)
                {
                    return;
                }

                if (n == NetError.EndOfStream)
                {
                    Release(slot, false);
                    return;
                }

                if (n < 0)
                {
                    Fail(slot);
                    return;
                }

                if (s.Service == FirmwareService.Client)
                {
                    Counters.ClientBytes += n;
                }
                else
                {
                    Counters.EchoBytes += n;
                }

                s.Filled = n;
                s.Position = 0;
            }
        }

        private void ServeDiscard(int slot, Session s)
        {
            for (int guard = 0; guard < 64; guard++)
            {
                int n = _tcp.Receive(s.Handle, _scratch, 0, _scratch.Length);
                if (n == 0)
                {
                    return;
                }

                if (n == NetError.EndOfStream)
                {
                    Release(slot, false);
                    return;
                }

                if (n < 0)
                {
                    Fail(slot);
                    return;
                }

                Counters.DiscardBytes += n;
            }
        }

        private void ServeChargen(int slot, Session s)
        {
            // Whatever the client sends is thrown away (RFC 864); its FIN ends the stream.
            for (int guard = 0; guard < 64; guard++)
            {
                int n = _tcp.Receive(s.Handle, _scratch, 0, _scratch.Length);
                if (n == 0)
                {
                    break;
                }

                if (n == NetError.EndOfStream)
                {
                    Release(slot, false);
                    return;
                }

                if (n < 0)
                {
                    Fail(slot);
                    return;
                }
            }

            TcpState state = _tcp.GetState(s.Handle);
            if (state != TcpState.Established && state != TcpState.CloseWait)
            {
                return;
            }

            for (int guard = 0; guard < 16; guard++)
            {
                // Make only what the send ring takes now: generating a chunk that Send refuses
                // costs the interpreter tens of thousands of IL instructions per turn for nothing.
                int chunk = _tcp.SendSpace(s.Handle);
                if (chunk <= 0)
                {
                    return;
                }

                if (chunk > _scratch.Length)
                {
                    chunk = _scratch.Length;
                }

                FillChargen(_scratch, chunk, s.Stream);
                int sent = _tcp.Send(s.Handle, _scratch, 0, chunk);
                if (sent < 0)
                {
                    Fail(slot);
                    return;
                }

                s.Stream += sent;
                Counters.ChargenBytes += sent;
                if (sent < chunk)
                {
                    return;
                }
            }
        }

        /// <summary>
        /// Writes <paramref name="count"/> bytes of the chargen stream from <paramref name="position"/>:
        /// each line's 72 characters are one copy out of <see cref="ChargenCycle"/> (line L starts at
        /// character L mod 95), then CR LF. A few IL instructions per line instead of per byte.
        /// </summary>
        private static void FillChargen(byte[] destination, int count, long position)
        {
            long line = position / ChargenLineLength;
            int column = (int)(position % ChargenLineLength);
            int i = 0;
            while (i < count)
            {
                if (column < 72)
                {
                    int n = 72 - column;
                    if (n > count - i)
                    {
                        n = count - i;
                    }

                    System.Array.Copy(ChargenCycle, (int)(line % 95) + column, destination, i, n);
                    i += n;
                    column += n;
                    continue;
                }

                destination[i++] = column == 72 ? (byte)13 : (byte)10;
                if (++column == ChargenLineLength)
                {
                    column = 0;
                    line++;
                }
            }
        }

        private void ServeHttp(int slot, Session s)
        {
            if (s.Phase == HttpReading)
            {
                bool complete = false;
                for (int guard = 0; guard < 16 && !complete; guard++)
                {
                    int room = s.Buffer.Length - s.Filled;
                    if (room == 0)
                    {
                        complete = true; // a longer request: answer from what we have
                        break;
                    }

                    int n = _tcp.Receive(s.Handle, s.Buffer, s.Filled, room);
                    if (n == 0)
                    {
                        break;
                    }

                    if (n == NetError.EndOfStream)
                    {
                        complete = true;
                        break;
                    }

                    if (n < 0)
                    {
                        Fail(slot);
                        return;
                    }

                    int from = s.Filled < 3 ? 0 : s.Filled - 3;
                    s.Filled += n;
                    complete = HasHeaderEnd(s.Buffer, from, s.Filled);
                }

                if (!complete)
                {
                    if (_now - s.StartedAt >= _options.HttpRequestTimeoutMs)
                    {
                        Counters.HttpTimeouts++;
                        Release(slot, true);
                    }

                    return;
                }

                s.Phase = HttpWaitingForBuffer;
            }

            if (s.Phase == HttpWaitingForBuffer)
            {
                if (_responseOwner >= 0)
                {
                    return; // another connection is still sending the shared response
                }

                _responseOwner = slot;
                _responseLength = BuildResponse(s);
                s.Position = 0;
                s.Phase = HttpSending;
            }

            int sent = _tcp.Send(s.Handle, _response, s.Position, _responseLength - s.Position);
            if (sent < 0)
            {
                Fail(slot);
                return;
            }

            s.Position += sent;
            if (s.Position < _responseLength)
            {
                return;
            }

            Counters.HttpResponses++;
            // Drain whatever else arrived so CLOSE sends FIN, not RST (RFC 2525 data-loss rule).
            for (int guard = 0; guard < 16; guard++)
            {
                int n = _tcp.Receive(s.Handle, _scratch, 0, _scratch.Length);
                if (n <= 0)
                {
                    break;
                }
            }

            Release(slot, false); // the device is the active closer
        }

        private static bool HasHeaderEnd(byte[] b, int from, int end)
        {
            for (int i = from; i < end; i++)
            {
                if (b[i] != 10)
                {
                    continue;
                }

                if (i >= 1 && b[i - 1] == 10)
                {
                    return true;
                }

                if (i >= 3 && b[i - 1] == 13 && b[i - 2] == 10 && b[i - 3] == 13)
                {
                    return true;
                }
            }

            return false;
        }

        private int BuildResponse(Session s)
        {
            byte[] b = s.Buffer;
            int n = s.Filled;
            bool get = n >= 4 && b[0] == 'G' && b[1] == 'E' && b[2] == 'T' && b[3] == ' ';
            bool head = n >= 5 && b[0] == 'H' && b[1] == 'E' && b[2] == 'A' && b[3] == 'D' && b[4] == ' ';
            int pathAt = get ? 4 : 5;
            if (get || head)
            {
                bool root = n > pathAt + 1 && b[pathAt] == '/' && (b[pathAt + 1] == ' ' || b[pathAt + 1] == 13 || b[pathAt + 1] == 10 || b[pathAt + 1] == '?');
                bool status = n > pathAt + 7 && b[pathAt] == '/' && b[pathAt + 1] == 's' && b[pathAt + 2] == 't' && b[pathAt + 3] == 'a'
                    && b[pathAt + 4] == 't' && b[pathAt + 5] == 'u' && b[pathAt + 6] == 's' && (b[pathAt + 7] == ' ' || b[pathAt + 7] == '?');
                if (root || status)
                {
                    Counters.HttpOk++;
                    int len = BuildStatusPage(_response, 0, _response.Length);
                    if (head)
                    {
                        len = HeaderLength(_response, len);
                    }

                    return len;
                }

                Counters.HttpErrors++;
                return Error(Texts.Status404, Texts.NotFound);
            }

            Counters.HttpErrors++;
            bool looksLikeRequest = n > 0 && b[0] >= 'A' && b[0] <= 'Z';
            return looksLikeRequest ? Error(Texts.Status501, Texts.OnlyGetAndHead) : Error(Texts.Status400, Texts.BadRequest);
        }

        private static int HeaderLength(byte[] b, int length)
        {
            for (int i = 3; i < length; i++)
            {
                if (b[i] == 10 && b[i - 1] == 13 && b[i - 2] == 10 && b[i - 3] == 13)
                {
                    return i + 1;
                }
            }

            return length;
        }

        private int Error(string statusLine, string message)
        {
            AsciiWriter w = _writer;
            w.Reset(_response, 0, _response.Length);
            w.Text(statusLine);
            w.NewLine();
            w.Text(Texts.ContentType);
            w.NewLine();
            w.Text(Texts.ContentLength);
            w.Int(message.Length + 2);
            w.NewLine();
            w.Text(Texts.ConnectionClose);
            w.NewLine();
            w.NewLine();
            w.Text(message);
            w.NewLine();
            return w.Length;
        }

        /// <summary>
        /// Every text the HTTP service writes, made once: on nanoCLR each executed string literal
        /// (ldstr) creates a new string object, and nanoCLR runs static constructors at start-up.
        /// </summary>
        private static class Texts
        {
            public static readonly string FirmwareStatus = " firmware status";
            public static readonly string Address = "address";
            public static readonly string Gateway = " gateway ";
            public static readonly string Mac = "mac";
            public static readonly string LinkUp = " link up";
            public static readonly string LinkDown = " link down";
            public static readonly string Uptime = "uptime";
            public static readonly string Utc = "utc";
            public static readonly string SecondsUnit = " s";
            public static readonly string Frames = "frames";
            public static readonly string In = "in ";
            public static readonly string Out = " out ";
            public static readonly string Malformed = " malformed ";
            public static readonly string Ip = "ip";
            public static readonly string BadChecksum = " bad checksum ";
            public static readonly string IcmpEchoReplies = " icmp echo replies ";
            public static readonly string Tcp = "tcp";
            public static readonly string SegmentsIn = "segments in ";
            public static readonly string Retransmitted = " retransmitted ";
            public static readonly string ResetsIn = " resets in ";
            public static readonly string ActiveOpens = "active opens ";
            public static readonly string PassiveOpens = " passive opens ";
            public static readonly string Dropped = " dropped ";
            public static readonly string Services = "services";
            public static readonly string Echo = "echo ";
            public static readonly string BytesDiscard = "B discard ";
            public static readonly string BytesChargen = "B chargen ";
            public static readonly string BytesHttp = "B http ";
            public static readonly string ConnectionsTitle = "Active Internet connections";
            public static readonly string ConnectionsHeader = "Proto Recv-Q Send-Q Local Address           Foreign Address         State";
            public static readonly string Status200 = "HTTP/1.0 200 OK";
            public static readonly string ContentType = "Content-Type: text/plain";
            public static readonly string ContentLength = "Content-Length: ";
            public static readonly string ConnectionClose = "Connection: close";
            public static readonly string Status404 = "HTTP/1.0 404 Not Found";
            public static readonly string NotFound = "not found";
            public static readonly string Status501 = "HTTP/1.0 501 Not Implemented";
            public static readonly string OnlyGetAndHead = "only GET and HEAD";
            public static readonly string Status400 = "HTTP/1.0 400 Bad Request";
            public static readonly string BadRequest = "bad request";
        }

        private sealed class Session
        {
            public FirmwareService Service;
            public int Handle;
            public readonly byte[] Buffer;
            public int Filled;
            public int Position;
            public int Phase;
            public long StartedAt;
            public long Stream;
            public bool Greeted;

            public Session(int size)
            {
                Buffer = new byte[size];
            }
        }
    }
}
