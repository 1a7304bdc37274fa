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
}
