namespace EmbeddedTcp.Apps.Mqtt
{
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
}
