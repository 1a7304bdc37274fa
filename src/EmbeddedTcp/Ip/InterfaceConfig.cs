namespace EmbeddedTcp.Ip
{
    /// <summary>
    /// Every tunable of the interface (everything below the transport, and the service clients
    /// that run on it), with its default and memory cost, in one place (like lwIP's opt.h). The
    /// transport's own tunables are added by NetworkConfig. The interface reads this once, at
    /// construction, and allocates everything then.
    /// </summary>
    public class InterfaceConfig
    {
        /// <summary>IP MTU in bytes (default 1500). The receive and transmit frame buffers are MTU + 14 bytes each.</summary>
        public int Mtu = 1500;

        /// <summary>Static address (host order); 0 = none yet (use DHCP, or call SetAddress later).</summary>
        public uint Address;

        /// <summary>Static subnet mask (default 255.255.255.0).</summary>
        public uint Netmask = 0xFFFFFF00;

        /// <summary>Static default router; 0 = on-link traffic only.</summary>
        public uint Gateway;

        /// <summary>Static DNS server; 0 = none.</summary>
        public uint DnsServer;

        /// <summary>Second static DNS server, tried when <see cref="DnsServer"/> is silent; 0 = none.</summary>
        public uint SecondaryDnsServer;

        /// <summary>
        /// Get the address, mask, router and DNS servers by DHCP (default false: static configuration
        /// from <see cref="Address"/> etc.). The client holds UDP port 68 (one of <see cref="UdpSockets"/>)
        /// and about 1.1 KB of buffers (576-byte receive, 320-byte transmit). Leave <see cref="Address"/> 0.
        /// </summary>
        public bool UseDhcp;

        /// <summary>Host name sent in DHCP option 12 (default null = none; printable ASCII, at most 32 bytes kept).</summary>
        public string DhcpHostName;

        /// <summary>
        /// Set the BOOTP broadcast flag in DISCOVER/REQUEST (default false). Not needed: the stack
        /// accepts the server's unicast replies before it has an address.
        /// </summary>
        public bool DhcpBroadcastFlag;

        /// <summary>
        /// ARP probes sent for an address a DHCPACK gives before it is used (RFC 5227 2.1.1; default
        /// 2; 0 = use it at once). A reply, or another host's probe for it, means the address is
        /// taken: the client sends DHCPDECLINE and starts over 10 s later (RFC 2131 3.1).
        /// </summary>
        public int DhcpArpProbes = 2;

        /// <summary>
        /// Interval between the ARP probes, and the wait after the last one, ms (default 500: RFC
        /// 5227's 1–2 s and 2 s scaled down for a switched LAN; a whole check takes 1 to 1.25 s).
        /// </summary>
        public int DhcpArpProbeIntervalMs = 500;

        /// <summary>
        /// Run the SNTP client (default false: nothing is allocated for it; the presets leave it off).
        /// It holds a UDP socket (one of <see cref="UdpSockets"/>) only while a request is out; its
        /// heap is about 0.55 KB on the ESP32 (the client and its counters, 34 heap blocks of 12
        /// bytes, and two 48-byte buffers), counted from its fields, not measured by a preset.
        /// </summary>
        public bool UseSntp;

        /// <summary>SNTP server (host order); 0 = the first NTP server of the DHCP lease (option 42).</summary>
        public uint SntpServer;

        /// <summary>SNTP poll interval after a synchronization, ms (default 3,600,000 = 1 h; also the longest retry wait).</summary>
        public int SntpPollIntervalMs = 3600000;

        /// <summary>
        /// First SNTP retry wait after an unanswered request, ms (default 15,000: RFC 4330 10 never
        /// polls faster); it doubles after each timeout or Kiss-o'-Death RATE, up to the poll interval.
        /// </summary>
        public int SntpMinimumIntervalMs = 15000;

        /// <summary>DNS cache entries (default 4; 92 bytes each: a name of up to 64 bytes, address, expiry).</summary>
        public int DnsCacheEntries = 4;

        /// <summary>DNS queries in progress at once (default 2; 106 bytes each). DNS uses one UDP socket while any is pending.</summary>
        public int DnsMaxQueries = 2;

        /// <summary>DNS timeout of the first round of tries, ms (default 2000; doubles each round over the servers).</summary>
        public int DnsTimeoutMs = 2000;

        /// <summary>DNS tries per query, over all servers (default 4: with two servers 2 s, 2 s, 4 s, 4 s).</summary>
        public int DnsTries = 4;

        /// <summary>ARP cache entries (default 8; 24 bytes each).</summary>
        public int ArpCacheEntries = 8;

        /// <summary>How long a learned neighbour stays valid, ms (default 300,000 = 5 min); refreshed with a unicast request when in use.</summary>
        public int ArpEntryLifetimeMs = 300000;

        /// <summary>First ARP retry interval, ms (default 1000; doubles on each retry).</summary>
        public int ArpRetryMs = 1000;

        /// <summary>ARP requests per resolution before giving up (default 3).</summary>
        public int ArpMaxRequests = 3;

        /// <summary>Frames held while their next hop is being resolved (default 4; MTU + 14 bytes each).</summary>
        public int ArpQueueFrames = 4;

        /// <summary>UDP sockets (default 4).</summary>
        public int UdpSockets = 4;

        /// <summary>Per-socket UDP receive queue, bytes (default 2048; each datagram also costs 8 bytes of bookkeeping).</summary>
        public int UdpReceiveBufferSize = 2048;

        /// <summary>ICMP errors (port unreachable...) sent per second at most (default 10).</summary>
        public int IcmpErrorsPerSecond = 10;

        /// <summary>Frames taken from the device per poll at most (default 16), so a flood cannot starve the timers.</summary>
        public int MaxFramesPerPoll = 16;

        /// <summary>Longest time between two polls the stack asks for, ms (default 1000: the device's housekeeping).</summary>
        public int MaxPollIntervalMs = 1000;

        /// <summary>Time to live of IPv4 packets we send (default 64).</summary>
        public int Ttl = 64;

        /// <summary>
        /// IPv4 multicast groups the stack can be a member of at once besides 224.0.0.1, which is
        /// always accepted (default 4; 0 = no multicast reception and no IGMP). Each costs about
        /// 30 bytes (group, IGMP timer and state, its MAC in the device filter table). Groups are
        /// joined with <see cref="IpInterface.JoinGroup"/> (IGMPv2, RFC 2236); mDNS needs one (224.0.0.251).
        /// </summary>
        public int MulticastGroups = 4;

        /// <summary>
        /// Time to live of the UDP multicast datagrams we send (default 255: RFC 6762 section 11
        /// asks mDNS for 255 so receivers can tell on-link packets; IGMP always uses 1).
        /// </summary>
        public int MulticastTtl = 255;
    }
}
