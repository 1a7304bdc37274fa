using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Apps.Mqtt
{
    /// <summary>
    /// Configuration of an <see cref="MqttClient"/>, read once by its constructor, where every
    /// buffer is allocated. Memory per client (bytes of buffers; see <see cref="MqttClient.BufferBytes"/>):
    /// ReceiveBufferSize + SendBufferSize + MaxInflight × MaxPublishSize + MaxSubscriptions × MaxTopicLength
    /// + the CONNECT packet + a topic scratch of MaxTopicLength, plus about 40 bytes of tables per
    /// in-flight and subscription slot. With the defaults: 1024 + 1024 + 8 × 512 + 8 × 128 + ... ≈ 8.4 KB.
    /// </summary>
    public sealed class MqttOptions
    {
        /// <summary>The broker's IPv4 address, host order (192.0.2.1 = 0xC0000201).</summary>
        public uint BrokerAddress;

        /// <summary>The IANA port of MQTT over TCP, 1883.</summary>
        public const int DefaultBrokerPort = 1883;

        /// <summary>The broker's TCP port. Default <see cref="DefaultBrokerPort"/>.</summary>
        public int BrokerPort = DefaultBrokerPort;

        /// <summary>Client identifier (1..23 characters is what every broker must accept). Default "embeddedtcp".</summary>
        public string ClientId = "embeddedtcp";

        /// <summary>User name, or null for none.</summary>
        public string UserName;

        /// <summary>Password (needs a user name), or null for none.</summary>
        public byte[] Password;

        /// <summary>Keepalive in seconds: a PINGREQ after this long without sending; 0 disables. Default 60.</summary>
        public int KeepAliveSeconds = 60;

        /// <summary>Clean session (true: the broker forgets subscriptions and queued messages at each connect). Default true.</summary>
        public bool CleanSession = true;

        /// <summary>Will topic, or null for no will.</summary>
        public string WillTopic;

        /// <summary>Will payload (may be empty).</summary>
        public byte[] WillPayload;

        /// <summary>Will QoS (0 or 1).</summary>
        public int WillQos;

        /// <summary>Will retained.</summary>
        public bool WillRetain;

        /// <summary>Largest packet accepted from the broker (a longer one closes the connection, counted). Default 1024.</summary>
        public int ReceiveBufferSize = 1024;

        /// <summary>Bytes of packets queued for TCP. Default 1024.</summary>
        public int SendBufferSize = 1024;

        /// <summary>QoS 1 publishes kept until PUBACK (and sent again with DUP after a reconnect). Default 8.</summary>
        public int MaxInflight = 8;

        /// <summary>Largest QoS 1 PUBLISH packet (topic + payload + 7 bytes) kept for retransmission. Default 512.</summary>
        public int MaxPublishSize = 512;

        /// <summary>Subscriptions kept (renewed after every reconnect). Default 8.</summary>
        public int MaxSubscriptions = 8;

        /// <summary>Longest topic (filter) in bytes. Default 128.</summary>
        public int MaxTopicLength = 128;

        /// <summary>TCP connect plus CONNACK must complete within this. Default 10000 ms.</summary>
        public int ConnectTimeoutMs = 10000;

        /// <summary>First reconnect delay; doubles per failed attempt (with jitter: half to all of it). Default 1000 ms.</summary>
        public int ReconnectMinMs = 1000;

        /// <summary>Cap of the reconnect delay. Default 60000 ms.</summary>
        public int ReconnectMaxMs = 60000;

        /// <summary>Source of the reconnect jitter; null: a generator seeded from the client id.</summary>
        public IRandomSource Random;
    }
}
