namespace EmbeddedTcp.Apps.Mqtt
{
    /// <summary>Where an <see cref="MqttClient"/> is.</summary>
    public enum MqttState : byte
    {
        /// <summary>Not started, or stopped by <see cref="MqttClient.Disconnect"/>.</summary>
        Stopped = 0,
        /// <summary>Waiting for the next (re)connect attempt (backoff).</summary>
        Waiting,
        /// <summary>TCP connecting to the broker.</summary>
        Connecting,
        /// <summary>CONNECT sent, waiting for CONNACK.</summary>
        WaitingConnack,
        /// <summary>Session up.</summary>
        Connected,
    }

    /// <summary>Negative results of <see cref="MqttClient"/> calls.</summary>
    public static class MqttError
    {
        /// <summary>Not connected (QoS 0 publishes are not queued while down).</summary>
        public const int NotConnected = -1;
        /// <summary>The send queue has no room now; try again after a poll.</summary>
        public const int WouldBlock = -2;
        /// <summary>All in-flight (QoS 1) slots await PUBACK.</summary>
        public const int InflightFull = -3;
        /// <summary>The packet is larger than the configured buffers.</summary>
        public const int TooLarge = -4;
        /// <summary>A bad argument (QoS not 0/1, empty topic, buffer range).</summary>
        public const int InvalidArgument = -5;
        /// <summary>The subscription table is full.</summary>
        public const int TableFull = -6;
    }

    /// <summary>
    /// A message received from the broker, valid only during <see cref="IMqttHandler.OnMessage"/>:
    /// topic and payload are ranges of the client's receive buffer. One instance per client,
    /// filled in place.
    /// </summary>
    public sealed class MqttMessage
    {
        /// <summary>The buffer holding topic and payload.</summary>
        public byte[] Buffer;
        /// <summary>Topic offset in <see cref="Buffer"/>.</summary>
        public int TopicOffset;
        /// <summary>Topic length in bytes.</summary>
        public int TopicLength;
        /// <summary>Payload offset in <see cref="Buffer"/>.</summary>
        public int PayloadOffset;
        /// <summary>Payload length.</summary>
        public int PayloadLength;
        /// <summary>QoS (0 or 1).</summary>
        public int Qos;
        /// <summary>A retained message (sent because of a new subscription).</summary>
        public bool Retain;
        /// <summary>The broker marked it as a possible duplicate.</summary>
        public bool Dup;

        /// <summary>True when the topic is exactly <paramref name="topic"/> (compared as UTF-8, no allocation).</summary>
        public bool TopicIs(string topic)
        {
            return Utf8.Equals(topic, Buffer, TopicOffset, TopicLength);
        }

        /// <summary>True when the payload is exactly <paramref name="text"/> (compared as UTF-8, no allocation).</summary>
        public bool PayloadIs(string text)
        {
            return Utf8.Equals(text, Buffer, PayloadOffset, PayloadLength);
        }
    }

    /// <summary>Receives the client's messages, on the thread that polls it, under its lock: do not block.</summary>
    public interface IMqttHandler
    {
        /// <summary>A PUBLISH from the broker (acknowledged after this returns, for QoS 1).</summary>
        void OnMessage(MqttClient client, MqttMessage message);
    }

    /// <summary>What an <see cref="MqttClient"/> has done and refused.</summary>
    public sealed class MqttCounters
    {
        /// <summary>TCP connect attempts.</summary>
        public long ConnectAttempts;
        /// <summary>Sessions established (CONNACK accepted).</summary>
        public long Connects;
        /// <summary>CONNACKs with a non-zero return code.</summary>
        public long ConnectRefused;
        /// <summary>Connect attempts that failed (TCP refused, timeout, no CONNACK in time).</summary>
        public long ConnectFailures;
        /// <summary>Established sessions that ended without Disconnect (broker or link lost, keepalive, protocol error).</summary>
        public long ConnectionsLost;
        /// <summary>PUBLISH packets sent (QoS 0 and 1, first transmissions).</summary>
        public long PublishesSent;
        /// <summary>QoS 1 PUBLISH packets sent again with DUP after a reconnect.</summary>
        public long Retransmissions;
        /// <summary>PUBACKs that matched an in-flight publish.</summary>
        public long PubAcksIn;
        /// <summary>PUBACKs for an id not in flight (ignored).</summary>
        public long UnknownPubAcks;
        /// <summary>PUBLISH packets received and delivered.</summary>
        public long PublishesReceived;
        /// <summary>SUBSCRIBE packets sent.</summary>
        public long SubscribesSent;
        /// <summary>SUBACKs with a granted QoS.</summary>
        public long SubAcks;
        /// <summary>SUBACKs refusing the subscription (0x80).</summary>
        public long SubscribeFailures;
        /// <summary>UNSUBACKs.</summary>
        public long UnsubAcks;
        /// <summary>PINGREQs sent.</summary>
        public long PingsSent;
        /// <summary>PINGRESPs received.</summary>
        public long PingResponses;
        /// <summary>Keepalive expired without a PINGRESP.</summary>
        public long KeepaliveTimeouts;
        /// <summary>Bad input from the broker (all kinds below), each of which closed the connection.</summary>
        public long ProtocolErrors;
        /// <summary>Remaining Length longer than four bytes.</summary>
        public long BadRemainingLength;
        /// <summary>A packet larger than the receive buffer.</summary>
        public long PacketTooLarge;
        /// <summary>A packet type a server may not send (or QoS 2 flows, which this client never asks for).</summary>
        public long ForbiddenPacketType;
        /// <summary>A SUBACK or UNSUBACK for an id never sent.</summary>
        public long UnexpectedAck;
        /// <summary>A packet whose fields do not fit its length or flags.</summary>
        public long MalformedPacket;
        /// <summary>Exceptions caught from the message handler.</summary>
        public long HandlerFailures;
    }
}
