namespace EmbeddedTcp.Apps.Sockets
{
    /// <summary>What <see cref="NetSocket.Poll"/> waits for (System.Net.Sockets.SelectMode).</summary>
    public enum SelectMode
    {
        /// <summary>Data, end of stream, an error, or (listener) a connection to accept.</summary>
        SelectRead = 0,
        /// <summary>Connected and Send would take bytes.</summary>
        SelectWrite = 1,
        /// <summary>A connect failed or the connection ended in an error.</summary>
        SelectError = 2,
    }
}
