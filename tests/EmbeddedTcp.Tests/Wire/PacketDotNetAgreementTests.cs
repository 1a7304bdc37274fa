using System;
using System.Net;
using System.Net.NetworkInformation;
using EmbeddedTcp.Wire;
using PacketDotNet;
using PacketDotNet.Tcp;
using Xunit;
using PdnArp = PacketDotNet.ArpPacket;
using PdnTcp = PacketDotNet.TcpPacket;
using PdnUdp = PacketDotNet.UdpPacket;

namespace EmbeddedTcp.Tests.Wire
{
    /// <summary>An independent decoder (PacketDotNet 1.4.8) agrees with what we emit and we agree with what it builds.</summary>
    public class PacketDotNetAgreementTests
    {
        private static uint Ip(IPAddress a) { byte[] b = a.GetAddressBytes(); return NetOrder.ReadU32(b, 0); }
        private static IPAddress Ip(uint a) { byte[] b = new byte[4]; NetOrder.WriteU32(b, 0, a); return new IPAddress(b); }

        [Theory]
        [InlineData(0, 3000)]
        [InlineData(1, 2000)]
        [InlineData(2, 2000)]
        [InlineData(3, 1000)]
        public void PacketDotNetDecodesWhatWeEmit(int kind, int count)
        {
            var rng = new Random(20261125 + kind);
            byte[] buf = new byte[1600];
            int sackSeen = 0, optionsSeen = 0, urgSkipped = 0;
            for (int n = 0; n < count; n++)
            {
                FrameSpec s = RandomFrames.Build(rng, buf, kind);
                byte[] frame = buf.AsSpan(0, s.FrameLength).ToArray();
                var eth = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, frame);
                string ctx = "kind " + kind + " frame " + n + ": " + Convert.ToHexString(frame);
                Assert.True(eth.DestinationHardwareAddress.GetAddressBytes().AsSpan().SequenceEqual(s.Dst), ctx);
                Assert.True(eth.SourceHardwareAddress.GetAddressBytes().AsSpan().SequenceEqual(s.Src), ctx);
                if (kind == 3)
                {
                    Assert.Equal(EthernetType.Arp, eth.Type);
                    var arp = eth.Extract<PdnArp>();
                    Assert.NotNull(arp);
                    Assert.Equal(s.ArpOp, (ushort)arp.Operation);
                    Assert.Equal(s.SrcIp, Ip(arp.SenderProtocolAddress));
                    Assert.Equal(s.DstIp, Ip(arp.TargetProtocolAddress));
                    Assert.True(arp.SenderHardwareAddress.GetAddressBytes().AsSpan().SequenceEqual(s.Src));
                    Assert.True(arp.TargetHardwareAddress.GetAddressBytes().AsSpan().SequenceEqual(s.Dst));
                    continue;
                }
                Assert.Equal(EthernetType.IPv4, eth.Type);
                var ip = eth.Extract<IPv4Packet>();
                Assert.NotNull(ip);
                Assert.True(ip.ValidIPChecksum, ctx);
                Assert.Equal(5 + s.IpOptionsLength / 4, ip.HeaderLength);
                Assert.Equal(s.FrameLength - 14, ip.TotalLength);
                Assert.Equal(s.Id, ip.Id);
                Assert.Equal(s.Ttl, ip.TimeToLive);
                Assert.Equal(s.Tos, ip.TypeOfService);
                Assert.Equal(s.Df ? 2 : 0, ip.FragmentFlags);
                Assert.Equal(0, ip.FragmentOffset);
                Assert.Equal(s.SrcIp, Ip(ip.SourceAddress));
                Assert.Equal(s.DstIp, Ip(ip.DestinationAddress));
                if (kind == 0)
                {
                    Assert.Equal(ProtocolType.Tcp, ip.Protocol);
                    var tcp = eth.Extract<PdnTcp>();
                    Assert.NotNull(tcp);
                    Assert.True(tcp.ValidTcpChecksum, ctx);
                    Assert.Equal(s.SrcPort, tcp.SourcePort);
                    Assert.Equal(s.DstPort, tcp.DestinationPort);
                    Assert.Equal(s.Seq, tcp.SequenceNumber);
                    Assert.Equal(s.Ack, tcp.AcknowledgmentNumber);
                    Assert.Equal(5 + s.OptionsLength / 4, tcp.DataOffset);
                    Assert.Equal(s.Flags, tcp.Flags & 0xFF);
                    Assert.Equal((s.Flags & TcpFlags.Syn) != 0, tcp.Synchronize);
                    Assert.Equal((s.Flags & TcpFlags.Fin) != 0, tcp.Finished);
                    Assert.Equal((s.Flags & TcpFlags.Cwr) != 0, tcp.CongestionWindowReduced);
                    Assert.Equal(s.Window, tcp.WindowSize);
                    Assert.Equal(s.Urgent, (ushort)tcp.UrgentPointer); // PacketDotNet reads it as a signed 16-bit value
                    Assert.Equal(s.PayloadLength, tcp.PayloadData == null ? 0 : tcp.PayloadData.Length);
                    // Options, as PacketDotNet decodes them. PacketDotNet 1.4.8 throws NotImplementedException for
                    // options when URG is set, so those frames are checked by header fields only.
                    if ((s.Flags & TcpFlags.Urg) != 0) { urgSkipped++; continue; }
                    int mss = 0, ws = -1, sackBlocks = 0; bool sackPerm = false, ts = false; uint tsVal = 0, tsEcr = 0;
                    foreach (TcpOption opt in (System.Collections.Generic.IEnumerable<TcpOption>)tcp.OptionsCollection ?? Array.Empty<TcpOption>())
                    {
                        optionsSeen++;
                        switch (opt)
                        {
                            case MaximumSegmentSizeOption m: mss = m.Value; break;
                            case WindowScaleFactorOption w: ws = w.ScaleFactor; break;
                            case SelectiveAcknowledgmentPermittedOption: sackPerm = true; break;
                            case TimeStampOption t: ts = true; tsVal = t.Value; tsEcr = t.EchoReply; break;
                            case SelectiveAcknowledgmentOption sack:
                                // PacketDotNet 1.4.8 exposes SACK edges as ushort[] (a bug), so read its raw option bytes.
                                byte[] raw = sack.Bytes;
                                Assert.Equal(5, raw[0]);
                                sackBlocks = (raw[1] - 2) / 8;
                                for (int i = 0; i < sackBlocks; i++)
                                {
                                    Assert.Equal(s.Options.GetSackLeft(i), NetOrder.ReadU32(raw, 2 + 8 * i));
                                    Assert.Equal(s.Options.GetSackRight(i), NetOrder.ReadU32(raw, 6 + 8 * i));
                                }
                                sackSeen++;
                                break;
                        }
                    }
                    Assert.Equal(s.Options.Mss, mss);
                    Assert.Equal(s.Options.WindowScale, ws);
                    Assert.Equal(s.Options.SackPermitted, sackPerm);
                    Assert.Equal(s.Options.HasTimestamps, ts);
                    Assert.Equal(s.Options.TsVal, tsVal);
                    Assert.Equal(s.Options.TsEcr, tsEcr);
                    Assert.Equal(s.Options.SackBlockCount, sackBlocks);
                }
                else if (kind == 1)
                {
                    Assert.Equal(ProtocolType.Udp, ip.Protocol);
                    var udp = eth.Extract<PdnUdp>();
                    Assert.NotNull(udp);
                    Assert.True(udp.ValidUdpChecksum, ctx);
                    Assert.NotEqual(0, udp.Checksum);
                    Assert.Equal(s.SrcPort, udp.SourcePort);
                    Assert.Equal(s.DstPort, udp.DestinationPort);
                    Assert.Equal(8 + s.PayloadLength, udp.Length);
                }
                else
                {
                    Assert.Equal(ProtocolType.Icmp, ip.Protocol);
                    var icmp = eth.Extract<IcmpV4Packet>();
                    Assert.NotNull(icmp);
                    Assert.True(icmp.ValidIcmpChecksum, ctx);
                    Assert.Equal((s.IcmpType << 8) | s.IcmpCode, (int)icmp.TypeCode);
                    Assert.Equal((ushort)(s.IcmpRest >> 16), icmp.Id);
                    Assert.Equal((ushort)s.IcmpRest, icmp.Sequence);
                }
            }
            if (kind == 0)
            {
                Assert.True(sackSeen > count / 10);
                Assert.True(urgSkipped < count * 4 / 10);
                Assert.True(optionsSeen > count);
            }
        }

        [Fact]
        public void WeDecodeWhatPacketDotNetBuilds()
        {
            var rng = new Random(7);
            for (int n = 0; n < 2000; n++)
            {
                var srcMac = new byte[6]; var dstMac = new byte[6];
                rng.NextBytes(srcMac); rng.NextBytes(dstMac);
                uint srcIp = (uint)rng.NextInt64(1, 1L << 32), dstIp = (uint)rng.NextInt64(1, 1L << 32);
                var eth = new EthernetPacket(new PhysicalAddress(srcMac), new PhysicalAddress(dstMac), EthernetType.IPv4);
                var ip = new IPv4Packet(Ip(srcIp), Ip(dstIp)) { TimeToLive = rng.Next(1, 256), Id = (ushort)rng.Next(65536) };
                byte[] payload = new byte[rng.Next(0, 300)];
                rng.NextBytes(payload);
                int kind = n % 3;
                if (kind == 0)
                {
                    var tcp = new PdnTcp((ushort)rng.Next(1, 65536), (ushort)rng.Next(1, 65536))
                    {
                        SequenceNumber = (uint)rng.NextInt64(0, 1L << 32),
                        AcknowledgmentNumber = (uint)rng.NextInt64(0, 1L << 32),
                        WindowSize = (ushort)rng.Next(65536),
                        Flags = (ushort)rng.Next(256),
                        PayloadData = payload,
                    };
                    ip.PayloadPacket = tcp;
                    eth.PayloadPacket = ip;
                    ip.UpdateCalculatedValues();
                    tcp.UpdateTcpChecksum();
                    ip.UpdateIPChecksum();
                    byte[] f = eth.Bytes;
                    var e = new EthernetFrame();
                    Assert.Equal(WireResult.Ok, e.TryParse(f, 0, f.Length));
                    Assert.True(EthernetFrame.MacEquals(f, e.SourceOffset, srcMac, 0));
                    Assert.True(EthernetFrame.MacEquals(f, e.DestinationOffset, dstMac, 0));
                    var p = new Ipv4Packet();
                    Assert.Equal(WireResult.Ok, p.TryParse(f, e.PayloadOffset, e.PayloadLength));
                    Assert.Equal(ip.Id, p.Identification);
                    Assert.Equal(ip.TimeToLive, p.Ttl);
                    Assert.Equal(srcIp, p.SourceAddress);
                    Assert.Equal(dstIp, p.DestinationAddress);
                    var t = new TcpHeader();
                    Assert.Equal(WireResult.Ok, t.TryParse(f, p.PayloadOffset, p.PayloadLength, srcIp, dstIp));
                    Assert.Equal(tcp.SourcePort, t.SourcePort);
                    Assert.Equal(tcp.DestinationPort, t.DestinationPort);
                    Assert.Equal(tcp.SequenceNumber, t.SequenceNumber);
                    Assert.Equal(tcp.AcknowledgmentNumber, t.AckNumber);
                    Assert.Equal(tcp.WindowSize, t.Window);
                    Assert.Equal(tcp.Flags & 0xFF, t.Flags);
                    Assert.Equal(tcp.Checksum, t.Checksum);
                    Assert.Equal(payload.Length, t.PayloadLength);
                }
                else if (kind == 1)
                {
                    var udp = new PdnUdp((ushort)rng.Next(10000, 60000), (ushort)rng.Next(10000, 60000)) { PayloadData = payload };
                    ip.PayloadPacket = udp;
                    eth.PayloadPacket = ip;
                    ip.UpdateCalculatedValues();
                    udp.UpdateCalculatedValues();
                    udp.UpdateUdpChecksum();
                    ip.UpdateIPChecksum();
                    byte[] f = eth.Bytes;
                    var p = new Ipv4Packet();
                    Assert.Equal(WireResult.Ok, p.TryParse(f, 14, f.Length - 14));
                    Assert.Equal(IpProtocol.Udp, p.Protocol);
                    var u = new EmbeddedTcp.Wire.UdpPacket();
                    Assert.Equal(WireResult.Ok, u.TryParse(f, p.PayloadOffset, p.PayloadLength, srcIp, dstIp));
                    Assert.Equal(udp.SourcePort, u.SourcePort);
                    Assert.Equal(udp.DestinationPort, u.DestinationPort);
                    Assert.Equal(payload.Length, u.PayloadLength);
                    Assert.Equal(udp.Checksum, u.Checksum);
                }
                else
                {
                    var arp = new PdnArp(rng.Next(2) == 0 ? PacketDotNet.ArpOperation.Request : PacketDotNet.ArpOperation.Response, new PhysicalAddress(dstMac), Ip(dstIp), new PhysicalAddress(srcMac), Ip(srcIp));
                    var ae = new EthernetPacket(new PhysicalAddress(srcMac), new PhysicalAddress(dstMac), EthernetType.Arp) { PayloadPacket = arp };
                    byte[] f = ae.Bytes;
                    var e = new EthernetFrame();
                    Assert.Equal(WireResult.Ok, e.TryParse(f, 0, f.Length));
                    Assert.Equal(EtherType.Arp, e.EtherType);
                    var a = new EmbeddedTcp.Wire.ArpPacket();
                    Assert.Equal(WireResult.Ok, a.TryParse(f, e.PayloadOffset, e.PayloadLength));
                    Assert.Equal((ushort)arp.Operation, a.Operation);
                    Assert.Equal(srcIp, a.SenderProtocolAddress);
                    Assert.Equal(dstIp, a.TargetProtocolAddress);
                    Assert.True(EthernetFrame.MacEquals(f, a.SenderHardwareOffset, srcMac, 0));
                    Assert.True(EthernetFrame.MacEquals(f, a.TargetHardwareOffset, dstMac, 0));
                }
            }
        }

        /// <summary>PacketDotNet's ICMP echo and IPv4 fragment fields, read by us.</summary>
        [Fact]
        public void WeDecodePacketDotNetIcmpAndFragmentFields()
        {
            var rng = new Random(792);
            for (int n = 0; n < 1000; n++)
            {
                uint srcIp = (uint)rng.NextInt64(1, 1L << 32), dstIp = (uint)rng.NextInt64(1, 1L << 32);
                byte[] body = new byte[8 + rng.Next(0, 100)];
                rng.NextBytes(body);
                body[0] = rng.Next(2) == 0 ? (byte)8 : (byte)0;
                body[1] = 0;
                var icmp = new IcmpV4Packet(new PacketDotNet.Utils.ByteArraySegment(body));
                icmp.UpdateIcmpChecksum();
                var ip = new IPv4Packet(Ip(srcIp), Ip(dstIp)) { PayloadPacket = icmp, FragmentFlags = rng.Next(4), FragmentOffset = rng.Next(8192) };
                ip.UpdateCalculatedValues();
                ip.UpdateIPChecksum();
                byte[] f = ip.Bytes;
                var p = new Ipv4Packet();
                Assert.Equal(WireResult.Ok, p.TryParse(f, 0, f.Length));
                Assert.Equal(IpProtocol.Icmp, p.Protocol);
                Assert.Equal((ip.FragmentFlags & 2) != 0, p.DontFragment);
                Assert.Equal((ip.FragmentFlags & 1) != 0, p.MoreFragments);
                Assert.Equal(ip.FragmentOffset * 8, p.FragmentOffset);
                var i = new IcmpPacket();
                Assert.Equal(WireResult.Ok, i.TryParse(f, p.PayloadOffset, p.PayloadLength));
                Assert.Equal(icmp.Id, i.Identifier);
                Assert.Equal(icmp.Sequence, i.SequenceNumber);
                Assert.Equal((int)icmp.TypeCode, (i.Type << 8) | i.Code);
            }
        }
    }
}
