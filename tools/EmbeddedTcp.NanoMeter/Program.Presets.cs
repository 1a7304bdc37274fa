using System.Device.Gpio;
using System.Device.Spi;
using System.Diagnostics;
using EmbeddedTcp.Boards.Esp32Enc28j60;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.NanoSupport;

namespace EmbeddedTcp.NanoMeter
{
    public static partial class Program
    {
        private static readonly string SitesForEsp32 = "nanometer sites-for construct-esp32";
        private static readonly string SitesForPsram = "nanometer sites-for construct-psram";
        private static object s_keepEsp32;
        private static object s_keepPsram;

        /// <summary>
        /// The firmware as the board builds it, for each memory preset: the board's
        /// <see cref="SpiBusAdapter"/>, <see cref="BoardRunner"/> (which creates the Enc28j60Driver)
        /// and its StartFirmware (NetworkStack + FirmwareApp) with <see cref="MemoryPresets.Config"/>
        /// and <see cref="MemoryPresets.Options"/>, the configuration objects included: everything
        /// of ours that stays on the heap after start-up. Outside the phase: the SPI device and the
        /// chip-select pin (nanoFramework's own objects; here stand-ins with empty natives, see
        /// SpiStandIn/), the MAC array and the random source (the board's are a few blocks).
        /// Nothing is sent to the chip: Initialize needs one that answers, and it allocates nothing
        /// (it is not a constructor, so the flashed-code IL guard checks it).
        /// Allocation sites are recorded per phase; "nanometer sites-for NAME" before each
        /// "@@nanoclr sites" says whose they are.
        /// </summary>
        private static void MeasurePresets()
        {
            s_keepEsp32 = BuildBoard(Ph.ConstructEsp32, SitesForEsp32, MemoryPreset.Esp32);
            s_keepPsram = BuildBoard(Ph.ConstructPsram, SitesForPsram, MemoryPreset.Esp32Psram);
        }

        private static BoardRunner BuildBoard(string phase, string sitesFor, MemoryPreset preset)
        {
            SpiDevice device = SpiDevice.Create(new SpiConnectionSettings(1, -1));
            var chipSelect = new GpioPin(5);
            byte[] mac = new byte[] { 0x02, 0x45, 0x54, 0x43, 0x50, 0x01 };
            IRandomSource random = new SeededRandom(7);
            IClock clock = new FixedClock();
            Debug.WriteLine(Ph.SitesOn);
            Debug.WriteLine(phase);
            NetworkConfig config = MemoryPresets.Config(preset);
            var runner = new BoardRunner(new SpiBusAdapter(device, chipSelect, config.Mtu + 16), mac, null, null, null, clock);
            config.UseDhcp = true;
            runner.StartFirmware(config, MemoryPresets.Options(preset), random);
            Debug.WriteLine(Ph.None);
            Debug.WriteLine(Ph.SitesOff);
            s_measuring = true; // once, no warm-up: start-up is what it measures
            Event(phase);
            s_measuring = false;
            Debug.WriteLine(sitesFor);
            Debug.WriteLine(Ph.Sites);
            return runner;
        }

        /// <summary>The board's clock, standing still (the construction reads none).</summary>
        private sealed class FixedClock : IClock
        {
            public long NowMs { get { return 0; } }
        }
    }
}
