using System;
using EmbeddedTcp.Storage;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Ip
{
    /// <summary>
    /// UDP (RFC 768): a fixed socket table; each socket has a receive ring holding whole
    /// datagrams with their source. Calls return byte counts or the <see cref="NetError"/> codes.
    /// </summary>
    public partial class IpInterface
    {
        private const int UdpRecordHeader = 8; // length (2), source address (4), source port (2)

        private ushort[] _udpPort;
        private bool[] _udpInUse;
        private int[] _udpGeneration;
        private ByteRing[] _udpRing;
        private readonly byte[] _udpRecord = new byte[UdpRecordHeader];
        private readonly UdpPacket _rxUdp = new UdpPacket();
        private readonly UdpPacket _txUdp = new UdpPacket();

        // Start-up only (called once by the constructor): allocates the socket table and each
        // socket's receive ring.
        // InitArp, InitUdp, InitMulticast and NetworkStack.InitClients are the only methods of the flashed build, constructors
        // aside, that allocate.
        private void InitUdp(InterfaceConfig config)
        {
            int n = config.UdpSockets;
            _udpPort = new ushort[n];
            _udpInUse = new bool[n];
            _udpGeneration = new int[n];
            _udpRing = new ByteRing[n];
            for (int i = 0; i < n; i++)
            {
                _udpRing[i] = new ByteRing(config.UdpReceiveBufferSize);
                _udpGeneration[i] = 1;
            }

            _allocated += (long)n * (config.UdpReceiveBufferSize + 16);
        }

        /// <summary>
        /// Opens a UDP socket bound to <paramref name="localPort"/> (0 = a random ephemeral port).
        /// Returns a handle, or <see cref="NetError.AddressInUse"/>, <see cref="NetError.NoResources"/>.
        /// </summary>
        public int UdpOpen(int localPort)
        {
            if (localPort < 0 || localPort > 65535)
            {
                return NetError.InvalidArgument;
            }

            if (localPort == 0)
            {
                for (int tries = 0; tries < 64 && localPort == 0; tries++)
                {
                    int p = 49152 + (int)(_random.NextUInt32() % 16384);
                    if (UdpFind((ushort)p) < 0)
                    {
                        localPort = p;
                    }
                }

                if (localPort == 0)
                {
                    return NetError.NoResources;
                }
            }
            else if (UdpFind((ushort)localPort) >= 0)
            {
                return NetError.AddressInUse;
            }

            for (int i = 0; i < _udpInUse.Length; i++)
            {
                if (!_udpInUse[i])
                {
                    _udpInUse[i] = true;
                    _udpPort[i] = (ushort)localPort;
                    _udpRing[i].Clear();
                    return Handles.UdpSocket | (_udpGeneration[i] << Handles.IndexBits) | i;
                }
            }

            return NetError.NoResources;
        }

        /// <summary>Closes the socket; queued datagrams are dropped and the handle becomes invalid.</summary>
        public int UdpClose(int handle)
        {
            int i = UdpIndex(handle);
            if (i < 0)
            {
                return NetError.InvalidHandle;
            }

            _udpInUse[i] = false;
            _udpGeneration[i] = _udpGeneration[i] >= Handles.MaxGeneration ? 1 : _udpGeneration[i] + 1;
            return NetError.Ok;
        }

        /// <summary>The local port of a socket, or a negative error.</summary>
        public int UdpLocalPort(int handle)
        {
            int i = UdpIndex(handle);
            return i < 0 ? NetError.InvalidHandle : _udpPort[i];
        }

        /// <summary>
        /// Sends one datagram to <paramref name="destination"/>:<paramref name="port"/> (255.255.255.255
        /// broadcasts, even before an address is configured). Returns the bytes sent (the datagram
        /// may wait for ARP), or a negative error.
        /// </summary>
        public int UdpSendTo(int handle, uint destination, int port, byte[] buffer, int offset, int length)
        {
            int i = UdpIndex(handle);
            if (i < 0)
            {
                return NetError.InvalidHandle;
            }

            // NetOrder.InBounds written out (a per-datagram path: the interpreter pays per call).
            if (buffer == null || offset < 0 || length < 0 || offset > buffer.Length - length || port <= 0 || port > 65535
                || length > _config.Mtu - Ipv4Packet.MinimumHeaderLength - UdpPacket.HeaderLength)
            {
                return NetError.InvalidArgument;
            }

            if (_address == 0 && destination != Ipv4Address.Broadcast)
            {
                return NetError.InvalidState; // no address yet: only broadcasts (DHCP) may leave
            }

            const int udpOffset = EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength;
            UdpPacket udp = _txUdp;
            udp.Emit(_tx, udpOffset, _udpPort[i], (ushort)port, length);
            Array.Copy(buffer, offset, _tx, udp.PayloadOffset, length);
            udp.FillChecksum(_address, destination);
            Counters.UdpOut++;
            return SendIpv4(_address, destination, IpProtocol.Udp, UdpPacket.HeaderLength + length) ? length : 0;
        }

        /// <summary>
        /// Takes the next datagram: copies up to <paramref name="length"/> bytes (the rest of a
        /// longer datagram is discarded, as with sockets) and returns the datagram's full length,
        /// 0 when none is waiting, or a negative error. The source is in the out parameters.
        /// </summary>
        public int UdpReceiveFrom(int handle, byte[] buffer, int offset, int length, out uint source, out int sourcePort)
        {
            source = 0;
            sourcePort = 0;
            int i = UdpIndex(handle);
            if (i < 0)
            {
                return NetError.InvalidHandle;
            }

            // NetOrder.InBounds written out (a per-datagram path: the interpreter pays per call).
            if (buffer == null || offset < 0 || length < 0 || offset > buffer.Length - length)
            {
                return NetError.InvalidArgument;
            }

            ByteRing ring = _udpRing[i];
            if (ring.Count < UdpRecordHeader)
            {
                return 0;
            }

            ring.Peek(0, _udpRecord, 0, UdpRecordHeader);
            int size = NetOrder.ReadU16(_udpRecord, 0);
            source = NetOrder.ReadU32(_udpRecord, 2);
            sourcePort = NetOrder.ReadU16(_udpRecord, 6);
            int n = size < length ? size : length;
            ring.Peek(UdpRecordHeader, buffer, offset, n);
            ring.Consume(UdpRecordHeader + size);
            return size;
        }

        /// <summary>True when a datagram is waiting on the socket.</summary>
        public bool UdpCanReceive(int handle)
        {
            int i = UdpIndex(handle);
            return i >= 0 && _udpRing[i].Count >= UdpRecordHeader;
        }

        private int UdpIndex(int handle)
        {
            if ((handle & Handles.KindMask) != Handles.UdpSocket)
            {
                return -1;
            }

            int i = handle & Handles.IndexMask;
            if (i >= _udpInUse.Length || !_udpInUse[i] || ((handle >> Handles.IndexBits) & Handles.MaxGeneration) != _udpGeneration[i])
            {
                return -1;
            }

            return i;
        }

        private int UdpFind(ushort port)
        {
            for (int i = 0; i < _udpInUse.Length; i++)
            {
                if (_udpInUse[i] && _udpPort[i] == port)
                {
                    return i;
                }
            }

            return -1;
        }

        private void UdpInput(byte[] frame, int ipOffset, uint src, uint dst, int offset, int length, bool unicastToUs)
        {
            UdpPacket udp = _rxUdp;
            WireResult r = udp.TryParse(frame, offset, length, src, dst);
            if (r != WireResult.Ok)
            {
                if (r == WireResult.BadChecksum)
                {
                    Counters.UdpBadChecksum++;
                }
                else
                {
                    Counters.UdpMalformed++;
                }

                return;
            }

            Counters.UdpIn++;
            int i = UdpFind(udp.DestinationPort);
            if (i < 0)
            {
                Counters.UdpNoPort++;
                if (unicastToUs)
                {
                    SendIcmpError(frame, ipOffset, offset - ipOffset + length, IcmpType.DestinationUnreachable, IcmpCode.PortUnreachable, 0);
                }

                return;
            }

            int size = udp.PayloadLength;
            ByteRing ring = _udpRing[i];
            if (ring.Free < UdpRecordHeader + size)
            {
                Counters.UdpQueueFull++;
                return;
            }

            NetOrder.WriteU16(_udpRecord, 0, (ushort)size);
            NetOrder.WriteU32(_udpRecord, 2, src);
            NetOrder.WriteU16(_udpRecord, 6, udp.SourcePort);
            ring.Write(_udpRecord, 0, UdpRecordHeader);
            ring.Write(frame, udp.PayloadOffset, size);
        }
    }
}
