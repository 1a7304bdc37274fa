namespace EmbeddedTcp.Services
{
    /// <summary>DHCP client counters. Plain fields: reading them never allocates.</summary>
    public sealed class DhcpCounters
    {
        /// <summary>DHCPDISCOVERs sent (retransmissions included).</summary>
        public long DiscoversSent;
        /// <summary>DHCPREQUESTs sent (selecting, renewing, rebinding; retransmissions included).</summary>
        public long RequestsSent;
        /// <summary>Retransmissions (DISCOVER or REQUEST sent again after a timeout).</summary>
        public long Retransmissions;
        /// <summary>DHCPRELEASEs sent.</summary>
        public long ReleasesSent;
        /// <summary>DHCPOFFERs accepted.</summary>
        public long OffersIn;
        /// <summary>DHCPACKs accepted.</summary>
        public long AcksIn;
        /// <summary>DHCPNAKs accepted (back to Init).</summary>
        public long NaksIn;
        /// <summary>Leases applied (first binding and every renewal/rebinding).</summary>
        public long LeasesObtained;
        /// <summary>T1 reached: renewing started.</summary>
        public long Renewals;
        /// <summary>T2 reached: rebinding started.</summary>
        public long Rebinds;
        /// <summary>Leases that expired (address dropped).</summary>
        public long LeasesExpired;
        /// <summary>Requesting gave up after its retransmissions (back to Init).</summary>
        public long RequestTimeouts;
        /// <summary>Acquisition restarted at once because the link came up while selecting or requesting.</summary>
        public long LinkRestarts;
        /// <summary>INIT-REBOOT requests started (restart with a previous address, or link flap while bound).</summary>
        public long Reboots;
        /// <summary>ARP probes sent for acknowledged addresses (RFC 5227).</summary>
        public long ProbesSent;
        /// <summary>Probed addresses found in use (an ARP reply or another host's probe).</summary>
        public long AddressConflicts;
        /// <summary>DHCPDECLINEs sent (one per conflict).</summary>
        public long DeclinesSent;
        /// <summary>Dropped: too short, not a BOOTREPLY, not Ethernet/6, not from port 67, no message type, bad yiaddr.</summary>
        public long DroppedMalformed;
        /// <summary>Dropped: an option ran past the end of the message.</summary>
        public long DroppedTruncated;
        /// <summary>Dropped: datagram larger than the receive buffer.</summary>
        public long DroppedOversize;
        /// <summary>Dropped: magic cookie is not 99.130.83.99.</summary>
        public long DroppedBadCookie;
        /// <summary>Dropped: transaction id or client hardware address not ours.</summary>
        public long DroppedWrongXid;
        /// <summary>Dropped: a well-formed message we do not expect in this state (or from another server).</summary>
        public long DroppedUnexpected;
        /// <summary>Options ignored because their length is wrong for their code (message still used).</summary>
        public long OptionsIgnored;
    }
}
