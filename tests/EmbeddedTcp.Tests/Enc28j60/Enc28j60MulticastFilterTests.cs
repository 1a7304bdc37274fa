using System;
using EmbeddedTcp.Drivers.Enc28j60;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation.Enc28j60;
using EmbeddedTcp.Tcp;
using EmbeddedTcp.Tests.Ip;
using Xunit;
using B = EmbeddedTcp.Drivers.Enc28j60.Enc28j60Bits;
using R = EmbeddedTcp.Drivers.Enc28j60.Enc28j60Registers;

namespace EmbeddedTcp.Tests.Enc28j60
{
    /// <summary>
    /// The hash table filter (DS39662 8.2.4) as the driver programs it and as the register-level
    /// model applies it: a stack over the driver over the model receives its joined groups, and the
    /// chip drops the others (counted in the model's FramesFiltered) except those sharing a hash bit,
    /// which the stack drops (NetworkCounters.MulticastNotJoined).
    /// </summary>
    public class Enc28j60MulticastFilterTests
    {
        private static byte[] GroupMac(uint group)
        {
            var m = new byte[6];
            NetworkStack.WriteMulticastMac(m, 0, group);
            return m;
        }

        [Fact]
        public void DriverAndModel_ComputeTheSameHashPointer_ForAnyAddress()
        {
            var r = new Random(18);
            var mac = new byte[6];
            for (int i = 0; i < 5000; i++)
            {
                r.NextBytes(mac);
                Assert.Equal(Enc28j60Model.HashTablePointer(mac, 0), Enc28j60Driver.HashTableIndex(mac, 0));
            }
        }

        [Fact]
        public void ModelHashPointer_IsBits28To23_OfTheEthernetCrc32()
        {
            // Independent of both: System.IO.Hashing is not referenced, so the reflected CRC-32
            // (zlib's, before its final inversion) is written out here over the wire-order bytes.
            var mac = new byte[] { 0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB };
            uint crc = 0xFFFFFFFF;
            foreach (byte b in mac)
            {
                crc ^= b;
                for (int k = 0; k < 8; k++)
                {
                    crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
                }
            }
            uint msbFirst = 0;
            for (int k = 0; k < 32; k++)
            {
                msbFirst |= ((crc >> k) & 1) << (31 - k);
            }

            Assert.Equal((int)((msbFirst >> 23) & 0x3F), Enc28j60Driver.HashTableIndex(mac, 0));
        }

        [Fact]
        public void JoinedGroupIsReceived_UnjoinedGroupIsDroppedByTheChip_CollisionsByTheStack()
        {
            var rig = new Rig(18);
            var config = new NetworkConfig { Address = 0xC0000202, MulticastGroups = 2 };
            var stack = new NetworkStack(config, rig.Driver, new SeededRandom(3));
            int h = stack.UdpOpen(5353);

            // Before joining: only 224.0.0.1's bit is set (the stack always accepts it).
            int allHosts = Enc28j60Model.HashTablePointer(GroupMac(0xE0000001), 0);
            Assert.Equal(B.ERXFCON_HTEN, rig.Chip.PeekRegister(R.ERXFCON) & B.ERXFCON_HTEN);

            Assert.Equal(NetError.Ok, stack.JoinGroup(MulticastTests.Mdns));
            int mdns = Enc28j60Model.HashTablePointer(GroupMac(MulticastTests.Mdns), 0);
            Assert.NotEqual(0, rig.Chip.PeekRegister((byte)(R.EHT0 + (mdns >> 3))) & (1 << (mdns & 7)));

            // A group whose hash bit is not set, and one that shares 224.0.0.251's bit.
            uint dropped = 0, collides = 0;
            for (uint g = 0xEF000001; g < 0xEF010000 && (dropped == 0 || collides == 0); g++)
            {
                int p = Enc28j60Model.HashTablePointer(GroupMac(g), 0);
                if (dropped == 0 && p != mdns && p != allHosts)
                {
                    dropped = g;
                }

                if (collides == 0 && p == mdns)
                {
                    collides = g;
                }
            }
            Assert.NotEqual(0u, dropped);
            Assert.NotEqual(0u, collides);

            long filteredBefore = rig.Chip.FramesFiltered;
            byte[] joined = MulticastTests.Frame(0xC0000201, MulticastTests.Mdns, 17, MulticastTests.Udp(5353, 5353, 20));
            byte[] other = MulticastTests.Frame(0xC0000201, dropped, 17, MulticastTests.Udp(5353, 5353, 20));
            byte[] twin = MulticastTests.Frame(0xC0000201, collides, 17, MulticastTests.Udp(5353, 5353, 20));
            Assert.True(rig.Chip.InjectFrame(joined, 0, joined.Length));
            Assert.False(rig.Chip.InjectFrame(other, 0, other.Length));
            Assert.Equal(filteredBefore + 1, rig.Chip.FramesFiltered);
            Assert.True(rig.Chip.InjectFrame(twin, 0, twin.Length));
            stack.Poll(10);
            var buf = new byte[64];
            Assert.Equal(20, stack.UdpReceiveFrom(h, buf, 0, 64, out _, out _));
            Assert.Equal(0, stack.UdpReceiveFrom(h, buf, 0, 64, out _, out _));
            Assert.Equal(1, stack.Counters.MulticastNotJoined);

            // Leaving clears the group's bit (224.0.0.1's stays) and the chip drops the group again.
            Assert.Equal(NetError.Ok, stack.LeaveGroup(MulticastTests.Mdns));
            Assert.Equal(mdns == allHosts, (rig.Chip.PeekRegister((byte)(R.EHT0 + (mdns >> 3))) & (1 << (mdns & 7))) != 0);
            Assert.Equal(mdns == allHosts, rig.Chip.InjectFrame(joined, 0, joined.Length));
        }

        [Fact]
        public void TheFilterSurvivesReinitialisation()
        {
            var rig = new Rig(19);
            var stack = new NetworkStack(new NetworkConfig { Address = 0xC0000202, MulticastGroups = 1 }, rig.Driver, new SeededRandom(3));
            stack.JoinGroup(MulticastTests.Mdns);
            byte[] joined = MulticastTests.Frame(0xC0000201, MulticastTests.Mdns, 17, MulticastTests.Udp(5353, 5353, 20));
            Assert.True(rig.Driver.Initialize());
            Assert.True(rig.Chip.InjectFrame(joined, 0, joined.Length));
        }
    }
}
