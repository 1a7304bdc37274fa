using EmbeddedTcp.Wire;
using Xunit;

namespace EmbeddedTcp.Tests.Wire
{
    /// <summary>Known-answer tests against frames the Linux kernel sent (see <see cref="RealFrames"/>).</summary>
    public class KnownFrameTests
    {
        private static Ipv4Packet ParseIp(byte[] f, byte protocol)
        {
            var eth = new EthernetFrame();
            Assert.Equal(WireResult.Ok, eth.TryParse(f, 0, f.Length));
            Assert.Equal(EtherType.Ipv4, eth.EtherType);
            var ip = new Ipv4Packet();
            Assert.Equal(WireResult.Ok, ip.TryParse(f, eth.PayloadOffset, eth.PayloadLength));
            Assert.Equal(protocol, ip.Protocol);
            Assert.Equal(f.Length, ip.PayloadOffset + ip.PayloadLength);
            return ip;
        }

        [Fact]
        public void ArpRequestFromLinux()
        {
            byte[] f = RealFrames.Hex(RealFrames.ArpRequest);
            var eth = new EthernetFrame();
            Assert.Equal(WireResult.Ok, eth.TryParse(f, 0, f.Length));
            Assert.True(eth.IsBroadcast);
            Assert.True(eth.IsMulticast);
            Assert.True(EthernetFrame.MacEquals(f, eth.SourceOffset, RealFrames.MacA, 0));
            Assert.Equal(EtherType.Arp, eth.EtherType);
            var arp = new ArpPacket();
            Assert.Equal(WireResult.Ok, arp.TryParse(f, eth.PayloadOffset, eth.PayloadLength));
            Assert.Equal(ArpOperation.Request, arp.Operation);
            Assert.Equal(1, arp.HardwareType);
            Assert.Equal(0x0800, arp.ProtocolType);
            Assert.True(EthernetFrame.MacEquals(f, arp.SenderHardwareOffset, RealFrames.MacA, 0));
            Assert.Equal(RealFrames.HostA, arp.SenderProtocolAddress);
            Assert.Equal(RealFrames.HostB, arp.TargetProtocolAddress);
            for (int i = 0; i < 6; i++)
            {
                Assert.Equal(0, f[arp.TargetHardwareOffset + i]);
            }

            // Our emitter produces the identical bytes.
            byte[] ours = new byte[42];
            EthernetFrame.WriteBroadcastMac(ours, 0);
            new EthernetFrame().Emit(ours, 0, ours, 0, RealFrames.MacA, 0, EtherType.Arp, 28);
            new ArpPacket().Emit(ours, 14, ArpOperation.Request, RealFrames.MacA, 0, RealFrames.HostA, null, 0, RealFrames.HostB);
            Assert.Equal(f, ours);
        }

        [Fact]
        public void ArpReplyFromLinux()
        {
            byte[] f = RealFrames.Hex(RealFrames.ArpReply);
            var arp = new ArpPacket();
            Assert.Equal(WireResult.Ok, arp.TryParse(f, 14, f.Length - 14));
            Assert.Equal(ArpOperation.Reply, arp.Operation);
            Assert.True(EthernetFrame.MacEquals(f, arp.SenderHardwareOffset, RealFrames.MacB, 0));
            Assert.True(EthernetFrame.MacEquals(f, arp.TargetHardwareOffset, RealFrames.MacA, 0));
            Assert.Equal(RealFrames.HostB, arp.SenderProtocolAddress);
            Assert.Equal(RealFrames.HostA, arp.TargetProtocolAddress);

            byte[] ours = new byte[42];
            new EthernetFrame().Emit(ours, 0, RealFrames.MacA, 0, RealFrames.MacB, 0, EtherType.Arp, 28);
            new ArpPacket().Emit(ours, 14, ArpOperation.Reply, RealFrames.MacB, 0, RealFrames.HostB, RealFrames.MacA, 0, RealFrames.HostA);
            Assert.Equal(f, ours);
        }

        [Fact]
        public void PingRequestAndReplyFromLinux()
        {
            byte[] f = RealFrames.Hex(RealFrames.PingRequest);
            Ipv4Packet ip = ParseIp(f, IpProtocol.Icmp);
            Assert.Equal(20, ip.HeaderLength);
            Assert.Equal(84, ip.TotalLength);
            Assert.Equal(0x5366, ip.Identification);
            Assert.True(ip.DontFragment);
            Assert.False(ip.MoreFragments);
            Assert.Equal(0, ip.FragmentOffset);
            Assert.False(ip.IsFragment);
            Assert.Equal(64, ip.Ttl);
            Assert.Equal(0x633f, ip.HeaderChecksum);
            Assert.Equal(RealFrames.HostA, ip.SourceAddress);
            Assert.Equal(RealFrames.HostB, ip.DestinationAddress);
            var icmp = new IcmpPacket();
            Assert.Equal(WireResult.Ok, icmp.TryParse(f, ip.PayloadOffset, ip.PayloadLength));
            Assert.Equal(IcmpType.EchoRequest, icmp.Type);
            Assert.Equal(0, icmp.Code);
            Assert.Equal(0x113b, icmp.Identifier);
            Assert.Equal(1, icmp.SequenceNumber);
            Assert.Equal(56, icmp.DataLength);

            // Re-emitting the same fields gives the kernel's bytes, checksums included.
            byte[] ours = new byte[f.Length];
            new EthernetFrame().Emit(ours, 0, RealFrames.MacB, 0, RealFrames.MacA, 0, EtherType.Ipv4, 84);
            new Ipv4Packet().Emit(ours, 14, RealFrames.HostA, RealFrames.HostB, IpProtocol.Icmp, 64, 0x5366, 64, true);
            var e = new IcmpPacket();
            e.Emit(ours, 34, IcmpType.EchoRequest, 0, 0x113b0001, 56);
            System.Array.Copy(f, 42, ours, 42, 56);
            e.FillChecksum();
            Assert.Equal(f, ours);

            // The reply: turn the request around in place the way a stack answers a ping, checksum by RFC 1624.
            byte[] r = RealFrames.Hex(RealFrames.PingReply);
            Ipv4Packet rip = ParseIp(r, IpProtocol.Icmp);
            var reply = new IcmpPacket();
            Assert.Equal(WireResult.Ok, reply.TryParse(r, rip.PayloadOffset, rip.PayloadLength));
            Assert.Equal(IcmpType.EchoReply, reply.Type);
            ushort patched = Checksum.Update(icmp.Checksum, (ushort)(IcmpType.EchoRequest << 8), (ushort)(IcmpType.EchoReply << 8));
            Assert.Equal(reply.Checksum, patched);
        }

        [Fact]
        public void LinuxSynWithAllOptions()
        {
            byte[] f = RealFrames.Hex(RealFrames.TcpSyn);
            Ipv4Packet ip = ParseIp(f, IpProtocol.Tcp);
            var tcp = new TcpHeader();
            Assert.Equal(WireResult.Ok, tcp.TryParse(f, ip.PayloadOffset, ip.PayloadLength, ip.SourceAddress, ip.DestinationAddress));
            Assert.Equal(49124, tcp.SourcePort);
            Assert.Equal(80, tcp.DestinationPort);
            Assert.Equal(0x299809d7u, tcp.SequenceNumber);
            Assert.Equal(0u, tcp.AckNumber);
            Assert.Equal(40, tcp.HeaderLength);
            Assert.Equal(TcpFlags.Syn, tcp.Flags);
            Assert.Equal(64240, tcp.Window);
            Assert.Equal(0x13d0, tcp.Checksum);
            Assert.Equal(0, tcp.UrgentPointer);
            Assert.Equal(20, tcp.OptionsLength);
            Assert.Equal(0, tcp.PayloadLength);
            Assert.Equal(1, tcp.SegmentLength);
            var o = new TcpOptions();
            Assert.Equal(WireResult.Ok, o.Parse(f, tcp.OptionsOffset, tcp.OptionsLength));
            Assert.Equal(1460, o.Mss);
            Assert.True(o.SackPermitted);
            Assert.True(o.HasTimestamps);
            Assert.Equal(3897088331u, o.TsVal);
            Assert.Equal(0u, o.TsEcr);
            Assert.Equal(10, o.WindowScale);
            Assert.Equal(0, o.SackBlockCount);
        }

        [Fact]
        public void LinuxRstAck()
        {
            byte[] f = RealFrames.Hex(RealFrames.TcpRstAck);
            Ipv4Packet ip = ParseIp(f, IpProtocol.Tcp);
            Assert.Equal(0, ip.Identification);
            var tcp = new TcpHeader();
            Assert.Equal(WireResult.Ok, tcp.TryParse(f, ip.PayloadOffset, ip.PayloadLength, ip.SourceAddress, ip.DestinationAddress));
            Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, tcp.Flags);
            Assert.True(tcp.HasFlags(TcpFlags.Rst));
            Assert.False(tcp.HasFlags(TcpFlags.Syn));
            Assert.Equal(0x0d6ab9dau, tcp.AckNumber);
            Assert.Equal(0, tcp.Window);
            Assert.Equal(0, tcp.OptionsLength);
            var o = new TcpOptions();
            Assert.Equal(WireResult.Ok, o.Parse(f, tcp.OptionsOffset, tcp.OptionsLength));
            Assert.Equal(0, o.Mss);
            Assert.Equal(-1, o.WindowScale);

            // Emit the same segment ourselves: identical bytes.
            byte[] ours = new byte[f.Length];
            new EthernetFrame().Emit(ours, 0, RealFrames.MacA, 0, RealFrames.MacB, 0, EtherType.Ipv4, 40);
            new Ipv4Packet().Emit(ours, 14, RealFrames.HostB, RealFrames.HostA, IpProtocol.Tcp, 20, 0, 64, true);
            var t = new TcpHeader();
            t.Emit(ours, 34, 80, 52944, 0, 0x0d6ab9da, TcpFlags.Rst | TcpFlags.Ack, 0, 0, 0);
            t.FillChecksum(RealFrames.HostB, RealFrames.HostA);
            Assert.Equal(f, ours);
        }

        [Fact]
        public void LinuxDnsQuery()
        {
            byte[] f = RealFrames.Hex(RealFrames.DnsQuery);
            Ipv4Packet ip = ParseIp(f, IpProtocol.Udp);
            var udp = new UdpPacket();
            Assert.Equal(WireResult.Ok, udp.TryParse(f, ip.PayloadOffset, ip.PayloadLength, ip.SourceAddress, ip.DestinationAddress));
            Assert.Equal(50984, udp.SourcePort);
            Assert.Equal(53, udp.DestinationPort);
            Assert.Equal(37, udp.DatagramLength);
            Assert.Equal(29, udp.PayloadLength);
            Assert.Equal(0x3907, udp.Checksum);
            Assert.Equal(0xab, f[udp.PayloadOffset]);

            byte[] ours = (byte[])f.Clone();
            var ourUdp = new UdpPacket();
            ourUdp.Bind(ours, 34, 37);
            ourUdp.FillChecksum(RealFrames.HostA, RealFrames.HostB);
            Assert.Equal(f, ours);
        }

        [Fact]
        public void LinuxPortUnreachableQuotesTheQuery()
        {
            byte[] f = RealFrames.Hex(RealFrames.PortUnreachable);
            Ipv4Packet ip = ParseIp(f, IpProtocol.Icmp);
            Assert.Equal(0xc0, ip.TypeOfService);
            var icmp = new IcmpPacket();
            Assert.Equal(WireResult.Ok, icmp.TryParse(f, ip.PayloadOffset, ip.PayloadLength));
            Assert.Equal(IcmpType.DestinationUnreachable, icmp.Type);
            Assert.Equal(IcmpCode.PortUnreachable, icmp.Code);
            var inner = new Ipv4Packet();
            // The quoted datagram parses as the original query (its IP checksum still holds).
            Assert.Equal(WireResult.Ok, inner.TryParse(f, icmp.DataOffset, icmp.DataLength));
            Assert.Equal(IpProtocol.Udp, inner.Protocol);
            Assert.Equal(RealFrames.HostA, inner.SourceAddress);
            var quoted = new UdpPacket();
            Assert.Equal(WireResult.Ok, quoted.TryParse(f, inner.PayloadOffset, inner.PayloadLength));
            Assert.Equal(42988, quoted.SourcePort);
        }

        [Fact]
        public void LinuxTimeExceeded()
        {
            byte[] f = RealFrames.Hex(RealFrames.TimeExceeded);
            Ipv4Packet ip = ParseIp(f, IpProtocol.Icmp);
            Assert.Equal(RealFrames.Router, ip.SourceAddress);
            var icmp = new IcmpPacket();
            Assert.Equal(WireResult.Ok, icmp.TryParse(f, ip.PayloadOffset, ip.PayloadLength));
            Assert.Equal(IcmpType.TimeExceeded, icmp.Type);
            Assert.Equal(IcmpCode.TtlExceeded, icmp.Code);
            Assert.Equal(0u, icmp.RestOfHeader);
            var inner = new Ipv4Packet();
            Assert.Equal(WireResult.Ok, inner.TryParse(f, icmp.DataOffset, icmp.DataLength));
            Assert.Equal(1, inner.Ttl);
        }

        [Fact]
        public void LinuxFragmentationNeededCarriesNextHopMtu()
        {
            byte[] f = RealFrames.Hex(RealFrames.FragmentationNeeded);
            Assert.Equal(590, f.Length);
            Ipv4Packet ip = ParseIp(f, IpProtocol.Icmp);
            var icmp = new IcmpPacket();
            Assert.Equal(WireResult.Ok, icmp.TryParse(f, ip.PayloadOffset, ip.PayloadLength));
            Assert.Equal(IcmpType.DestinationUnreachable, icmp.Type);
            Assert.Equal(IcmpCode.FragmentationNeeded, icmp.Code);
            Assert.Equal(1000, icmp.NextHopMtu);
            var inner = new Ipv4Packet();
            // The quoted header says 1228 bytes but only part is quoted: parsing it as a packet is Truncated, not a crash.
            Assert.Equal(WireResult.Truncated, inner.TryParse(f, icmp.DataOffset, icmp.DataLength));
            Assert.Null(inner.Buffer);
            Assert.Equal(1228, (f[icmp.DataOffset + 2] << 8) | f[icmp.DataOffset + 3]);
        }

        /// <summary>
        /// Every single-bit flip inside the checksummed bytes of every real IP frame makes the checksum fail
        /// (the one's complement sum always detects a single-bit error). Flips outside (Ethernet header) do not matter.
        /// </summary>
        [Fact]
        public void EverySingleBitFlipIsRejected()
        {
            string[] ipFrames = { RealFrames.PingRequest, RealFrames.PingReply, RealFrames.TcpSyn, RealFrames.TcpRstAck, RealFrames.DnsQuery, RealFrames.PortUnreachable, RealFrames.TimeExceeded, RealFrames.FragmentationNeeded };
            int flips = 0;
            foreach (string hex in ipFrames)
            {
                byte[] f = RealFrames.Hex(hex);
                Assert.True(FullyValid(f));
                for (int bit = 14 * 8; bit < f.Length * 8; bit++)
                {
                    f[bit >> 3] ^= (byte)(1 << (bit & 7));
                    Assert.False(FullyValid(f), "bit " + bit + " of " + hex.Substring(0, 40));
                    f[bit >> 3] ^= (byte)(1 << (bit & 7));
                    flips++;
                }
                Assert.True(FullyValid(f));
            }
            Assert.Equal(8784, flips);
        }

        /// <summary>IP header checksum and the transport checksum both verify, all lengths consistent.</summary>
        private static bool FullyValid(byte[] f)
        {
            var eth = new EthernetFrame();
            if (eth.TryParse(f, 0, f.Length) != WireResult.Ok)
            {
                return false;
            }

            var ip = new Ipv4Packet();
            if (ip.TryParse(f, eth.PayloadOffset, eth.PayloadLength) != WireResult.Ok)
            {
                return false;
            }

            if (ip.PayloadOffset + ip.PayloadLength != f.Length)
            {
                return false; // a flipped length bit
            }

            switch (ip.Protocol)
            {
                case IpProtocol.Tcp:
                    return new TcpHeader().TryParse(f, ip.PayloadOffset, ip.PayloadLength, ip.SourceAddress, ip.DestinationAddress) == WireResult.Ok;
                case IpProtocol.Udp:
                    var u = new UdpPacket();
                    return u.TryParse(f, ip.PayloadOffset, ip.PayloadLength, ip.SourceAddress, ip.DestinationAddress) == WireResult.Ok
                        && u.Length == ip.PayloadLength && u.Checksum != 0;
                case IpProtocol.Icmp:
                    return new IcmpPacket().TryParse(f, ip.PayloadOffset, ip.PayloadLength) == WireResult.Ok;
                default:
                    return false;
            }
        }
    }
}
