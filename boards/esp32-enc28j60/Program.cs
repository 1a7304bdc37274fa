using System;
using System.Device.Gpio;
using System.Device.Spi;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Wire;
using nanoFramework.Hardware.Esp32;
using nanoFramework.Runtime.Native;

namespace EmbeddedTcp.Boards.Esp32Enc28j60
{
    /// <summary>Board entry point: pins, SPI, then the <see cref="BoardRunner"/> loop. All logic lives in the runner and the core.</summary>
    /// <remarks>
    /// Prints with <see cref="Console.WriteLine(string)"/>: <c>Debug.WriteLine</c> is
    /// <c>[Conditional("DEBUG")]</c> in nanoFramework's mscorlib, so a Release build would print nothing.
    /// </remarks>
    public static class Program
    {
        /// <summary>
        /// The memory preset: <see cref="MemoryPreset.Auto"/> chooses from the memory the device
        /// reports (<see cref="MemoryPresets.Choose"/>); set <see cref="MemoryPreset.Esp32"/> or
        /// <see cref="MemoryPreset.Esp32Psram"/> to force one (README "Memory").
        /// </summary>
        private const MemoryPreset Preset = MemoryPreset.Auto;

        /// <summary>Sets the pins up and runs the loop forever.</summary>
        public static void Main()
        {
            // First, before any hardware call: which firmware runs (the SPI device below needs one
            // from late August 2024 or later, see README "Chip select").
            Console.WriteLine("EmbeddedTcp ESP32+ENC28J60 on " + SystemInfo.TargetName + ", nanoFramework firmware " + SystemInfo.Version.ToString());

            // SPI2 is the ESP32's VSPI in nanoFramework's numbering, and these are its IO_MUX pins (BoardPins).
            Configuration.SetPinFunction(BoardPins.Mosi, DeviceFunction.SPI2_MOSI);
            Configuration.SetPinFunction(BoardPins.Miso, DeviceFunction.SPI2_MISO);
            Configuration.SetPinFunction(BoardPins.Clock, DeviceFunction.SPI2_CLOCK);

            // After the first hardware call (the kit's nanoCLR host stops at it: it has no ESP32
            // natives). The memory the device reports: the managed heap's free bytes (after a collection) and
            // the PSRAM ESP-IDF manages. The heap decides (MemoryPresets.Choose).
            long freeHeap = nanoFramework.Runtime.Native.GC.Run(true);
            NativeMemory.GetMemoryInfo(NativeMemory.MemoryType.SpiRam, out uint spiRamTotal, out uint spiRamFree, out uint spiRamLargest);
            MemoryPreset preset = MemoryPresets.Choose(Preset, freeHeap, spiRamTotal, SystemInfo.TargetName);
            Console.WriteLine("EmbeddedTcp: managed heap free " + freeHeap.ToString() + " bytes, PSRAM " + spiRamTotal.ToString() + " bytes: preset "
                + (preset == MemoryPreset.Esp32Psram ? "Esp32Psram" : "Esp32") + (Preset == MemoryPreset.Auto ? " (chosen)" : " (set in Program.Preset)"));
            NetworkConfig config = MemoryPresets.Config(preset);

            var gpio = new GpioController();
            // Chip select -1: no native CS, SpiBusAdapter drives BoardPins.ChipSelect around each whole command.
            var settings = new SpiConnectionSettings(BoardPins.SpiBus, -1) { Mode = SpiMode.Mode0, ClockFrequency = BoardPins.SpiClockHz, DataBitLength = 8, DataFlow = DataFlow.MsbFirst };
            // Buffers for the longest frame the preset's stack takes, plus opcode and control byte.
            var spi = new SpiBusAdapter(SpiDevice.Create(settings), gpio.OpenPin(BoardPins.ChipSelect, PinMode.Output), config.Mtu + 16);
            var interrupt = new GpioInterruptPin(gpio.OpenPin(BoardPins.Interrupt, PinMode.InputPullUp));
            var reset = new GpioOutput(gpio.OpenPin(BoardPins.Reset, PinMode.Output));
            // Locally administered unicast MAC (bit 1 of the first byte set); give each board its own.
            byte[] mac = new byte[] { 0x02, 0x45, 0x54, 0x43, 0x50, 0x01 };

            var runner = new BoardRunner(spi, mac, interrupt, reset, new ThreadSleepDelay(), new HighResClock());
            bool up = runner.Initialize();
            Console.WriteLine("EmbeddedTcp ESP32+ENC28J60: init " + (up ? "ok, ENC28J60 rev " + runner.Driver.Revision.ToString() : "FAILED (retrying every second)"));
            // The firmware: DHCP for the address, the preset's tables (README "Memory").
            config.UseDhcp = true;
            config.DhcpHostName = "embeddedtcp";
            runner.StartFirmware(config, MemoryPresets.Options(preset), new SystemRandomSource());
            Console.WriteLine("EmbeddedTcp: stack allocated " + runner.Stack.AllocatedBytes.ToString() + " bytes; waiting for DHCP");

            uint shown = 0;
            while (true)
            {
                int sleepMs = runner.RunOnce();
                if (runner.Stack.Address != shown)
                {
                    shown = runner.Stack.Address;
                    Console.WriteLine(shown == 0 ? "EmbeddedTcp: address lost" : "EmbeddedTcp: address " + Dotted(shown) + ", http://" + Dotted(shown) + "/");
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
