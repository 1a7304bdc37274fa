namespace EmbeddedTcp.Ip
{
    /// <summary>
    /// What a service client reads of the interface it serves (time, link, address) and the
    /// one thing it may change: the address. DHCP writes its lease here and runs RFC 5227's
    /// probe through it; DNS and SNTP only read. Keeps the clients free of the whole stack.
    /// </summary>
    public interface IAddressSink
    {
        /// <summary>The poll time last seen, ms.</summary>
        long Now { get; }

        /// <summary>True while the device reports its link up.</summary>
        bool LinkUp { get; }

        /// <summary>Copies the interface's 6-byte MAC address to <paramref name="destination"/> at <paramref name="offset"/>.</summary>
        void GetMacAddress(byte[] destination, int offset);

        /// <summary>Our IPv4 address (host order); 0 while none is configured.</summary>
        uint Address { get; }

        /// <summary>The DNS server the interface was configured with; 0 when none.</summary>
        uint DnsServer { get; }

        /// <summary>Sets (or, with address 0, clears) the interface address.</summary>
        void SetAddress(uint address, uint netmask, uint gateway, uint dnsServer);

        /// <summary>True when a datagram to <paramref name="destination"/> would leave at once (next hop in the ARP cache).</summary>
        bool NextHopResolved(uint destination);

        /// <summary>Starts watching ARP traffic for a conflict on <paramref name="target"/> (RFC 5227).</summary>
        void ArpProbeBegin(uint target);

        /// <summary>Sends one ARP probe for the address being watched.</summary>
        void SendArpProbe();

        /// <summary>True once another host claimed the address being watched.</summary>
        bool ArpProbeConflict { get; }

        /// <summary>Stops watching.</summary>
        void ArpProbeEnd();
    }
}
