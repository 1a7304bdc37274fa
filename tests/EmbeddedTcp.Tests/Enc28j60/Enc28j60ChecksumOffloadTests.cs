using System;
using EmbeddedTcp.Drivers.Enc28j60;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation.Enc28j60;
using EmbeddedTcp.Tcp;
using EmbeddedTcp.Wire;
using Xunit;
using B = EmbeddedTcp.Drivers.Enc28j60.Enc28j60Bits;
using R = EmbeddedTcp.Drivers.Enc28j60.Enc28j60Registers;

namespace EmbeddedTcp.Tests.Enc28j60
{
    /// <summary>
    /// The DMA checksum engine (DS39662 section 13.2) in the register model, the driver's checksum
    /// offload on it (both directions, the errata workaround included) and the stack over it: a
    /// segment corrupted inside the chip's buffer is still dropped and counted.
    /// </summary>
    public class Enc28j60ChecksumOffloadTests
    {
        private static readonly byte[] Cmd = new byte[3];
        private static readonly byte[] Reply = new byte[2];

        private static void Bank0(Enc28j60Model chip)
        {
            Op(chip, Enc28j60Opcodes.BitFieldClear | 0x1F, 0x03);
        }

        private static void Op(Enc28j60Model chip, int op, int value)
        {
            Cmd[0] = (byte)op;
            Cmd[1] = (byte)value;
            chip.Transfer(Cmd, 0, 2, null, 0, 0);
        }

        private static void Wcr(Enc28j60Model chip, byte register, int value)
        {
            Op(chip, Enc28j60Opcodes.WriteControlRegister | (register & 0x1F), value);
        }

        private static int Rcr(Enc28j60Model chip, byte register)
        {
            Cmd[0] = (byte)(Enc28j60Opcodes.ReadControlRegister | (register & 0x1F));
            chip.Transfer(Cmd, 0, 1, Reply, 0, 1);
            return Reply[0];
        }

        private static void WriteMemory(Enc28j60Model chip, int address, byte[] data)
        {
            Wcr(chip, R.EWRPTL, address & 0xFF);
            Wcr(chip, R.EWRPTH, address >> 8);
            chip.Write(new[] { Enc28j60Opcodes.WriteBufferMemory }, 0, 1, data, 0, data.Length);
        }

        private static void StartChecksum(Enc28j60Model chip, int start, int end)
        {
            Wcr(chip, R.EDMASTL, start & 0xFF);
            Wcr(chip, R.EDMASTH, start >> 8);
            Wcr(chip, R.EDMANDL, end & 0xFF);
            Wcr(chip, R.EDMANDH, end >> 8);
            Op(chip, Enc28j60Opcodes.BitFieldSet | 0x1F, B.ECON1_CSUMEN | B.ECON1_DMAST);
        }

        private static int Result(Enc28j60Model chip)
        {
            return Rcr(chip, R.EDMACSL) | (Rcr(chip, R.EDMACSH) << 8);
        }

        /// <summary>Section 13.2's own example: {89h, ABh, CDh} gives A953h.</summary>
        [Fact]
        public void Model_DatasheetExample()
        {
            var chip = new Enc28j60Model();
            Bank0(chip);
            WriteMemory(chip, 0x1A00, new byte[] { 0x89, 0xAB, 0xCD });
            StartChecksum(chip, 0x1A00, 0x1A02);
            Assert.Equal(0xA953, Result(chip));
            Assert.NotEqual(0, chip.PeekRegister(R.EIR) & B.EIR_DMAIF);
            Assert.Equal(0, chip.PeekRegister(R.ECON1) & B.ECON1_DMAST);
        }

        /// <summary>Any range, odd or even, and one that wraps from ERXND to ERXST inside the receive ring, equals RFC 1071.</summary>
        [Fact]
        public void Model_ChecksumEqualsRfc1071_IncludingTheRingWrap()
        {
            var chip = new Enc28j60Model();
            var rng = new Random(13);
            Bank0(chip);
            Wcr(chip, R.ERXSTL, 0); Wcr(chip, R.ERXSTH, 0);
            Wcr(chip, R.ERXNDL, 0xFF); Wcr(chip, R.ERXNDH, 0x19);
            var data = new byte[1600];
            rng.NextBytes(data);
            for (int len = 1; len < 1600; len += 37)
            {
                WriteMemory(chip, 0x1000, data.AsSpan(0, len).ToArray());
                StartChecksum(chip, 0x1000, 0x1000 + len - 1);
                Assert.Equal(Checksum.Compute(data, 0, len), Result(chip));
            }

            // 300 bytes at the end of the ring, the rest from its start.
            WriteMemory(chip, 0x19FF - 299, data.AsSpan(0, 300).ToArray());
            WriteMemory(chip, 0x0000, data.AsSpan(300, 700).ToArray());
            StartChecksum(chip, 0x19FF - 299, 699);
            Assert.Equal(Checksum.Compute(data, 0, 1000), Result(chip));
        }

        /// <summary>DMAST stays set for the configured transactions; the driver-visible busy flag.</summary>
        [Fact]
        public void Model_BusyFlagClearsAfterTheLatency()
        {
            var chip = new Enc28j60Model { DmaLatencyTransactions = 3 };
            Bank0(chip);
            WriteMemory(chip, 0x1A00, new byte[] { 1, 2, 3, 4 });
            StartChecksum(chip, 0x1A00, 0x1A03);
            Assert.NotEqual(0, Rcr(chip, R.ECON1) & B.ECON1_DMAST);
            Assert.NotEqual(0, Rcr(chip, R.ECON1) & B.ECON1_DMAST);
            Assert.Equal(0, Rcr(chip, R.ECON1) & B.ECON1_DMAST);
            Assert.Equal(Checksum.Compute(new byte[] { 1, 2, 3, 4 }, 0, 4), Result(chip));
        }

        /// <summary>The errata behaviour: a frame written into the ring while the DMA sums gives a wrong EDMACS.</summary>
        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void Model_FrameArrivingDuringTheDma_SpoilsTheSum_WithTheErrata(bool errata)
        {
            var rig = new Rig(1);
            rig.Chip.ErrataDmaChecksumDisturbedByReception = errata;
            rig.Chip.DmaLatencyTransactions = 2;
            var data = new byte[] { 9, 8, 7, 6, 5 };
            Bank0(rig.Chip);
            WriteMemory(rig.Chip, 0x1B00, data);
            StartChecksum(rig.Chip, 0x1B00, 0x1B04);
            Assert.True(rig.Chip.InjectFrame(rig.MakeFrame(100, false), 0, 100));
            Rcr(rig.Chip, R.ECON1);
            Rcr(rig.Chip, R.ECON1);
            Assert.Equal(errata, Checksum.Compute(data, 0, data.Length) != Result(rig.Chip));
            Assert.Equal(errata ? 1 : 0, rig.Chip.DmaChecksumsDisturbed);
        }

        /// <summary>The driver reports the chip's sum of a received frame from its IPv4 header on; short frames get none.</summary>
        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Driver_ReceivedSum_IsTheSumFromByte14(bool interruptPin)
        {
            var rig = new Rig(2, interruptPin);
            rig.Chip.DmaLatencyTransactions = 2; // the driver polls DMAST
            for (int i = 0; i < 40; i++)
            {
                int len = rig.Random.Next(60, 1515);
                byte[] f = rig.MakeFrame(len, false);
                Assert.True(rig.Chip.InjectFrame(f, 0, len));
                Assert.Equal(len, rig.Driver.Receive(rig.RxBuffer, 0, rig.RxBuffer.Length));
                int expected = len >= Enc28j60Driver.ChecksumOffloadMinimum ? (~Checksum.Compute(f, 14, len - 14) & 0xFFFF) : -1;
                Assert.Equal(expected, rig.Driver.ReceivedSum);
            }
        }

        /// <summary>SendWithChecksum puts the complement of the sum over the range (seed in the field) on the wire.</summary>
        [Fact]
        public void Driver_SendWithChecksum_FillsTheField()
        {
            var rig = new Rig(3);
            rig.Chip.DmaLatencyTransactions = 1;
            for (int i = 0; i < 20; i++)
            {
                int len = rig.Random.Next(300, 1515);
                byte[] f = rig.MakeFrame(len, false);
                f[50] = 0x12; f[51] = 0x34; // the seed
                Assert.True(rig.Driver.SendWithChecksum(f, 0, len, 34, 50));
                Assert.True(rig.Chip.TryTakeTransmitted(rig.WireBuffer, 0, out int n));
                Assert.Equal(len, n);
                // The field holds ~(seed + rest): the range with the field re-seeded verifies.
                ushort stored = (ushort)((rig.WireBuffer[50] << 8) | rig.WireBuffer[51]);
                f[50] = 0; f[51] = 0;
                ushort expected = Checksum.Finish(Checksum.Accumulate(0x1234, f, 34, len - 34));
                Assert.Equal(expected, stored);
                for (int k = 0; k < len; k++)
                {
                    if (k != 50 && k != 51)
                    {
                        Assert.Equal(f[k], rig.WireBuffer[k]);
                    }
                }
            }
            Assert.Equal(0, rig.Driver.Counters.ChecksumSoftwareFallbacks);
        }

        /// <summary>Errata workaround on send: a frame arriving during the DMA moves ERXWRPT, and the driver sums in software.</summary>
        [Fact]
        public void Driver_FrameArrivingDuringTheSendDma_FallsBackToSoftware()
        {
            var chip = new Enc28j60Model { DmaLatencyTransactions = 2 };
            var bus = new InjectOnDmaStart(chip);
            var driver = new Enc28j60Driver(bus, Rig.Mac, 0, null, null, chip);
            Assert.True(driver.Initialize());
            var rig = new Rig(4);
            byte[] f = rig.MakeFrame(1000, false);
            f[50] = 0; f[51] = 0;
            bus.Frame = rig.MakeFrame(200, false);
            Assert.True(driver.SendWithChecksum(f, 0, 1000, 34, 50));
            var wire = new byte[1536];
            Assert.True(chip.TryTakeTransmitted(wire, 0, out int n));
            Assert.Equal(1, chip.DmaChecksumsDisturbed);
            Assert.Equal(1, driver.Counters.ChecksumSoftwareFallbacks);
            Assert.Equal(Checksum.Finish(Checksum.Accumulate(0, f, 34, 966)), (ushort)((wire[50] << 8) | wire[51]));
        }

        /// <summary>
        /// The stack over the driver with offload: a TCP segment to a closed port is answered with a RST
        /// (the chip's sum verified it), and the same segment with one byte corrupted inside the chip's
        /// buffer, after the Ethernet CRC was checked, is dropped and counted as a bad checksum.
        /// </summary>
        [Fact]
        public void Stack_SegmentCorruptedInsideTheChip_IsDroppedAndCounted()
        {
            var rig = new Rig(5);
            var config = new NetworkConfig { Address = 0xC0000202, Netmask = 0xFFFFFF00 };
            var stack = new NetworkStack(config, rig.Driver, new SeededRandom(5));
            byte[] f = Segment(rig, 300);
            var wire = new byte[1536];

            Assert.True(rig.Chip.InjectFrame(f, 0, f.Length));
            stack.Poll(1);
            Assert.Equal(1, stack.Tcp.Counters.DropsByReason[(int)TcpDropReason.NoConnection]);
            Assert.Equal(0, stack.Tcp.Counters.DropsByReason[(int)TcpDropReason.BadChecksum]);
            Assert.True(rig.Chip.TryTakeTransmitted(wire, 0, out _)); // the RST
            long dmaBefore = rig.Driver.Counters.DmaChecksums;

            int at = rig.Chip.ReceiveWritePointer;
            Assert.True(rig.Chip.InjectFrame(f, 0, f.Length));
            rig.Chip.CorruptMemory(at + 6 + 200, 0x40); // a payload byte, after the CRC was checked
            stack.Poll(2);
            Assert.Equal(1, stack.Tcp.Counters.DropsByReason[(int)TcpDropReason.BadChecksum]);
            Assert.Equal(dmaBefore + 1, rig.Driver.Counters.DmaChecksums);
            Assert.False(rig.Chip.TryTakeTransmitted(wire, 0, out _));
        }

        private static byte[] Segment(Rig rig, int payload)
        {
            int len = 14 + 20 + 20 + payload;
            byte[] f = rig.MakeFrame(len, false);
            f[14] = 0x45; f[15] = 0; f[16] = (byte)((len - 14) >> 8); f[17] = (byte)(len - 14);
            f[18] = 0; f[19] = 1; f[20] = 0x40; f[21] = 0; f[22] = 64; f[23] = 6; f[24] = 0; f[25] = 0;
            NetOrder.WriteU32(f, 26, 0xC0000201);
            NetOrder.WriteU32(f, 30, 0xC0000202);
            NetOrder.WriteU16(f, 24, Checksum.Compute(f, 14, 20));
            NetOrder.WriteU16(f, 34, 40000);
            NetOrder.WriteU16(f, 36, 9);
            NetOrder.WriteU32(f, 38, 1000);
            NetOrder.WriteU32(f, 42, 2000);
            f[46] = 0x50; f[47] = TcpFlags.Ack; f[48] = 0x10; f[49] = 0; f[50] = 0; f[51] = 0; f[52] = 0; f[53] = 0;
            uint sum = Checksum.PseudoHeader(0xC0000201, 0xC0000202, 6, len - 34);
            NetOrder.WriteU16(f, 50, Checksum.Finish(Checksum.Accumulate(sum, f, 34, len - 34)));
            return f;
        }

        /// <summary>An SPI bus that forwards to the chip and injects a frame right after the transaction that starts a DMA.</summary>
        private sealed class InjectOnDmaStart : ISpiBus
        {
            private readonly Enc28j60Model _chip;
            public byte[] Frame;

            public InjectOnDmaStart(Enc28j60Model chip) { _chip = chip; }

            public void Transfer(byte[] w, int wo, int wl, byte[] r, int ro, int rl)
            {
                _chip.Transfer(w, wo, wl, r, ro, rl);
                if (Frame != null && wl >= 2 && w[wo] == (Enc28j60Opcodes.BitFieldSet | 0x1F) && (w[wo + 1] & B.ECON1_DMAST) != 0)
                {
                    _chip.InjectFrame(Frame, 0, Frame.Length);
                    Frame = null;
                }
            }

            public void Write(byte[] h, int ho, int hl, byte[] d, int dof, int dl) { _chip.Write(h, ho, hl, d, dof, dl); }
        }
    }
}
