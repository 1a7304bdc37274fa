using System;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Ip
{
    /// <summary>
    /// ARP (RFC 826, RFC 1122 2.3.2): a fixed neighbour cache with aging and refresh, requests
    /// with retries and backoff, replies, gratuitous ARP, and a bounded queue that holds the
    /// first packets to an unresolved neighbour (a SYN) until the reply arrives.
    /// </summary>
    public partial class IpInterface
    {
        private const byte ArpFree = 0;
        private const byte ArpPending = 1;
        private const byte ArpResolved = 2;

        private uint[] _arpIp;
        private byte[] _arpMac;
        private byte[] _arpState;
        private long[] _arpExpires;
        private long[] _arpRetryAt;
        private int[] _arpRequests;
        private bool[] _arpUsed;
        private bool[] _arpProbing;

        private byte[][] _queueFrame;
        private int[] _queueLength;
        private uint[] _queueHop;
        private readonly byte[] _arpFrame = new byte[EthernetFrame.MinimumFrameLength];
        private readonly ArpPacket _rxArp = new ArpPacket();
        private readonly ArpPacket _txArp = new ArpPacket();

        // Start-up only (called once by the constructor): allocates the neighbour cache and the
        // queue of frames waiting for resolution.
        // InitArp, InitUdp, InitMulticast and NetworkStack.InitClients are the only methods of the flashed build, constructors
        // aside, that allocate.
        private void InitArp(InterfaceConfig config)
        {
            int n = config.ArpCacheEntries;
            _arpIp = new uint[n];
            _arpMac = new byte[6 * n];
            _arpState = new byte[n];
            _arpExpires = new long[n];
            _arpRetryAt = new long[n];
            _arpRequests = new int[n];
            _arpUsed = new bool[n];
            _arpProbing = new bool[n];
            int q = config.ArpQueueFrames;
            _queueFrame = new byte[q][];
            _queueLength = new int[q];
            _queueHop = new uint[q];
            for (int i = 0; i < q; i++)
            {
                _queueFrame[i] = new byte[config.Mtu + EthernetFrame.HeaderLength];
            }

            _allocated += 32L * n + (long)q * (config.Mtu + EthernetFrame.HeaderLength + 8) + _arpFrame.Length;
        }

        /// <summary>Number of resolved neighbours in the cache.</summary>
        public int ArpEntries
        {
            get
            {
                int k = 0;
                for (int i = 0; i < _arpState.Length; i++)
                {
                    if (_arpState[i] == ArpResolved) k++;
                }

                return k;
            }
        }

        /// <summary>Copies the MAC address cached for <paramref name="ip"/>; false when not resolved (or the 6 bytes do not fit in <paramref name="mac"/>).</summary>
        public bool TryGetNeighbour(uint ip, byte[] mac, int offset)
        {
            int i = ArpFind(ip);
            if (i < 0 || _arpState[i] != ArpResolved || !NetOrder.InBounds(mac, offset, 6))
            {
                return false;
            }

            Array.Copy(_arpMac, 6 * i, mac, offset, 6);
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
            int i = ArpFind(hop);
            if (i >= 0 && _arpState[i] == ArpResolved)
            {
                _arpState[i] = ArpFree;
                Counters.ArpNegativeAdvice++;
            }
        }

        private int ArpFind(uint ip)
        {
            for (int i = 0; i < _arpIp.Length; i++)
            {
                if (_arpState[i] != ArpFree && _arpIp[i] == ip)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Sends the frame in the transmit buffer to <paramref name="nextHop"/>, resolving it first when needed.</summary>
        private bool SendToNeighbour(uint nextHop, int length)
        {
            int i = ArpFind(nextHop);
            if (i >= 0 && _arpState[i] == ArpResolved)
            {
                _arpUsed[i] = true;
                EthernetFrame.CopyMac(_arpMac, 6 * i, _tx, 0);
                return Transmit(_tx, length);
            }

            // Hold a copy until the neighbour answers (a plain frame: its checksum completed here).
            if (_txSumField != 0)
            {
                CompleteChecksumInSoftware(length);
            }

            int slot = -1;
            for (int k = 0; k < _queueLength.Length; k++)
            {
                if (_queueLength[k] == 0)
                {
                    slot = k;
                    break;
                }
            }

            if (slot < 0)
            {
                Counters.ArpQueueDrops++;
            }
            else
            {
                Array.Copy(_tx, 0, _queueFrame[slot], 0, length);
                _queueLength[slot] = length;
                _queueHop[slot] = nextHop;
                Counters.ArpQueued++;
            }

            if (i < 0)
            {
                i = ArpAllocate(nextHop);
                if (i < 0)
                {
                    return false;
                }

                _arpState[i] = ArpPending;
                _arpRequests[i] = 0;
                _arpRetryAt[i] = _now;
                SendArpRequest(i, false);
            }

            return slot >= 0;
        }

        /// <summary>A free entry, else the resolved entry that expires first; -1 when all are pending.</summary>
        private int ArpAllocate(uint ip)
        {
            int victim = -1;
            for (int i = 0; i < _arpState.Length; i++)
            {
                if (_arpState[i] == ArpFree)
                {
                    victim = i;
                    break;
                }

                if (_arpState[i] == ArpResolved && (victim < 0 || _arpExpires[i] < _arpExpires[victim]))
                {
                    victim = i;
                }
            }

            if (victim < 0)
            {
                Counters.ArpTableFull++;
                return -1;
            }

            _arpIp[victim] = ip;
            _arpUsed[victim] = false;
            _arpProbing[victim] = false;
            return victim;
        }

        private void SendArpRequest(int i, bool unicast)
        {
            byte[] f = _arpFrame;
            if (unicast)
            {
                EthernetFrame.CopyMac(_arpMac, 6 * i, f, 0);
            }
            else
            {
                EthernetFrame.WriteBroadcastMac(f, 0);
            }

            EthernetFrame.CopyMac(_mac, 0, f, 6);
            NetOrder.WriteU16(f, 12, EtherType.Arp);
            _txArp.Emit(f, EthernetFrame.HeaderLength, ArpOperation.Request, _mac, 0, _address, null, 0, _arpIp[i]);
            Array.Clear(f, EthernetFrame.HeaderLength + ArpPacket.PacketLength, f.Length - EthernetFrame.HeaderLength - ArpPacket.PacketLength);
            _arpRequests[i]++;
            _arpRetryAt[i] = _now + ((long)_config.ArpRetryMs << (_arpRequests[i] - 1));
            Counters.ArpRequestsOut++;
            Transmit(f, f.Length);
        }

        /// <summary>Gratuitous ARP: a request for our own address, announcing it (RFC 5227 announcement).</summary>
        private void SendGratuitousArp()
        {
            byte[] f = _arpFrame;
            EthernetFrame.WriteBroadcastMac(f, 0);
            EthernetFrame.CopyMac(_mac, 0, f, 6);
            NetOrder.WriteU16(f, 12, EtherType.Arp);
            _txArp.Emit(f, EthernetFrame.HeaderLength, ArpOperation.Request, _mac, 0, _address, null, 0, _address);
            Array.Clear(f, EthernetFrame.HeaderLength + ArpPacket.PacketLength, f.Length - EthernetFrame.HeaderLength - ArpPacket.PacketLength);
            Counters.ArpGratuitousOut++;
            Transmit(f, f.Length);
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

            if (EthernetFrame.IsBroadcastMac(frame, arp.SenderHardwareOffset) || (frame[arp.SenderHardwareOffset] & 1) != 0)
            {
                Counters.ArpMalformed++; // a broadcast/multicast sender address would poison the cache
                return;
            }

            if (_probeTarget != 0)
            {
                ArpProbeWatch(frame, arp, sender, target, op);
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
                int i = ArpFind(sender);
                if (i < 0 && forUs)
                {
                    i = ArpAllocate(sender);
                }

                if (i >= 0)
                {
                    Array.Copy(frame, arp.SenderHardwareOffset, _arpMac, 6 * i, 6);
                    _arpState[i] = ArpResolved;
                    _arpExpires[i] = _now + _config.ArpEntryLifetimeMs;
                    _arpProbing[i] = false;
                    _arpUsed[i] = false;
                    _arpRequests[i] = 0;
                    FlushQueue(sender, i);
                }
            }

            if (forUs && op == ArpOperation.Request)
            {
                byte[] f = _arpFrame;
                EthernetFrame.CopyMac(frame, arp.SenderHardwareOffset, f, 0);
                EthernetFrame.CopyMac(_mac, 0, f, 6);
                NetOrder.WriteU16(f, 12, EtherType.Arp);
                _txArp.Emit(f, EthernetFrame.HeaderLength, ArpOperation.Reply, _mac, 0, _address, frame, arp.SenderHardwareOffset, sender);
                Array.Clear(f, EthernetFrame.HeaderLength + ArpPacket.PacketLength, f.Length - EthernetFrame.HeaderLength - ArpPacket.PacketLength);
                Counters.ArpRepliesOut++;
                Transmit(f, f.Length);
            }
        }

        private void FlushQueue(uint hop, int entry)
        {
            for (int k = 0; k < _queueLength.Length; k++)
            {
                if (_queueLength[k] != 0 && _queueHop[k] == hop)
                {
                    byte[] f = _queueFrame[k];
                    EthernetFrame.CopyMac(_arpMac, 6 * entry, f, 0);
                    Transmit(f, _queueLength[k]);
                    _queueLength[k] = 0;
                    _arpUsed[entry] = true;
                }
            }
        }

        private void PollArp()
        {
            for (int i = 0; i < _arpState.Length; i++)
            {
                byte state = _arpState[i];
                if (state == ArpPending && _arpRetryAt[i] <= _now)
                {
                    if (_arpRequests[i] >= _config.ArpMaxRequests)
                    {
                        // Unreachable neighbour: drop what waited for it.
                        Counters.ArpFailures++;
                        for (int k = 0; k < _queueLength.Length; k++)
                        {
                            if (_queueLength[k] != 0 && _queueHop[k] == _arpIp[i])
                            {
                                _queueLength[k] = 0;
                                Counters.ArpQueueDrops++;
                            }
                        }

                        _arpState[i] = ArpFree;
                    }
                    else
                    {
                        SendArpRequest(i, false);
                    }
                }
                else if (state == ArpResolved && _arpExpires[i] <= _now)
                {
                    if (_arpUsed[i] && !_arpProbing[i])
                    {
                        // Still in use: confirm it with a unicast request before it lapses.
                        _arpProbing[i] = true;
                        _arpRequests[i] = 0;
                        SendArpRequest(i, true);
                        _arpExpires[i] = _now + 2L * _config.ArpRetryMs;
                        Counters.ArpRefreshes++;
                    }
                    else
                    {
                        _arpState[i] = ArpFree;
                        Counters.ArpExpired++;
                    }
                }
            }
        }

        private long ArpDeadline()
        {
            long next = long.MaxValue;
            for (int i = 0; i < _arpState.Length; i++)
            {
                if (_arpState[i] == ArpPending && _arpRetryAt[i] < next)
                {
                    next = _arpRetryAt[i];
                }
                else if (_arpState[i] == ArpResolved && _arpExpires[i] < next)
                {
                    next = _arpExpires[i];
                }
            }

            return next;
        }
    }
}
