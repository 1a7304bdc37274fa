using System.Device.Gpio;
using System.Device.Spi;
using System.Diagnostics;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Wire;
using nanoFramework.Hardware.Esp32;

namespace EmbeddedTcp.Boards.Esp32Enc28j60
{
    /// <summary>Board entry point: pins, SPI, then the <see cref="BoardRunner"/> loop. All logic lives in the runner and the core.</summary>
    public static class Program
    {
        private const int SpiBus = 1;              // SPI1 = the ESP32's VSPI in nanoFramework's numbering
        private const int PinMosi = 23, PinMiso = 19, PinClock = 18, PinChipSelect = 5, PinInterrupt = 4, PinReset = 2;
        private const int SpiClockHz = 16000000;   // >= 8 MHz (errata DS80349 item 1), <= 20 MHz (datasheet); 80 MHz / 5

        /// <summary>Sets the pins up and runs the loop forever.</summary>
        public static void Main()
        {
            Configuration.SetPinFunction(PinMosi, DeviceFunction.SPI1_MOSI);
            Configuration.SetPinFunction(PinMiso, DeviceFunction.SPI1_MISO);
            Configuration.SetPinFunction(PinClock, DeviceFunction.SPI1_CLOCK);

            var gpio = new GpioController();
            var settings = new SpiConnectionSettings(SpiBus, -1) { Mode = SpiMode.Mode0, ClockFrequency = SpiClockHz, DataBitLength = 8, DataFlow = DataFlow.MsbFirst };
            var spi = new SpiBusAdapter(SpiDevice.Create(settings), gpio.OpenPin(PinChipSelect, PinMode.Output));
            var interrupt = new GpioInterruptPin(gpio.OpenPin(PinInterrupt, PinMode.InputPullUp));
            var reset = new GpioOutput(gpio.OpenPin(PinReset, PinMode.Output));
            // Locally administered unicast MAC (bit 1 of the first byte set); give each board its own.
            byte[] mac = new byte[] { 0x02, 0x45, 0x54, 0x43, 0x50, 0x01 };

            var runner = new BoardRunner(spi, mac, interrupt, reset, new ThreadSleepDelay(), new HighResClock());
            bool up = runner.Initialize();
            Debug.WriteLine("EmbeddedTcp ESP32+ENC28J60: init " + (up ? "ok, ENC28J60 rev " + runner.Driver.Revision.ToString() : "FAILED (retrying every second)"));
            // The firmware: DHCP for the address, the default tables (8 connections, 4 KB rings each way).
            var config = new NetworkConfig { UseDhcp = true, DhcpHostName = "embeddedtcp" };
            runner.StartFirmware(config, new FirmwareOptions(), new SystemRandomSource());
            Debug.WriteLine("EmbeddedTcp: stack allocated " + runner.Stack.AllocatedBytes.ToString() + " bytes; waiting for DHCP");

            uint shown = 0;
            while (true)
            {
                int sleepMs = runner.RunOnce();
                if (runner.Stack.Address != shown)
                {
                    shown = runner.Stack.Address;
                    Debug.WriteLine(shown == 0 ? "EmbeddedTcp: address lost" : "EmbeddedTcp: address " + Dotted(shown) + ", http://" + Dotted(shown) + "/");
                }

                interrupt.WaitForAssertion(sleepMs);
            }
        }

        /// <summary>
        /// The address as dotted quad, for the log line above. It builds strings, so it runs only when the
        /// address changes; the flashed core itself formats nothing (Ipv4Address.Format is desktop-only).
        /// </summary>
        private static string Dotted(uint address)
        {
            return ((address >> 24) & 0xFF).ToString() + "." + ((address >> 16) & 0xFF).ToString() + "."
                + ((address >> 8) & 0xFF).ToString() + "." + (address & 0xFF).ToString();
        }
    }
}
