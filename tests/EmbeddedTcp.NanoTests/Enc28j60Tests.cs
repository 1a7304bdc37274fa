using EmbeddedTcp.Drivers.Enc28j60;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Hal;
using EmbeddedTcp.NanoSupport;
using EmbeddedTcp.Simulation.Enc28j60;
using EmbeddedTcp.Tcp;
using nanoFramework.TestFramework;

namespace EmbeddedTcp.NanoTests
{
    /// <summary>
    /// The ENC28J60 driver that is flashed, against the desktop's register-level chip model
    /// compiled for nanoFramework (src/EmbeddedTcp.Simulation/Enc28j60/Enc28j60Model.cs): SPI
    /// opcodes, register banks, buffer memory, receive ring, transmit status, PHY, errata.
    /// </summary>
    [TestClass]
    public class Enc28j60Tests
    {
        /// <summary>Initialisation programs the ring, the filters, the MAC, the PHY and the interrupts as the datasheet asks.</summary>
        [TestMethod]
        public void InitializeProgramsTheChip()
        {
            Rig rig = new Rig(1);
            Enc28j60Model c = rig.Chip;
            Assert.AreEqual(0x0000, Word(c, Enc28j60Registers.ERXSTL), "ERXST (errata: ring at 0)");
            Assert.AreEqual(Enc28j60Driver.ReceiveEnd, Word(c, Enc28j60Registers.ERXNDL), "ERXND");
            Assert.AreEqual(1, Word(c, Enc28j60Registers.ERXRDPTL) & 1, "ERXRDPT odd (errata)");
            Assert.AreEqual(Enc28j60Driver.TransmitStart, Word(c, Enc28j60Registers.ETXSTL), "ETXST");
            Assert.AreEqual(Enc28j60Bits.ERXFCON_UCEN | Enc28j60Bits.ERXFCON_CRCEN | Enc28j60Bits.ERXFCON_BCEN, (int)c.PeekRegister(Enc28j60Registers.ERXFCON), "ERXFCON");
            Assert.AreEqual(Enc28j60Bits.MACON3_PADCFG0 | Enc28j60Bits.MACON3_TXCRCEN | Enc28j60Bits.MACON3_FRMLNEN | Enc28j60Bits.MACON3_FULDPX, (int)c.PeekRegister(Enc28j60Registers.MACON3), "MACON3");
            Assert.AreEqual(1518, Word(c, Enc28j60Registers.MAMXFLL), "MAMXFL");
            Assert.AreEqual((int)Rig.Mac[0], (int)c.PeekRegister(Enc28j60Registers.MAADR1), "MAADR1");
            Assert.AreEqual((int)Rig.Mac[5], (int)c.PeekRegister(Enc28j60Registers.MAADR6), "MAADR6");
            Assert.AreEqual((int)Enc28j60Phy.PHCON1_PDPXMD, (int)c.PeekPhy(Enc28j60Phy.PHCON1), "PHY full duplex");
            Assert.AreEqual(Enc28j60Bits.ECON1_RXEN, c.PeekRegister(Enc28j60Registers.ECON1) & (Enc28j60Bits.ECON1_RXEN | Enc28j60Bits.ECON1_TXRTS | Enc28j60Bits.ECON1_TXRST | Enc28j60Bits.ECON1_RXRST), "ECON1: receiving, nothing else");
            Assert.AreEqual(6, rig.Driver.Revision, "EREVID (B7)");
            Assert.IsTrue(rig.Driver.LinkUp, "link up");
            byte[] mac = new byte[6];
            rig.Driver.GetMacAddress(mac, 0);
            Assert.IsTrue(Bytes.Equal(Rig.Mac, 0, mac, 0, 6), "MAC");
        }

        /// <summary>No chip answering (EREVID 0): initialisation fails, is counted, and the driver refuses traffic.</summary>
        [TestMethod]
        public void NoChipAnsweringFailsInitialization()
        {
            Enc28j60Model chip = new Enc28j60Model();
            chip.Revision = 0;
            Enc28j60Driver driver = new Enc28j60Driver(chip, Rig.Mac);
            Assert.IsFalse(driver.Initialize(), "initialise");
            Assert.AreEqual(1L, driver.Counters.InitializationFailures, "failures counted");
            Assert.IsFalse(driver.Send(new byte[60], 0, 60), "send refused");
        }

        /// <summary>300 frames of random length (60..1514) each way, half of them with the interrupt pin, arrive byte-exact.</summary>
        [TestMethod]
        public void FramesBothWaysArriveByteExact()
        {
            Rig rig = new Rig(12345);
            rig.ReceiveStream(300);
            rig.TransmitStream(300);
            Assert.AreEqual(300L, rig.Driver.Counters.FramesReceived, "frames received");
            Assert.AreEqual(300L, rig.Driver.Counters.FramesSent, "frames sent");
            Assert.AreEqual(0L, rig.Driver.Counters.ReceiveResets + rig.Driver.Counters.TransmitResets, "resets");
            Assert.AreEqual(0L, rig.Chip.CorruptedByEvenReadPointer, "frames corrupted by an even ERXRDPT (errata)");

            Rig pin = new Rig(777, true);
            pin.ReceiveStream(150);
            pin.TransmitStream(150);
            Assert.AreEqual(150L, pin.Driver.Counters.FramesReceived, "frames received (interrupt pin)");
        }

        /// <summary>The receive filter drops unicast to another MAC and keeps broadcast; short frames are padded to 60 bytes.</summary>
        [TestMethod]
        public void FiltersAndPadding()
        {
            Rig rig = new Rig(2);
            byte[] other = rig.MakeFrame(100, false);
            other[5] ^= 0x01;
            Assert.IsFalse(rig.Chip.InjectFrame(other, 0, other.Length), "other unicast filtered");
            byte[] bcast = rig.MakeFrame(100, true);
            Assert.IsTrue(rig.Chip.InjectFrame(bcast, 0, bcast.Length), "broadcast kept");
            Assert.AreEqual(100, rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length), "broadcast received");
            Assert.AreEqual(0, rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length), "nothing else");

            byte[] small = rig.MakeFrame(42, false);
            Assert.IsTrue(rig.Driver.Send(small, 0, small.Length), "send 42 bytes");
            int n;
            Assert.IsTrue(rig.Chip.TryTakeTransmitted(rig.WireBuffer, 0, out n), "on the wire");
            Assert.AreEqual(60, n, "padded by the MAC");
            Assert.IsTrue(Bytes.Equal(small, 0, rig.WireBuffer, 0, 42), "payload intact");
        }

        /// <summary>A full receive ring drops frames with RXERIF; Poll counts the overflow and every kept frame is still read intact.</summary>
        [TestMethod]
        public void ReceiveOverflowIsCountedAndTrafficFlowsAfterwards()
        {
            Rig rig = new Rig(21, true);
            int accepted = 0;
            for (int i = 0; i < 20; i++)
            {
                byte[] f = rig.MakeFrame(1514, false);
                if (rig.Chip.InjectFrame(f, 0, f.Length))
                {
                    accepted++;
                }
            }

            Assert.IsTrue(rig.Chip.FramesDroppedFull > 0, "the ring overflowed");
            Assert.IsTrue(accepted >= 4 && accepted < 20, "frames kept: " + accepted.ToString());
            rig.Poll(10);
            Assert.AreEqual(1L, rig.Driver.Counters.ReceiveOverflows, "overflow counted");
            Assert.AreEqual(0, rig.Chip.PeekRegister(Enc28j60Registers.EIR) & Enc28j60Bits.EIR_RXERIF, "RXERIF cleared");
            for (int i = 0; i < accepted; i++)
            {
                Assert.AreEqual(1514, rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length), "kept frame " + i.ToString());
            }

            rig.ReceiveStream(100);
            Assert.AreEqual(0L, rig.Driver.Counters.ReceiveResets, "no receive reset needed");
        }

        /// <summary>A corrupted next-packet pointer resets the receive logic; frames flow afterwards.</summary>
        [TestMethod]
        public void CorruptNextPacketPointerResetsTheReceiveLogic()
        {
            Rig rig = new Rig(22);
            rig.ReceiveStream(30);
            rig.Chip.CorruptNextPacketPointer();
            byte[] f = rig.MakeFrame(300, false);
            Assert.IsTrue(rig.Chip.InjectFrame(f, 0, f.Length), "injected");
            Assert.AreEqual(0, rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length), "the bad frame is not delivered");
            Assert.AreEqual(1L, rig.Driver.Counters.ReceiveResets, "receive reset");
            rig.ReceiveStream(100);
        }

        /// <summary>An aborted transmission (with the rev. B7 stall erratum) resets the transmit logic; frames flow afterwards.</summary>
        [TestMethod]
        public void TransmitErrorResetsTheTransmitLogic()
        {
            Rig rig = new Rig(23, true);
            rig.TransmitStream(10);
            rig.Chip.InjectTransmitError(false, 1);
            byte[] lost = rig.MakeFrame(200, false);
            Assert.IsTrue(rig.Driver.Send(lost, 0, lost.Length), "send accepted");
            int n;
            Assert.IsFalse(rig.Chip.TryTakeTransmitted(rig.WireBuffer, 0, out n), "the aborted frame never reached the wire");
            rig.TransmitStream(100);
            Assert.AreEqual(1L, rig.Driver.Counters.TransmitErrors, "transmit errors");
            Assert.AreEqual(1L, rig.Driver.Counters.TransmitResets, "transmit resets");
            Assert.AreEqual(0L, rig.Driver.Counters.TransmitTimeouts, "transmit timeouts");
        }

        /// <summary>Link down is reported by Poll, Send refuses while it lasts, and traffic resumes when it comes back.</summary>
        [TestMethod]
        public void LinkFlap()
        {
            Rig rig = new Rig(26, true);
            rig.ReceiveStream(20);
            rig.Chip.SetLink(false);
            rig.Poll(5);
            Assert.IsFalse(rig.Driver.LinkUp, "link down seen");
            byte[] f = rig.MakeFrame(100, false);
            Assert.IsFalse(rig.Driver.Send(f, 0, f.Length), "send refused while down");
            rig.Chip.SetLink(true);
            rig.Poll(5);
            Assert.IsTrue(rig.Driver.LinkUp, "link up again");
            Assert.AreEqual(3L, rig.Driver.Counters.LinkChanges, "link changes: init, down, up");
            rig.ReceiveStream(50);
            rig.TransmitStream(50);
        }

        /// <summary>
        /// A whole board on nanoCLR: stack B and the firmware run over the ENC28J60 driver and the
        /// chip model; stack A pings it (ARP and ICMP through the chip) and echoes 16 KB through
        /// the firmware's echo service, byte-exact, every frame crossing the modelled SPI bus.
        /// </summary>
        [TestMethod]
        public void StackAndFirmwareOverTheChip()
        {
            MemoryLink link = new MemoryLink(32);
            ChipOnLink chip = new ChipOnLink(link.B);
            Assert.IsTrue(chip.Driver.Initialize(), "driver initialised");
            StackPair net = new StackPair(link, StackPair.Config(StackPair.IpA), StackPair.Config(StackPair.IpB), chip);
            net.ChipB = chip;
            net.AppB = new FirmwareApp(net.B, new FirmwareOptions());

            Assert.IsTrue(net.A.Ping(StackPair.IpB, 7, 1, 56), "ping sent");
            net.RunFor(50);
            Assert.AreEqual(1, net.A.LastEchoReplySequence, "echo reply through the chip");
            Assert.AreEqual(1L, net.B.Counters.ArpRepliesOut, "B answered ARP through the chip");

            int h = FirmwareTests.Connect(net, 7, 41000);
            int got = FirmwareTests.EchoRoundTrip(net, h, 16384, 99);
            OutputHelper.WriteLine("over the chip: frames in " + chip.Driver.Counters.FramesReceived.ToString() + ", out " + chip.Driver.Counters.FramesSent.ToString()
                + ", SPI transactions " + chip.Chip.Transactions.ToString() + ", SPI bytes " + chip.Chip.BytesTransferred.ToString());
            Assert.AreEqual(16384, got, "bytes echoed through the chip");
            Assert.AreEqual(16384L, net.AppB.Counters.EchoBytes, "firmware echo counter");
            Assert.IsTrue(chip.Driver.Counters.FramesReceived >= 12, "frames through the chip's receive ring: " + chip.Driver.Counters.FramesReceived.ToString());
            Assert.IsTrue(chip.Driver.Counters.FramesSent >= 12, "frames through the chip's transmit buffer: " + chip.Driver.Counters.FramesSent.ToString());
            Assert.AreEqual(0L, chip.Driver.Counters.ReceiveResets + chip.Driver.Counters.TransmitResets + chip.Driver.Counters.ReceiveDrops, "driver resets and drops");
            Assert.AreEqual(0, chip.ChipRefused, "frames the chip refused");
            Assert.AreEqual(chip.Chip.FramesAccepted, chip.Driver.Counters.FramesReceived, "frames the chip kept = frames the driver read");
            Assert.AreEqual(chip.Chip.FramesTransmitted, chip.Driver.Counters.FramesSent, "frames the driver sent = frames the chip put on the wire");
            Assert.AreEqual(chip.Chip.Transactions, chip.Driver.Counters.SpiTransactions, "driver and chip count the same SPI transactions");
        }

        private static int Word(Enc28j60Model c, byte low)
        {
            return c.PeekRegister(low) | (c.PeekRegister((byte)(low + 1)) << 8);
        }

        /// <summary>A model chip and the real driver on it, with frame streams both ways (the desktop's Rig, mscorlib only).</summary>
        private sealed class Rig
        {
            public static readonly byte[] Mac = new byte[] { 0x02, 0x00, 0x5E, 0x10, 0x20, 0x30 };
            public readonly Enc28j60Model Chip = new Enc28j60Model();
            public readonly Enc28j60Driver Driver;
            public readonly byte[] RxBuffer = new byte[1514];
            public readonly byte[] WireBuffer = new byte[1536];
            private readonly SeededRandom _random;
            private long _now;

            public Rig(uint seed) : this(seed, false)
            {
            }

            public Rig(uint seed, bool interruptPin)
            {
                _random = new SeededRandom(seed);
                Driver = new Enc28j60Driver(Chip, Mac, 0, interruptPin ? Chip : null, Chip.ResetPin, Chip);
                Assert.IsTrue(Driver.Initialize(), "driver initialised");
            }

            public byte[] MakeFrame(int length, bool broadcast)
            {
                byte[] f = new byte[length];
                for (int i = 0; i < length; i++)
                {
                    f[i] = (byte)_random.NextUInt32();
                }

                for (int i = 0; i < 6; i++)
                {
                    f[i] = broadcast ? (byte)0xFF : Mac[i];
                }

                f[6] = 0x02; // a locally administered unicast source
                f[12] = 0x08;
                f[13] = 0x00;
                return f;
            }

            public int RandomLength()
            {
                return 60 + (int)(_random.NextUInt32() % 1455);
            }

            public void Poll(long advanceMs)
            {
                _now += advanceMs;
                Driver.Poll(_now);
            }

            public void ReceiveStream(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    byte[] f = MakeFrame(RandomLength(), i % 7 == 0);
                    Assert.IsTrue(Chip.InjectFrame(f, 0, f.Length), "chip refused frame " + i.ToString());
                    int n = Driver.Receive(RxBuffer, 0, RxBuffer.Length);
                    Assert.AreEqual(f.Length, n, "length of received frame " + i.ToString());
                    Assert.IsTrue(Bytes.Equal(f, 0, RxBuffer, 0, n), "received frame " + i.ToString() + " differs");
                }

                Assert.AreEqual(0, Driver.Receive(RxBuffer, 0, RxBuffer.Length), "no frame left");
            }

            public void TransmitStream(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    byte[] f = MakeFrame(RandomLength(), false);
                    Assert.IsTrue(Driver.Send(f, 0, f.Length), "send " + i.ToString());
                    int n;
                    Assert.IsTrue(Chip.TryTakeTransmitted(WireBuffer, 0, out n), "frame " + i.ToString() + " not on the wire");
                    Assert.AreEqual(f.Length, n, "length on the wire of frame " + i.ToString());
                    Assert.IsTrue(Bytes.Equal(f, 0, WireBuffer, 0, n), "frame " + i.ToString() + " differs on the wire");
                }
            }
        }
    }
}
