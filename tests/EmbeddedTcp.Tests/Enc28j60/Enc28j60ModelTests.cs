using EmbeddedTcp.Drivers.Enc28j60;
using EmbeddedTcp.Simulation.Enc28j60;
using Xunit;
using B = EmbeddedTcp.Drivers.Enc28j60.Enc28j60Bits;
using O = EmbeddedTcp.Drivers.Enc28j60.Enc28j60Opcodes;
using R = EmbeddedTcp.Drivers.Enc28j60.Enc28j60Registers;

namespace EmbeddedTcp.Tests.Enc28j60
{
    /// <summary>The model's SPI byte formats, checked by hand-made transactions.</summary>
    public class Enc28j60ModelTests
    {
        private static void Cmd(Enc28j60Model chip, byte op, byte arg)
        {
            chip.Transfer(new[] { op, arg }, 0, 2, null, 0, 0);
        }

        [Fact]
        public void ReadControlRegisterShiftsADummyByteOnlyForMacAndMiiRegisters()
        {
            var chip = new Enc28j60Model();
            Cmd(chip, (byte)(O.BitFieldSet | R.ECON1), 0x02);                     // bank 2
            Cmd(chip, (byte)(O.WriteControlRegister | (R.MACON1 & 0x1F)), 0x0D);
            byte[] reply = new byte[2];
            chip.Transfer(new[] { (byte)(O.ReadControlRegister | (R.MACON1 & 0x1F)) }, 0, 1, reply, 0, 2);
            Assert.Equal(0x0D, reply[1]);
            Assert.NotEqual(0x0D, reply[0]);                                         // dummy byte first
            Cmd(chip, (byte)(O.BitFieldClear | R.ECON1), 0x03);
            Cmd(chip, (byte)(O.BitFieldSet | R.ECON1), 0x01);                      // bank 1
            chip.Transfer(new[] { (byte)(O.ReadControlRegister | (R.ERXFCON & 0x1F)) }, 0, 1, reply, 0, 1);
            Assert.Equal(0xA1, reply[0]);                                            // reset value, no dummy
            Assert.Equal(6, chip.Transactions);
            Assert.Equal(2 + 2 + 3 + 2 + 2 + 2, chip.BytesTransferred); // RCR of a MAC register: opcode, dummy, data
        }

        [Fact]
        public void BufferReadsWrapInsideTheReceiveRingAndWritesWrapAtTheEnd()
        {
            var chip = new Enc28j60Model();
            // ERXST 0x0000..ERXND 0x0009 (bank 0 is selected after reset)
            Cmd(chip, O.WriteControlRegister | 0x08, 0x00); Cmd(chip, O.WriteControlRegister | 0x09, 0x00);
            Cmd(chip, O.WriteControlRegister | 0x0A, 0x09); Cmd(chip, O.WriteControlRegister | 0x0B, 0x00);
            // EWRPT = 0x1FFE, write 4 bytes: 1FFE, 1FFF, 0000, 0001
            Cmd(chip, O.WriteControlRegister | 0x02, 0xFE); Cmd(chip, O.WriteControlRegister | 0x03, 0x1F);
            chip.Write(new byte[] { O.WriteBufferMemory }, 0, 1, new byte[] { 1, 2, 3, 4 }, 0, 4);
            Assert.Equal(1, chip.PeekMemory(0x1FFE));
            Assert.Equal(3, chip.PeekMemory(0x0000));
            // ERDPT = ERXND (0x0009): the read after it comes from ERXST
            chip.Write(new byte[] { O.WriteBufferMemory }, 0, 1, new byte[] { 9 }, 0, 0);
            Cmd(chip, O.WriteControlRegister | 0x02, 0x09); Cmd(chip, O.WriteControlRegister | 0x03, 0x00);
            chip.Write(new byte[] { O.WriteBufferMemory, 0x99 }, 0, 2, System.Array.Empty<byte>(), 0, 0);
            Cmd(chip, O.WriteControlRegister | 0x00, 0x09); Cmd(chip, O.WriteControlRegister | 0x01, 0x00);
            byte[] r = new byte[2];
            chip.Transfer(new[] { O.ReadBufferMemory }, 0, 1, r, 0, 2);
            Assert.Equal(0x99, r[0]);
            Assert.Equal(3, r[1]);
        }

        [Fact]
        public void InterruptPinFollowsEnabledFlagsAndTheDriverUsesIt()
        {
            var chip = new Enc28j60Model();
            var driver = new Enc28j60Driver(chip, Rig.Mac, 0, chip, null, chip);
            Assert.True(driver.Initialize());
            Assert.False(chip.IsAsserted);
            driver.Poll(1);
            long before = chip.Transactions;
            driver.Poll(2);
            Assert.Equal(before, chip.Transactions); // pin idle: Poll touches no SPI
            chip.SetLink(false);
            Assert.True(chip.IsAsserted);
            driver.Poll(3);
            Assert.False(driver.LinkUp);
            Assert.False(chip.IsAsserted);
            chip.SetLink(true);
            driver.Poll(4);
            Assert.True(driver.LinkUp);
        }

        [Fact]
        public void FullEpktcntDropsWithRxerif()
        {
            var chip = new Enc28j60Model();
            var driver = new Enc28j60Driver(chip, Rig.Mac);
            Assert.True(driver.Initialize());
            byte[] f = new byte[14]; // 24 bytes in the ring each: 255 of them fit
            System.Array.Copy(Rig.Mac, f, 6);
            int kept = 0;
            for (int i = 0; i < 300; i++)
            {
                if (chip.InjectFrame(f, 0, f.Length))
                {
                    kept++;
                }
            }

            Assert.Equal(255, kept);
            Assert.Equal(255, chip.PacketCount);
            Assert.NotEqual(0, chip.PeekRegister(R.EIR) & B.EIR_RXERIF);
        }
    }
}
