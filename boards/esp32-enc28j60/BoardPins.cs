namespace EmbeddedTcp.Boards.Esp32Enc28j60
{
    /// <summary>
    /// The ESP32 to ENC28J60 wiring of this board (README "Wiring"), in one place so that
    /// <c>Program</c> and the on-device tests open exactly the same pins. mscorlib-only
    /// constants: the rules they must follow are checked by the device tests, on nanoCLR in CI.
    /// </summary>
    public static class BoardPins
    {
        /// <summary>
        /// nanoFramework's SPI bus number. nanoFramework's SPI1 is the ESP32's HSPI and SPI2 its VSPI
        /// (nf-interpreter targets/ESP32/_nanoCLR/System.Device.Spi/cpu_spi.cpp: host = bus index +
        /// HSPI_HOST). VSPI, because <see cref="Mosi"/>, <see cref="Miso"/> and <see cref="Clock"/>
        /// are VSPI's own IO_MUX pins: ESP-IDF then bypasses the GPIO matrix (which would limit a
        /// full-duplex bus to about 26 MHz).
        /// </summary>
        public const int SpiBus = 2;

        /// <summary>GPIO23, VSPID: ESP32 MOSI to the ENC28J60's SI.</summary>
        public const int Mosi = 23;

        /// <summary>GPIO19, VSPIQ: the ENC28J60's SO to ESP32 MISO.</summary>
        public const int Miso = 19;

        /// <summary>GPIO18, VSPICLK: SCK.</summary>
        public const int Clock = 18;

        /// <summary>
        /// GPIO5 (VSPICS0), driven as a plain GPIO output by <see cref="SpiBusAdapter"/>: the SPI
        /// device is opened without a chip select so that CS stays low across a whole ENC28J60
        /// command. GPIO5 is a boot-strapping pin whose default (internal pull-up) is high, the
        /// level of a deselected CS, so a module's pull-up on CS does not change how the ESP32 boots.
        /// </summary>
        public const int ChipSelect = 5;

        /// <summary>GPIO4: the ENC28J60's active-low INT output (input with pull-up; optional).</summary>
        public const int Interrupt = 4;

        /// <summary>
        /// GPIO21: the ENC28J60's active-low RESET. Not a boot-strapping pin: ENC28J60 modules
        /// commonly pull RESET up, and a pull-up on a strapping pin such as GPIO2 (which must be low
        /// or floating to enter the ROM download mode) can stop the ESP32 from being flashed.
        /// </summary>
        public const int Reset = 21;

        /// <summary>
        /// SPI clock: 16 MHz (80 MHz / 5). The ENC28J60's maximum is 20 MHz (datasheet DS39662);
        /// silicon errata DS80349 ask for at least 8 MHz for reliable MAC/MII register reads.
        /// </summary>
        public const int SpiClockHz = 16000000;
    }
}
