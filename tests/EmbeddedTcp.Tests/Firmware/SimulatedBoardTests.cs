using System.IO;
using System.Text;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Simulation.Board;
using EmbeddedTcp.Tcp;
using Xunit;

namespace EmbeddedTcp.Tests.Firmware
{
    public class SimulatedBoardTests
    {
        /// <summary>A host fetches the status page and echoes 8 KB through a board; returns the board's capture.</summary>
        private static byte[] Run(ulong seed, out SimulatedBoard board)
        {
            var lan = new SimulatedLan(null, seed);
            var stream = new MemoryStream();
            var pcap = new PcapWriter(stream, leaveOpen: true);
            NetworkStack host = lan.AddHost(FirmwareFixture.ClientMac, new NetworkConfig { Address = FirmwareFixture.ClientIp }, (uint)seed);
            SimulatedBoard b = new SimulatedBoard(lan, FirmwareFixture.BoardMac, new NetworkConfig { Address = FirmwareFixture.BoardIp }, (uint)seed + 100,
                new FirmwareOptions(), SimulatedBoard.DefaultSpiClockHz, d => new PcapDevice(d, pcap, lan.Clock));
            board = b;
            int http = host.Tcp.Connect(FirmwareFixture.ClientIp, FirmwareFixture.BoardIp, 80, 0);
            int echo = host.Tcp.Connect(FirmwareFixture.ClientIp, FirmwareFixture.BoardIp, 7, 0);
            byte[] get = Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n");
            var data = new byte[8192];
            var buf = new byte[8192];
            bool asked = false, httpDone = false;
            int sent = 0, got = 0;
            long end = lan.NowMs + 20000;
            while (!(httpDone && got == data.Length) && lan.Step(end))
            {
                b.RunApplication();
                if (!asked && host.Tcp.GetState(http) == TcpState.Established) { host.Tcp.Send(http, get, 0, get.Length); asked = true; }
                int n;
                while ((n = host.Tcp.Receive(http, buf, 0, buf.Length)) > 0) { }
                if (n == NetError.EndOfStream && !httpDone) { httpDone = true; host.Tcp.Close(http); }
                if (host.Tcp.GetState(echo) == TcpState.Established && sent < data.Length)
                {
                    sent += host.Tcp.Send(echo, data, sent, data.Length - sent);
                }

                while ((n = host.Tcp.Receive(echo, buf, 0, buf.Length)) > 0)
                {
                    got += n;
                }
            }
            Assert.True(httpDone && got == data.Length);
            pcap.Flush();
            return stream.ToArray();
        }

        [Fact]
        public void TheSameSeedGivesTheSameRunByteForByte()
        {
            byte[] one = Run(5, out SimulatedBoard b1);
            byte[] two = Run(5, out SimulatedBoard b2);
            byte[] other = Run(6, out _);
            Assert.True(one.Length > 10000);
            Assert.Equal(one, two);
            Assert.NotEqual(one, other);
            Assert.Equal(b1.SpiBytes, b2.SpiBytes);
            Assert.Equal(b1.SpiTransactions, b2.SpiTransactions);
        }

        [Fact]
        public void EveryFrameCrossesTheChipModelAndTheSpiTimeIsAccounted()
        {
            Run(1, out SimulatedBoard b);
            Assert.Equal(b.Stack.Counters.FramesOut, b.Chip.FramesTransmitted);
            Assert.Equal(b.Chip.FramesTransmitted, b.Bridge.FramesOutOfChip);
            Assert.Equal(b.Bridge.FramesIntoChip, b.Chip.FramesAccepted);
            Assert.Equal(b.Stack.Counters.FramesIn, b.Driver.Counters.FramesReceived);
            Assert.Equal(0, b.Bridge.ReceiveDrops + b.Bridge.TransmitDrops);
            // 8 bits per SPI byte at 20 MHz: 400 ns each.
            Assert.Equal(b.SpiBytes * 400, b.SpiBusyNs);
            Assert.True(b.SpiBytes > 2 * 8192, "the echoed bytes crossed the bus both ways");
        }
    }
}
