namespace EmbeddedTcp.Services
{
    /// <summary>States of the <see cref="SntpClient"/>.</summary>
    public enum SntpState
    {
        /// <summary>No server yet (none configured and none from DHCP option 42), or no address.</summary>
        NoServer = 0,
        /// <summary>Waiting for the next poll.</summary>
        Idle,
        /// <summary>A request is out; waiting for its reply.</summary>
        Waiting,
        /// <summary>The server sent Kiss-o'-Death DENY or RSTR: no more requests until <see cref="SntpClient.Start"/>.</summary>
        Denied,
    }
}
