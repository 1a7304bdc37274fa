using System;
using System.Threading;
using EmbeddedTcp.Apps.Sockets;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Apps.Mqtt
{
    /// <summary>
    /// An MQTT 3.1.1 client over the stack's TCP, poll-driven and allocation-free after its
    /// constructor: CONNECT (client id, clean session, keepalive, will, user name and password),
    /// SUBSCRIBE/UNSUBSCRIBE, PUBLISH at QoS 0 and 1 both ways (a fixed in-flight table, sent
    /// again with DUP after a reconnect), PINGREQ keepalive, DISCONNECT, retained messages, and
    /// reconnect with capped exponential backoff and jitter; subscriptions are renewed at every
    /// connect. Bad input from the broker closes the connection (counted in
    /// <see cref="Counters"/>) and the client reconnects; nothing throws.
    /// Single-threaded use: call <see cref="Poll"/> after each <see cref="EmbeddedTcp.Ip.IpInterface.Poll"/>.
    /// With a <see cref="NetHost"/> (the constructor taking one), the host's loop polls it and
    /// every method may be called from any thread (all run under the host's lock); handlers run
    /// on the poll thread and must not block.
    /// </summary>
    public sealed class MqttClient : IHostPollable
    {
        private const int TypeConnect = 1, TypeConnack = 2, TypePublish = 3, TypePuback = 4, TypeSubscribe = 8,
            TypeSuback = 9, TypeUnsubscribe = 10, TypeUnsuback = 11, TypePingreq = 12, TypePingresp = 13, TypeDisconnect = 14;

        private const byte SubFree = 0, SubWanted = 1, SubPending = 2, SubActive = 3, UnsubWanted = 4, UnsubPending = 5;

        private readonly NetworkStack _stack;
        private readonly TcpStack _tcp;
        private readonly NetHost _host;
        private readonly object _gate;
        private readonly MqttOptions _o;
        private readonly IRandomSource _random;
        private readonly AutoResetEvent _changed = new AutoResetEvent(false);
        private readonly byte[] _rx;
        private readonly byte[] _out;
        private readonly byte[] _connect;
        private readonly byte[] _topic;
        private readonly byte[] _inflight;
        private readonly ushort[] _inflightId;
        private readonly int[] _inflightLen;
        private readonly int[] _inflightSeq;
        private readonly bool[] _inflightSent;
        private readonly byte[] _subTopic;
        private readonly int[] _subLen;
        private readonly byte[] _subQos;
        private readonly byte[] _subState;
        private readonly ushort[] _subId;
        private readonly MqttMessage _message = new MqttMessage();
        private int _connectLength;
        private int _rxLen;
        private int _outLen;
        private int _handle;
        private MqttState _state;
        private long _now;
        private long _nextAttemptAt;
        private long _connectDeadline;
        private long _lastSentAt;
        private long _pingSentAt;
        private bool _pingOutstanding;
        private int _failures;
        private int _nextId = 1;
        private int _seq;

        /// <summary>What the client has done and refused.</summary>
        public readonly MqttCounters Counters = new MqttCounters();

        /// <summary>Receives messages; set before <see cref="Start"/>.</summary>
        public IMqttHandler Handler;

        /// <summary>A client driven by the caller (<see cref="Poll"/> after each stack poll, on the same thread).</summary>
        public MqttClient(NetworkStack stack, MqttOptions options)
            : this(stack, null, options)
        {
        }

        /// <summary>A client driven by <paramref name="host"/>'s poll loop (registered with it here); thread-safe.</summary>
        public MqttClient(NetHost host, MqttOptions options)
            : this(host.Stack, host, options)
        {
            host.Add(this);
        }

        private MqttClient(NetworkStack stack, NetHost host, MqttOptions options)
        {
            _stack = stack;
            _tcp = stack.Tcp;
            _host = host;
            _gate = host != null ? host.Gate : new object();
            _o = options ?? new MqttOptions();
            _rx = new byte[_o.ReceiveBufferSize < 16 ? 16 : _o.ReceiveBufferSize];
            _out = new byte[_o.SendBufferSize < 64 ? 64 : _o.SendBufferSize];
            _topic = new byte[_o.MaxTopicLength < 8 ? 8 : _o.MaxTopicLength];
            int inflight = _o.MaxInflight < 1 ? 1 : _o.MaxInflight;
            int publishSize = _o.MaxPublishSize < 16 ? 16 : _o.MaxPublishSize;
            _inflight = new byte[inflight * publishSize];
            _inflightId = new ushort[inflight];
            _inflightLen = new int[inflight];
            _inflightSeq = new int[inflight];
            _inflightSent = new bool[inflight];
            int subs = _o.MaxSubscriptions < 1 ? 1 : _o.MaxSubscriptions;
            _subTopic = new byte[subs * _topic.Length];
            _subLen = new int[subs];
            _subQos = new byte[subs];
            _subState = new byte[subs];
            _subId = new ushort[subs];
            _connect = BuildConnect(_o, out _connectLength);
            if (_o.Random != null)
            {
                _random = _o.Random;
            }
            else
            {
                uint seed = 2166136261;
                string id = _o.ClientId ?? string.Empty;
                for (int i = 0; i < id.Length; i++)
                {
                    seed = (seed ^ id[i]) * 16777619;
                }

                _random = new SeededRandom(seed);
            }
        }

        /// <summary>Bytes of buffers this client allocated (its memory cost beside a few small fields).</summary>
        public int BufferBytes
        {
            get
            {
                return _rx.Length + _out.Length + _topic.Length + _inflight.Length + _connect.Length + _subTopic.Length
                    + _inflightId.Length * (2 + 4 + 4 + 1) + _subLen.Length * (4 + 1 + 1 + 2);
            }
        }

        /// <summary>Where the client is.</summary>
        public MqttState State { get { return _state; } }

        /// <summary>True while the session is up.</summary>
        public bool IsConnected { get { return _state == MqttState.Connected; } }

        /// <summary>QoS 1 publishes not yet acknowledged.</summary>
        public int InflightCount
        {
            get
            {
                lock (_gate)
                {
                    int n = 0;
                    for (int i = 0; i < _inflightId.Length; i++)
                    {
                        if (_inflightId[i] != 0)
                        {
                            n++;
                        }
                    }

                    return n;
                }
            }
        }

        /// <summary>Starts connecting (at the next poll) and keeps the session up until <see cref="Disconnect"/>.</summary>
        public void Start()
        {
            lock (_gate)
            {
                if (_state == MqttState.Stopped)
                {
                    _failures = 0;
                    _state = MqttState.Waiting;
                    _nextAttemptAt = _now;
                }
            }

            Kick();
        }

        /// <summary>Sends DISCONNECT (so no will is published), closes the connection and stops reconnecting.</summary>
        public void Disconnect()
        {
            lock (_gate)
            {
                if (_state == MqttState.Connected && _outLen + 2 <= _out.Length)
                {
                    _out[_outLen++] = TypeDisconnect << 4;
                    _out[_outLen++] = 0;
                    Flush();
                }

                if (_handle != 0)
                {
                    _tcp.Close(_handle);
                    _handle = 0;
                }

                _outLen = 0;
                _rxLen = 0;
                SetState(MqttState.Stopped);
            }
        }

        /// <summary>
        /// Subscribes to <paramref name="filter"/> (UTF-8 bytes) at QoS 0 or 1. The subscription is
        /// kept and renewed after every reconnect. Returns 0 or a negative <see cref="MqttError"/>.
        /// </summary>
        public int Subscribe(byte[] filter, int offset, int length, int qos)
        {
            lock (_gate)
            {
                if (filter == null || offset < 0 || length <= 0 || offset + length > filter.Length || qos < 0 || qos > 1)
                {
                    return MqttError.InvalidArgument;
                }

                if (length > _topic.Length)
                {
                    return MqttError.TooLarge;
                }

                int slot = FindSub(filter, offset, length);
                if (slot < 0)
                {
                    for (int i = 0; i < _subState.Length && slot < 0; i++)
                    {
                        if (_subState[i] == SubFree)
                        {
                            slot = i;
                        }
                    }
                }

                if (slot < 0)
                {
                    return MqttError.TableFull;
                }

                Array.Copy(filter, offset, _subTopic, slot * _topic.Length, length);
                _subLen[slot] = length;
                _subQos[slot] = (byte)qos;
                _subState[slot] = SubWanted;
                if (_state == MqttState.Connected)
                {
                    SendSubscriptions();
                }

                return 0;
            }
        }

        /// <summary>Subscribes to <paramref name="filter"/> (encoded without allocating; keep it a static readonly string on nanoFramework).</summary>
        public int Subscribe(string filter, int qos)
        {
            lock (_gate)
            {
                int n = filter == null ? -1 : Utf8.Encode(filter, _topic, 0, _topic.Length);
                return n < 0 ? MqttError.TooLarge : Subscribe(_topic, 0, n, qos);
            }
        }

        /// <summary>Unsubscribes from <paramref name="filter"/>. Returns 0 or a negative <see cref="MqttError"/>.</summary>
        public int Unsubscribe(byte[] filter, int offset, int length)
        {
            lock (_gate)
            {
                if (filter == null || offset < 0 || length <= 0 || offset + length > filter.Length)
                {
                    return MqttError.InvalidArgument;
                }

                int slot = FindSub(filter, offset, length);
                if (slot < 0)
                {
                    return 0;
                }

                _subState[slot] = _state == MqttState.Connected ? UnsubWanted : SubFree;
                if (_state == MqttState.Connected)
                {
                    SendSubscriptions();
                }

                return 0;
            }
        }

        /// <summary>Unsubscribes from <paramref name="filter"/>.</summary>
        public int Unsubscribe(string filter)
        {
            lock (_gate)
            {
                int n = filter == null ? -1 : Utf8.Encode(filter, _topic, 0, _topic.Length);
                return n < 0 ? MqttError.TooLarge : Unsubscribe(_topic, 0, n);
            }
        }

        /// <summary>
        /// Publishes payload[payloadOffset..+payloadLength) to topic[topicOffset..+topicLength).
        /// QoS 0 goes out only while connected; QoS 1 is kept in the in-flight table until PUBACK
        /// (queued even while disconnected, sent at the next connect). Returns the packet id (QoS 1),
        /// 0 (QoS 0), or a negative <see cref="MqttError"/>.
        /// </summary>
        public int Publish(byte[] topic, int topicOffset, int topicLength, byte[] payload, int payloadOffset, int payloadLength, int qos, bool retain)
        {
            lock (_gate)
            {
                if (topic == null || topicOffset < 0 || topicLength <= 0 || topicOffset + topicLength > topic.Length || qos < 0 || qos > 1
                    || payloadLength < 0 || (payloadLength > 0 && (payload == null || payloadOffset < 0 || payloadOffset + payloadLength > payload.Length)))
                {
                    return MqttError.InvalidArgument;
                }

                int remaining = 2 + topicLength + (qos > 0 ? 2 : 0) + payloadLength;
                int size = 1 + VarIntLength(remaining) + remaining;
                if (qos == 0)
                {
                    if (size > _out.Length)
                    {
                        return MqttError.TooLarge;
                    }

                    if (_state != MqttState.Connected)
                    {
                        return MqttError.NotConnected;
                    }

                    if (_outLen + size > _out.Length)
                    {
                        Flush();
                        if (_outLen + size > _out.Length)
                        {
                            return MqttError.WouldBlock;
                        }
                    }

                    _outLen = WritePublish(_out, _outLen, topic, topicOffset, topicLength, payload, payloadOffset, payloadLength, 0, retain, 0, remaining);
                    Counters.PublishesSent++;
                    _lastSentAt = _now;
                    Flush();
                    return 0;
                }

                int stride = _inflight.Length / _inflightId.Length;
                if (size > stride || size > _out.Length)
                {
                    return MqttError.TooLarge;
                }

                int slot = FreeInflightSlot();
                if (slot < 0)
                {
                    return MqttError.InflightFull;
                }

                int id = NextId();
                _inflightId[slot] = (ushort)id;
                _inflightLen[slot] = WritePublish(_inflight, slot * stride, topic, topicOffset, topicLength, payload, payloadOffset, payloadLength, 1, retain, id, remaining) - slot * stride;
                _inflightSeq[slot] = ++_seq;
                _inflightSent[slot] = false;
                SendInflight();
                return id;
            }
        }

        /// <summary>The first free slot of the QoS 1 in-flight table, or -1 when it is full.</summary>
        private int FreeInflightSlot()
        {
            for (int i = 0; i < _inflightId.Length; i++)
            {
                if (_inflightId[i] == 0)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Publishes to <paramref name="topic"/> (encoded without allocating; keep it a static readonly string on nanoFramework).</summary>
        public int Publish(string topic, byte[] payload, int payloadOffset, int payloadLength, int qos, bool retain)
        {
            lock (_gate)
            {
                int n = topic == null ? -1 : Utf8.Encode(topic, _topic, 0, _topic.Length);
                return n < 0 ? MqttError.TooLarge : Publish(_topic, 0, n, payload, payloadOffset, payloadLength, qos, retain);
            }
        }

        /// <summary>With a host: waits up to <paramref name="timeoutMs"/> until the session is up.</summary>
        public bool WaitConnected(int timeoutMs)
        {
            return WaitFor(0, timeoutMs);
        }

        /// <summary>With a host: waits up to <paramref name="timeoutMs"/> until an in-flight slot is free.</summary>
        public bool WaitForInflightRoom(int timeoutMs)
        {
            return WaitFor(1, timeoutMs);
        }

        /// <summary>With a host: waits up to <paramref name="timeoutMs"/> until every QoS 1 publish was acknowledged.</summary>
        public bool WaitAllAcknowledged(int timeoutMs)
        {
            return WaitFor(2, timeoutMs);
        }

        private bool WaitFor(int what, int timeoutMs)
        {
            if (_host == null)
            {
                return Holds(what);
            }

            long deadline = _host.DeadlineOf(timeoutMs);
            while (true)
            {
                if (Holds(what))
                {
                    return true;
                }

                if (!_host.Wait(_changed, deadline))
                {
                    return Holds(what);
                }
            }
        }

        private bool Holds(int what)
        {
            if (what == 0)
            {
                return _state == MqttState.Connected;
            }

            int n = InflightCount;
            return what == 1 ? n < _inflightId.Length : n == 0;
        }

        /// <summary>Does the work due at <paramref name="nowMs"/>: connecting, reading, keepalive, retransmission, backoff.</summary>
        public void Poll(long nowMs)
        {
            lock (_gate)
            {
                _now = nowMs;
                switch (_state)
                {
                    case MqttState.Waiting:
                        if (nowMs >= _nextAttemptAt)
                        {
                            BeginConnect();
                        }

                        break;
                    case MqttState.Connecting:
                        PollConnecting();
                        break;
                    case MqttState.WaitingConnack:
                    case MqttState.Connected:
                        PollSession();
                        break;
                }
            }
        }

        private void BeginConnect()
        {
            Counters.ConnectAttempts++;
            int h = _tcp.Connect(0, _o.BrokerAddress, _o.BrokerPort, 0);
            if (h < 0)
            {
                Counters.ConnectFailures++;
                ScheduleReconnect();
                return;
            }

            _handle = h;
            _tcp.SetNoDelay(h, true); // small control packets (PUBACK, PINGREQ) must not wait for Nagle
            _rxLen = 0;
            _outLen = 0;
            _connectDeadline = _now + _o.ConnectTimeoutMs;
            SetState(MqttState.Connecting);
        }

        private void PollConnecting()
        {
            TcpState st = _tcp.GetState(_handle);
            if (st == TcpState.Established)
            {
                Array.Copy(_connect, 0, _out, 0, _connectLength);
                _outLen = _connectLength;
                _lastSentAt = _now;
                SetState(MqttState.WaitingConnack);
                Flush();
                return;
            }

            if ((st != TcpState.SynSent && st != TcpState.SynReceived) || _now >= _connectDeadline)
            {
                Counters.ConnectFailures++;
                Drop(true);
            }
        }

        private void PollSession()
        {
            if (!Flush())
            {
                return;
            }

            if (!ReceivePackets())
            {
                return;
            }

            if (_state == MqttState.WaitingConnack)
            {
                if (_now >= _connectDeadline)
                {
                    Counters.ConnectFailures++;
                    Drop(true);
                }

                return;
            }

            if (_state != MqttState.Connected)
            {
                return;
            }

            SendInflight();
            SendSubscriptions();
            if (!KeepAlive())
            {
                return;
            }

            Flush();
        }

        /// <summary>
        /// Reads and handles what is there; a packet that needs room in the send queue for its
        /// acknowledgement waits (in the receive buffer) until there is room. False when the
        /// connection was lost or dropped.
        /// </summary>
        private bool ReceivePackets()
        {
            for (int round = 0; round < 64; round++)
            {
                int space = _rx.Length - _rxLen;
                if (space > 0)
                {
                    int n = _tcp.Receive(_handle, _rx, _rxLen, space);
                    if (n < 0)
                    {
                        Lost();
                        return false;
                    }

                    _rxLen += n;
                }

                int consumed = Parse();
                if (consumed < 0)
                {
                    return false; // connection dropped
                }

                if (consumed > 0 && consumed < _rxLen)
                {
                    Array.Copy(_rx, consumed, _rx, 0, _rxLen - consumed);
                }

                _rxLen -= consumed;
                if (consumed == 0 && (space == 0 || _tcp.BytesToRead(_handle) == 0))
                {
                    break;
                }
            }

            return true;
        }

        /// <summary>
        /// The keep-alive (MQTT 3.1.1 3.1.2.10): queues a PINGREQ when nothing was sent for the
        /// keep-alive time; drops the connection (false) when the last one got no PINGRESP within it.
        /// </summary>
        private bool KeepAlive()
        {
            long keepalive = (long)_o.KeepAliveSeconds * 1000;
            if (keepalive <= 0)
            {
                return true;
            }

            if (_pingOutstanding && _now - _pingSentAt >= keepalive)
            {
                Counters.KeepaliveTimeouts++;
                Lost();
                return false;
            }

            if (!_pingOutstanding && _now - _lastSentAt >= keepalive && _outLen + 2 <= _out.Length)
            {
                _out[_outLen++] = TypePingreq << 4;
                _out[_outLen++] = 0;
                _pingOutstanding = true;
                _pingSentAt = _now;
                _lastSentAt = _now;
                Counters.PingsSent++;
            }

            return true;
        }

        /// <summary>Handles the complete packets in the receive buffer. Returns the bytes consumed, or -1 after dropping the connection.</summary>
        private int Parse()
        {
            int p = 0;
            while (p < _rxLen)
            {
                // Fixed header: type and flags, then Remaining Length in 1..4 bytes of 7 bits.
                int remaining = 0;
                int q = ReadRemainingLength(p, ref remaining);
                if (q < 0)
                {
                    return -1; // dropped
                }

                if (q == 0)
                {
                    return p; // header not all here yet
                }

                if (q - p + remaining > _rx.Length)
                {
                    Counters.PacketTooLarge++;
                    return Violation();
                }

                if (q + remaining > _rxLen)
                {
                    return p; // body not all here yet
                }

                int type = _rx[p] >> 4;
                int flags = _rx[p] & 0x0F;
                if (type == TypePublish && _state == MqttState.Connected && (flags & 0x06) != 0 && _outLen + 4 > _out.Length)
                {
                    return p; // no room for the PUBACK yet: handle it after the queue drains
                }

                if (!Handle(type, flags, q, remaining))
                {
                    return -1;
                }

                p = q + remaining;
            }

            return p;
        }

        /// <summary>
        /// Decodes the Remaining Length (1 to 4 bytes of 7 bits, MQTT 3.1.1 2.2.3) of the packet at
        /// <paramref name="p"/>: the offset of its body, 0 when the length is not all here yet, or
        /// -1 after dropping the connection for a fifth length byte.
        /// </summary>
        private int ReadRemainingLength(int p, ref int remaining)
        {
            int value = 0;
            int shift = 0;
            int q = p + 1;
            for (int i = 0; i < 4; i++)
            {
                if (q >= _rxLen)
                {
                    return 0;
                }

                int b = _rx[q++];
                value |= (b & 0x7F) << shift;
                shift += 7;
                if ((b & 0x80) == 0)
                {
                    remaining = value;
                    return q;
                }
            }

            Counters.BadRemainingLength++;
            return Violation();
        }

        private bool Handle(int type, int flags, int body, int length)
        {
            if (_state == MqttState.WaitingConnack)
            {
                if (type != TypeConnack)
                {
                    Counters.ForbiddenPacketType++;
                    Violation();
                    return false;
                }
            }

            switch (type)
            {
                case TypeConnack:
                    if (_state != MqttState.WaitingConnack || flags != 0 || length != 2 || (_rx[body] & 0xFE) != 0)
                    {
                        CountBad(_state != MqttState.WaitingConnack);
                        return false;
                    }

                    if (_rx[body + 1] != 0)
                    {
                        Counters.ConnectRefused++;
                        Drop(true);
                        return false;
                    }

                    OnConnected();
                    return true;
                case TypePublish:
                    return HandlePublish(flags, body, length);
                case TypePuback:
                    if (flags != 0 || length != 2)
                    {
                        CountBad(false);
                        return false;
                    }

                    AckInflight((_rx[body] << 8) | _rx[body + 1]);
                    return true;
                case TypeSuback:
                    return HandleSubAck(flags, body, length, false);
                case TypeUnsuback:
                    return HandleSubAck(flags, body, length, true);
                case TypePingresp:
                    if (flags != 0 || length != 0)
                    {
                        CountBad(false);
                        return false;
                    }

                    _pingOutstanding = false;
                    Counters.PingResponses++;
                    return true;
                default:
                    // CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT, the reserved types, and
                    // the QoS 2 flows (PUBREC, PUBREL, PUBCOMP), which this client never starts.
                    CountBad(true);
                    return false;
            }
        }

        private void CountBad(bool forbiddenType)
        {
            if (forbiddenType)
            {
                Counters.ForbiddenPacketType++;
            }
            else
            {
                Counters.MalformedPacket++;
            }

            Violation();
        }

        private bool HandlePublish(int flags, int body, int length)
        {
            int qos = (flags >> 1) & 3;
            if (qos == 2)
            {
                Counters.ForbiddenPacketType++; // QoS 2 was never granted
                Violation();
                return false;
            }

            if (qos == 3 || length < 2)
            {
                CountBad(false);
                return false;
            }

            int topicLength = (_rx[body] << 8) | _rx[body + 1];
            int header = 2 + topicLength + (qos > 0 ? 2 : 0);
            if (topicLength == 0 || header > length)
            {
                CountBad(false);
                return false;
            }

            int id = qos > 0 ? (_rx[body + 2 + topicLength] << 8) | _rx[body + 3 + topicLength] : 0;
            if (qos > 0 && id == 0)
            {
                CountBad(false);
                return false;
            }

            Counters.PublishesReceived++;
            IMqttHandler handler = Handler;
            if (handler != null)
            {
                MqttMessage m = _message;
                m.Buffer = _rx;
                m.TopicOffset = body + 2;
                m.TopicLength = topicLength;
                m.PayloadOffset = body + header;
                m.PayloadLength = length - header;
                m.Qos = qos;
                m.Retain = (flags & 1) != 0;
                m.Dup = (flags & 8) != 0;
                try
                {
                    handler.OnMessage(this, m);
                }
                catch (Exception)
                {
                    Counters.HandlerFailures++; // the session goes on; the message is still acknowledged
                }

                if (_state != MqttState.Connected)
                {
                    return false; // the handler disconnected
                }
            }

            if (qos > 0)
            {
                QueuePuback(id);
            }

            return true;
        }

        /// <summary>Queues the PUBACK of QoS 1 publish <paramref name="id"/> (Parse made sure there is room).</summary>
        private void QueuePuback(int id)
        {
            _out[_outLen++] = TypePuback << 4;
            _out[_outLen++] = 2;
            _out[_outLen++] = (byte)(id >> 8);
            _out[_outLen++] = (byte)id;
            _lastSentAt = _now;
        }

        private bool HandleSubAck(int flags, int body, int length, bool unsubscribe)
        {
            if (flags != 0 || (unsubscribe ? length != 2 : length < 3))
            {
                CountBad(false);
                return false;
            }

            int id = (_rx[body] << 8) | _rx[body + 1];
            byte pending = unsubscribe ? UnsubPending : SubPending;
            int slot = -1;
            for (int i = 0; i < _subState.Length && slot < 0; i++)
            {
                if (_subState[i] == pending && _subId[i] == id)
                {
                    slot = i;
                }
            }

            if (slot < 0)
            {
                Counters.UnexpectedAck++;
                Violation();
                return false;
            }

            if (unsubscribe)
            {
                _subState[slot] = SubFree;
                Counters.UnsubAcks++;
            }
            else if (_rx[body + 2] == 0x80)
            {
                _subState[slot] = SubFree;
                Counters.SubscribeFailures++;
            }
            else
            {
                _subState[slot] = SubActive;
                Counters.SubAcks++;
            }

            _changed.Set();
            return true;
        }

        private void OnConnected()
        {
            _failures = 0;
            _pingOutstanding = false;
            Counters.Connects++;
            // Every subscription is asked for again (a clean session lost them; an old one may not
            // have them all), and every unacknowledged QoS 1 publish goes again with DUP.
            for (int i = 0; i < _subState.Length; i++)
            {
                byte s = _subState[i];
                if (s == SubPending || s == SubActive)
                {
                    _subState[i] = SubWanted;
                }
                else if (s == UnsubPending)
                {
                    _subState[i] = UnsubWanted;
                }
            }

            int stride = _inflight.Length / _inflightId.Length;
            for (int i = 0; i < _inflightId.Length; i++)
            {
                if (_inflightId[i] != 0 && _inflightSent[i])
                {
                    _inflight[i * stride] |= 0x08;
                    _inflightSent[i] = false;
                }
            }

            SetState(MqttState.Connected);
            SendSubscriptions();
            SendInflight();
        }

        private void AckInflight(int id)
        {
            for (int i = 0; i < _inflightId.Length; i++)
            {
                if (_inflightId[i] == id && id != 0)
                {
                    _inflightId[i] = 0;
                    Counters.PubAcksIn++;
                    _changed.Set();
                    return;
                }
            }

            Counters.UnknownPubAcks++;
        }

        /// <summary>Queues the oldest unsent in-flight publishes, in order, while there is room.</summary>
        private void SendInflight()
        {
            if (_state != MqttState.Connected)
            {
                return;
            }

            int stride = _inflight.Length / _inflightId.Length;
            while (true)
            {
                int oldest = -1;
                for (int i = 0; i < _inflightId.Length; i++)
                {
                    if (_inflightId[i] != 0 && !_inflightSent[i] && (oldest < 0 || _inflightSeq[i] < _inflightSeq[oldest]))
                    {
                        oldest = i;
                    }
                }

                if (oldest < 0)
                {
                    break;
                }

                int len = _inflightLen[oldest];
                if (_outLen + len > _out.Length)
                {
                    Flush();
                    if (_outLen + len > _out.Length)
                    {
                        break;
                    }
                }

                Array.Copy(_inflight, oldest * stride, _out, _outLen, len);
                _outLen += len;
                _inflightSent[oldest] = true;
                if ((_inflight[oldest * stride] & 0x08) != 0)
                {
                    Counters.Retransmissions++;
                }
                else
                {
                    Counters.PublishesSent++;
                }

                _lastSentAt = _now;
            }

            Flush();
        }

        /// <summary>Queues SUBSCRIBE / UNSUBSCRIBE for every subscription slot that wants one.</summary>
        private void SendSubscriptions()
        {
            if (_state != MqttState.Connected)
            {
                return;
            }

            for (int i = 0; i < _subState.Length; i++)
            {
                byte s = _subState[i];
                if (s != SubWanted && s != UnsubWanted)
                {
                    continue;
                }

                bool subscribe = s == SubWanted;
                int len = _subLen[i];
                int remaining = 2 + 2 + len + (subscribe ? 1 : 0);
                if (_outLen + 1 + VarIntLength(remaining) + remaining > _out.Length)
                {
                    Flush();
                    if (_outLen + 1 + VarIntLength(remaining) + remaining > _out.Length)
                    {
                        return;
                    }
                }

                int id = NextId();
                int p = _outLen;
                _out[p++] = (byte)(subscribe ? (TypeSubscribe << 4) | 2 : (TypeUnsubscribe << 4) | 2);
                p = WriteVarInt(_out, p, remaining);
                _out[p++] = (byte)(id >> 8);
                _out[p++] = (byte)id;
                _out[p++] = (byte)(len >> 8);
                _out[p++] = (byte)len;
                Array.Copy(_subTopic, i * _topic.Length, _out, p, len);
                p += len;
                if (subscribe)
                {
                    _out[p++] = _subQos[i];
                    Counters.SubscribesSent++;
                }

                _outLen = p;
                _subId[i] = (ushort)id;
                _subState[i] = subscribe ? SubPending : UnsubPending;
                _lastSentAt = _now;
            }

            Flush();
        }

        /// <summary>Hands queued bytes to TCP. False when the connection broke (and was dropped).</summary>
        private bool Flush()
        {
            if (_handle == 0)
            {
                return false;
            }

            if (_outLen == 0)
            {
                return true;
            }

            int n = _tcp.Send(_handle, _out, 0, _outLen);
            if (n < 0)
            {
                Lost();
                return false;
            }

            if (n > 0)
            {
                if (n < _outLen)
                {
                    Array.Copy(_out, n, _out, 0, _outLen - n);
                }

                _outLen -= n;
            }

            return true;
        }

        private int NextId()
        {
            // Ids in use by an in-flight publish or a pending (UN)SUBSCRIBE are skipped.
            for (int tries = 0; tries < 65536; tries++)
            {
                int id = _nextId;
                _nextId = _nextId == 65535 ? 1 : _nextId + 1;
                if (!IdInUse(id))
                {
                    return id;
                }
            }

            return 1;
        }

        private bool IdInUse(int id)
        {
            for (int i = 0; i < _inflightId.Length; i++)
            {
                if (_inflightId[i] == id)
                {
                    return true;
                }
            }

            for (int i = 0; i < _subId.Length; i++)
            {
                if (_subId[i] == id && (_subState[i] == SubPending || _subState[i] == UnsubPending))
                {
                    return true;
                }
            }

            return false;
        }

        private int FindSub(byte[] filter, int offset, int length)
        {
            for (int i = 0; i < _subState.Length; i++)
            {
                if (_subState[i] == SubFree || _subLen[i] != length)
                {
                    continue;
                }

                int b = i * _topic.Length;
                bool same = true;
                for (int k = 0; k < length && same; k++)
                {
                    same = _subTopic[b + k] == filter[offset + k];
                }

                if (same)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Bad input from the broker: counted, the connection closed (RST), a reconnect scheduled. Returns -1.</summary>
        private int Violation()
        {
            Counters.ProtocolErrors++;
            if (_state == MqttState.Connected)
            {
                Counters.ConnectionsLost++;
            }
            else
            {
                Counters.ConnectFailures++;
            }

            Drop(true);
            return -1;
        }

        private void Lost()
        {
            if (_state == MqttState.Connected)
            {
                Counters.ConnectionsLost++;
            }
            else
            {
                Counters.ConnectFailures++;
            }

            Drop(true);
        }

        /// <summary>Ends the connection (abort: the stream may be in the middle of a packet) and schedules the next attempt.</summary>
        private void Drop(bool abort)
        {
            if (_handle != 0)
            {
                if (abort)
                {
                    _tcp.Abort(_handle);
                }
                else
                {
                    _tcp.Close(_handle);
                }

                _handle = 0;
            }

            _rxLen = 0;
            _outLen = 0;
            _pingOutstanding = false;
            ScheduleReconnect();
        }

        private void ScheduleReconnect()
        {
            long delay = _o.ReconnectMinMs < 1 ? 1 : _o.ReconnectMinMs;
            for (int i = 0; i < _failures && delay < _o.ReconnectMaxMs; i++)
            {
                delay *= 2;
            }

            if (delay > _o.ReconnectMaxMs)
            {
                delay = _o.ReconnectMaxMs;
            }

            if (_failures < 30)
            {
                _failures++;
            }

            // Jitter: anywhere in [delay/2, delay], so devices that lost the same broker do not return in step.
            long half = delay / 2;
            _nextAttemptAt = _now + half + (long)(_random.NextUInt32() % (uint)(delay - half + 1));
            SetState(MqttState.Waiting);
        }

        /// <summary>The time of the next reconnect attempt while <see cref="State"/> is Waiting.</summary>
        public long NextAttemptAt { get { return _nextAttemptAt; } }

        private void SetState(MqttState s)
        {
            _state = s;
            _changed.Set();
        }

        private void Kick()
        {
            if (_host != null)
            {
                _host.Wake();
            }
        }

        private static int VarIntLength(int n)
        {
            return n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4;
        }

        private static int WriteVarInt(byte[] b, int p, int n)
        {
            do
            {
                int d = n & 0x7F;
                n >>= 7;
                b[p++] = (byte)(n > 0 ? d | 0x80 : d);
            }
            while (n > 0);
            return p;
        }

        private static int WritePublish(byte[] b, int p, byte[] topic, int topicOffset, int topicLength, byte[] payload, int payloadOffset,
            int payloadLength, int qos, bool retain, int id, int remaining)
        {
            b[p++] = (byte)((TypePublish << 4) | (qos << 1) | (retain ? 1 : 0));
            p = WriteVarInt(b, p, remaining);
            b[p++] = (byte)(topicLength >> 8);
            b[p++] = (byte)topicLength;
            Array.Copy(topic, topicOffset, b, p, topicLength);
            p += topicLength;
            if (qos > 0)
            {
                b[p++] = (byte)(id >> 8);
                b[p++] = (byte)id;
            }

            if (payloadLength > 0)
            {
                Array.Copy(payload, payloadOffset, b, p, payloadLength);
                p += payloadLength;
            }

            return p;
        }

        /// <summary>Builds the CONNECT packet once (start-up).</summary>
        private static byte[] BuildConnect(MqttOptions o, out int length)
        {
            string id = o.ClientId ?? string.Empty;
            bool will = o.WillTopic != null;
            bool user = o.UserName != null;
            bool password = user && o.Password != null;
            int remaining = 10 + 2 + Utf8.Length(id);
            if (will)
            {
                remaining += 2 + Utf8.Length(o.WillTopic) + 2 + (o.WillPayload == null ? 0 : o.WillPayload.Length);
            }

            if (user)
            {
                remaining += 2 + Utf8.Length(o.UserName);
            }

            if (password)
            {
                remaining += 2 + o.Password.Length;
            }

            byte[] b = new byte[1 + VarIntLength(remaining) + remaining];
            int p = 0;
            b[p++] = TypeConnect << 4;
            p = WriteVarInt(b, p, remaining);
            b[p++] = 0;
            b[p++] = 4;
            b[p++] = (byte)'M';
            b[p++] = (byte)'Q';
            b[p++] = (byte)'T';
            b[p++] = (byte)'T';
            b[p++] = 4; // protocol level 3.1.1
            int flags = (o.CleanSession ? 0x02 : 0) | (user ? 0x80 : 0) | (password ? 0x40 : 0);
            if (will)
            {
                flags |= 0x04 | ((o.WillQos & 1) << 3) | (o.WillRetain ? 0x20 : 0);
            }

            b[p++] = (byte)flags;
            int keepalive = o.KeepAliveSeconds < 0 ? 0 : o.KeepAliveSeconds > 65535 ? 65535 : o.KeepAliveSeconds;
            b[p++] = (byte)(keepalive >> 8);
            b[p++] = (byte)keepalive;
            p = WriteString(b, p, id);
            if (will)
            {
                p = WriteString(b, p, o.WillTopic);
                int n = o.WillPayload == null ? 0 : o.WillPayload.Length;
                b[p++] = (byte)(n >> 8);
                b[p++] = (byte)n;
                if (n > 0)
                {
                    Array.Copy(o.WillPayload, 0, b, p, n);
                    p += n;
                }
            }

            if (user)
            {
                p = WriteString(b, p, o.UserName);
            }

            if (password)
            {
                b[p++] = (byte)(o.Password.Length >> 8);
                b[p++] = (byte)o.Password.Length;
                Array.Copy(o.Password, 0, b, p, o.Password.Length);
                p += o.Password.Length;
            }

            length = p;
            return b;
        }

        private static int WriteString(byte[] b, int p, string s)
        {
            int n = Utf8.Length(s);
            b[p++] = (byte)(n >> 8);
            b[p++] = (byte)n;
            return p + Utf8.Encode(s, b, p, n);
        }
    }
}
