using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Ip
{
    /// <summary>
    /// Address conflict detection (RFC 5227 2.1): ARP probes for an address we are about to use,
    /// and the watch on incoming ARP for anyone who already holds or also wants it. The DHCP client
    /// drives the timing; the stack only sends the probes and remembers a conflict.
    /// </summary>
    public partial class IpInterface
    {
        private uint _probeTarget; // address being probed; 0 = none
        private bool _probeConflict;

        /// <summary>Starts watching ARP for <paramref name="target"/> (forgets an earlier conflict).</summary>
        public void ArpProbeBegin(uint target)
        {
            _probeTarget = target;
            _probeConflict = false;
        }

        /// <summary>Stops watching.</summary>
        public void ArpProbeEnd()
        {
            _probeTarget = 0;
            _probeConflict = false;
        }

        /// <summary>
        /// True when a unicast to <paramref name="destination"/> would leave at once: its next hop
        /// (itself on-link, else the gateway) is in the ARP cache. Otherwise the datagram waits for
        /// ARP, and a client timing its exchange (SNTP) must not take the send time as its own.
        /// </summary>
        public bool NextHopResolved(uint destination)
        {
            uint hop = _address != 0 && (destination & _netmask) == (_address & _netmask) ? destination : _gateway;
            ArpEntry e = _arp.Find(hop);
            return e != null && e.State == ArpEntry.Resolved;
        }

        /// <summary>True once an ARP packet showed that the probed address is taken (or wanted by another host).</summary>
        public bool ArpProbeConflict { get { return _probeConflict; } }

        /// <summary>
        /// An ARP probe (RFC 5227 2.1.1): a broadcast request with our hardware address, sender IP
        /// 0 (so no neighbour caches learn an address we do not hold yet) and the probed address as target.
        /// </summary>
        public void SendArpProbe()
        {
            Counters.ArpRequestsOut++;
            SendArp(null, 0, ArpOperation.Request, 0, null, 0, _probeTarget);
        }

        /// <summary>
        /// RFC 5227 2.1.1: a conflict is any ARP packet (request or reply) whose sender address is the
        /// probed one, or another host's probe (sender 0) for the same target.
        /// </summary>
        private void ArpProbeWatch(byte[] frame, int senderMac, uint sender, uint target, ushort op)
        {
            if (sender == _probeTarget
                || (sender == 0 && target == _probeTarget && op == ArpOperation.Request && !EthernetFrame.MacEquals(frame, senderMac, _mac, 0)))
            {
                _probeConflict = true;
            }
        }
    }
}
