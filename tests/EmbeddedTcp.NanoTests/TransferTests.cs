using EmbeddedTcp.Ip;
using EmbeddedTcp.Tcp;
using nanoFramework.TestFramework;

namespace EmbeddedTcp.NanoTests
{
    /// <summary>
    /// Bulk data on nanoCLR over a cable that loses frames deterministically (MemoryLink.DropEvery):
    /// every byte arrives, in order, and the CRC-32 of the stream received equals the sender's.
    /// </summary>
    [TestClass]
    public class TransferTests
    {
        /// <summary>
        /// 128 KB from A to B and 64 KB from B to A at the same time, every 9th frame lost in each
        /// direction: both streams arrive byte-exact (each byte checked against the pattern, and the
        /// CRC-32 of each stream matches the sender's), recovered by retransmission; then a clean close.
        /// </summary>
        [TestMethod]
        public void BulkBothWaysWithLossIsByteExact()
        {
            const int AtoB = 128 * 1024;
            const int BtoA = 64 * 1024;
            NetworkConfig ca = StackPair.Config(StackPair.IpA);
            NetworkConfig cb = StackPair.Config(StackPair.IpB);
            ca.Tcp.SendBufferSize = 8192;
            ca.Tcp.ReceiveBufferSize = 8192;
            cb.Tcp.SendBufferSize = 8192;
            cb.Tcp.ReceiveBufferSize = 8192;
            StackPair net = new StackPair(ca, cb, null);
            Session s = Session.Open(net);
            net.Link.DropEvery = 9;

            Direction ab = new Direction(AtoB, 0xA5A5u);
            Direction ba = new Direction(BtoA, 0x5A5Au);
            for (int i = 0; i < 200000 && !(ab.Done && ba.Done); i++)
            {
                ab.Pump(net.A.Tcp, s.Client, net.B.Tcp, s.Server);
                ba.Pump(net.B.Tcp, s.Server, net.A.Tcp, s.Client);
                net.Step(long.MaxValue);
            }

            OutputHelper.WriteLine("bulk: " + ab.Received.ToString() + " B A->B, " + ba.Received.ToString() + " B B->A, frames lost "
                + net.Link.A.Dropped.ToString() + "/" + net.Link.B.Dropped.ToString() + ", retransmissions " + net.A.Tcp.Counters.Retransmissions.ToString()
                + "/" + net.B.Tcp.Counters.Retransmissions.ToString() + " (fast " + net.A.Tcp.Counters.FastRetransmits.ToString() + "/"
                + net.B.Tcp.Counters.FastRetransmits.ToString() + "), virtual time " + net.Now.ToString() + " ms");
            Assert.AreEqual(AtoB, ab.Received, "A to B bytes received");
            Assert.AreEqual(BtoA, ba.Received, "B to A bytes received");
            Assert.AreEqual(0, ab.Mismatches, "A to B bytes that differ");
            Assert.AreEqual(0, ba.Mismatches, "B to A bytes that differ");
            Assert.AreEqual(ab.SentCrc, ab.ReceivedCrc, "A to B CRC-32");
            Assert.AreEqual(ba.SentCrc, ba.ReceivedCrc, "B to A CRC-32");
            Assert.IsTrue(net.Link.A.Dropped > 0 && net.Link.B.Dropped > 0, "frames were lost both ways");
            Assert.IsTrue(net.A.Tcp.Counters.Retransmissions > 0, "A retransmitted");
            Assert.IsTrue(net.B.Tcp.Counters.Retransmissions > 0, "B retransmitted");
            Assert.AreEqual(0L, net.A.Tcp.Counters.ConnectionErrors + net.B.Tcp.Counters.ConnectionErrors, "connection errors");

            // A clean close over the same lossy cable.
            net.A.Tcp.Shutdown(s.Client);
            net.B.Tcp.Shutdown(s.Server);
            for (int i = 0; i < 1000 && !(net.A.Tcp.GetState(s.Client) == TcpState.TimeWait || net.A.Tcp.GetState(s.Client) == TcpState.Closed); i++)
            {
                net.Step(long.MaxValue);
            }

            Assert.IsTrue(net.A.Tcp.GetState(s.Client) == TcpState.TimeWait || net.A.Tcp.GetState(s.Client) == TcpState.Closed,
                "A finished closing: " + TcpStateNames.Of(net.A.Tcp.GetState(s.Client)));
            Assert.AreEqual(0L, net.A.Tcp.Counters.ResetsOut + net.B.Tcp.Counters.ResetsOut, "no RST");
        }

        /// <summary>One direction of a transfer: the sender's position and CRC, the receiver's position, CRC and mismatches.</summary>
        private sealed class Direction
        {
            private readonly int _total;
            private readonly uint _seed;
            private readonly byte[] _out = new byte[1460];
            private readonly byte[] _in = new byte[2048];
            public int Sent;
            public int Received;
            public uint SentCrc;
            public uint ReceivedCrc;
            public int Mismatches;

            public Direction(int total, uint seed)
            {
                _total = total;
                _seed = seed;
            }

            public bool Done { get { return Received == _total; } }

            /// <summary>Offers the sender as much as it takes and reads everything waiting at the receiver.</summary>
            public void Pump(TcpStack from, int fromHandle, TcpStack to, int toHandle)
            {
                for (int guard = 0; guard < 8 && Sent < _total; guard++)
                {
                    int want = _total - Sent < _out.Length ? _total - Sent : _out.Length;
                    Bytes.FillPattern(_out, want, Sent, _seed);
                    int n = from.Send(fromHandle, _out, 0, want);
                    Assert.IsTrue(n >= 0, "send: " + n.ToString());
                    if (n == 0)
                    {
                        break;
                    }

                    SentCrc = Bytes.Crc32(SentCrc, _out, 0, n);
                    Sent += n;
                }

                for (int guard = 0; guard < 8; guard++)
                {
                    int n = to.Receive(toHandle, _in, 0, _in.Length);
                    Assert.IsTrue(n >= 0, "receive: " + n.ToString());
                    if (n == 0)
                    {
                        break;
                    }

                    Mismatches += Bytes.PatternMismatches(_in, n, Received, _seed);
                    ReceivedCrc = Bytes.Crc32(ReceivedCrc, _in, 0, n);
                    Received += n;
                }
            }
        }
    }
}
