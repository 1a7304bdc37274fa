using nanoFramework.TestFramework;

namespace EmbeddedTcp.NanoTests
{
    /// <summary>ARP, ICMP echo and UDP between two stacks on nanoCLR.</summary>
    [TestClass]
    public class IpTests
    {
        /// <summary>
        /// A pings B: one ARP request and one reply resolve B (and B learns A from the request),
        /// the echo request waits for the resolution and is answered; a second ping needs no ARP.
        /// </summary>
        [TestMethod]
        public void ArpResolutionAndIcmpEcho()
        {
            StackPair net = new StackPair();
            byte[] mac = new byte[6];
            Assert.IsFalse(net.A.TryGetNeighbour(StackPair.IpB, mac, 0), "B unknown at first");
            Assert.IsTrue(net.A.Ping(StackPair.IpB, 0x1234, 1, 56), "ping 1 sent");
            net.RunFor(10);
            Assert.AreEqual(1L, net.A.Counters.ArpRequestsOut, "A's ARP requests");
            Assert.AreEqual(1L, net.B.Counters.ArpRequestsIn, "B's ARP requests in");
            Assert.AreEqual(1L, net.B.Counters.ArpRepliesOut, "B's ARP replies");
            Assert.AreEqual(1L, net.A.Counters.ArpRepliesIn, "A's ARP replies in");
            Assert.AreEqual(1L, net.A.Counters.ArpQueued, "the echo request waited for ARP");
            Assert.IsTrue(net.A.TryGetNeighbour(StackPair.IpB, mac, 0), "A resolved B");
            Assert.AreEqual("02:00:00:00:00:0b", Bytes.Mac(mac, 0), "B's MAC in A's cache");
            Assert.IsTrue(net.B.TryGetNeighbour(StackPair.IpA, mac, 0), "B learnt A from the request");
            Assert.AreEqual("02:00:00:00:00:0a", Bytes.Mac(mac, 0), "A's MAC in B's cache");
            Assert.AreEqual(1L, net.B.Counters.IcmpEchoReplies, "B's echo replies");
            Assert.AreEqual(1L, net.A.Counters.IcmpEchoRepliesIn, "A's echo replies in");
            Assert.AreEqual(1, net.A.LastEchoReplySequence, "reply to ping 1");

            Assert.IsTrue(net.A.Ping(StackPair.IpB, 0x1234, 2, 1000), "ping 2 sent (1000 bytes)");
            net.RunFor(10);
            Assert.AreEqual(2, net.A.LastEchoReplySequence, "reply to ping 2");
            Assert.AreEqual(1L, net.A.Counters.ArpRequestsOut, "no new ARP request: B is cached");
            Assert.AreEqual(0L, net.A.Counters.IcmpMalformed + net.B.Counters.IcmpMalformed, "malformed ICMP");
        }

        /// <summary>A ping to an address nobody answers: ARP gives up after its requests and the queued datagram is dropped and counted.</summary>
        [TestMethod]
        public void ArpGivesUpOnAnAbsentHost()
        {
            StackPair net = new StackPair();
            Assert.IsTrue(net.A.Ping(StackPair.IpAbsent, 1, 1, 8), "ping queued");
            net.RunFor(10000);
            Assert.AreEqual((long)net.A.Config.ArpMaxRequests, net.A.Counters.ArpRequestsOut, "ARP requests sent");
            Assert.AreEqual(1L, net.A.Counters.ArpFailures, "resolution failed");
            Assert.AreEqual(1L, net.A.Counters.ArpQueueDrops, "the queued echo request was dropped");
            Assert.AreEqual(-1, net.A.LastEchoReplySequence, "no reply");
            Assert.AreEqual(0L, net.B.Counters.ArpRepliesOut, "B did not answer for another address");
        }

        /// <summary>A UDP datagram each way arrives intact with its source address and port.</summary>
        [TestMethod]
        public void UdpDatagramsBothWays()
        {
            StackPair net = new StackPair();
            int a = net.A.UdpOpen(3000);
            int b = net.B.UdpOpen(4000);
            Assert.IsTrue(a > 0 && b > 0, "sockets open");
            byte[] data = Bytes.Ascii("datagram from A");
            Assert.AreEqual(data.Length, net.A.UdpSendTo(a, StackPair.IpB, 4000, data, 0, data.Length), "A sends");
            net.RunFor(10);
            byte[] buf = new byte[64];
            uint from;
            int fromPort;
            int n = net.B.UdpReceiveFrom(b, buf, 0, buf.Length, out from, out fromPort);
            Assert.AreEqual(data.Length, n, "B receives");
            Assert.AreEqual("datagram from A", Bytes.Text(buf, 0, n), "payload at B");
            Assert.AreEqual(StackPair.IpA, from, "source address");
            Assert.AreEqual(3000, fromPort, "source port");

            byte[] reply = Bytes.Ascii("reply from B");
            Assert.AreEqual(reply.Length, net.B.UdpSendTo(b, from, fromPort, reply, 0, reply.Length), "B answers");
            net.RunFor(10);
            n = net.A.UdpReceiveFrom(a, buf, 0, buf.Length, out from, out fromPort);
            Assert.AreEqual("reply from B", Bytes.Text(buf, 0, n < 0 ? 0 : n), "payload at A");
            Assert.AreEqual(StackPair.IpB, from, "reply's source address");
            Assert.AreEqual(1L, net.A.Counters.UdpIn, "A's UDP in");
            Assert.AreEqual(1L, net.B.Counters.UdpIn, "B's UDP in");
            Assert.AreEqual(0L, net.A.Counters.UdpBadChecksum + net.B.Counters.UdpBadChecksum, "bad checksums");
        }
    }
}
