namespace EmbeddedTcp.Apps.Mqtt
{
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
