using EmbeddedTcp.Boards.Esp32Enc28j60;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation.Enc28j60;
using nanoFramework.TestFramework;

namespace EmbeddedTcp.DeviceTests
{
    /// <summary>
    /// The board's loop as flashed (<see cref="BoardRunner"/>, the firmware, the driver and the
    /// board's <see cref="SystemRandomSource"/>) over the register-level ENC28J60 model instead of the
    /// chip. No hardware: runs on nanoCLR in CI as well as on the device.
    /// </summary>
    [TestClass]
    public class BoardLoopTests
    {
        private static readonly byte[] BoardMac = new byte[] { 0x02, 0x45, 0x54, 0x43, 0x50, 0x7D };
        private static readonly byte[] HostMac = new byte[] { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
        private static readonly byte[] BoardIp = new byte[] { 192, 0, 2, 50 };
        private static readonly byte[] HostIp = new byte[] { 192, 0, 2, 1 };

        private sealed class ManualClock : IClock
        {
            public long Now = 1000;

            public long NowMs { get { return Now; } }
        }

        /// <summary>A bus with nothing on it: MISO floats high, every byte reads 0xFF.</summary>
        private sealed class DeadBus : ISpiBus
        {
            public void Transfer(byte[] writeBuffer, int writeOffset, int writeLength, byte[] readBuffer, int readOffset, int readLength)
            {
                for (int i = 0; i < readLength; i++)
                {
                    readBuffer[readOffset + i] = 0xFF;
                }
            }

            public void Write(byte[] header, int headerOffset, int headerLength, byte[] data, int dataOffset, int dataLength)
            {
            }
        }

        /// <summary>No chip answering: initialisation fails, and the loop asks to be called again in a second.</summary>
        [TestMethod]
        public void WithNoChip_InitializeFailsAndTheLoopRetriesEverySecond()
        {
            var runner = new BoardRunner(new DeadBus(), BoardMac, null, null, null, new ManualClock());

            Assert.IsFalse(runner.Initialize(), "Initialize with nothing on the bus");
            Assert.AreEqual(1000, runner.RunOnce(), "milliseconds until the next try");
            Assert.IsFalse(runner.Driver.IsInitialized, "driver initialised");
            Assert.IsTrue(runner.Driver.Counters.InitializationFailures >= 1, "initialisation failures counted");
        }

        /// <summary>
        /// With the firmware started on a static address, an ARP request for that address put into
        /// the chip's receive ring is answered through the chip's transmitter, byte for byte as
        /// RFC 826 lays it out (built and checked here by hand, independent of the stack's own parsers).
        /// </summary>
        [TestMethod]
        public void WithTheFirmware_TheBoardAnswersArpThroughTheChip()
        {
            var chip = new Enc28j60Model();
            var clock = new ManualClock();
            var runner = new BoardRunner(chip, BoardMac, chip, chip.ResetPin, chip, clock);
            Assert.IsTrue(runner.Initialize(), "Initialize over the chip model");
            uint address = (uint)((BoardIp[0] << 24) | (BoardIp[1] << 16) | (BoardIp[2] << 8) | BoardIp[3]);
            runner.StartFirmware(new NetworkConfig { Address = address }, new FirmwareOptions(), new SystemRandomSource(7));
            runner.RunOnce();
            Assert.AreEqual(address, runner.Stack.Address, "the configured address");

            byte[] frame = new byte[1514];
            int length;
            while (chip.TryTakeTransmitted(frame, 0, out length))
            {
                // the gratuitous ARP of the start-up
            }

            byte[] request = new byte[60];
            for (int i = 0; i < 6; i++)
            {
                request[i] = 0xFF;
                request[6 + i] = HostMac[i];
                request[22 + i] = HostMac[i];
            }

            request[12] = 0x08; request[13] = 0x06;                      // EtherType ARP
            request[14] = 0x00; request[15] = 0x01;                      // hardware type Ethernet
            request[16] = 0x08; request[17] = 0x00;                      // protocol IPv4
            request[18] = 6; request[19] = 4; request[21] = 1;           // sizes; operation request
            for (int i = 0; i < 4; i++)
            {
                request[28 + i] = HostIp[i];
                request[38 + i] = BoardIp[i];
            }

            Assert.IsTrue(chip.InjectFrame(request, 0, request.Length), "the chip took the request");
            clock.Now += 1;
            runner.RunOnce();

            Assert.IsTrue(chip.TryTakeTransmitted(frame, 0, out length), "a frame left the chip");
            Assert.IsTrue(length >= 42, "reply length " + length.ToString());
            Assert.AreEqual(0x0806, (frame[12] << 8) | frame[13], "EtherType");
            Assert.AreEqual(2, (frame[20] << 8) | frame[21], "ARP operation (2 = reply)");
            for (int i = 0; i < 6; i++)
            {
                Assert.AreEqual(HostMac[i], frame[i], "destination MAC byte " + i.ToString());
                Assert.AreEqual(BoardMac[i], frame[22 + i], "sender MAC byte " + i.ToString());
                Assert.AreEqual(HostMac[i], frame[32 + i], "target MAC byte " + i.ToString());
            }

            for (int i = 0; i < 4; i++)
            {
                Assert.AreEqual(BoardIp[i], frame[28 + i], "sender IP byte " + i.ToString());
                Assert.AreEqual(HostIp[i], frame[38 + i], "target IP byte " + i.ToString());
            }
        }

        /// <summary>
        /// The board's random source fills all four bytes of each word, and the words vary. (Not
        /// reproducible from the seed: on the ESP32, nanoFramework's Random is the hardware RNG and
        /// ignores the seed; on other ports it is C's rand(), one generator for every instance.)
        /// </summary>
        [TestMethod]
        public void SystemRandomSource_FillsWholeWordsThatVary()
        {
            var random = new SystemRandomSource(12345);
            uint first = random.NextUInt32();
            uint anyBitSet = first;
            uint everyBitSet = first;
            bool varied = false;
            for (int i = 1; i < 64; i++)
            {
                uint x = random.NextUInt32();
                anyBitSet |= x;
                everyBitSet &= x;
                varied |= x != first;
            }

            Assert.IsTrue(varied, "64 equal words");
            for (int b = 0; b < 4; b++)
            {
                Assert.IsTrue(((anyBitSet >> (8 * b)) & 0xFF) != 0, "byte " + b.ToString() + " was 0 in every word");
                Assert.IsTrue(((everyBitSet >> (8 * b)) & 0xFF) != 0xFF, "byte " + b.ToString() + " was 0xFF in every word");
            }
        }
    }
}
