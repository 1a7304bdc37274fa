using System;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Ip
{
    /// <summary>ICMP (RFC 792, RFC 1122 3.2.2): echo replies, rate-limited errors, and errors for TCP.</summary>
    public partial class IpInterface
    {
        private long _icmpWindowStart;
        private readonly IcmpPacket _rxIcmp = new IcmpPacket();
        private readonly IcmpPacket _txIcmp = new IcmpPacket();
        // The IP header an ICMP error quotes: a view of its own, beside the outer packet's.
        private readonly Ipv4Packet _icmpQuote = new Ipv4Packet();

        /// <summary>Sequence number of the last echo reply received (for a ping client).</summary>
        public int LastEchoReplySequence = -1;
        private int _icmpErrorsInWindow;

        private void IcmpInput(byte[] frame, int ipOffset, uint src, uint dst, int offset, int length, bool unicastToUs)
        {
            IcmpPacket icmp = _rxIcmp;
            if (icmp.TryParse(frame, offset, length) != WireResult.Ok)
            {
                Counters.IcmpMalformed++;
                return;
            }

            Counters.IcmpIn++;
            byte type = icmp.Type;
            if (type == IcmpType.EchoRequest)
            {
                if (!unicastToUs)
                {
                    Counters.IcmpBroadcastEchoIgnored++; // no smurf amplification
                    return;
                }

                // Echo reply: same identifier, sequence and data (up to the MTU, which the request already fits).
                const int replyOffset = EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength;
                Array.Copy(frame, offset, _tx, replyOffset, length);
                IcmpPacket reply = _txIcmp;
                reply.Bind(_tx, replyOffset, length);
                reply.Type = IcmpType.EchoReply;
                reply.Code = 0;
                reply.FillChecksum();
                Counters.IcmpEchoReplies++;
                SendIpv4(_address, src, IpProtocol.Icmp, length);
                return;
            }

            if (type == IcmpType.EchoReply)
            {
                Counters.IcmpEchoRepliesIn++;
                LastEchoReplySequence = icmp.SequenceNumber;
                return;
            }

            if (type == IcmpType.DestinationUnreachable || type == IcmpType.TimeExceeded)
            {
                // The quoted datagram: its IP header and at least 8 bytes (the ports and sequence number).
                Ipv4Packet inner = _icmpQuote;
                inner.Bind(frame, icmp.DataOffset, icmp.DataLength);
                int innerLength = icmp.DataLength;
                if (innerLength < Ipv4Packet.MinimumHeaderLength + 8 || inner.Version != 4)
                {
                    Counters.IcmpMalformed++;
                    return;
                }

                int headerLength = inner.HeaderLength;
                if (headerLength < Ipv4Packet.MinimumHeaderLength || headerLength + 8 > innerLength || inner.SourceAddress != _address)
                {
                    Counters.IcmpMalformed++;
                    return;
                }

                Counters.IcmpErrorsIn++;
                if (inner.Protocol == IpProtocol.Tcp)
                {
                    int t = icmp.DataOffset + headerLength;
                    ushort localPort = NetOrder.ReadU16(frame, t);
                    ushort remotePort = NetOrder.ReadU16(frame, t + 2);
                    uint seq = NetOrder.ReadU32(frame, t + 4);
                    int mtu = type == IcmpType.DestinationUnreachable && icmp.Code == IcmpCode.FragmentationNeeded ? icmp.NextHopMtu : 0;
                    _transport.IcmpError(inner.SourceAddress, inner.DestinationAddress, localPort, remotePort, seq, type, icmp.Code, mtu);
                }
            }
        }

        /// <summary>
        /// Sends an ICMP error quoting the datagram at <paramref name="ipOffset"/> (its header and
        /// up to 548 bytes in all, RFC 1812 4.3.2.3), at most IcmpErrorsPerSecond per second.
        /// </summary>
        private void SendIcmpError(byte[] frame, int ipOffset, int ipLength, byte type, byte code, uint rest)
        {
            if (_now - _icmpWindowStart >= 1000)
            {
                _icmpWindowStart = _now;
                _icmpErrorsInWindow = 0;
            }

            if (_icmpErrorsInWindow >= _config.IcmpErrorsPerSecond)
            {
                Counters.IcmpRateLimited++;
                return;
            }

            _icmpErrorsInWindow++;
            uint destination = Ipv4Address.Read(frame, ipOffset + 12);
            int quote = ipLength < 548 ? ipLength : 548;
            const int icmpOffset = EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength;
            Array.Copy(frame, ipOffset, _tx, icmpOffset + IcmpPacket.HeaderLength, quote);
            IcmpPacket error = _txIcmp;
            error.Emit(_tx, icmpOffset, type, code, rest, quote);
            error.FillChecksum();
            Counters.IcmpErrorsOut++;
            SendIpv4(_address, destination, IpProtocol.Icmp, IcmpPacket.HeaderLength + quote);
        }

        /// <summary>
        /// Sends an ICMP echo request (ping) to <paramref name="destination"/> with
        /// <paramref name="dataLength"/> bytes of pattern data. Replies are counted in
        /// <see cref="NetworkCounters.IcmpEchoRepliesIn"/>.
        /// </summary>
        public bool Ping(uint destination, ushort identifier, ushort sequence, int dataLength)
        {
            if (dataLength < 0 || dataLength > _config.Mtu - Ipv4Packet.MinimumHeaderLength - IcmpPacket.HeaderLength || _address == 0)
            {
                return false;
            }

            const int icmpOffset = EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength;
            for (int i = 0; i < dataLength; i++)
            {
                _tx[icmpOffset + IcmpPacket.HeaderLength + i] = (byte)i;
            }

            IcmpPacket echo = _txIcmp;
            echo.Emit(_tx, icmpOffset, IcmpType.EchoRequest, 0, ((uint)identifier << 16) | sequence, dataLength);
            echo.FillChecksum();
            return SendIpv4(_address, destination, IpProtocol.Icmp, IcmpPacket.HeaderLength + dataLength);
        }
    }
}
