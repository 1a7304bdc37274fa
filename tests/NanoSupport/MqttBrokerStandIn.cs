using EmbeddedTcp.Ip;

namespace EmbeddedTcp.NanoSupport
{
    /// <summary>
    /// A minimal MQTT 3.1.1 broker stand-in on TCP port <see cref="Port"/> of a
    /// <see cref="NetworkStack"/>, mscorlib only, raw bytes: one client connection at a time (a new
    /// one replaces the old); CONNECT is answered with CONNACK (accepted), SUBSCRIBE with SUBACK
    /// (every filter granted QoS 1), a QoS 1 PUBLISH with PUBACK, PINGREQ with PINGRESP; QoS 0
    /// PUBLISH, PUBACK and DISCONNECT are counted. <see cref="SendPublish"/> publishes to the client.
    /// Enough for the MQTT client over a <see cref="MemoryLink"/> on nanoCLR. Allocation-free after
    /// construction.
    /// </summary>
    public sealed class MqttBrokerStandIn
    {
        /// <summary>The port it listens on.</summary>
        public readonly int Port;

        private readonly NetworkStack _stack;
        private readonly int _listener;
        private readonly byte[] _rx = new byte[2048];
        private readonly byte[] _tx = new byte[600];
        private int _rxLen;
        private int _conn;

        /// <summary>CONNECTs answered.</summary>
        public int Connects;

        /// <summary>SUBSCRIBEs answered.</summary>
        public int Subscribes;

        /// <summary>PUBLISHes received at QoS 0 / QoS 1 (the latter acknowledged).</summary>
        public int Publishes0, Publishes1;

        /// <summary>PUBACKs received from the client, and the packet id of the last one.</summary>
        public int PubAcks, LastPubAckId;

        /// <summary>PINGREQs answered.</summary>
        public int Pings;

        /// <summary>Packets it could not make sense of.</summary>
        public int Bad;

        /// <summary>Listens on <paramref name="port"/> of <paramref name="stack"/>.</summary>
        public MqttBrokerStandIn(NetworkStack stack, int port)
        {
            _stack = stack;
            Port = port;
            _listener = stack.Tcp.Listen(0, port, 2);
        }

        /// <summary>True when the port could be opened.</summary>
        public bool Ready { get { return _listener > 0; } }

        /// <summary>True while a client is connected.</summary>
        public bool HasClient { get { return _conn > 0; } }

        /// <summary>Takes a new connection and answers the complete packets waiting; call after the server stack's Poll.</summary>
        public void Poll()
        {
            int c = _stack.Tcp.Accept(_listener);
            if (c > 0)
            {
                if (_conn > 0)
                {
                    _stack.Tcp.Abort(_conn);
                }

                _conn = c;
                _rxLen = 0;
            }

            if (_conn <= 0)
            {
                return;
            }

            int n = _stack.Tcp.Receive(_conn, _rx, _rxLen, _rx.Length - _rxLen);
            if (n < 0)
            {
                _stack.Tcp.Abort(_conn);
                _conn = 0;
                return;
            }

            _rxLen += n;
            int p = 0;
            while (p + 2 <= _rxLen)
            {
                int remaining = 0;
                int shift = 0;
                int q = p + 1;
                bool complete = false;
                while (q < _rxLen && shift < 28)
                {
                    int b = _rx[q++];
                    remaining |= (b & 0x7F) << shift;
                    shift += 7;
                    if ((b & 0x80) == 0)
                    {
                        complete = true;
                        break;
                    }
                }

                if (!complete || q + remaining > _rxLen)
                {
                    break;
                }

                Handle(_rx[p], q, remaining);
                p = q + remaining;
            }

            if (p > 0)
            {
                for (int i = p; i < _rxLen; i++)
                {
                    _rx[i - p] = _rx[i];
                }

                _rxLen -= p;
            }
        }

        private void Handle(int first, int body, int length)
        {
            switch (first >> 4)
            {
                case 1: // CONNECT
                    Connects++;
                    Reply(0x20, 0, 0, 2);
                    break;
                case 3: // PUBLISH
                    if (((first >> 1) & 3) == 0)
                    {
                        Publishes0++;
                        break;
                    }

                    Publishes1++;
                    int topicLength = (_rx[body] << 8) | _rx[body + 1];
                    int id = body + 2 + topicLength;
                    Reply(0x40, _rx[id], _rx[id + 1], 2);
                    break;
                case 4: // PUBACK
                    PubAcks++;
                    LastPubAckId = (_rx[body] << 8) | _rx[body + 1];
                    break;
                case 8: // SUBSCRIBE: one granted QoS 1 per filter
                    Subscribes++;
                    int filters = 0;
                    for (int p = body + 2; p + 2 < body + length; p += 2 + ((_rx[p] << 8) | _rx[p + 1]) + 1)
                    {
                        filters++;
                    }

                    _tx[0] = 0x90;
                    _tx[1] = (byte)(2 + filters);
                    _tx[2] = _rx[body];
                    _tx[3] = _rx[body + 1];
                    for (int i = 0; i < filters; i++)
                    {
                        _tx[4 + i] = 1;
                    }

                    _stack.Tcp.Send(_conn, _tx, 0, 4 + filters);
                    break;
                case 12: // PINGREQ
                    Pings++;
                    Reply(0xD0, 0, 0, 0);
                    break;
                case 14: // DISCONNECT
                    break;
                default:
                    Bad++;
                    break;
            }
        }

        private void Reply(int type, int b0, int b1, int length)
        {
            _tx[0] = (byte)type;
            _tx[1] = (byte)length;
            _tx[2] = (byte)b0;
            _tx[3] = (byte)b1;
            _stack.Tcp.Send(_conn, _tx, 0, 2 + length);
        }

        /// <summary>
        /// Publishes topic[..] = payload[..] to the client at <paramref name="qos"/> (0 or 1, with
        /// packet id <paramref name="id"/>). Returns the bytes queued on the connection, or a negative error.
        /// </summary>
        public int SendPublish(byte[] topic, int topicOffset, int topicLength, byte[] payload, int payloadOffset, int payloadLength, int qos, int id)
        {
            if (_conn <= 0)
            {
                return -1;
            }

            int remaining = 2 + topicLength + (qos > 0 ? 2 : 0) + payloadLength;
            if (remaining > 16383 || remaining + 3 > _tx.Length)
            {
                return -2;
            }

            int p = 0;
            _tx[p++] = (byte)(0x30 | (qos << 1));
            if (remaining > 127)
            {
                _tx[p++] = (byte)((remaining & 0x7F) | 0x80);
                _tx[p++] = (byte)(remaining >> 7);
            }
            else
            {
                _tx[p++] = (byte)remaining;
            }

            _tx[p++] = (byte)(topicLength >> 8);
            _tx[p++] = (byte)topicLength;
            for (int i = 0; i < topicLength; i++)
            {
                _tx[p++] = topic[topicOffset + i];
            }

            if (qos > 0)
            {
                _tx[p++] = (byte)(id >> 8);
                _tx[p++] = (byte)id;
            }

            for (int i = 0; i < payloadLength; i++)
            {
                _tx[p++] = payload[payloadOffset + i];
            }

            return _stack.Tcp.Send(_conn, _tx, 0, p);
        }
    }
}
