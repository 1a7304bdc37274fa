using System;
using EmbeddedTcp.Tcp;
using EmbeddedTcp.Wire;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Tcp
{
    /// <summary>
    /// SYN flood defence (documented choice): half-open entries are bounded by the listener's
    /// backlog and the oldest is recycled for each new SYN; established connections are never
    /// touched. A flood cannot lock out a transfer in progress nor a client that comes after it.
    /// </summary>
    public class SynFloodTests
    {
        private readonly ITestOutputHelper _log;

        public SynFloodTests(ITestOutputHelper log)
        {
            _log = log;
        }

        [Fact]
        public void Flood_100000_SpoofedSyns_TransferCompletes_NewClientAcceptedAfterwards()
        {
            var link = new TcpLink(new TcpConfig { MslMs = 1000 }, new TcpConfig { MslMs = 1000, MaxConnections = 8 }, 21) { DelayMs = 2 };
            int listener = link.B.Listen(TcpLink.IpB, 80, 4);
            int client = link.A.Connect(TcpLink.IpA, TcpLink.IpB, 80, 0);
            int server = 0;
            for (int k = 0; k < 100 && server <= 0; k++)
            {
                link.Step(link.Now + 1000);
                server = link.B.Accept(listener);
            }

            Assert.True(server > 0);
            var rng = new System.Random(99);
            var syn = new byte[24];
            var h = new TcpHeader();
            h.Bind(syn, 0, 24);
            var data = new byte[1460];
            var rbuf = new byte[4096];
            const long total = 2 << 20;
            long sent = 0;
            long received = 0;
            int flooded = 0;
            long floodEndedAt = -1;
            long receivedDuringFlood = 0;
            for (long guard = 0; guard < 50000000 && (received < total || flooded < 100000); guard++)
            {
                // Fifty spoofed SYNs per event: random source address and port, random ISN.
                for (int i = 0; i < 50 && flooded < 100000; i++, flooded++)
                {
                    uint src = 0x0A000000u | (uint)rng.Next(1, 0xFFFFFF);
                    h.SourcePort = (ushort)rng.Next(1024, 65535);
                    h.DestinationPort = 80;
                    h.SequenceNumber = (uint)rng.Next();
                    h.AckNumber = 0;
                    h.HeaderLength = 24;
                    h.Flags = TcpFlags.Syn;
                    h.Window = 65535;
                    h.UrgentPointer = 0;
                    TcpOptions.WriteMss(syn, 20, 1460);
                    h.FillChecksum(src, TcpLink.IpB);
                    link.B.Input(src, TcpLink.IpB, syn, 0, 24, link.Now);
                }

                while (sent < total)
                {
                    int k = link.A.Send(client, data, 0, (int)System.Math.Min(data.Length, total - sent));
                    if (k <= 0)
                    {
                        break;
                    }

                    sent += k;
                }

                int n;
                while ((n = link.B.Receive(server, rbuf, 0, rbuf.Length)) > 0)
                {
                    received += n;
                }

                Assert.True(n >= 0, "transfer broke: " + n);
                if (flooded == 100000 && floodEndedAt < 0)
                {
                    floodEndedAt = link.Now;
                    receivedDuringFlood = received;
                }

                if (!link.Step(link.Now + 1000) && received >= total)
                {
                    break;
                }
            }

            Assert.Equal(100000, flooded);
            Assert.True(receivedDuringFlood > 0 && receivedDuringFlood < total, "the flood ran while the transfer did (" + receivedDuringFlood + " bytes by its end)");
            Assert.Equal(total, received);
            Assert.Equal(TcpState.Established, link.B.GetState(server));
            Assert.True(link.B.Counters.HalfOpenRecycled > 99000, "recycled " + link.B.Counters.HalfOpenRecycled);

            // After the flood: a legitimate client gets in.
            int late = link.A.Connect(TcpLink.IpA, TcpLink.IpB, 80, 0);
            int accepted = 0;
            for (int k = 0; k < 1000 && accepted <= 0; k++)
            {
                link.Step(link.Now + 1000);
                accepted = link.B.Accept(listener);
            }

            Assert.True(accepted > 0);
            Assert.Equal(TcpState.Established, link.A.GetState(late));
            _log.WriteLine("flood: " + flooded + " SYNs, recycled " + link.B.Counters.HalfOpenRecycled + ", SYN-ACKs out "
                + link.B.Counters.SegmentsOut + ", transfer " + received + " bytes in " + link.Now + " ms virtual");
        }

        [Fact]
        public void Flood_AllocatesNothing()
        {
            var link = new TcpLink(new TcpConfig(), new TcpConfig(), 4);
            link.B.Listen(TcpLink.IpB, 80, 4);
            var syn = new byte[24];
            var h = new TcpHeader(); // the forger's view, made once: only the stack's allocations are measured
            uint x = 12345;
            for (int round = 0; round < 2; round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 20000; i++)
                {
                    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
                    uint src = 0x0A000000u | (x & 0xFFFFFF);
                    h.Emit(syn, 0, (ushort)(1024 + (x >> 20)), 80, x, 0, TcpFlags.Syn, 65535, 4, 0);
                    TcpOptions.WriteMss(syn, 20, 1460);
                    h.FillChecksum(src, TcpLink.IpB);
                    link.B.Input(src, TcpLink.IpB, syn, 0, 24, link.Now);
                    if ((i & 63) == 0)
                    {
                        link.Now += 50;
                        link.B.Poll(link.Now); // SYN-ACK retransmissions and give-ups too
                    }
                }

                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (round == 1)
                {
                    Assert.Equal(0, allocated); // the first round warmed every path up
                }
            }

            Assert.True(link.B.Counters.HalfOpenRecycled > 30000);
        }
    }
}
