using System;
using EmbeddedTcp.Storage;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Ip
{
    /// <summary>
    /// UDP (RFC 768) over the socket table (<see cref="UdpSockets"/>): datagrams out through IPv4,
    /// datagrams in to their socket's ring. Calls return byte counts or the <see cref="NetError"/> codes.
    /// </summary>
    public partial class IpInterface
    {
        private UdpSockets _udp;
        private readonly UdpPacket _rxUdp = new UdpPacket();
        private readonly UdpPacket _txUdp = new UdpPacket();

        // Start-up only (called once by the constructor): allocates the socket table and each
        // socket's receive ring.
        // InitArp, InitUdp, InitMulticast and NetworkStack.InitClients are the only methods of the
        // flashed build, constructors aside, that allocate.
        private void InitUdp(InterfaceConfig config)
        {
            _udp = new UdpSockets(config.UdpSockets, config.UdpReceiveBufferSize, _random);
            _allocated += UdpSockets.Footprint(config.UdpSockets, config.UdpReceiveBufferSize);
        }

        /// <summary>
        /// Opens a UDP socket bound to <paramref name="localPort"/> (0 = a random ephemeral port).
        /// Returns a handle, or <see cref="NetError.AddressInUse"/>, <see cref="NetError.NoResources"/>.
        /// </summary>
        public int UdpOpen(int localPort)
        {
            return _udp.Open(localPort);
        }

        /// <summary>Closes the socket; queued datagrams are dropped and the handle becomes invalid.</summary>
        public int UdpClose(int handle)
        {
            return _udp.Close(handle);
        }

        /// <summary>The local port of a socket, or a negative error.</summary>
        public int UdpLocalPort(int handle)
        {
            int i = _udp.Index(handle);
            return i < 0 ? NetError.InvalidHandle : _udp.Port[i];
        }

        /// <summary>
        /// Sends one datagram to <paramref name="destination"/>:<paramref name="port"/> (255.255.255.255
        /// broadcasts, even before an address is configured). Returns the bytes sent (the datagram
        /// may wait for ARP), or a negative error.
        /// </summary>
        public int UdpSendTo(int handle, uint destination, int port, byte[] buffer, int offset, int length)
        {
            int i = _udp.Index(handle);
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
            udp.Emit(_tx, udpOffset, _udp.Port[i], (ushort)port, length);
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
            UdpSockets sockets = _udp;
            int i = sockets.Index(handle);
            if (i < 0)
            {
                return NetError.InvalidHandle;
            }

            // NetOrder.InBounds written out (a per-datagram path: the interpreter pays per call).
            if (buffer == null || offset < 0 || length < 0 || offset > buffer.Length - length)
            {
                return NetError.InvalidArgument;
            }

            ByteRing ring = sockets.Ring[i];
            if (ring.Count < UdpSockets.RecordHeader)
            {
                return 0;
            }

            byte[] record = sockets.Record;
            ring.Peek(0, record, 0, UdpSockets.RecordHeader);
            int size = NetOrder.ReadU16(record, 0);
            source = NetOrder.ReadU32(record, 2);
            sourcePort = NetOrder.ReadU16(record, 6);
            int n = size < length ? size : length;
            ring.Peek(UdpSockets.RecordHeader, buffer, offset, n);
            ring.Consume(UdpSockets.RecordHeader + size);
            return size;
        }

        /// <summary>True when a datagram is waiting on the socket.</summary>
        public bool UdpCanReceive(int handle)
        {
            int i = _udp.Index(handle);
            return i >= 0 && _udp.Ring[i].Count >= UdpSockets.RecordHeader;
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
            UdpSockets sockets = _udp;
            int i = sockets.Find(udp.DestinationPort);
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
            ByteRing ring = sockets.Ring[i];
            if (ring.Free < UdpSockets.RecordHeader + size)
            {
                Counters.UdpQueueFull++;
                return;
            }

            byte[] record = sockets.Record;
            NetOrder.WriteU16(record, 0, (ushort)size);
            NetOrder.WriteU32(record, 2, src);
            NetOrder.WriteU16(record, 6, udp.SourcePort);
            ring.Write(record, 0, UdpSockets.RecordHeader);
            ring.Write(frame, udp.PayloadOffset, size);
        }
    }
}
