namespace EmbeddedTcp.Apps.Sockets
{
    /// <summary>The kind of a <see cref="NetSocket"/>.</summary>
    public enum SocketKind : byte
    {
        /// <summary>A free slot of the host's table.</summary>
        Free = 0,
        /// <summary>TCP (stream).</summary>
        Tcp = 1,
        /// <summary>UDP (datagrams).</summary>
        Udp = 2,
    }
}
