using System;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Ip
{
    /// <summary>
    /// One IPv4 interface over one Ethernet device: ARP, IPv4, ICMP, UDP, multicast and address
    /// conflict probes, driven by one <see cref="Poll"/>. Built once from an <see cref="InterfaceConfig"/>;
    /// nothing is allocated afterwards. The transport above it (TCP) is known only as an
    /// <see cref="ITransport"/> and sends through <see cref="ITransportOutput"/>; service clients
    /// run on <see cref="PollServices"/>. A derived class composes them (NetworkStack): it attaches
    /// the transport (<see cref="UseTransport"/>), builds its services, then calls <see cref="Start"/>.
    /// Files follow the data: this one holds the poll loop, frame input and IPv4;
    /// IpInterface.Arp.cs, .Icmp.cs, .Udp.cs, .Multicast.cs and .Probe.cs the protocols beside it.
    /// </summary>
    public partial class IpInterface : IUdpService, IAddressSink, ITransportOutput
    {
        private readonly InterfaceConfig _config;
        private readonly INetworkDevice _device;
        private readonly IRandomSource _random;
        private readonly byte[] _mac = new byte[6];
        private readonly byte[] _rx;
        private readonly byte[] _tx;
        private ITransport _transport;

        // Checksum offload (the device declares it; checked once, here): segments of at least
        // _offloadMin bytes are summed by the device. _txSumField is the checksum field's offset in
        // _tx while the frame being sent there waits for the device to complete it (0: none).
        private readonly IChecksumOffload _offload;
        private readonly int _offloadMin = int.MaxValue;
        private int _txSumField;

        // The transmit side's IPv4 view, made once and bound in place to each frame (on nanoCLR a struct
        // view would be a heap object per use). Received Ethernet and IPv4 headers are read in place
        // (Input, Ipv4Input), so an answer emitted while a frame is still being read rebinds nothing of theirs.
        private readonly Ipv4Packet _txIp = new Ipv4Packet();

        private uint _address;
        private uint _netmask;
        private uint _gateway;
        private uint _dnsServer;
        private ushort _ipId;
        private long _now;
        private long _lastPoll;
        private bool _linkUp;
        private long _allocated;

        /// <summary>Counters of everything below the transport (which keeps its own).</summary>
        public readonly NetworkCounters Counters = new NetworkCounters();

        /// <summary>
        /// Builds the interface over <paramref name="device"/>, allocating every table and buffer
        /// it will use. <paramref name="random"/> seeds ephemeral ports, IGMP delays and the IPv4
        /// identification. The derived class then attaches its transport and services and calls
        /// <see cref="Start"/>.
        /// </summary>
        protected IpInterface(InterfaceConfig config, INetworkDevice device, IRandomSource random)
        {
            _config = config;
            _device = device;
            _random = random;
            device.GetMacAddress(_mac, 0);
            int frame = config.Mtu + EthernetFrame.HeaderLength;
            _rx = new byte[frame];
            _tx = new byte[frame];
            _allocated += 2L * frame;
            _offload = device as IChecksumOffload;
            if (_offload != null)
            {
                _offloadMin = _offload.MinimumOffloadLength;
            }

            InitArp(config);
            InitUdp(config);
            InitMulticast(config);
        }

        /// <summary>
        /// Attaches the transport that receives TCP segments, their ICMP errors and the poll tick
        /// (start-up only, before <see cref="Start"/>; the interface needs one).
        /// </summary>
        protected void UseTransport(ITransport transport)
        {
            _transport = transport;
        }

        /// <summary>
        /// The last step of start-up, after the transport and the services are built: draws the
        /// first IPv4 identification, reads the link state and applies a static address.
        /// </summary>
        protected void Start()
        {
            _ipId = (ushort)_random.NextUInt32();
            _linkUp = _device.LinkUp;
            InterfaceConfig config = _config;
            if (config.Address != 0)
            {
                _address = config.Address;
                _transport.LocalAddress = config.Address;
                _netmask = config.Netmask;
                _gateway = config.Gateway;
                _dnsServer = config.DnsServer;
            }
        }

        /// <summary>Adds the bytes a part built by the derived class allocated to <see cref="AllocatedBytes"/> (start-up only).</summary>
        protected void AddAllocated(long bytes)
        {
            _allocated += bytes;
        }

        /// <summary>
        /// Segments of at least this many bytes are summed by the device (checksum offload); int.MaxValue
        /// when the device cannot. The transport leaves their checksum field for the device to fill.
        /// </summary>
        public int ChecksumOffloadMinLength { get { return _offloadMin; } }

        /// <summary>The configuration the interface was built from.</summary>
        public InterfaceConfig Config { get { return _config; } }

        /// <summary>Our IPv4 address (host order); 0 while none is configured.</summary>
        public uint Address { get { return _address; } }

        /// <summary>Subnet mask.</summary>
        public uint Netmask { get { return _netmask; } }

        /// <summary>Default router; 0 when none.</summary>
        public uint Gateway { get { return _gateway; } }

        /// <summary>DNS server; 0 when none.</summary>
        public uint DnsServer { get { return _dnsServer; } }

        /// <summary>The poll time last seen, ms.</summary>
        public long Now { get { return _now; } }

        /// <summary>True while the device reports its link up.</summary>
        public bool LinkUp { get { return _linkUp; } }

        /// <summary>
        /// Bytes of tables, rings and frame buffers the stack allocated at construction (arrays'
        /// payloads; object headers add a few percent). The configuration summary's figure.
        /// </summary>
        public long AllocatedBytes { get { return _allocated; } }

        /// <summary>Copies our MAC address into <paramref name="destination"/> (nothing when the 6 bytes do not fit there).</summary>
        public void GetMacAddress(byte[] destination, int offset)
        {
            if (NetOrder.InBounds(destination, offset, 6))
            {
                Array.Copy(_mac, 0, destination, offset, 6);
            }
        }

        /// <summary>
        /// Sets (or, with address 0, clears) the interface address. A new address is announced
        /// with a gratuitous ARP. DHCP calls this; static configurations may too.
        /// </summary>
        public void SetAddress(uint address, uint netmask, uint gateway, uint dnsServer)
        {
            bool changed = address != _address;
            _address = address;
            _transport.LocalAddress = address;
            _netmask = netmask;
            _gateway = gateway;
            _dnsServer = dnsServer;
            if (changed && address != 0)
            {
                SendGratuitousArp();
                RestartMulticastReports();
            }
        }

        /// <summary>
        /// Does all the work that is due at <paramref name="nowMs"/>: the transport's timers (so
        /// delayed ACKs go out after the application's turn), the device's housekeeping, the frames
        /// waiting in the device (at most <see cref="InterfaceConfig.MaxFramesPerPoll"/>), ARP, the
        /// services (<see cref="PollServices"/>: DHCP, DNS, SNTP) and IGMP timers.
        /// </summary>
        public void Poll(long nowMs)
        {
            _now = nowMs;
            _lastPoll = nowMs;
            _transport.Poll(nowMs);
            _device.Poll(nowMs);
            bool up = _device.LinkUp;
            if (up != _linkUp)
            {
                _linkUp = up;
                Counters.LinkChanges++;
                if (up && _address != 0)
                {
                    SendGratuitousArp();
                    RestartMulticastReports();
                }
            }

            for (int i = 0; i < _config.MaxFramesPerPoll; i++)
            {
                int length = _device.Receive(_rx, 0, _rx.Length);
                if (length <= 0)
                {
                    break;
                }

                Input(_rx, length);
            }

            PollArp();
            PollServices(nowMs);
            PollMulticast(nowMs);
        }

        /// <summary>The latest time by which <see cref="Poll"/> must be called again (ms).</summary>
        public long NextDeadline()
        {
            long next = _lastPoll + _config.MaxPollIntervalMs;
            long t = _transport.NextDeadline();
            if (t < next)
            {
                next = t;
            }

            t = _arp.Deadline();
            if (t < next)
            {
                next = t;
            }

            t = ServicesDeadline();
            if (t < next)
            {
                next = t;
            }

            t = MulticastDeadline();
            if (t < next)
            {
                next = t;
            }

            return next;
        }

        /// <summary>
        /// The services' turn in <see cref="Poll"/>, after ARP and before IGMP: the derived class
        /// polls its clients here (DHCP, DNS, SNTP, in that order). Nothing by default.
        /// </summary>
        protected virtual void PollServices(long nowMs)
        {
        }

        /// <summary>The earliest time the services need a poll (ms); long.MaxValue by default.</summary>
        protected virtual long ServicesDeadline()
        {
            return long.MaxValue;
        }

        // ------------------------------------------------------------------ input

        /// <summary>One received Ethernet frame (exposed for tests and fuzzing; Poll calls it for each frame).</summary>
        public void Input(byte[] frame, int length)
        {
            Counters.FramesIn++;
            // EthernetFrame.TryParse, IsBroadcast, MacEquals and EtherType written out: this runs per
            // frame, and on the interpreter each would be a call. Same checks, same results.
            if (frame == null || length < EthernetFrame.HeaderLength || length > frame.Length)
            {
                Counters.FramesMalformed++;
                return;
            }

            // Link-layer group frames: broadcast, and IPv4 multicast (01:00:5e) once a group table
            // exists; which group it is for is checked at the IP layer.
            bool group = (frame[0] & frame[1] & frame[2] & frame[3] & frame[4] & frame[5]) == 0xFF;
            byte[] mac = _mac;
            if (!group && !(frame[0] == mac[0] && frame[1] == mac[1] && frame[2] == mac[2]
                && frame[3] == mac[3] && frame[4] == mac[4] && frame[5] == mac[5]))
            {
                if (_mcGroup == null || frame[0] != 0x01 || frame[1] != 0x00 || frame[2] != 0x5E)
                {
                    Counters.FramesNotForUs++;
                    return;
                }

                group = true;
            }

            int type = (frame[12] << 8) | frame[13];
            if (type == EtherType.Ipv4)
            {
                Ipv4Input(frame, EthernetFrame.HeaderLength, length - EthernetFrame.HeaderLength, group);
            }
            else if (type == EtherType.Arp)
            {
                ArpInput(frame, EthernetFrame.HeaderLength, length - EthernetFrame.HeaderLength);
            }
            else
            {
                Counters.FramesUnknownType++;
            }
        }

        private void Ipv4Input(byte[] frame, int offset, int length, bool linkBroadcast)
        {
            int headerLength = Ipv4HeaderLength(frame, offset, length);
            if (headerLength == 0)
            {
                return;
            }

            int totalLength = (frame[offset + 2] << 8) | frame[offset + 3];
            Counters.IpIn++;
            if ((frame[offset + 6] & 0x3F) != 0 || frame[offset + 7] != 0)
            {
                // Documented: no reassembly. Peers use PMTU discovery (DF) for TCP; we drop and count.
                Counters.IpFragmentsDropped++;
                return;
            }

            uint dst = ((uint)frame[offset + 16] << 24) | ((uint)frame[offset + 17] << 16) | ((uint)frame[offset + 18] << 8) | frame[offset + 19];
            uint src = ((uint)frame[offset + 12] << 24) | ((uint)frame[offset + 13] << 16) | ((uint)frame[offset + 14] << 8) | frame[offset + 15];
            byte protocol = frame[offset + 9];
            bool unicastToUs = _address != 0 && dst == _address && !linkBroadcast;
            bool broadcast = dst == Ipv4Address.Broadcast || (_address != 0 && _netmask != 0xFFFFFFFF && dst == (_address | ~_netmask));
            if ((dst >> 28) == 0xE)
            {
                // Multicast: a joined group or 224.0.0.1 (with a group table at all); no TCP, and
                // never an ICMP error (RFC 1122 3.2.2) since unicastToUs is false.
                if (_mcGroup == null || !(dst == AllHosts || MulticastSlot(dst) >= 0))
                {
                    Counters.MulticastNotJoined++;
                    return;
                }

                Counters.MulticastIn++;
                broadcast = true;
            }

            if (!unicastToUs && !broadcast)
            {
                // Before we have an address, DHCP's answers may be unicast to the offered address.
                if (!(_address == 0 && protocol == IpProtocol.Udp))
                {
                    Counters.IpNotForUs++;
                    return;
                }
            }

            if (src == Ipv4Address.Broadcast || (src >> 28) == 0xE)
            {
                Counters.IpMalformed++; // a broadcast or multicast source is never legitimate
                return;
            }

            int payload = offset + headerLength;
            int payloadLength = totalLength - headerLength;
            if (protocol == IpProtocol.Igmp)
            {
                if ((dst >> 28) == 0xE)
                {
                    IgmpInput(frame, payload, payloadLength, dst);
                }
                else
                {
                    Counters.IpUnknownProtocol++; // IGMP is only ever sent to groups
                }

                return;
            }

            if (protocol == IpProtocol.Tcp)
            {
                if (!unicastToUs)
                {
                    Counters.IpNotForUs++;
                    return;
                }

                // With offload the device summed the frame from the IPv4 header to its end: with a valid
                // header (it sums to 0xFFFF, one's complement zero) and no Ethernet padding after the
                // datagram, that is the segment's sum.
                int segmentSum = -1;
                if (_offload != null && offset == ChecksumOffload.ReceiveSumStart && totalLength == length)
                {
                    segmentSum = _offload.ReceivedSum;
                }

                _transport.Input(src, dst, frame, payload, payloadLength, _now, segmentSum);
            }
            else if (protocol == IpProtocol.Udp)
            {
                UdpInput(frame, offset, src, dst, payload, payloadLength, unicastToUs);
            }
            else if (protocol == IpProtocol.Icmp)
            {
                IcmpInput(frame, offset, src, dst, payload, payloadLength, unicastToUs);
            }
            else
            {
                Counters.IpUnknownProtocol++;
                if (unicastToUs)
                {
                    SendIcmpError(frame, offset, totalLength, IcmpType.DestinationUnreachable, IcmpCode.ProtocolUnreachable, 0);
                }
            }
        }

        /// <summary>
        /// Checks the IPv4 header at <paramref name="offset"/> (version, lengths, checksum) and
        /// returns its length; 0, counted, when the datagram is to be dropped. Ipv4Packet.TryParse
        /// and its accessors written out: this runs per frame, and on the interpreter each accessor
        /// would be a call or two. Input checked the buffer range.
        /// </summary>
        private int Ipv4HeaderLength(byte[] frame, int offset, int length)
        {
            if (length < Ipv4Packet.MinimumHeaderLength)
            {
                Counters.IpMalformed++; // truncated
                return 0;
            }

            int versionIhl = frame[offset];
            int headerLength = (versionIhl & 0x0F) << 2;
            int totalLength = (frame[offset + 2] << 8) | frame[offset + 3];
            if ((versionIhl >> 4) != 4 || headerLength < Ipv4Packet.MinimumHeaderLength || totalLength < headerLength || totalLength > length)
            {
                Counters.IpMalformed++; // not version 4, malformed lengths, or truncated
                return 0;
            }

            uint sum = Checksum.Accumulate(0, frame, offset, headerLength); // Checksum.Verify, folded here
            sum = (sum & 0xFFFF) + (sum >> 16);
            sum = (sum & 0xFFFF) + (sum >> 16);
            if (sum != 0xFFFF)
            {
                Counters.IpBadChecksum++;
                return 0;
            }

            return headerLength;
        }

        // ------------------------------------------------------------------ output

        /// <summary>
        /// Sends the transport payload of <paramref name="payloadLength"/> bytes already written at
        /// offset 34 of the transmit buffer: adds the IPv4 header (TTL, DF) and the Ethernet
        /// header, pads to 60 bytes, routes on-link or via the gateway, and resolves the next hop.
        /// </summary>
        private bool SendIpv4(uint source, uint destination, byte protocol, int payloadLength)
        {
            uint nextHop;
            byte ttl = (byte)_config.Ttl;
            bool broadcast = destination == Ipv4Address.Broadcast
                || (_address != 0 && _netmask != 0xFFFFFFFF && destination == (_address | ~_netmask));
            if (broadcast)
            {
                nextHop = Ipv4Address.Broadcast;
            }
            else if ((destination >> 28) == 0xE)
            {
                nextHop = destination; // multicast: its MAC address is computed, never resolved
                ttl = (byte)_config.MulticastTtl;
            }
            else if (_address != 0 && (destination & _netmask) == (_address & _netmask))
            {
                nextHop = destination;
            }
            else if (_gateway != 0)
            {
                nextHop = _gateway;
            }
            else
            {
                Counters.IpNoRoute++;
                return false;
            }

            const int ipOffset = EthernetFrame.HeaderLength;
            _txIp.Emit(_tx, ipOffset, source, destination, protocol, payloadLength, ++_ipId, ttl, true);
            int length = ipOffset + Ipv4Packet.MinimumHeaderLength + payloadLength;
            _tx[12] = (byte)(EtherType.Ipv4 >> 8);
            _tx[13] = (byte)(EtherType.Ipv4 & 0xFF);
            EthernetFrame.CopyMac(_mac, 0, _tx, 6);
            if (length < EthernetFrame.MinimumFrameLength)
            {
                Array.Clear(_tx, length, EthernetFrame.MinimumFrameLength - length);
                length = EthernetFrame.MinimumFrameLength;
            }

            Counters.IpOut++;
            if (nextHop == Ipv4Address.Broadcast)
            {
                EthernetFrame.WriteBroadcastMac(_tx, 0);
                return Transmit(_tx, length);
            }

            if ((nextHop >> 28) == 0xE)
            {
                WriteMulticastMac(_tx, 0, nextHop);
                return Transmit(_tx, length);
            }

            return SendToNeighbour(nextHop, length);
        }

        private bool Transmit(byte[] frame, int length)
        {
            bool sent;
            if (_txSumField != 0 && frame == _tx)
            {
                sent = _offload.SendWithChecksum(frame, 0, length, EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength, _txSumField);
            }
            else
            {
                sent = _device.Send(frame, 0, length);
            }

            if (sent)
            {
                Counters.FramesOut++;
                return true;
            }

            Counters.FramesOutFailed++;
            return false;
        }

        /// <summary>
        /// A frame in _tx that was left for the device to checksum is kept for later (waiting for ARP):
        /// complete its checksum here, since the copy will go out through a plain Send. The field
        /// holds the pseudo-header sum, so the sum over the segment including it is the checksum's complement.
        /// </summary>
        private void CompleteChecksumInSoftware(int length)
        {
            int start = EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength;
            int end = EthernetFrame.HeaderLength + ((_tx[EthernetFrame.HeaderLength + 2] << 8) | _tx[EthernetFrame.HeaderLength + 3]);
            if (end > length)
            {
                end = length;
            }

            ushort c = Checksum.Finish(Checksum.Accumulate(0, _tx, start, end - start));
            _tx[_txSumField] = (byte)(c >> 8);
            _tx[_txSumField + 1] = (byte)c;
            _txSumField = 0;
        }

        /// <summary>The transport's segments enter IP here: a buffer at offset 34 of the transmit frame.</summary>
        byte[] ITransportOutput.BeginSegment(uint localIp, uint remoteIp, out int offset, out int capacity)
        {
            offset = EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength;
            capacity = _config.Mtu - Ipv4Packet.MinimumHeaderLength;
            return _tx;
        }

        /// <summary>Sends the segment written at offset 34 of the transmit frame; the device completes the checksum of a long one.</summary>
        void ITransportOutput.EndSegment(uint localIp, uint remoteIp, int length)
        {
            if (length >= _offloadMin)
            {
                _txSumField = EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength + 16; // TCP checksum
            }

            SendIpv4(localIp, remoteIp, IpProtocol.Tcp, length);
            _txSumField = 0;
        }

        /// <summary>Negative advice from the transport: re-resolve the next hop towards <paramref name="remoteIp"/>.</summary>
        void ITransportOutput.ReachabilityInDoubt(uint localIp, uint remoteIp)
        {
            ForgetNextHop(remoteIp);
        }
    }
}
