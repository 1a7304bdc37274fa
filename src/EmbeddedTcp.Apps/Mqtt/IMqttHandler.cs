namespace EmbeddedTcp.Apps.Mqtt
{
    /// <summary>Receives the client's messages, on the thread that polls it, under its lock: do not block.</summary>
    public interface IMqttHandler
    {
        /// <summary>A PUBLISH from the broker (acknowledged after this returns, for QoS 1).</summary>
        void OnMessage(MqttClient client, MqttMessage message);
    }
}
