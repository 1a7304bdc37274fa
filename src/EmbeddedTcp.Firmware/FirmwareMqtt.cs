using EmbeddedTcp.Apps.Mqtt;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Firmware
{
    /// <summary>
    /// The firmware's MQTT part (opt-in: <see cref="FirmwareOptions.MqttBroker"/>): publishes the
    /// device status as JSON to <c>embeddedtcp/&lt;mac&gt;/status</c> every
    /// <see cref="FirmwareOptions.MqttStatusIntervalMs"/>, and obeys <c>embeddedtcp/&lt;mac&gt;/cmd</c>:
    /// <c>ping</c> → <c>pong</c>, <c>status</c> → a status now; anything else is answered with
    /// an error message. Answers go to <c>embeddedtcp/&lt;mac&gt;/reply</c>. Topics are built once
    /// at start-up; the JSON is written in place. Allocation-free after construction.
    /// </summary>
    public sealed class FirmwareMqtt : IMqttHandler
    {
        private static readonly string Prefix = "embeddedtcp/";
        private static readonly string StatusSuffix = "/status";
        private static readonly string CmdSuffix = "/cmd";
        private static readonly string ReplySuffix = "/reply";
        private static readonly string CmdPing = "ping";
        private static readonly string CmdStatus = "status";
        private static readonly string Pong = "pong";
        private static readonly string Unknown = "error: unknown command";
        private static readonly string JAddress = "{\"address\":\"";
        private static readonly string JUptime = "\",\"uptime_s\":";
        private static readonly string JTcpActive = ",\"tcp_active\":";
        private static readonly string JTcpCapacity = ",\"tcp_capacity\":";
        private static readonly string JCounters = ",\"counters\":{\"echo\":";
        private static readonly string JDiscard = ",\"discard\":";
        private static readonly string JChargen = ",\"chargen\":";
        private static readonly string JHttp = ",\"http\":";
        private static readonly string JErrors = ",\"errors\":";
        private static readonly string JTcpIn = ",\"tcp_segments_in\":";
        private static readonly string JTcpOut = ",\"tcp_segments_out\":";
        private static readonly string JRetrans = ",\"tcp_retransmissions\":";
        private static readonly string JMqtt = ",\"mqtt_connects\":";
        private static readonly string JEnd = "}}";

        private readonly FirmwareApp _app;
        private readonly NetworkStack _stack;
        private readonly FirmwareOptions _options;
        private readonly MqttClient _client;
        private readonly byte[] _statusTopic;
        private readonly byte[] _cmdTopic;
        private readonly byte[] _replyTopic;
        private readonly byte[] _json;
        private readonly byte[] _text = new byte[32];
        private readonly AsciiWriter _writer = new AsciiWriter();
        private long _nextStatusAt;
        private bool _statusNow;

        /// <summary>Status messages published.</summary>
        public long StatusPublished;

        /// <summary>Commands received (known and unknown).</summary>
        public long Commands;

        /// <summary>Creates the client and its topics; connects at the first poll.</summary>
        public FirmwareMqtt(FirmwareApp app, NetworkStack stack, FirmwareOptions options)
        {
            _app = app;
            _stack = stack;
            _options = options;
            var mac = new byte[6];
            stack.GetMacAddress(mac, 0);
            string hex = Hex(mac);
            _statusTopic = Ascii(Prefix + hex + StatusSuffix);
            _cmdTopic = Ascii(Prefix + hex + CmdSuffix);
            _replyTopic = Ascii(Prefix + hex + ReplySuffix);
            _json = new byte[options.MqttStatusSize < 128 ? 128 : options.MqttStatusSize];
            _client = new MqttClient(stack, new MqttOptions
            {
                BrokerAddress = options.MqttBroker,
                BrokerPort = options.MqttPort,
                ClientId = Prefix.Substring(0, 11) + "-" + hex,
                KeepAliveSeconds = 30,
                ReceiveBufferSize = 256,
                SendBufferSize = _json.Length + 64,
                MaxPublishSize = _json.Length + 64,
                MaxInflight = 2,
                MaxSubscriptions = 1,
                MaxTopicLength = 48,
                ReconnectMinMs = 1000,
                ReconnectMaxMs = 30000,
            });
            _client.Handler = this;
            _client.Subscribe(_cmdTopic, 0, _cmdTopic.Length, 1);
            _client.Start();
        }

        /// <summary>The MQTT client (state and counters).</summary>
        public MqttClient Client { get { return _client; } }

        /// <summary>The status topic, embeddedtcp/&lt;mac&gt;/status, as bytes.</summary>
        public byte[] StatusTopic { get { return _statusTopic; } }

        /// <summary>Drives the client and publishes the status when it is due; call from <see cref="FirmwareApp.Poll"/>.</summary>
        public void Poll(long nowMs)
        {
            _client.Poll(nowMs);
            if (!_client.IsConnected)
            {
                return;
            }

            if (_statusNow || nowMs >= _nextStatusAt)
            {
                int n = WriteStatus(_json, 0, _json.Length);
                if (_client.Publish(_statusTopic, 0, _statusTopic.Length, _json, 0, n, 0, false) == 0)
                {
                    StatusPublished++;
                    _statusNow = false;
                    _nextStatusAt = nowMs + (_options.MqttStatusIntervalMs < 100 ? 100 : _options.MqttStatusIntervalMs);
                }
            }
        }

        /// <summary>A command on the cmd topic.</summary>
        public void OnMessage(MqttClient client, MqttMessage m)
        {
            Commands++;
            if (m.PayloadIs(CmdPing))
            {
                Reply(Pong);
            }
            else if (m.PayloadIs(CmdStatus))
            {
                _statusNow = true;
            }
            else
            {
                Reply(Unknown);
            }
        }

        private void Reply(string text)
        {
            _writer.Reset(_text, 0, _text.Length);
            _writer.Text(text);
            _client.Publish(_replyTopic, 0, _replyTopic.Length, _text, 0, _writer.Length, 1, false);
        }

        /// <summary>Writes the status JSON into <paramref name="buffer"/>; returns its length.</summary>
        public int WriteStatus(byte[] buffer, int offset, int capacity)
        {
            AsciiWriter w = _writer;
            TcpStack tcp = _stack.Tcp;
            FirmwareCounters c = _app.Counters;
            w.Reset(buffer, offset, capacity);
            w.Text(JAddress);
            w.Ip(_stack.Address);
            w.Text(JUptime);
            w.Int(_app.UptimeMs / 1000);
            w.Text(JTcpActive);
            w.Int(tcp.ActiveCount);
            w.Text(JTcpCapacity);
            w.Int(tcp.Capacity);
            w.Text(JCounters);
            w.Int(c.EchoConnections);
            w.Text(JDiscard);
            w.Int(c.DiscardConnections);
            w.Text(JChargen);
            w.Int(c.ChargenConnections);
            w.Text(JHttp);
            w.Int(c.HttpResponses);
            w.Text(JErrors);
            w.Int(c.ConnectionErrors);
            w.Text(JTcpIn);
            w.Int(tcp.Counters.SegmentsIn);
            w.Text(JTcpOut);
            w.Int(tcp.Counters.SegmentsOut);
            w.Text(JRetrans);
            w.Int(tcp.Counters.Retransmissions);
            w.Text(JMqtt);
            w.Int(_client.Counters.Connects);
            w.Text(JEnd);
            return w.Length;
        }

        private static string Hex(byte[] mac)
        {
            var chars = new char[12];
            for (int i = 0; i < 6; i++)
            {
                chars[2 * i] = Digit(mac[i] >> 4);
                chars[2 * i + 1] = Digit(mac[i] & 15);
            }

            return new string(chars);
        }

        private static char Digit(int d)
        {
            return (char)(d < 10 ? '0' + d : 'a' + d - 10);
        }

        private static byte[] Ascii(string s)
        {
            var b = new byte[Utf8.Length(s)];
            Utf8.Encode(s, b, 0, b.Length);
            return b;
        }
    }
}
