using EmbeddedTcp.Boards.Esp32Enc28j60;
using nanoFramework.TestFramework;

namespace EmbeddedTcp.DeviceTests
{
    /// <summary>
    /// The board's wiring (<see cref="BoardPins"/>) against the ESP32's pin rules, so an edit that
    /// would stop the board from booting or being flashed fails a test instead of a board. No
    /// hardware: runs on nanoCLR in CI as well as on the device.
    /// </summary>
    [TestClass]
    public class BoardPinsTests
    {
        // ESP32 datasheet, "Strapping Pins": GPIO0, GPIO2, GPIO5, GPIO12 (MTDI), GPIO15 (MTDO).
        private static readonly int[] StrappingPins = new int[] { 0, 2, 5, 12, 15 };

        // Strapping pins whose internal default is a pull-up (GPIO0, GPIO5, GPIO15): a line that
        // idles high there (a deselected CS) leaves the strap at its default.
        private static readonly int[] StrappingPinsPulledUp = new int[] { 0, 5, 15 };

        // GPIO1/3: UART0, nanoFramework's wire protocol (debugger, deployment, console output).
        // GPIO6-11: the module's SPI flash. GPIO16/17: the PSRAM of WROVER modules (ESP32_PSRAM_REV3).
        private static readonly int[] ReservedPins = new int[] { 1, 3, 6, 7, 8, 9, 10, 11, 16, 17 };

        private static readonly int[] AllPins = new int[] { BoardPins.Mosi, BoardPins.Miso, BoardPins.Clock, BoardPins.ChipSelect, BoardPins.Interrupt, BoardPins.Reset };

        private static readonly int[] OutputPins = new int[] { BoardPins.Mosi, BoardPins.Clock, BoardPins.ChipSelect, BoardPins.Reset };

        private static bool Contains(int[] pins, int pin)
        {
            for (int i = 0; i < pins.Length; i++)
            {
                if (pins[i] == pin)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// RESET is not a strapping pin: ENC28J60 modules often pull RESET up, and a pull-up on GPIO2
        /// (which must be low or floating for the ROM download mode) stops nanoff from flashing.
        /// </summary>
        [TestMethod]
        public void ResetIsNotABootStrappingPin()
        {
            Assert.IsFalse(Contains(StrappingPins, BoardPins.Reset), "RESET on strapping pin GPIO" + BoardPins.Reset.ToString());
        }

        /// <summary>A chip select on a strapping pin must be one whose default is high, the level of a deselected CS.</summary>
        [TestMethod]
        public void ChipSelectIdlesAtItsStrapDefault()
        {
            Assert.IsTrue(!Contains(StrappingPins, BoardPins.ChipSelect) || Contains(StrappingPinsPulledUp, BoardPins.ChipSelect),
                "CS on strapping pin GPIO" + BoardPins.ChipSelect.ToString() + ", whose boot default is low");
        }

        /// <summary>No pin is the console UART, the flash or the PSRAM; outputs are not input-only pins (GPIO34-39); all differ.</summary>
        [TestMethod]
        public void PinsAreFreeDistinctAndOutputsCanDrive()
        {
            for (int i = 0; i < AllPins.Length; i++)
            {
                int pin = AllPins[i];
                Assert.IsTrue(pin >= 0 && pin <= 39, "GPIO" + pin.ToString() + " does not exist on the ESP32");
                Assert.IsFalse(Contains(ReservedPins, pin), "GPIO" + pin.ToString() + " is the console UART, the flash or the PSRAM");
                for (int j = i + 1; j < AllPins.Length; j++)
                {
                    Assert.AreNotEqual(pin, AllPins[j], "two signals on GPIO" + pin.ToString());
                }
            }

            for (int i = 0; i < OutputPins.Length; i++)
            {
                Assert.IsTrue(OutputPins[i] < 34, "GPIO" + OutputPins[i].ToString() + " is input-only");
            }
        }

        /// <summary>
        /// The bus is nanoFramework's SPI2 (the ESP32's VSPI) on VSPI's IO_MUX pins 23/19/18, and the
        /// clock is within the ENC28J60's limits (at least 8 MHz: errata DS80349; at most 20 MHz: datasheet).
        /// </summary>
        [TestMethod]
        public void SpiIsVspiOnItsIoMuxPinsAtAClockTheChipAccepts()
        {
            Assert.AreEqual(2, BoardPins.SpiBus, "nanoFramework bus number (SPI1 = HSPI, SPI2 = VSPI)");
            Assert.AreEqual(23, BoardPins.Mosi, "VSPID");
            Assert.AreEqual(19, BoardPins.Miso, "VSPIQ");
            Assert.AreEqual(18, BoardPins.Clock, "VSPICLK");
            Assert.IsTrue(BoardPins.SpiClockHz >= 8000000 && BoardPins.SpiClockHz <= 20000000, "SPI clock " + BoardPins.SpiClockHz.ToString() + " Hz");
        }
    }
}
