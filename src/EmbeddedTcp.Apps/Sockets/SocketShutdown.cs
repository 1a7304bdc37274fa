namespace EmbeddedTcp.Apps.Sockets
{
    /// <summary>Which direction <see cref="NetSocket.Shutdown"/> closes (System.Net.Sockets.SocketShutdown).</summary>
    public enum SocketShutdown
    {
        /// <summary>No more receiving: Receive returns 0.</summary>
        Receive = 0,
        /// <summary>No more sending: a FIN follows the queued data.</summary>
        Send = 1,
        /// <summary>Both.</summary>
        Both = 2,
    }
}
