using System;
using EmbeddedTcp.Tests.Firmware;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Enc28j60
{
    /// <summary>
    /// The driver's self-healing under a live TCP transfer: a host echoes 256 KB through the
    /// simulated board (stack over the real driver over the chip model) while one fault is
    /// injected into the chip half way. The recovery is counted and every byte comes back intact.
    /// </summary>
    public class Enc28j60TcpRecoveryTests
    {
        private readonly ITestOutputHelper _log;

        public Enc28j60TcpRecoveryTests(ITestOutputHelper log)
        {
            _log = log;
        }

        public enum Fault { ReceiveOverflow, TransmitError, LinkFlap, ReceiveEnableCleared }

        [Theory]
        [InlineData(Fault.ReceiveOverflow)]
        [InlineData(Fault.TransmitError)]
        [InlineData(Fault.LinkFlap)]
        [InlineData(Fault.ReceiveEnableCleared)]
        public void EchoTransfer_SurvivesTheFault_ByteExact(Fault fault)
        {
            var f = new FirmwareFixture();
            var chip = f.Board.Chip;
            var counters = f.Board.Driver.Counters;
            int h = f.Connect(7);
            const int total = 256 * 1024;
            var data = new byte[total];
            new Random(7).NextBytes(data);
            var back = new byte[total];
            int sent = 0, got = 0;
            bool injected = false;
            long linkBackAt = -1;
            var junk = new byte[1514];
            Array.Fill(junk, (byte)0xFF, 0, 12); // broadcast from a broadcast source: the stack drops it
            bool done = f.RunUntil(() =>
            {
                if (sent < total)
                {
                    int n = f.Tcp.Send(h, data, sent, Math.Min(4096, total - sent));
                    if (n > 0)
                    {
                        sent += n;
                    }
                }

                int k;
                while ((k = f.Tcp.Receive(h, back, got, total - got)) > 0)
                {
                    got += k;
                }

                if (!injected && got > total / 2)
                {
                    injected = true;
                    switch (fault)
                    {
                        case Fault.ReceiveOverflow:
                            for (int i = 0; i < 12; i++)
                            {
                                chip.InjectFrame(junk, 0, junk.Length); // more than the 6.5 KB ring
                            }

                            break;
                        case Fault.TransmitError:
                            chip.InjectTransmitError(false, 3);
                            break;
                        case Fault.LinkFlap:
                            chip.SetLink(false);
                            linkBackAt = f.Lan.NowMs + 300;
                            break;
                        case Fault.ReceiveEnableCleared:
                            chip.ClearReceiveEnable();
                            break;
                    }
                }

                if (linkBackAt >= 0 && f.Lan.NowMs >= linkBackAt)
                {
                    chip.SetLink(true);
                    linkBackAt = -1;
                }

                return got == total;
            }, 120000);
            Assert.True(done, "transfer stalled at " + got + " of " + total + " bytes");
            Assert.Equal(data, back);
            switch (fault)
            {
                case Fault.ReceiveOverflow: Assert.True(counters.ReceiveOverflows > 0); break;
                case Fault.TransmitError: Assert.True(counters.TransmitErrors > 0); break;
                case Fault.LinkFlap: Assert.True(counters.LinkChanges >= 3); break; // up at start, down, up
                case Fault.ReceiveEnableCleared: Assert.True(counters.ReceiveEnableLost > 0); break;
            }

            _log.WriteLine(fault + ": overflows " + counters.ReceiveOverflows + ", tx errors " + counters.TransmitErrors
                + ", link changes " + counters.LinkChanges + ", RXEN lost " + counters.ReceiveEnableLost + ", reinits " + counters.Reinitializations
                + ", board retransmissions " + f.Board.Stack.Tcp.Counters.Retransmissions + ", " + f.Lan.NowMs + " ms virtual");
        }
    }
}
