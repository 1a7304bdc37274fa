namespace EmbeddedTcp.Ip
{
    /// <summary>Counters of the link, ARP, IPv4, ICMP and UDP layers. Plain fields: reading them never allocates.</summary>
    public sealed class NetworkCounters
    {
        /// <summary>Frames taken from the device.</summary>
        public long FramesIn;
        /// <summary>Frames handed to the device.</summary>
        public long FramesOut;
        /// <summary>Frames the device refused (busy, link down).</summary>
        public long FramesOutFailed;
        /// <summary>Frames shorter than an Ethernet header.</summary>
        public long FramesMalformed;
        /// <summary>Frames for another MAC address (or multicast).</summary>
        public long FramesNotForUs;
        /// <summary>Frames of an EtherType we do not speak.</summary>
        public long FramesUnknownType;
        /// <summary>Link up/down transitions seen.</summary>
        public long LinkChanges;

        /// <summary>ARP requests received.</summary>
        public long ArpRequestsIn;
        /// <summary>ARP replies received.</summary>
        public long ArpRepliesIn;
        /// <summary>ARP requests sent (resolution and refresh).</summary>
        public long ArpRequestsOut;
        /// <summary>ARP replies sent.</summary>
        public long ArpRepliesOut;
        /// <summary>Gratuitous ARP announcements sent.</summary>
        public long ArpGratuitousOut;
        /// <summary>Malformed ARP packets, or ones with a broadcast sender address.</summary>
        public long ArpMalformed;
        /// <summary>ARP packets from another host claiming our address.</summary>
        public long ArpAddressConflicts;
        /// <summary>Frames held while their next hop was resolved.</summary>
        public long ArpQueued;
        /// <summary>Frames dropped: queue full, or the neighbour never answered.</summary>
        public long ArpQueueDrops;
        /// <summary>Resolutions that ran out of requests.</summary>
        public long ArpFailures;
        /// <summary>Unicast refresh requests for entries in use.</summary>
        public long ArpRefreshes;
        /// <summary>Entries that aged out.</summary>
        public long ArpExpired;
        /// <summary>Entries dropped because TCP kept timing out towards them (re-resolved on next use).</summary>
        public long ArpNegativeAdvice;
        /// <summary>Resolutions refused because every entry was pending.</summary>
        public long ArpTableFull;

        /// <summary>Valid IPv4 datagrams received.</summary>
        public long IpIn;
        /// <summary>IPv4 datagrams sent.</summary>
        public long IpOut;
        /// <summary>IPv4 headers that failed validation (version, IHL, lengths, source).</summary>
        public long IpMalformed;
        /// <summary>IPv4 header checksum failures.</summary>
        public long IpBadChecksum;
        /// <summary>Datagrams for another address.</summary>
        public long IpNotForUs;
        /// <summary>Fragments, dropped (no reassembly: documented).</summary>
        public long IpFragmentsDropped;
        /// <summary>Datagrams of a protocol other than ICMP, UDP and TCP.</summary>
        public long IpUnknownProtocol;
        /// <summary>Datagrams with no route (off-link and no gateway).</summary>
        public long IpNoRoute;

        /// <summary>ICMP messages received.</summary>
        public long IcmpIn;
        /// <summary>Malformed ICMP messages (checksum, quoted datagram).</summary>
        public long IcmpMalformed;
        /// <summary>Echo replies sent.</summary>
        public long IcmpEchoReplies;
        /// <summary>Echo replies received (answers to Ping).</summary>
        public long IcmpEchoRepliesIn;
        /// <summary>Echo requests to a broadcast address, ignored.</summary>
        public long IcmpBroadcastEchoIgnored;
        /// <summary>Errors (unreachable, time exceeded) received and passed on.</summary>
        public long IcmpErrorsIn;
        /// <summary>Errors sent (port or protocol unreachable).</summary>
        public long IcmpErrorsOut;
        /// <summary>Errors not sent because of the rate limit.</summary>
        public long IcmpRateLimited;

        /// <summary>UDP datagrams received.</summary>
        public long UdpIn;
        /// <summary>UDP datagrams sent.</summary>
        public long UdpOut;
        /// <summary>UDP datagrams to a port with no socket.</summary>
        public long UdpNoPort;
        /// <summary>UDP datagrams dropped because the socket's queue was full.</summary>
        public long UdpQueueFull;
        /// <summary>UDP checksum failures.</summary>
        public long UdpBadChecksum;
        /// <summary>Malformed UDP headers.</summary>
        public long UdpMalformed;

        /// <summary>Multicast datagrams accepted for a joined group (or 224.0.0.1).</summary>
        public long MulticastIn;
        /// <summary>Multicast frames or datagrams for a group we have not joined (passed by a device or hash filter).</summary>
        public long MulticastNotJoined;
        /// <summary>IGMP messages received.</summary>
        public long IgmpIn;
        /// <summary>IGMP queries received (general and group-specific).</summary>
        public long IgmpQueriesIn;
        /// <summary>IGMP membership reports sent (unsolicited on join, and answers to queries).</summary>
        public long IgmpReportsOut;
        /// <summary>IGMP leave messages sent.</summary>
        public long IgmpLeavesOut;
        /// <summary>Our pending report cancelled because another member reported the group first.</summary>
        public long IgmpReportsSuppressed;
        /// <summary>Malformed IGMP messages (short, bad checksum).</summary>
        public long IgmpMalformed;
    }
}
