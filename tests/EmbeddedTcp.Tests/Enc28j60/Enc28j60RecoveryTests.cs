using System;
using EmbeddedTcp.Drivers.Enc28j60;
using Xunit;
using Xunit.Abstractions;
using B = EmbeddedTcp.Drivers.Enc28j60.Enc28j60Bits;
using R = EmbeddedTcp.Drivers.Enc28j60.Enc28j60Registers;

namespace EmbeddedTcp.Tests.Enc28j60
{
    public class Enc28j60RecoveryTests
    {
        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ReceiveOverflowIsCountedAndTrafficFlowsAfterwards(bool interruptPin)
        {
            var rig = new Rig(21, interruptPin);
            int accepted = 0;
            for (int i = 0; i < 20; i++)
            {
                byte[] f = rig.MakeFrame(1514, false);
                if (rig.Chip.InjectFrame(f, 0, f.Length))
                {
                    accepted++;
                }
            }
            Assert.True(rig.Chip.FramesDroppedFull > 0);
            Assert.True(accepted >= 4 && accepted < 20);
            rig.Poll(10);
            Assert.Equal(1, rig.Driver.Counters.ReceiveOverflows);
            Assert.Equal(0, rig.Chip.PeekRegister(R.EIR) & B.EIR_RXERIF);
            for (int i = 0; i < accepted; i++)
            {
                Assert.Equal(1514, rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length));
            }
            rig.AssertReceiveStream(500);
            rig.AssertTransmitStream(50);
            Assert.Equal(0, rig.Driver.Counters.ReceiveResets);
        }

        [Fact]
        public void CorruptNextPacketPointerResetsTheReceiveLogicAndTrafficFlowsAfterwards()
        {
            var rig = new Rig(22);
            rig.AssertReceiveStream(30);
            rig.Chip.CorruptNextPacketPointer();
            byte[] f = rig.MakeFrame(300, false);
            Assert.True(rig.Chip.InjectFrame(f, 0, f.Length));
            Assert.Equal(0, rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length));
            Assert.Equal(1, rig.Driver.Counters.ReceiveResets);
            Assert.Equal(0, rig.Chip.PacketCount);
            rig.AssertReceiveStream(500);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void TransmitErrorResetsTheTransmitLogicAndTrafficFlowsAfterwards(bool interruptPin)
        {
            var rig = new Rig(23, interruptPin);
            rig.AssertTransmitStream(10);
            rig.Chip.InjectTransmitError(lateCollision: false, count: 1);
            byte[] lost = rig.MakeFrame(200, false);
            Assert.True(rig.Driver.Send(lost, 0, lost.Length));
            Assert.False(rig.Chip.TryTakeTransmitted(rig.WireBuffer, 0, out _));
            rig.AssertTransmitStream(500);
            Assert.Equal(1, rig.Driver.Counters.TransmitErrors);
            Assert.Equal(1, rig.Driver.Counters.TransmitResets);
            Assert.Equal(0, rig.Driver.Counters.TransmitTimeouts);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void TransmitErrorSeenOnlyByPollIsRecoveredToo(bool interruptPin)
        {
            var rig = new Rig(24, interruptPin);
            rig.Chip.InjectTransmitError(lateCollision: false, count: 1);
            byte[] lost = rig.MakeFrame(200, false);
            Assert.True(rig.Driver.Send(lost, 0, lost.Length));
            rig.Poll(1); // Poll reads EIR; the error belongs to the in-flight frame, Send resolves it
            rig.AssertTransmitStream(100);
            Assert.Equal(1, rig.Driver.Counters.TransmitErrors);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void LateCollisionIsRetriedAndTheFrameStillArrives(bool interruptPin)
        {
            var rig = new Rig(25, interruptPin);
            rig.Chip.InjectTransmitError(lateCollision: true, count: 2);
            byte[] f = rig.MakeFrame(400, false);
            Assert.True(rig.Driver.Send(f, 0, f.Length));
            byte[] g = rig.MakeFrame(100, false);
            Assert.True(rig.Driver.Send(g, 0, g.Length));
            Assert.True(rig.Chip.TryTakeTransmitted(rig.WireBuffer, 0, out int n));
            Assert.True(f.AsSpan().SequenceEqual(rig.WireBuffer.AsSpan(0, n)));
            Assert.True(rig.Chip.TryTakeTransmitted(rig.WireBuffer, 0, out n));
            Assert.True(g.AsSpan().SequenceEqual(rig.WireBuffer.AsSpan(0, n)));
            Assert.Equal(2, rig.Driver.Counters.LateCollisionRetries);
            Assert.Equal(2, rig.Driver.Counters.TransmitErrors);
            rig.AssertTransmitStream(100);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void LinkFlapIsReportedSendRefusesWhileDownAndTrafficFlowsAfterwards(bool interruptPin)
        {
            var rig = new Rig(26, interruptPin);
            rig.AssertReceiveStream(20);
            rig.Chip.SetLink(false);
            rig.Poll(5);
            Assert.False(rig.Driver.LinkUp);
            Assert.Equal(2, rig.Driver.Counters.LinkChanges); // one at init (down to up), one now
            byte[] f = rig.MakeFrame(100, false);
            Assert.False(rig.Driver.Send(f, 0, f.Length));
            Assert.False(rig.Chip.InjectFrame(f, 0, f.Length));
            rig.Chip.SetLink(true);
            rig.Poll(5);
            Assert.True(rig.Driver.LinkUp);
            Assert.Equal(3, rig.Driver.Counters.LinkChanges);
            rig.AssertReceiveStream(300);
            rig.AssertTransmitStream(300);
        }

        [Fact]
        public void ClearedRxEnableIsDetectedByPollAndTheChipReinitialised()
        {
            var rig = new Rig(28);
            rig.AssertReceiveStream(20);
            rig.Chip.ClearReceiveEnable();
            byte[] f = rig.MakeFrame(100, false);
            Assert.False(rig.Chip.InjectFrame(f, 0, f.Length)); // deaf
            rig.Poll(rig.Driver.HealthCheckIntervalMs);
            Assert.Equal(1, rig.Driver.Counters.ReceiveEnableLost);
            Assert.Equal(1, rig.Driver.Counters.Reinitializations);
            rig.AssertReceiveStream(500);
            rig.AssertTransmitStream(100);
        }

        [Fact]
        public void SilentReceiverWhileLinkIsUpIsReinitialisedAndHears()
        {
            var rig = new Rig(29);
            rig.Driver.ReceiveSilenceTimeoutMs = 30000;
            rig.AssertReceiveStream(10);
            rig.Chip.MakeDeaf(); // registers look fine, nothing arrives
            for (int t = 0; t < 29; t++)
            {
                byte[] lost = rig.MakeFrame(100, false);
                Assert.False(rig.Chip.InjectFrame(lost, 0, lost.Length));
                rig.Poll(1000);
                Assert.Equal(0, rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length));
            }
            Assert.Equal(0, rig.Driver.Counters.SilenceRecoveries);
            rig.Poll(1000);
            Assert.Equal(1, rig.Driver.Counters.SilenceRecoveries);
            Assert.Equal(1, rig.Driver.Counters.Reinitializations);
            rig.AssertReceiveStream(500);
        }

        [Fact]
        public void FailedReinitialisationIsRetriedByPoll()
        {
            var rig = new Rig(30);
            rig.Chip.Revision = 0; // chip stops answering
            rig.Driver.Reinitialize();
            Assert.False(rig.Driver.IsInitialized);
            rig.Poll(500);
            Assert.False(rig.Driver.IsInitialized);
            rig.Chip.Revision = 6;
            rig.Poll(600);
            Assert.True(rig.Driver.IsInitialized);
            rig.AssertReceiveStream(100);
        }
    }

    public class Enc28j60ErrataTests
    {
        [Fact]
        public void OddReadPointerRuleKeepsTheRingIntactAcrossManyWraps()
        {
            // The model corrupts frames written while ERXRDPT is even (errata). Thousands of
            // frames wrap the 6.5 KB ring hundreds of times; the driver must never trip it.
            var rig = new Rig(41);
            Assert.True(rig.Chip.ErrataEvenReadPointerCorrupts);
            for (int i = 0; i < 3000; i++)
            {
                int k = 1 + rig.Random.Next(3);
                var frames = new byte[k][];
                for (int j = 0; j < k; j++)
                {
                    frames[j] = rig.MakeFrame(rig.Random.Next(60, 1515), false);
                    Assert.True(rig.Chip.InjectFrame(frames[j], 0, frames[j].Length));
                }
                for (int j = 0; j < k; j++)
                {
                    int n = rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length);
                    Assert.Equal(frames[j].Length, n);
                    Assert.True(frames[j].AsSpan().SequenceEqual(rig.RxBuffer.AsSpan(0, n)));
                }
            }
            Assert.Equal(0, rig.Chip.CorruptedByEvenReadPointer);
            Assert.Equal(0, rig.Driver.Counters.ReceiveResets);
        }

        [Fact]
        public void PacketFlagUnreliableDoesNotHideFrames()
        {
            var rig = new Rig(42);
            Assert.True(rig.Chip.ErrataPacketFlagUnreliable);
            byte[] f = rig.MakeFrame(100, false);
            rig.Chip.InjectFrame(f, 0, f.Length);
            Assert.Equal(0, rig.Chip.PeekRegister(R.EIR) & B.EIR_PKTIF); // the flag lies
            Assert.Equal(100, rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void TransmitStallAfterAbortIsClearedByTheTransmitLogicReset(bool interruptPin)
        {
            // With the errata on, a TXRTS after an abort never completes unless TXRST was
            // pulsed in between. Every frame after the abort must still reach the wire.
            var rig = new Rig(43, interruptPin);
            Assert.True(rig.Chip.ErrataTransmitStallAfterAbort);
            for (int round = 0; round < 20; round++)
            {
                rig.Chip.InjectTransmitError(lateCollision: false, count: 1);
                byte[] lost = rig.MakeFrame(100, false);
                Assert.True(rig.Driver.Send(lost, 0, lost.Length));
                rig.AssertTransmitStream(10);
            }
            Assert.Equal(20, rig.Driver.Counters.TransmitErrors);
            Assert.Equal(0, rig.Driver.Counters.TransmitTimeouts);
        }

        [Fact]
        public void ReceiveRingStartsAtZeroSoTheWritePointerErrataIsHarmless()
        {
            var rig = new Rig(44);
            Assert.True(rig.Chip.ErrataReceiveStartResetsWritePointerToZero);
            Assert.Equal(0, Enc28j60Driver.ReceiveStart);
            rig.AssertReceiveStream(200);
        }
    }

    public class Enc28j60CostTests
    {
        private readonly ITestOutputHelper _out;
        public Enc28j60CostTests(ITestOutputHelper output) { _out = output; }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void SpiTransactionsAndBytesPerFullSizeFrame(bool interruptPin)
        {
            var cost = EmbeddedTcp.Simulation.Enc28j60.Enc28j60SpiCost.Measure(1514, 1000, interruptPin);
            _out.WriteLine(cost.ToString());
            Assert.True(cost.ReceiveTransactions <= 6, "receive costs " + cost.ReceiveTransactions);
            Assert.True(cost.TransmitTransactions <= (interruptPin ? 5 : 6), "transmit costs " + cost.TransmitTransactions);
            Assert.True(cost.ReceiveBurstTransactions <= 5.34, "burst receive costs " + cost.ReceiveBurstTransactions);
            // Checksum offload, counted apart: EDMAST/EDMAND, start, busy poll, EDMACSL/H (+ bank 0).
            Assert.True(cost.ReceiveOffloadTransactions <= 9, "receive offload costs " + cost.ReceiveOffloadTransactions);
            Assert.True(cost.TransmitOffloadTransactions <= 10, "transmit offload costs " + cost.TransmitOffloadTransactions);
            Assert.True(cost.PollAndTransmitTransactions <= (interruptPin ? 8 : 9), "poll + transmit costs " + cost.PollAndTransmitTransactions);
            // Bytes: the frame once, plus its framing (opcodes, header, FCS skip, registers).
            Assert.True(cost.ReceiveBytes < 1514 + 32, "receive bytes " + cost.ReceiveBytes);
            Assert.True(cost.TransmitBytes < 1514 + 16, "transmit bytes " + cost.TransmitBytes);
        }

        [Fact]
        public void DriverAndModelCountTheSameSpiWork()
        {
            var rig = new Rig(53);
            rig.AssertReceiveStream(300);
            rig.AssertTransmitStream(300);
            rig.Poll(5000);
            Assert.Equal(rig.Chip.Transactions, rig.Driver.Counters.SpiTransactions);
            Assert.Equal(rig.Chip.BytesTransferred, rig.Driver.Counters.SpiBytes);
        }

        [Fact]
        public void ReceiveTransmitAndPollAllocateNothing()
        {
            var rig = new Rig(52);
            var frames = new byte[16][];
            for (int i = 0; i < frames.Length; i++)
            {
                frames[i] = rig.MakeFrame(60 + i * 90, i % 3 == 0);
            }

            void Run(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    byte[] f = frames[i & 15];
                    rig.Chip.InjectFrame(f, 0, f.Length);
                    if ((i & 1) == 0)
                    {
                        rig.Chip.InjectFrame(f, 0, f.Length);
                    }

                    while (rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length) > 0) { }
                    rig.Driver.Send(f, 0, f.Length);
                    rig.Chip.TryTakeTransmitted(rig.WireBuffer, 0, out _);
                    rig.Now += 7;
                    rig.Driver.Poll(rig.Now);
                }
            }

            Run(200); // warm up (JIT, first-call paths)
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run(5000);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
            Assert.True(rig.Driver.Counters.FramesReceived >= 7500);
            Assert.True(rig.Driver.Counters.FramesSent >= 5000);
        }
    }
}
