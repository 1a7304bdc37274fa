using System;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Tests.Wire
{
    /// <summary>What a randomly generated frame was built from (the expected values).</summary>
    internal sealed class FrameSpec
    {
        public int Kind; // 0 TCP, 1 UDP, 2 ICMP, 3 ARP
        public byte[] Dst = new byte[6], Src = new byte[6];
        public uint SrcIp, DstIp;
        public ushort Id; public byte Ttl; public byte Tos; public bool Df; public int IpOptionsLength;
        public ushort SrcPort, DstPort; public uint Seq, Ack; public byte Flags; public ushort Window, Urgent;
        public TcpOptions Options; public int OptionsLength;
        public byte IcmpType, IcmpCode; public uint IcmpRest;
        public ushort ArpOp;
        public int PayloadLength;
        public int FrameLength;
    }

    /// <summary>Builds random but valid frames with our emitters (fixed seeds by the caller).</summary>
    internal static class RandomFrames
    {
        public static FrameSpec Build(Random rng, byte[] buf, int kind, int maxPayload = 600)
        {
            var s = new FrameSpec { Kind = kind };
            rng.NextBytes(s.Dst);
            rng.NextBytes(s.Src);
            s.Src[0] &= 0xFE; // a unicast source
            s.SrcIp = (uint)rng.NextInt64(1, 1L << 32);
            s.DstIp = (uint)rng.NextInt64(1, 1L << 32);
            if (kind == 3)
            {
                s.ArpOp = (ushort)rng.Next(1, 3);
                new EthernetFrame().Emit(buf, 0, s.Dst, 0, s.Src, 0, EtherType.Arp, 28);
                new ArpPacket().Emit(buf, 14, s.ArpOp, s.Src, 0, s.SrcIp, s.Dst, 0, s.DstIp);
                s.FrameLength = 42;
                return s;
            }
            s.Id = (ushort)rng.Next(65536);
            s.Ttl = (byte)rng.Next(1, 256);
            s.Tos = (byte)rng.Next(256);
            s.Df = rng.Next(2) == 0;
            s.IpOptionsLength = rng.Next(4) == 0 ? 4 * rng.Next(1, 11) : 0;
            s.PayloadLength = rng.Next(4) == 0 ? 0 : rng.Next(1, maxPayload);
            int transportHeader;
            byte proto;
            if (kind == 0)
            {
                proto = IpProtocol.Tcp;
                s.SrcPort = (ushort)rng.Next(1024, 65536); s.DstPort = (ushort)rng.Next(1024, 65536);
                s.Seq = (uint)rng.NextInt64(0, 1L << 32); s.Ack = (uint)rng.NextInt64(0, 1L << 32);
                s.Flags = (byte)rng.Next(256); s.Window = (ushort)rng.Next(65536); s.Urgent = (ushort)rng.Next(65536);
                var o = new TcpOptions();
                o.Clear();
                if (rng.Next(2) == 0)
                {
                    o.Mss = rng.Next(1, 65536);
                }

                if (rng.Next(2) == 0)
                {
                    o.WindowScale = rng.Next(0, 15);
                }

                if (rng.Next(2) == 0)
                {
                    o.SackPermitted = true;
                }

                if (rng.Next(2) == 0) { o.HasTimestamps = true; o.TsVal = (uint)rng.NextInt64(0, 1L << 32); o.TsEcr = (uint)rng.NextInt64(0, 1L << 32); }
                int room = (40 - o.EmitLength - 4) / 8;
                if (room > 0 && rng.Next(2) == 0)
                {
                    o.SackBlockCount = rng.Next(1, Math.Min(room, 4) + 1);
                    for (int i = 0; i < o.SackBlockCount; i++)
                    {
                        o.SetSackBlock(i, (uint)rng.NextInt64(0, 1L << 32), (uint)rng.NextInt64(0, 1L << 32));
                    }
                }
                // PacketDotNet cannot decode options when URG is set; keep most option-carrying segments URG-free.
                if (o.EmitLength > 0 && rng.Next(4) != 0)
                {
                    s.Flags &= unchecked((byte)~TcpFlags.Urg);
                }

                s.Options = o;
                s.OptionsLength = o.EmitLength;
                transportHeader = 20 + s.OptionsLength;
            }
            else if (kind == 1)
            {
                proto = IpProtocol.Udp;
                s.SrcPort = (ushort)rng.Next(10000, 60000); s.DstPort = (ushort)rng.Next(10000, 60000);
                transportHeader = 8;
            }
            else
            {
                proto = IpProtocol.Icmp;
                byte[] types = { IcmpType.EchoReply, IcmpType.EchoRequest, IcmpType.DestinationUnreachable, IcmpType.TimeExceeded };
                s.IcmpType = types[rng.Next(types.Length)];
                s.IcmpCode = s.IcmpType == IcmpType.DestinationUnreachable ? (byte)rng.Next(0, 6) : s.IcmpType == IcmpType.TimeExceeded ? (byte)rng.Next(0, 2) : (byte)0;
                s.IcmpRest = (uint)rng.NextInt64(0, 1L << 32);
                transportHeader = 8;
            }
            int ipHeader = 20 + s.IpOptionsLength;
            int ipTotal = ipHeader + transportHeader + s.PayloadLength;
            new EthernetFrame().Emit(buf, 0, s.Dst, 0, s.Src, 0, EtherType.Ipv4, ipTotal);
            var ip = new Ipv4Packet();
            ip.Emit(buf, 14, s.SrcIp, s.DstIp, proto, ipTotal - 20, s.Id, s.Ttl, s.Df);
            ip.TypeOfService = s.Tos;
            if (s.IpOptionsLength > 0)
            {
                // Options that every decoder leaves alone: NOPs then EOL.
                ip.HeaderLength = ipHeader;
                for (int i = 0; i < s.IpOptionsLength; i++)
                {
                    buf[34 + i] = 1;
                }

                buf[34 + s.IpOptionsLength - 1] = 0;
            }
            ip.FillChecksum();
            int t = 14 + ipHeader;
            rng.NextBytes(buf.AsSpan(t + transportHeader, s.PayloadLength));
            if (kind == 0)
            {
                var tcp = new TcpHeader();
                tcp.Emit(buf, t, s.SrcPort, s.DstPort, s.Seq, s.Ack, s.Flags, s.Window, s.OptionsLength, s.PayloadLength);
                tcp.UrgentPointer = s.Urgent;
                s.Options.Emit(buf, tcp.OptionsOffset);
                tcp.FillChecksum(s.SrcIp, s.DstIp);
            }
            else if (kind == 1)
            {
                var udp = new UdpPacket();
                udp.Emit(buf, t, s.SrcPort, s.DstPort, s.PayloadLength);
                udp.FillChecksum(s.SrcIp, s.DstIp);
            }
            else
            {
                var icmp = new IcmpPacket();
                icmp.Emit(buf, t, s.IcmpType, s.IcmpCode, s.IcmpRest, s.PayloadLength);
                icmp.FillChecksum();
            }
            s.FrameLength = 14 + ipTotal;
            return s;
        }
    }
}
