using System;
using System.Device.Gpio;
using System.Device.Spi;
using System.Threading;
using EmbeddedTcp.Boards.Esp32Enc28j60;
using EmbeddedTcp.Drivers.Enc28j60;
using EmbeddedTcp.Hal;
using nanoFramework.Hardware.Esp32;
using nanoFramework.Runtime.Native;
using nanoFramework.TestFramework;

namespace EmbeddedTcp.DeviceTests
{
    /// <summary>
    /// The real ESP32 + ENC28J60 wiring of boards/esp32-enc28j60 (<see cref="BoardPins"/>, the same
    /// adapters as Program), opened once per test run. Only on the board: elsewhere (nanoCLR in CI,
    /// nanoFramework's virtual device) <see cref="OpenOrSkip"/> skips the calling test with
    /// <see cref="NoBoardReason"/>.
    /// </summary>
    public static class DeviceBoard
    {
        /// <summary>The test board's MAC address (locally administered).</summary>
        public static readonly byte[] Mac = new byte[] { 0x02, 0x45, 0x54, 0x43, 0x50, 0x7E };

        /// <summary>
        /// The start of the skip message of every hardware test where there is no board. The CI test
        /// that runs these tests on nanoCLR (tests/EmbeddedTcp.Tests/NanoClr/DeviceTestsOnNanoClrTests.cs)
        /// expects it: keep the two in step.
        /// </summary>
        public const string NoBoardReason = "hardware test (SPI, GPIO): needs the ESP32 + ENC28J60 board";

        private static SpiBusAdapter s_spi;
        private static GpioInterruptPin s_interrupt;
        private static GpioOutput s_reset;

        /// <summary>The chip's SPI bus (chip select on <see cref="BoardPins.ChipSelect"/>).</summary>
        public static ISpiBus Spi { get { Open(); return s_spi; } }

        /// <summary>
        /// Opens the board, or skips the calling test when this runtime has no ESP32 hardware. The
        /// sign is the one nanoCLR gives: nanoFramework.Hardware.Esp32's native code is absent, so
        /// <see cref="Configuration.GetFunctionPin"/> throws <see cref="NotSupportedException"/>.
        /// Only that exception skips; on an ESP32 every failure to open the pins or the SPI device
        /// fails the test.
        /// </summary>
        public static void OpenOrSkip()
        {
            if (s_spi != null)
            {
                return;
            }

            bool esp32;
            try
            {
                Configuration.GetFunctionPin(DeviceFunction.SPI2_MOSI);
                esp32 = true;
            }
            catch (NotSupportedException)
            {
                esp32 = false;
            }

            if (!esp32)
            {
                Assert.SkipTest(NoBoardReason + "; this is " + SystemInfo.Platform + " (" + SystemInfo.TargetName + "), where nanoFramework.Hardware.Esp32 has no native code");
            }

            Open();
        }

        /// <summary>Opens the pins and the SPI device on first use, exactly as Program does.</summary>
        public static void Open()
        {
            if (s_spi != null)
            {
                return;
            }
            Configuration.SetPinFunction(BoardPins.Mosi, DeviceFunction.SPI2_MOSI);
            Configuration.SetPinFunction(BoardPins.Miso, DeviceFunction.SPI2_MISO);
            Configuration.SetPinFunction(BoardPins.Clock, DeviceFunction.SPI2_CLOCK);
            var gpio = new GpioController();
            var settings = new SpiConnectionSettings(BoardPins.SpiBus, -1) { Mode = SpiMode.Mode0, ClockFrequency = BoardPins.SpiClockHz, DataBitLength = 8, DataFlow = DataFlow.MsbFirst };
            s_spi = new SpiBusAdapter(SpiDevice.Create(settings), gpio.OpenPin(BoardPins.ChipSelect, PinMode.Output));
            s_interrupt = new GpioInterruptPin(gpio.OpenPin(BoardPins.Interrupt, PinMode.InputPullUp));
            s_reset = new GpioOutput(gpio.OpenPin(BoardPins.Reset, PinMode.Output));
        }

        /// <summary>A new driver over the real chip (not initialised).</summary>
        public static Enc28j60Driver NewDriver()
        {
            Open();
            return new Enc28j60Driver(s_spi, Mac, 0, s_interrupt, s_reset, new ThreadSleepDelay());
        }

        /// <summary>A new board runner over the real chip (not initialised).</summary>
        public static BoardRunner NewRunner()
        {
            Open();
            return new BoardRunner(s_spi, Mac, s_interrupt, s_reset, new ThreadSleepDelay(), new HighResClock());
        }

        /// <summary>Milliseconds since boot.</summary>
        public static long NowMs { get { return (long)(HighResTimer.GetCurrent() / 1000UL); } }

        /// <summary>Polls the driver until the link is up or <paramref name="timeoutMs"/> passes.</summary>
        public static bool WaitForLink(Enc28j60Driver driver, int timeoutMs)
        {
            long end = NowMs + timeoutMs;
            while (NowMs < end)
            {
                driver.Poll(NowMs);
                if (driver.LinkUp)
                {
                    return true;
                }
                Thread.Sleep(50);
            }
            return driver.LinkUp;
        }

        /// <summary>
        /// Writes a PHY register directly (bank 2: MIREGADR, MIWRL, MIWRH), leaving bank 0
        /// selected. Test-only: the driver's cached bank is stale afterwards until its next health
        /// check re-reads ECON1, so call <c>driver.Poll</c> with a time past that check.
        /// </summary>
        public static void RawPhyWrite(byte phyRegister, ushort value)
        {
            byte[] cmd = new byte[2];
            Command(cmd, Enc28j60Opcodes.BitFieldClear, Enc28j60Registers.ECON1, (byte)(Enc28j60Bits.ECON1_BSEL1 | Enc28j60Bits.ECON1_BSEL0));
            Command(cmd, Enc28j60Opcodes.BitFieldSet, Enc28j60Registers.ECON1, Enc28j60Bits.ECON1_BSEL1);
            Command(cmd, Enc28j60Opcodes.WriteControlRegister, Enc28j60Registers.MIREGADR, phyRegister);
            Command(cmd, Enc28j60Opcodes.WriteControlRegister, Enc28j60Registers.MIWRL, (byte)(value & 0xFF));
            Command(cmd, Enc28j60Opcodes.WriteControlRegister, Enc28j60Registers.MIWRH, (byte)(value >> 8));
            Thread.Sleep(1); // an MII write takes 10.24 us
            Command(cmd, Enc28j60Opcodes.BitFieldClear, Enc28j60Registers.ECON1, (byte)(Enc28j60Bits.ECON1_BSEL1 | Enc28j60Bits.ECON1_BSEL0));
        }

        private static void Command(byte[] cmd, byte opcode, byte register, byte value)
        {
            cmd[0] = (byte)(opcode | (register & Enc28j60Registers.AddressMask));
            cmd[1] = value;
            s_spi.Transfer(cmd, 0, 2, null, 0, 0);
        }
    }
}
