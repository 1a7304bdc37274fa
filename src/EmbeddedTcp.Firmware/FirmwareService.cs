namespace EmbeddedTcp.Firmware
{
    /// <summary>The service a firmware connection belongs to.</summary>
    public enum FirmwareService : byte
    {
        /// <summary>No connection in this slot.</summary>
        None = 0,
        /// <summary>TCP echo (RFC 862).</summary>
        Echo,
        /// <summary>TCP discard (RFC 863).</summary>
        Discard,
        /// <summary>TCP character generator (RFC 864).</summary>
        Chargen,
        /// <summary>HTTP/1.0 status page.</summary>
        Http,
        /// <summary>The outbound client.</summary>
        Client,
    }
}
