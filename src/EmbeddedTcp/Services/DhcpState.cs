namespace EmbeddedTcp.Services
{
    /// <summary>States of the DHCP client (RFC 2131 figure 5), plus <see cref="Stopped"/>.</summary>
    public enum DhcpState
    {
        /// <summary>Not running (the configuration's <c>UseDhcp</c> false, or <see cref="DhcpClient.Stop"/> called).</summary>
        Stopped = 0,
        /// <summary>About to send a DHCPDISCOVER (start, after a NAK, after the lease expired).</summary>
        Init,
        /// <summary>DHCPDISCOVER sent, waiting for a DHCPOFFER.</summary>
        Selecting,
        /// <summary>DHCPREQUEST (broadcast) sent for an offer, waiting for DHCPACK/DHCPNAK.</summary>
        Requesting,
        /// <summary>Address leased and applied; waiting for T1.</summary>
        Bound,
        /// <summary>After T1: DHCPREQUEST unicast to the leasing server.</summary>
        Renewing,
        /// <summary>After T2: DHCPREQUEST broadcast to any server.</summary>
        Rebinding,
        /// <summary>
        /// DHCPACK received for a new address: probing it with ARP (RFC 5227) before using it; a
        /// conflict sends DHCPDECLINE and goes back to <see cref="Init"/>.
        /// </summary>
        Checking,
        /// <summary>
        /// INIT-REBOOT (RFC 2131 3.2): DHCPREQUEST (broadcast, option 50) sent for a previous address
        /// (after a restart, <see cref="DhcpClient.SetPreviousAddress"/>) or the held lease (after the
        /// link went down and up), waiting for DHCPACK/DHCPNAK.
        /// </summary>
        Rebooting,
    }
}
