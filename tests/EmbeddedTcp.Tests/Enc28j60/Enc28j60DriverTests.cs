using System;
using EmbeddedTcp.Drivers.Enc28j60;
using EmbeddedTcp.Simulation.Enc28j60;
using Xunit;
using Xunit.Abstractions;
using B = EmbeddedTcp.Drivers.Enc28j60.Enc28j60Bits;
using P = EmbeddedTcp.Drivers.Enc28j60.Enc28j60Phy;
using R = EmbeddedTcp.Drivers.Enc28j60.Enc28j60Registers;

namespace EmbeddedTcp.Tests.Enc28j60
{
    /// <summary>A model chip and the real driver on it, with helpers to push frames both ways.</summary>
    internal sealed class Rig
    {
        public static readonly byte[] Mac = { 0x02, 0x00, 0x5E, 0x10, 0x20, 0x30 };
        public readonly Enc28j60Model Chip = new Enc28j60Model();
        public readonly Enc28j60Driver Driver;
        public readonly byte[] RxBuffer = new byte[1514];
        public readonly byte[] WireBuffer = new byte[1536];
        public readonly Random Random;
        public long Now;

        public Rig(int seed) : this(seed, false)
        {
        }

        public Rig(int seed, bool interruptPin)
        {
            Random = new Random(seed);
            Driver = new Enc28j60Driver(Chip, Mac, 0, interruptPin ? Chip : null, Chip.ResetPin, Chip);
            Assert.True(Driver.Initialize());
        }

        /// <summary>A frame of <paramref name="length"/> bytes to our MAC (or broadcast) with random payload.</summary>
        public byte[] MakeFrame(int length, bool broadcast)
        {
            var f = new byte[length];
            Random.NextBytes(f);
            for (int i = 0; i < 6; i++)
            {
                f[i] = broadcast ? (byte)0xFF : Mac[i];
            }
            f[6] = 0x02; // locally administered unicast source
            f[12] = 0x08;
            f[13] = 0x00;
            return f;
        }

        public int RandomLength() { return Random.Next(60, 1515); }

        public void Poll(long advanceMs)
        {
            Now += advanceMs;
            Driver.Poll(Now);
        }

        /// <summary>Injects and receives <paramref name="count"/> frames, asserting each is byte-exact.</summary>
        public void AssertReceiveStream(int count)
        {
            for (int i = 0; i < count; i++)
            {
                byte[] f = MakeFrame(RandomLength(), i % 7 == 0);
                Assert.True(Chip.InjectFrame(f, 0, f.Length), "chip refused frame " + i);
                int n = Driver.Receive(RxBuffer, 0, RxBuffer.Length);
                Assert.Equal(f.Length, n);
                Assert.True(f.AsSpan().SequenceEqual(RxBuffer.AsSpan(0, n)), "frame " + i + " differs");
            }
            Assert.Equal(0, Driver.Receive(RxBuffer, 0, RxBuffer.Length));
        }

        /// <summary>Sends <paramref name="count"/> frames and asserts each reaches the wire byte-exact.</summary>
        public void AssertTransmitStream(int count)
        {
            for (int i = 0; i < count; i++)
            {
                byte[] f = MakeFrame(RandomLength(), false);
                Assert.True(Driver.Send(f, 0, f.Length), "send " + i);
                Assert.True(Chip.TryTakeTransmitted(WireBuffer, 0, out int n), "frame " + i + " not on the wire");
                Assert.Equal(f.Length, n);
                Assert.True(f.AsSpan().SequenceEqual(WireBuffer.AsSpan(0, n)), "frame " + i + " differs");
            }
        }
    }

    public class Enc28j60InitializationTests
    {
        [Fact]
        public void InitializationProgramsEveryRegisterAsTheDatasheetRequires()
        {
            var rig = new Rig(1);
            var c = rig.Chip;
            int Word(byte low) { return c.PeekRegister(low) | (c.PeekRegister((byte)(low + 1)) << 8); }

            Assert.Equal(0x0000, Word(R.ERXSTL));                       // errata: ring at 0
            Assert.Equal(Enc28j60Driver.ReceiveEnd, Word(R.ERXNDL));
            Assert.Equal(Enc28j60Driver.ReceiveEnd, Word(R.ERXRDPTL));  // odd
            Assert.Equal(1, Word(R.ERXRDPTL) & 1);
            Assert.Equal(0x0000, Word(R.ERDPTL));
            Assert.Equal(Enc28j60Driver.TransmitStart, Word(R.ETXSTL));
            Assert.True(Enc28j60Driver.TransmitStart > Enc28j60Driver.ReceiveEnd);
            Assert.True(0x1FFF - Enc28j60Driver.TransmitStart + 1 >= 1 + 1514 + 7);
            Assert.Equal(B.ERXFCON_UCEN | B.ERXFCON_CRCEN | B.ERXFCON_BCEN, c.PeekRegister(R.ERXFCON));
            Assert.Equal(B.MACON1_MARXEN | B.MACON1_TXPAUS | B.MACON1_RXPAUS, c.PeekRegister(R.MACON1));
            Assert.Equal(B.MACON3_PADCFG0 | B.MACON3_TXCRCEN | B.MACON3_FRMLNEN | B.MACON3_FULDPX, c.PeekRegister(R.MACON3));
            Assert.Equal(B.MACON4_DEFER, c.PeekRegister(R.MACON4));
            Assert.Equal(1518, c.PeekRegister(R.MAMXFLL) | (c.PeekRegister(R.MAMXFLH) << 8));
            Assert.Equal(0x15, c.PeekRegister(R.MABBIPG));
            Assert.Equal(0x12, c.PeekRegister(R.MAIPGL));
            Assert.Equal(0x0C, c.PeekRegister(R.MAIPGH));
            Assert.Equal(Rig.Mac[0], c.PeekRegister(R.MAADR1));
            Assert.Equal(Rig.Mac[1], c.PeekRegister(R.MAADR2));
            Assert.Equal(Rig.Mac[2], c.PeekRegister(R.MAADR3));
            Assert.Equal(Rig.Mac[3], c.PeekRegister(R.MAADR4));
            Assert.Equal(Rig.Mac[4], c.PeekRegister(R.MAADR5));
            Assert.Equal(Rig.Mac[5], c.PeekRegister(R.MAADR6));
            Assert.Equal(P.PHCON1_PDPXMD, c.PeekPhy(P.PHCON1));          // PHY full duplex matches MACON3.FULDPX
            Assert.Equal(P.PHCON2_HDLDIS, c.PeekPhy(P.PHCON2));
            Assert.Equal(P.PHLCON_LEDS, c.PeekPhy(P.PHLCON));
            Assert.Equal(P.PHIE_PGEIE | P.PHIE_PLNKIE, c.PeekPhy(P.PHIE));
            Assert.Equal(B.EIE_INTIE | B.EIE_LINKIE | B.EIE_TXERIE | B.EIE_RXERIE, c.PeekRegister(R.EIE));
            Assert.Equal(B.ECON2_AUTOINC, c.PeekRegister(R.ECON2) & B.ECON2_AUTOINC);
            Assert.Equal(B.ECON1_RXEN, c.PeekRegister(R.ECON1) & (B.ECON1_RXEN | B.ECON1_TXRTS | B.ECON1_TXRST | B.ECON1_RXRST));
            Assert.True(rig.Driver.LinkUp);
            Assert.Equal(6, rig.Driver.Revision);
            byte[] mac = new byte[6];
            rig.Driver.GetMacAddress(mac, 0);
            Assert.Equal(Rig.Mac, mac);
        }

        [Fact]
        public void FiltersDropOtherUnicastAndAcceptBroadcast()
        {
            var rig = new Rig(2);
            byte[] other = rig.MakeFrame(100, false);
            other[5] ^= 0x01;
            Assert.False(rig.Chip.InjectFrame(other, 0, other.Length));
            byte[] bcast = rig.MakeFrame(100, true);
            Assert.True(rig.Chip.InjectFrame(bcast, 0, bcast.Length));
            Assert.Equal(100, rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length));
        }

        [Fact]
        public void NoChipAnsweringFailsInitializationAndIsCounted()
        {
            var chip = new Enc28j60Model { Revision = 0 };
            var driver = new Enc28j60Driver(chip, Rig.Mac);
            Assert.False(driver.Initialize());
            Assert.Equal(1, driver.Counters.InitializationFailures);
            Assert.Equal(0, driver.Receive(new byte[1514], 0, 1514));
            Assert.False(driver.Send(new byte[60], 0, 60));
        }
    }

    public class Enc28j60TrafficTests
    {
        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void TenThousandRandomFramesEachWayArriveByteExact(bool interruptPin)
        {
            var rig = new Rig(12345, interruptPin);
            rig.AssertReceiveStream(10000);
            rig.AssertTransmitStream(10000);
            Assert.Equal(10000, rig.Driver.Counters.FramesReceived);
            Assert.Equal(10000, rig.Driver.Counters.FramesSent);
            Assert.Equal(0, rig.Driver.Counters.ReceiveResets);
            Assert.Equal(0, rig.Driver.Counters.TransmitResets);
            Assert.Equal(0, rig.Chip.CorruptedByEvenReadPointer);
        }

        [Fact]
        public void BurstsOfQueuedFramesDrainInOrder()
        {
            var rig = new Rig(777);
            var queued = new byte[5][];
            for (int round = 0; round < 2000; round++)
            {
                int k = 1 + rig.Random.Next(5);
                for (int j = 0; j < k; j++)
                {
                    queued[j] = rig.MakeFrame(rig.Random.Next(60, 1000), false);
                    Assert.True(rig.Chip.InjectFrame(queued[j], 0, queued[j].Length));
                }
                for (int j = 0; j < k; j++)
                {
                    int n = rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length);
                    Assert.Equal(queued[j].Length, n);
                    Assert.True(queued[j].AsSpan().SequenceEqual(rig.RxBuffer.AsSpan(0, n)));
                }
                Assert.Equal(0, rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length));
            }
            Assert.Equal(0, rig.Driver.Counters.ReceiveResets);
        }

        [Fact]
        public void FrameLongerThanTheCallersBufferIsDroppedNotTruncated()
        {
            var rig = new Rig(3);
            byte[] big = rig.MakeFrame(1000, false);
            byte[] small = rig.MakeFrame(80, false);
            rig.Chip.InjectFrame(big, 0, big.Length);
            rig.Chip.InjectFrame(small, 0, small.Length);
            byte[] buf = new byte[500];
            Assert.Equal(80, rig.Driver.Receive(buf, 0, buf.Length));
            Assert.True(small.AsSpan().SequenceEqual(buf.AsSpan(0, 80)));
            Assert.Equal(1, rig.Driver.Counters.ReceiveDrops);
            rig.AssertReceiveStream(50);
        }

        /// <summary>A buffer range that does not exist is refused (0, false, nothing copied), never thrown at.</summary>
        [Fact]
        public void BadBufferRangesAreRefusedNotThrown()
        {
            var rig = new Rig(4);
            byte[] frame = rig.MakeFrame(80, false);
            rig.Chip.InjectFrame(frame, 0, frame.Length);
            Assert.Equal(0, rig.Driver.Receive(null, 0, 100));
            Assert.Equal(0, rig.Driver.Receive(new byte[100], 50, 100));
            Assert.Equal(0, rig.Driver.Receive(new byte[100], -1, 10));
            Assert.False(rig.Driver.Send(null, 0, 60));
            Assert.False(rig.Driver.Send(frame, 40, 60));
            Assert.False(rig.Driver.Send(frame, int.MaxValue, 60));
            var small = new byte[4];
            rig.Driver.GetMacAddress(small, 0);
            rig.Driver.GetMacAddress(null, 0);
            Assert.Equal(new byte[4], small);
            byte[] buf = new byte[1514];
            Assert.Equal(80, rig.Driver.Receive(buf, 0, buf.Length)); // the frame waited in the chip
            Assert.True(frame.AsSpan().SequenceEqual(buf.AsSpan(0, 80)));
            Assert.True(rig.Driver.Send(frame, 0, frame.Length));
        }

        [Fact]
        public void ShortFramesArePaddedToSixtyBytesByTheMac()
        {
            var rig = new Rig(4);
            byte[] f = rig.MakeFrame(42, false);
            Assert.True(rig.Driver.Send(f, 0, f.Length));
            Assert.True(rig.Chip.TryTakeTransmitted(rig.WireBuffer, 0, out int n));
            Assert.Equal(60, n);
            Assert.True(f.AsSpan().SequenceEqual(rig.WireBuffer.AsSpan(0, 42)));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void SendWaitsForThePreviousFrameWithinItsBound(bool interruptPin)
        {
            var rig = new Rig(5, interruptPin);
            rig.Chip.TransmitLatencyTransactions = 20;
            rig.AssertTransmitStreamLatent(200);
            Assert.Equal(0, rig.Driver.Counters.TransmitTimeouts);
        }
    }

    internal static class RigExtensions
    {
        /// <summary>Sends frames while transmissions take time; each is checked once the next Send has waited for it.</summary>
        public static void AssertTransmitStreamLatent(this Rig rig, int count)
        {
            byte[] previous = null;
            for (int i = 0; i <= count; i++)
            {
                byte[] f = rig.MakeFrame(rig.RandomLength(), false);
                Assert.True(rig.Driver.Send(f, 0, f.Length));
                if (previous != null)
                {
                    Assert.True(rig.Chip.TryTakeTransmitted(rig.WireBuffer, 0, out int n));
                    Assert.True(previous.AsSpan().SequenceEqual(rig.WireBuffer.AsSpan(0, n)));
                }
                previous = f;
            }
        }
    }
}
