namespace EmbeddedTcp.Apps.Mqtt
{
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
}
