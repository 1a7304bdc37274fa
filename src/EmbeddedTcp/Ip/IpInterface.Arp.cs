using System;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Ip
{
    /// <summary>
    /// ARP (RFC 826, RFC 1122 2.3.2) over the neighbour cache (<see cref="ArpCache"/>): aging and
    /// refresh, requests with retries and backoff, replies, gratuitous ARP, and the bounded queue
    /// that holds the first packets to an unresolved neighbour (a SYN) until the reply arrives.
    /// </summary>
    public partial class IpInterface
    {
        private ArpCache _arp;
        private readonly byte[] _arpFrame = new byte[EthernetFrame.MinimumFrameLength];
        private readonly ArpPacket _rxArp = new ArpPacket();
        private readonly ArpPacket _txArp = new ArpPacket();

        // Start-up only (called once by the constructor): allocates the neighbour cache and the
        // queue of frames waiting for resolution.
        // InitArp, InitUdp, InitMulticast and NetworkStack.InitClients are the only methods of the
        // flashed build, constructors aside, that allocate.
        private void InitArp(InterfaceConfig config)
        {
            int frame = config.Mtu + EthernetFrame.HeaderLength;
            _arp = new ArpCache(config.ArpCacheEntries, config.ArpQueueFrames, frame, Counters);
            _allocated += ArpCache.Footprint(config.ArpCacheEntries, config.ArpQueueFrames, frame) + _arpFrame.Length;
        }

        /// <summary>Number of resolved neighbours in the cache.</summary>
        public int ArpEntries { get { return _arp.ResolvedCount(); } }

        /// <summary>Copies the MAC address cached for <paramref name="ip"/>; false when not resolved (or the 6 bytes do not fit in <paramref name="mac"/>).</summary>
        public bool TryGetNeighbour(uint ip, byte[] mac, int offset)
        {
            ArpEntry e = _arp.Find(ip);
            if (e == null || e.State != ArpEntry.Resolved || !NetOrder.InBounds(mac, offset, 6))
            {
                return false;
            }

            Array.Copy(e.Mac, 0, mac, offset, 6);
            return true;
        }

        /// <summary>
        /// Drops the ARP entry of the next hop towards <paramref name="destination"/> (TCP's
        /// negative advice after repeated timeouts), so the next packet resolves it afresh: a
        /// neighbour that changed its MAC address, or an entry poisoned by a corrupted reply,
        /// heals in one resolution instead of waiting for the entry to age out.
        /// </summary>
        private void ForgetNextHop(uint destination)
        {
            uint hop = _address != 0 && (destination & _netmask) == (_address & _netmask) ? destination : _gateway;
            ArpEntry e = _arp.Find(hop);
            if (e != null && e.State == ArpEntry.Resolved)
            {
                e.State = ArpEntry.Free;
                Counters.ArpNegativeAdvice++;
            }
        }

        /// <summary>Sends the frame in the transmit buffer to <paramref name="nextHop"/>, resolving it first when needed.</summary>
        private bool SendToNeighbour(uint nextHop, int length)
        {
            ArpCache arp = _arp;
            ArpEntry e = arp.Find(nextHop);
            if (e != null && e.State == ArpEntry.Resolved)
            {
                e.Used = true;
                EthernetFrame.CopyMac(e.Mac, 0, _tx, 0);
                return Transmit(_tx, length);
            }

            // Hold a copy until the neighbour answers (a plain frame: its checksum completed here).
            if (_txSumField != 0)
            {
                CompleteChecksumInSoftware(length);
            }

            int slot = arp.FreeQueueSlot();
            if (slot < 0)
            {
                Counters.ArpQueueDrops++;
            }
            else
            {
                Array.Copy(_tx, 0, arp.QueueFrame[slot], 0, length);
                arp.QueueLength[slot] = length;
                arp.QueueHop[slot] = nextHop;
                Counters.ArpQueued++;
            }

            if (e == null)
            {
                e = arp.Allocate(nextHop);
                if (e == null)
                {
                    return false;
                }

                e.State = ArpEntry.Pending;
                e.Requests = 0;
                e.RetryAt = _now;
                SendArpRequest(e, false);
            }

            return slot >= 0;
        }

        /// <summary>
        /// Writes an ARP packet in its Ethernet frame (to <paramref name="destinationMac"/>, or
        /// broadcast when it is null; from our MAC; padded to 60 bytes) and sends it. Every ARP
        /// frame we send goes through here: requests, refreshes, replies, gratuitous ARP, probes.
        /// </summary>
        private void SendArp(byte[] destinationMac, int destinationOffset, ushort operation, uint senderIp, byte[] targetMac, int targetMacOffset, uint targetIp)
        {
            byte[] f = _arpFrame;
            if (destinationMac == null)
            {
                EthernetFrame.WriteBroadcastMac(f, 0);
            }
            else
            {
                EthernetFrame.CopyMac(destinationMac, destinationOffset, f, 0);
            }

            EthernetFrame.CopyMac(_mac, 0, f, 6);
            NetOrder.WriteU16(f, 12, EtherType.Arp);
            _txArp.Emit(f, EthernetFrame.HeaderLength, operation, _mac, 0, senderIp, targetMac, targetMacOffset, targetIp);
            Array.Clear(f, EthernetFrame.HeaderLength + ArpPacket.PacketLength, f.Length - EthernetFrame.HeaderLength - ArpPacket.PacketLength);
            Transmit(f, f.Length);
        }

        /// <summary>A request for <paramref name="e"/>'s address: broadcast, or unicast to its cached MAC (a refresh).</summary>
        private void SendArpRequest(ArpEntry e, bool unicast)
        {
            e.Requests++;
            e.RetryAt = _now + ((long)_config.ArpRetryMs << (e.Requests - 1));
            Counters.ArpRequestsOut++;
            SendArp(unicast ? e.Mac : null, 0, ArpOperation.Request, _address, null, 0, e.Ip);
        }

        /// <summary>Gratuitous ARP: a request for our own address, announcing it (RFC 5227 announcement).</summary>
        private void SendGratuitousArp()
        {
            Counters.ArpGratuitousOut++;
            SendArp(null, 0, ArpOperation.Request, _address, null, 0, _address);
        }

        private void ArpInput(byte[] frame, int offset, int length)
        {
            ArpPacket arp = _rxArp;
            if (arp.TryParse(frame, offset, length) != WireResult.Ok)
            {
                Counters.ArpMalformed++;
                return;
            }

            uint sender = arp.SenderProtocolAddress;
            uint target = arp.TargetProtocolAddress;
            ushort op = arp.Operation;
            if (op == ArpOperation.Reply)
            {
                Counters.ArpRepliesIn++;
            }
            else
            {
                Counters.ArpRequestsIn++;
            }

            int senderMac = arp.SenderHardwareOffset;
            if (EthernetFrame.IsBroadcastMac(frame, senderMac) || (frame[senderMac] & 1) != 0)
            {
                Counters.ArpMalformed++; // a broadcast/multicast sender address would poison the cache
                return;
            }

            if (_probeTarget != 0)
            {
                ArpProbeWatch(frame, senderMac, sender, target, op);
            }

            bool forUs = _address != 0 && target == _address;
            if (sender != 0 && _address != 0 && sender == _address)
            {
                Counters.ArpAddressConflicts++; // someone else claims our address
                return;
            }

            // RFC 826 merge: update an existing entry; add one when the packet is addressed to us.
            if (sender != 0)
            {
                ArpEntry e = _arp.Find(sender);
                if (e == null && forUs)
                {
                    e = _arp.Allocate(sender);
                }

                if (e != null)
                {
                    Array.Copy(frame, senderMac, e.Mac, 0, 6);
                    e.State = ArpEntry.Resolved;
                    e.ExpiresAt = _now + _config.ArpEntryLifetimeMs;
                    e.Probing = false;
                    e.Used = false;
                    e.Requests = 0;
                    FlushQueue(e);
                }
            }

            if (forUs && op == ArpOperation.Request)
            {
                Counters.ArpRepliesOut++;
                SendArp(frame, senderMac, ArpOperation.Reply, _address, frame, senderMac, sender);
            }
        }

        /// <summary>Sends the frames that waited for <paramref name="e"/>, now resolved.</summary>
        private void FlushQueue(ArpEntry e)
        {
            ArpCache arp = _arp;
            int[] lengths = arp.QueueLength;
            for (int k = 0; k < lengths.Length; k++)
            {
                if (lengths[k] != 0 && arp.QueueHop[k] == e.Ip)
                {
                    byte[] f = arp.QueueFrame[k];
                    EthernetFrame.CopyMac(e.Mac, 0, f, 0);
                    Transmit(f, lengths[k]);
                    lengths[k] = 0;
                    e.Used = true;
                }
            }
        }

        private void PollArp()
        {
            ArpEntry[] t = _arp.Entries;
            for (int i = 0; i < t.Length; i++)
            {
                ArpEntry e = t[i];
                byte state = e.State;
                if (state == ArpEntry.Free)
                {
                    continue;
                }

                if (state == ArpEntry.Pending && e.RetryAt <= _now)
                {
                    if (e.Requests >= _config.ArpMaxRequests)
                    {
                        // Unreachable neighbour: drop what waited for it.
                        Counters.ArpFailures++;
                        _arp.DropQueued(e.Ip);
                        e.State = ArpEntry.Free;
                    }
                    else
                    {
                        SendArpRequest(e, false);
                    }
                }
                else if (state == ArpEntry.Resolved && e.ExpiresAt <= _now)
                {
                    if (e.Used && !e.Probing)
                    {
                        // Still in use: confirm it with a unicast request before it lapses.
                        e.Probing = true;
                        e.Requests = 0;
                        SendArpRequest(e, true);
                        e.ExpiresAt = _now + 2L * _config.ArpRetryMs;
                        Counters.ArpRefreshes++;
                    }
                    else
                    {
                        e.State = ArpEntry.Free;
                        Counters.ArpExpired++;
                    }
                }
            }
        }
    }
}
