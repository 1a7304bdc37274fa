using System;
using System.Collections.Generic;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Tcp;
using EmbeddedTcp.Wire;
using Xunit;

namespace EmbeddedTcp.Tests.Ip
{
    /// <summary>IPv4 multicast reception and IGMPv2 (RFC 2236) on whole stacks.</summary>
    public class MulticastTests
    {
        internal const uint Mdns = 0xE00000FB;      // 224.0.0.251
        internal const uint Other = 0xEFFF0001;     // 239.255.0.1

        /// <summary>Records every frame the stack sends; frames are handed in with <see cref="Stack"/>.Input.</summary>
        internal sealed class CaptureDevice : INetworkDevice, IMulticastFilter
        {
            public readonly List<byte[]> Sent = new List<byte[]>();
            public readonly List<byte[]> FilterMacs = new List<byte[]>();
            public void GetMacAddress(byte[] d, int o) { Array.Copy(LanFixture.MacB, 0, d, o, 6); }
            public bool LinkUp => true;
            public int Receive(byte[] b, int o, int c) => 0;
            public bool Send(byte[] f, int o, int l) { var c = new byte[l]; Array.Copy(f, o, c, 0, l); Sent.Add(c); return true; }
            public void Poll(long now) { }
            public void SetMulticastFilter(byte[] macs, int offset, int count)
            {
                FilterMacs.Clear();
                for (int i = 0; i < count; i++) { var m = new byte[6]; Array.Copy(macs, offset + 6 * i, m, 0, 6); FilterMacs.Add(m); }
            }
        }

        private static NetworkStack Stack(CaptureDevice d, int groups = 4)
        {
            var c = new NetworkConfig { Address = LanFixture.IpB, MulticastGroups = groups };
            return new NetworkStack(c, d, new SeededRandom(7));
        }

        /// <summary>An IPv4 frame to <paramref name="dst"/> (multicast MAC when dst is multicast) with a UDP or IGMP payload.</summary>
        internal static byte[] Frame(uint src, uint dst, byte protocol, byte[] payload, int ttl = 1)
        {
            var f = new byte[Math.Max(60, 34 + payload.Length)];
            if ((dst >> 28) == 0xE)
            {
                NetworkStack.WriteMulticastMac(f, 0, dst);
            }
            else
            {
                Array.Copy(LanFixture.MacB, f, 6);
            }

            Array.Copy(LanFixture.MacC, 0, f, 6, 6);
            f[12] = 0x08;
            f[14] = 0x45;
            NetOrder.WriteU16(f, 16, (ushort)(20 + payload.Length));
            f[22] = (byte)ttl;
            f[23] = protocol;
            NetOrder.WriteU32(f, 26, src);
            NetOrder.WriteU32(f, 30, dst);
            NetOrder.WriteU16(f, 24, Checksum.Compute(f, 14, 20));
            Array.Copy(payload, 0, f, 34, payload.Length);
            return f;
        }

        internal static byte[] Udp(int srcPort, int dstPort, int dataLength)
        {
            var u = new byte[8 + dataLength];
            NetOrder.WriteU16(u, 0, (ushort)srcPort);
            NetOrder.WriteU16(u, 2, (ushort)dstPort);
            NetOrder.WriteU16(u, 4, (ushort)u.Length);
            for (int i = 0; i < dataLength; i++)
            {
                u[8 + i] = (byte)i;
            }

            return u; // checksum 0: none (RFC 768)
        }

        internal static byte[] Igmp(byte type, int maxResp, uint group)
        {
            var g = new byte[8];
            g[0] = type;
            g[1] = (byte)maxResp;
            NetOrder.WriteU32(g, 4, group);
            NetOrder.WriteU16(g, 2, Checksum.Compute(g, 0, 8));
            return g;
        }

        private static void In(NetworkStack s, byte[] frame) { s.Input(frame, frame.Length); }

        private static List<byte[]> IgmpSent(CaptureDevice d, byte type)
        {
            var r = new List<byte[]>();
            foreach (var f in d.Sent)
            {
                if (f[12] == 0x08 && f[13] == 0 && f[23] == 2 && f[38] == type)
                {
                    r.Add(f);
                }
            }
            return r;
        }

        [Fact]
        public void Join_SendsAReportNowAndOneRepetition_WellFormed_AndProgramsTheDeviceFilter()
        {
            var d = new CaptureDevice();
            var s = Stack(d);
            Assert.Single(d.FilterMacs); // 224.0.0.1 always
            Assert.Equal(NetError.Ok, s.JoinGroup(Mdns));
            Assert.Equal(2, d.FilterMacs.Count);
            Assert.Equal(new byte[] { 1, 0, 0x5E, 0, 0, 0xFB }, d.FilterMacs[1]);
            s.Poll(0);
            var reports = IgmpSent(d, 0x16);
            Assert.Single(reports);
            byte[] f = reports[0];
            Assert.Equal(new byte[] { 1, 0, 0x5E, 0, 0, 0xFB }, f[..6]);
            Assert.Equal(0x46, f[14]);                    // 24-byte header: Router Alert
            Assert.Equal(1, f[22]);                       // TTL 1
            Assert.Equal(new byte[] { 0x94, 4, 0, 0 }, f[34..38]);
            Assert.Equal(0, Checksum.Compute(f, 14, 24));
            Assert.Equal(0, Checksum.Compute(f, 38, 8));
            Assert.Equal(Mdns, NetOrder.ReadU32(f, 42));
            Assert.Equal(Mdns, NetOrder.ReadU32(f, 30));
            long next = s.NextDeadline();
            Assert.InRange(next, 1, 10000);               // the repetition within the Unsolicited Report Interval
            for (long t = 0; t <= 10001; t += 100)
            {
                s.Poll(t);
            }

            Assert.Equal(2, IgmpSent(d, 0x16).Count);
            Assert.Equal(2, s.Counters.IgmpReportsOut);
            for (long t = 10001; t <= 60000; t += 1000)
            {
                s.Poll(t);
            }

            Assert.Equal(2, IgmpSent(d, 0x16).Count);     // nothing more unasked
        }

        [Fact]
        public void GeneralQuery_IsAnsweredWithinMaxRespTime_AllHostsNeverReported()
        {
            var d = new CaptureDevice();
            var s = Stack(d);
            s.JoinGroup(Mdns);
            for (long t = 0; t <= 11000; t += 100)
            {
                s.Poll(t);
            }

            d.Sent.Clear();
            // General query, Max Resp Time 2 s (20 tenths), to 224.0.0.1.
            In(s, Frame(LanFixture.IpA, 0xE0000001, 2, Igmp(0x11, 20, 0)));
            Assert.Equal(1, s.Counters.IgmpQueriesIn);
            for (long t = 11000; t <= 13000; t += 10)
            {
                s.Poll(t);
            }

            var reports = IgmpSent(d, 0x16);
            Assert.Single(reports);
            Assert.Equal(Mdns, NetOrder.ReadU32(reports[0], 42)); // not 224.0.0.1
        }

        [Fact]
        public void AnotherMembersReport_SuppressesOurs_AndThenLeaveIsNotSent()
        {
            var d = new CaptureDevice();
            var s = Stack(d);
            s.JoinGroup(Mdns);
            for (long t = 0; t <= 11000; t += 100)
            {
                s.Poll(t);
            }

            d.Sent.Clear();
            In(s, Frame(LanFixture.IpA, 0xE0000001, 2, Igmp(0x11, 100, 0)));
            In(s, Frame(LanFixture.IpC, Mdns, 2, Igmp(0x16, 0, Mdns)));
            for (long t = 11000; t <= 22000; t += 100)
            {
                s.Poll(t);
            }

            Assert.Empty(IgmpSent(d, 0x16));
            Assert.Equal(1, s.Counters.IgmpReportsSuppressed);
            Assert.Equal(NetError.Ok, s.LeaveGroup(Mdns));
            Assert.Empty(IgmpSent(d, 0x17));               // C reported last: C leaves, not us
            Assert.Single(d.FilterMacs);
        }

        [Fact]
        public void Leave_AfterOurReport_GoesTo224_0_0_2_AndStopsReception()
        {
            var d = new CaptureDevice();
            var s = Stack(d);
            s.JoinGroup(Mdns);
            s.Poll(0);
            int h = s.UdpOpen(5353);
            In(s, Frame(LanFixture.IpA, Mdns, 17, Udp(5353, 5353, 20)));
            Assert.True(s.UdpCanReceive(h));
            Assert.Equal(NetError.Ok, s.LeaveGroup(Mdns));
            var leaves = IgmpSent(d, 0x17);
            Assert.Single(leaves);
            Assert.Equal(0xE0000002u, NetOrder.ReadU32(leaves[0], 30));
            Assert.Equal(Mdns, NetOrder.ReadU32(leaves[0], 42));
            Assert.Equal(NetError.InvalidState, s.LeaveGroup(Mdns));
            var buf = new byte[64];
            s.UdpReceiveFrom(h, buf, 0, 64, out _, out _);
            In(s, Frame(LanFixture.IpA, Mdns, 17, Udp(5353, 5353, 20)));
            Assert.False(s.UdpCanReceive(h));
            Assert.Equal(1, s.Counters.MulticastNotJoined);
        }

        [Fact]
        public void Datagrams_ToJoinedGroupsAndAllHosts_ReachSockets_OthersAreDroppedAndCounted_NoIcmpErrors()
        {
            var d = new CaptureDevice();
            var s = Stack(d);
            s.JoinGroup(Mdns);
            s.Poll(0);
            d.Sent.Clear();
            int h = s.UdpOpen(5353);
            In(s, Frame(LanFixture.IpA, Mdns, 17, Udp(5353, 5353, 30)));
            In(s, Frame(LanFixture.IpA, 0xE0000001, 17, Udp(5353, 5353, 31)));
            In(s, Frame(LanFixture.IpA, Other, 17, Udp(5353, 5353, 32)));
            In(s, Frame(LanFixture.IpA, Mdns, 17, Udp(5353, 9999, 33))); // no socket: no port unreachable
            var buf = new byte[64];
            Assert.Equal(30, s.UdpReceiveFrom(h, buf, 0, 64, out uint src, out int port));
            Assert.Equal(LanFixture.IpA, src);
            Assert.Equal(31, s.UdpReceiveFrom(h, buf, 0, 64, out _, out _));
            Assert.Equal(0, s.UdpReceiveFrom(h, buf, 0, 64, out _, out _));
            Assert.Equal(1, s.Counters.MulticastNotJoined);
            Assert.Equal(3, s.Counters.MulticastIn);
            Assert.Empty(d.Sent);
        }

        [Fact]
        public void NoGroupTable_DropsMulticastFrames_AndJoinFails()
        {
            var d = new CaptureDevice();
            var s = Stack(d, 0);
            Assert.Empty(d.FilterMacs);
            Assert.Equal(NetError.NoResources, s.JoinGroup(Mdns));
            Assert.Equal(NetError.InvalidArgument, s.JoinGroup(LanFixture.IpA));
            In(s, Frame(LanFixture.IpA, 0xE0000001, 17, Udp(5353, 5353, 30)));
            Assert.Equal(1, s.Counters.FramesNotForUs);
        }

        [Fact]
        public void TableFull_ReturnsNoResources()
        {
            var s = Stack(new CaptureDevice(), 1);
            Assert.Equal(NetError.Ok, s.JoinGroup(Mdns));
            Assert.Equal(NetError.Ok, s.JoinGroup(Mdns));
            Assert.Equal(NetError.NoResources, s.JoinGroup(Other));
        }

        [Fact]
        public void UdpToAGroup_LeavesWithItsMulticastMac_AndTtl255_OverASimulatedLan()
        {
            var f = new LanFixture();
            Assert.Equal(NetError.Ok, f.B.JoinGroup(Mdns));
            int hb = f.B.UdpOpen(5353);
            int ha = f.A.UdpOpen(5353);
            var msg = new byte[] { 1, 2, 3, 4 };
            Assert.Equal(4, f.A.UdpSendTo(ha, Mdns, 5353, msg, 0, 4));
            Assert.True(f.RunUntil(() => f.B.UdpCanReceive(hb), 1000));
            Assert.Equal(0, f.A.Counters.ArpRequestsOut); // a group's MAC is computed, never resolved
        }

        [Fact]
        public void UdpToAGroup_IsSentToTheGroupMac_WithTheMulticastTtl()
        {
            var d = new CaptureDevice();
            var s = Stack(d);
            int h = s.UdpOpen(5353);
            Assert.Equal(3, s.UdpSendTo(h, Mdns, 5353, new byte[] { 1, 2, 3 }, 0, 3));
            byte[] f = Assert.Single(d.Sent);
            Assert.Equal(new byte[] { 1, 0, 0x5E, 0, 0, 0xFB }, f[..6]);
            Assert.Equal(255, f[22]);
        }
    }
}
