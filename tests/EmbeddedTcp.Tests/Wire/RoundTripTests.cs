using System;
using EmbeddedTcp.Wire;
using Xunit;

namespace EmbeddedTcp.Tests.Wire
{
    /// <summary>Emit, parse back, every field equal; setters write what getters read.</summary>
    public class RoundTripTests
    {
        private static readonly byte[] Mac1 = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };
        private static readonly byte[] Mac2 = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

        [Fact]
        public void Ethernet()
        {
            byte[] b = new byte[100];
            var e = new EthernetFrame();
            e.Emit(b, 3, Mac1, 0, Mac2, 0, EtherType.Arp, 46);
            Assert.Equal(60, e.Length);
            var p = new EthernetFrame();
            Assert.Equal(WireResult.Ok, p.TryParse(b, 3, 60));
            Assert.Equal(EtherType.Arp, p.EtherType);
            Assert.True(EthernetFrame.MacEquals(b, p.DestinationOffset, Mac1, 0));
            Assert.True(EthernetFrame.MacEquals(b, p.SourceOffset, Mac2, 0));
            Assert.False(EthernetFrame.MacEquals(b, p.SourceOffset, Mac1, 0));
            Assert.Equal(17, p.PayloadOffset);
            Assert.Equal(46, p.PayloadLength);
            Assert.False(p.IsBroadcast);
            Assert.False(p.IsMulticast);
            byte[] copy = new byte[6];
            p.CopySource(copy, 0);
            Assert.Equal(Mac2, copy);
            p.CopyDestination(copy, 0);
            Assert.Equal(Mac1, copy);
            p.SetDestination(Mac2, 0);
            p.SetSource(Mac1, 0);
            p.EtherType = EtherType.Ipv4;
            Assert.True(EthernetFrame.MacEquals(b, p.DestinationOffset, Mac2, 0));
            Assert.True(EthernetFrame.MacEquals(b, p.SourceOffset, Mac1, 0));
            Assert.Equal(0x08, b[15]);
            Assert.Equal(WireResult.Truncated, new EthernetFrame().TryParse(b, 3, 13));
            Assert.Equal(WireResult.Ok, p.TryParse(b, 3, 14));
            Assert.Equal(0, p.PayloadLength);
        }

        [Fact]
        public void Arp()
        {
            byte[] b = new byte[40];
            new ArpPacket().Emit(b, 2, ArpOperation.Reply, Mac1, 0, 0xC0000201, Mac2, 0, 0xC0000202);
            var a = new ArpPacket();
            Assert.Equal(WireResult.Ok, a.TryParse(b, 2, 38)); // padding allowed
            Assert.Equal(28, a.Length);
            Assert.Equal(ArpOperation.Reply, a.Operation);
            Assert.Equal(0xC0000201u, a.SenderProtocolAddress);
            Assert.Equal(0xC0000202u, a.TargetProtocolAddress);
            Assert.True(EthernetFrame.MacEquals(b, a.SenderHardwareOffset, Mac1, 0));
            Assert.True(EthernetFrame.MacEquals(b, a.TargetHardwareOffset, Mac2, 0));
            a.Operation = ArpOperation.Request;
            a.SenderProtocolAddress = 1;
            a.TargetProtocolAddress = 2;
            Assert.Equal(WireResult.Ok, a.TryParse(b, 2, 28));
            Assert.Equal(ArpOperation.Request, a.Operation);
            Assert.Equal(1u, a.SenderProtocolAddress);
            Assert.Equal(2u, a.TargetProtocolAddress);
            Assert.Equal(WireResult.Truncated, new ArpPacket().TryParse(b, 2, 27));
            b[2 + 7] = 3; // operation 3 (RARP request)
            Assert.Equal(WireResult.Unsupported, new ArpPacket().TryParse(b, 2, 28));
            b[2 + 7] = 1;
            b[2 + 4] = 8; // hardware length 8
            Assert.Equal(WireResult.Unsupported, new ArpPacket().TryParse(b, 2, 28));
        }

        [Fact]
        public void Ipv4()
        {
            byte[] b = new byte[80];
            var ip = new Ipv4Packet();
            ip.Emit(b, 4, 0xC0000201, 0xC0000202, IpProtocol.Udp, 30, 0xBEEF, 17, false);
            Assert.Equal(50, ip.Length);
            var p = new Ipv4Packet();
            Assert.Equal(WireResult.Ok, p.TryParse(b, 4, 76)); // trailing bytes (Ethernet padding) trimmed
            Assert.Equal(50, p.Length);
            Assert.Equal(4, p.Version);
            Assert.Equal(20, p.HeaderLength);
            Assert.Equal(50, p.TotalLength);
            Assert.Equal(0xBEEF, p.Identification);
            Assert.False(p.DontFragment);
            Assert.False(p.MoreFragments);
            Assert.Equal(17, p.Ttl);
            Assert.Equal(IpProtocol.Udp, p.Protocol);
            Assert.Equal(0xC0000201u, p.SourceAddress);
            Assert.Equal(0xC0000202u, p.DestinationAddress);
            Assert.Equal(24, p.PayloadOffset);
            Assert.Equal(30, p.PayloadLength);
            Assert.Equal(0, p.OptionsLength);

            // Every setter, then a refilled checksum parses back.
            p.TypeOfService = 0xB8;
            p.DontFragment = true;
            p.MoreFragments = true;
            p.FragmentOffset = 8 * 0x1ABC;
            p.Ttl = 1;
            p.Protocol = IpProtocol.Tcp;
            p.Identification = 7;
            p.SourceAddress = 0x0A000001;
            p.DestinationAddress = 0xFFFFFFFF;
            p.HeaderLength = 24;
            p.TotalLength = 54;
            b[24] = 1; b[25] = 1; b[26] = 1; b[27] = 0; // NOP NOP NOP EOL
            Assert.False(p.VerifyChecksum());
            Assert.Equal(WireResult.BadChecksum, new Ipv4Packet().TryParse(b, 4, 76));
            p.FillChecksum();
            Assert.True(p.VerifyChecksum());
            Assert.Equal(WireResult.Ok, p.TryParse(b, 4, 76));
            Assert.Equal(0xB8, p.TypeOfService);
            Assert.True(p.DontFragment);
            Assert.True(p.MoreFragments);
            Assert.True(p.IsFragment);
            Assert.Equal(8 * 0x1ABC, p.FragmentOffset);
            Assert.Equal(1, p.Ttl);
            Assert.Equal(IpProtocol.Tcp, p.Protocol);
            Assert.Equal(7, p.Identification);
            Assert.Equal(0x0A000001u, p.SourceAddress);
            Assert.Equal(0xFFFFFFFFu, p.DestinationAddress);
            Assert.Equal(24, p.HeaderLength);
            Assert.Equal(4, p.OptionsLength);
            Assert.Equal(24, p.OptionsOffset);
            Assert.Equal(28, p.PayloadOffset);
            Assert.Equal(30, p.PayloadLength);
            p.DontFragment = false;
            p.MoreFragments = false;
            Assert.True(p.IsFragment); // offset still non-zero
            Assert.Equal(8 * 0x1ABC, p.FragmentOffset);
            p.FragmentOffset = 0;
            Assert.False(p.IsFragment);
        }

        [Fact]
        public void Ipv4Rejections()
        {
            byte[] b = new byte[60];
            new Ipv4Packet().Emit(b, 0, 1, 2, IpProtocol.Tcp, 20, 1, 64, true);
            Assert.Equal(WireResult.Ok, new Ipv4Packet().TryParse(b, 0, 40));
            Assert.Equal(WireResult.Truncated, new Ipv4Packet().TryParse(b, 0, 39)); // total length beyond the bytes given
            Assert.Equal(WireResult.Truncated, new Ipv4Packet().TryParse(b, 0, 19));
            byte[] c = (byte[])b.Clone();
            c[0] = 0x65; // version 6
            Assert.Equal(WireResult.Unsupported, new Ipv4Packet().TryParse(c, 0, 40));
            c = (byte[])b.Clone();
            var v = new Ipv4Packet();
            v.Bind(c, 0, 40);
            v.HeaderLength = 16; // IHL 4
            v.FillChecksum();
            Assert.Equal(WireResult.Malformed, new Ipv4Packet().TryParse(c, 0, 40));
            c = (byte[])b.Clone();
            v.Bind(c, 0, 40);
            v.TotalLength = 19; // shorter than the header
            v.FillChecksum();
            Assert.Equal(WireResult.Malformed, new Ipv4Packet().TryParse(c, 0, 40));
            c = (byte[])b.Clone();
            v.Bind(c, 0, 40);
            v.HeaderLength = 60; v.TotalLength = 40; // IHL 15 says 60 bytes of header, total length 40
            Assert.Equal(WireResult.Malformed, new Ipv4Packet().TryParse(c, 0, 60));
            c[8] ^= 1;
            Assert.Equal(WireResult.Malformed, new Ipv4Packet().TryParse(c, 0, 60));
            var bad = new Ipv4Packet();
            Assert.Equal(WireResult.Ok, bad.TryParse(b, 0, 40));
            b[8] ^= 0x10;
            Assert.Equal(WireResult.BadChecksum, bad.TryParse(b, 0, 40));
            Assert.Null(bad.Buffer); // a failed parse unbinds the (reused) view
            Assert.Equal(0, bad.Length);
        }

        [Fact]
        public void Icmp()
        {
            byte[] b = new byte[64];
            var e = new IcmpPacket();
            e.Emit(b, 1, IcmpType.DestinationUnreachable, IcmpCode.FragmentationNeeded, 0, 28);
            e.NextHopMtu = 576;
            for (int i = 0; i < 28; i++)
            {
                b[e.DataOffset + i] = (byte)(i * 7);
            }

            e.FillChecksum();
            Assert.True(e.VerifyChecksum());
            var p = new IcmpPacket();
            Assert.Equal(WireResult.Ok, p.TryParse(b, 1, 36));
            Assert.Equal(IcmpType.DestinationUnreachable, p.Type);
            Assert.Equal(IcmpCode.FragmentationNeeded, p.Code);
            Assert.Equal(576, p.NextHopMtu);
            Assert.Equal(576u, p.RestOfHeader);
            Assert.Equal(9, p.PayloadOffset);
            Assert.Equal(28, p.PayloadLength);
            p.Type = IcmpType.EchoRequest;
            p.Code = 0;
            p.Identifier = 0x1234;
            p.SequenceNumber = 0x5678;
            Assert.False(p.VerifyChecksum());
            Assert.Equal(WireResult.BadChecksum, new IcmpPacket().TryParse(b, 1, 36));
            p.FillChecksum();
            Assert.Equal(WireResult.Ok, p.TryParse(b, 1, 36));
            Assert.Equal(0x12345678u, p.RestOfHeader);
            Assert.Equal(0x1234, p.Identifier);
            Assert.Equal(0x5678, p.SequenceNumber);
            p.RestOfHeader = 0;
            p.Checksum = 0;
            Assert.Equal(0, p.Checksum);
            Assert.Equal(WireResult.Truncated, new IcmpPacket().TryParse(b, 1, 7));
        }

        [Fact]
        public void Udp()
        {
            byte[] b = new byte[64];
            var u = new UdpPacket();
            u.Emit(b, 2, 5353, 53, 10);
            Assert.Equal(18, u.Length);
            for (int i = 0; i < 10; i++)
            {
                b[u.PayloadOffset + i] = (byte)(i + 1);
            }

            u.FillChecksum(0xC0000201, 0xC0000202);
            Assert.NotEqual(0, u.Checksum);
            var p = new UdpPacket();
            Assert.Equal(WireResult.Ok, p.TryParse(b, 2, 40, 0xC0000201, 0xC0000202)); // trailing bytes ignored
            Assert.Equal(18, p.Length);
            Assert.Equal(5353, p.SourcePort);
            Assert.Equal(53, p.DestinationPort);
            Assert.Equal(18, p.DatagramLength);
            Assert.Equal(10, p.PayloadLength);
            Assert.Equal(10, p.PayloadOffset);
            Assert.Equal(WireResult.BadChecksum, new UdpPacket().TryParse(b, 2, 40, 0xC0000201, 0xC0000203));
            p.Checksum = 0; // "no checksum" is accepted on receive
            Assert.Equal(WireResult.Ok, new UdpPacket().TryParse(b, 2, 40, 0xC0000201, 0xC0000203));
            p.SourcePort = 1; p.DestinationPort = 2; p.DatagramLength = 7;
            Assert.Equal(WireResult.Malformed, new UdpPacket().TryParse(b, 2, 40));
            p.DatagramLength = 41;
            Assert.Equal(WireResult.Truncated, new UdpPacket().TryParse(b, 2, 40));
            Assert.Equal(WireResult.Truncated, new UdpPacket().TryParse(b, 2, 7));
        }

        /// <summary>A datagram whose checksum computes to 0 is sent as 0xFFFF (RFC 768), and that verifies.</summary>
        [Fact]
        public void UdpComputedZeroIsSentAsAllOnes()
        {
            byte[] b = new byte[10];
            var u = new UdpPacket();
            u.Emit(b, 0, 0, 0, 2);
            // Choose the 2 payload bytes so the one's complement sum is 0xFFFF, i.e. the checksum computes to 0.
            uint partial = Checksum.PseudoHeader(0, 0, IpProtocol.Udp, 10) + Checksum.Accumulate(0, b, 0, 8);
            partial = (partial & 0xFFFF) + (partial >> 16);
            NetOrder.WriteU16(b, 8, (ushort)(0xFFFF - partial));
            u.FillChecksum(0, 0);
            Assert.Equal(0xFFFF, u.Checksum);
            Assert.True(u.VerifyChecksum(0, 0));
        }

        [Fact]
        public void Tcp()
        {
            byte[] b = new byte[100];
            var t = new TcpHeader();
            t.Emit(b, 5, 1234, 80, 0xFFFFFFF0, 0x01020304, TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Ece, 29200, 12, 3);
            Assert.Equal(35, t.Length);
            int n = TcpOptions.WriteMss(b, t.OptionsOffset, 1460);
            n += TcpOptions.WriteTimestamps(b, t.OptionsOffset + n, 1, 2);
            Assert.Equal(16, n); // more than promised: fix header length
            t.HeaderLength = 36;
            t.Bind(b, 5, 39);
            b[t.PayloadOffset] = 0xAA; b[t.PayloadOffset + 1] = 0xBB; b[t.PayloadOffset + 2] = 0xCC;
            t.FillChecksum(1, 2);
            var p = new TcpHeader();
            Assert.Equal(WireResult.Ok, p.TryParse(b, 5, 39, 1, 2));
            Assert.Equal(1234, p.SourcePort);
            Assert.Equal(80, p.DestinationPort);
            Assert.Equal(0xFFFFFFF0u, p.SequenceNumber);
            Assert.Equal(0x01020304u, p.AckNumber);
            Assert.Equal(TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Ece, p.Flags);
            Assert.Equal(29200, p.Window);
            Assert.Equal(36, p.HeaderLength);
            Assert.Equal(25, p.OptionsOffset);
            Assert.Equal(16, p.OptionsLength);
            Assert.Equal(41, p.PayloadOffset);
            Assert.Equal(3, p.PayloadLength);
            Assert.Equal(4, p.SegmentLength); // 3 bytes + SYN
            Assert.Equal(0xAA, b[p.PayloadOffset]);
            var o = new TcpOptions();
            Assert.Equal(WireResult.Ok, o.Parse(b, p.OptionsOffset, p.OptionsLength));
            Assert.Equal(1460, o.Mss);
            Assert.Equal(1u, o.TsVal);
            Assert.Equal(2u, o.TsEcr);

            // Every setter.
            p.SourcePort = 9; p.DestinationPort = 10; p.SequenceNumber = 11; p.AckNumber = 12;
            p.Flags = TcpFlags.Fin | TcpFlags.Psh | TcpFlags.Urg | TcpFlags.Cwr | TcpFlags.Rst; p.Window = 13; p.UrgentPointer = 14;
            b[5 + 12] |= 0x01; // the NS/AE bit lives beside the data offset and must survive a HeaderLength change
            p.HeaderLength = 20;
            Assert.Equal(0x51, b[5 + 12]);
            Assert.Equal(WireResult.BadChecksum, new TcpHeader().TryParse(b, 5, 39, 1, 2));
            p.FillChecksum(1, 2);
            Assert.True(p.VerifyChecksum(1, 2));
            Assert.Equal(WireResult.Ok, p.TryParse(b, 5, 39, 1, 2));
            Assert.Equal(9, p.SourcePort); Assert.Equal(10, p.DestinationPort);
            Assert.Equal(11u, p.SequenceNumber); Assert.Equal(12u, p.AckNumber);
            Assert.Equal(TcpFlags.Fin | TcpFlags.Psh | TcpFlags.Urg | TcpFlags.Cwr | TcpFlags.Rst, p.Flags);
            Assert.Equal(13, p.Window); Assert.Equal(14, p.UrgentPointer);
            Assert.Equal(19, p.PayloadLength);
            Assert.Equal(20, p.SegmentLength); // + FIN
            p.Checksum = 0x1234;
            Assert.Equal(0x1234, p.Checksum);
        }

        [Fact]
        public void TcpRejections()
        {
            byte[] b = new byte[60];
            new TcpHeader().Emit(b, 0, 1, 2, 3, 4, TcpFlags.Ack, 5, 8, 0);
            Assert.Equal(WireResult.Ok, new TcpHeader().TryParse(b, 0, 28));
            Assert.Equal(WireResult.Truncated, new TcpHeader().TryParse(b, 0, 27)); // data offset past the segment
            Assert.Equal(WireResult.Truncated, new TcpHeader().TryParse(b, 0, 19));
            var bad = new TcpHeader();
            Assert.Equal(WireResult.Ok, bad.TryParse(b, 0, 28));
            b[12] = 0x40; // data offset 4
            Assert.Equal(WireResult.Malformed, bad.TryParse(b, 0, 28));
            Assert.Null(bad.Buffer); // a failed parse unbinds the (reused) view
            Assert.Equal(0, bad.Length);
            Assert.Equal(WireResult.Truncated, new TcpHeader().TryParse(b, 50, 20));
            Assert.Equal(WireResult.Truncated, new TcpHeader().TryParse(null, 0, 20));
        }

        [Fact]
        public void NoParserThrowsOnBadArguments()
        {
            byte[] b = new byte[64];
            int[] offsets = { int.MinValue, -1, 0, 1, 63, 64, 65, int.MaxValue };
            int[] lengths = { int.MinValue, -1, 0, 1, 7, 8, 14, 20, 28, 64, 65, int.MaxValue };
            foreach (byte[] buf in new[] { null, b })
            {
                foreach (int o in offsets)
                {
                    foreach (int l in lengths)
                    {
                        bool inBounds = buf != null && o >= 0 && l >= 0 && (long)o + l <= buf.Length;
                        if (!inBounds)
                        {
                            Assert.Equal(WireResult.Truncated, new EthernetFrame().TryParse(buf, o, l));
                            Assert.Equal(WireResult.Truncated, new ArpPacket().TryParse(buf, o, l));
                            Assert.Equal(WireResult.Truncated, new Ipv4Packet().TryParse(buf, o, l));
                            Assert.Equal(WireResult.Truncated, new IcmpPacket().TryParse(buf, o, l));
                            Assert.Equal(WireResult.Truncated, new UdpPacket().TryParse(buf, o, l, 1, 2));
                            Assert.Equal(WireResult.Truncated, new TcpHeader().TryParse(buf, o, l, 1, 2));
                            Assert.Equal(WireResult.Truncated, new TcpOptions().Parse(buf, o, l));
                        }
                        else
                        {
                            new EthernetFrame().TryParse(buf, o, l);
                            new ArpPacket().TryParse(buf, o, l);
                            new Ipv4Packet().TryParse(buf, o, l);
                            new IcmpPacket().TryParse(buf, o, l);
                            new UdpPacket().TryParse(buf, o, l, 1, 2);
                            new TcpHeader().TryParse(buf, o, l, 1, 2);
                            Assert.Equal(WireResult.Ok, new TcpOptions().Parse(buf, o, l)); // all zeros = EOL
                        }
                    }
                }
            }
        }
    }
}
