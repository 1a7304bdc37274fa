namespace EmbeddedTcp.Apps.Sockets
{
    /// <summary>Something the host's poll loop drives after each stack poll, under the host's lock (an MQTT client, a service).</summary>
    public interface IHostPollable
    {
        /// <summary>Does the work due at <paramref name="nowMs"/>; must not block.</summary>
        void Poll(long nowMs);
    }
}
