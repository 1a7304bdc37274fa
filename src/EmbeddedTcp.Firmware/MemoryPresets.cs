using EmbeddedTcp.Ip;

namespace EmbeddedTcp.Firmware
{
    /// <summary>
    /// The board's choice of memory preset, as a pure function of what the device reports, so it
    /// is tested on desktop and on nanoCLR; the board (boards/esp32-enc28j60/Program.cs) only
    /// reads the figures: the managed heap's free bytes (nanoFramework.Runtime.Native.GC.Run, the
    /// only managed-heap figure nanoFramework 1.7.11 exposes), the PSRAM's size
    /// (nanoFramework.Hardware.Esp32.NativeMemory.GetMemoryInfo(SpiRam, ...), 1.6.34) and the
    /// firmware's target name (SystemInfo.TargetName: ESP32_PSRAM_REV3 for the PSRAM images).
    /// Runs once, before the stack is built.
    /// </summary>
    public static class MemoryPresets
    {
        /// <summary>
        /// Free managed heap, bytes, from which the PSRAM preset is chosen: twice what it takes after
        /// start-up (about 360 KB measured on nanoCLR), so half the heap stays the application's.
        /// An ESP32 without PSRAM never gets near it: its managed heap is at most 84 KB
        /// (nf-interpreter targets/ESP32/_nanoCLR/Memory.cpp, INTERNAL_MEMORY_SIZE); with PSRAM it is
        /// the free PSRAM less 256 KB, about 3.7 MB of a 4 MB chip.
        /// </summary>
        public const long PsramMinimumFreeHeapBytes = 768 * 1024;

        private static readonly string Psram = "PSRAM";

        /// <summary>
        /// The preset to build: <paramref name="requested"/> when it is not <see cref="MemoryPreset.Auto"/>
        /// (the user's choice wins); otherwise <see cref="MemoryPreset.Esp32Psram"/> when the free managed
        /// heap is known (positive) and at least <see cref="PsramMinimumFreeHeapBytes"/>. The heap decides
        /// because it is what the stack allocates from: PSRAM that the managed heap does not use
        /// (nanoCLR falls back to internal RAM when it cannot allocate from PSRAM) does not help.
        /// Only when the heap is unknown (0 or negative) do the PSRAM size or a target name containing
        /// "PSRAM" choose the PSRAM preset. Everything else gets <see cref="MemoryPreset.Esp32"/>, the one
        /// that fits everywhere.
        /// </summary>
        /// <param name="requested">The user's preset, or <see cref="MemoryPreset.Auto"/>.</param>
        /// <param name="freeManagedHeapBytes">Free bytes of the managed heap (GC.Run), 0 when unknown.</param>
        /// <param name="spiRamBytes">Total PSRAM bytes the native heap reports, 0 when none or unknown.</param>
        /// <param name="targetName">The firmware's target name (e.g. ESP32_REV3, ESP32_PSRAM_REV3), or null.</param>
        public static MemoryPreset Choose(MemoryPreset requested, long freeManagedHeapBytes, long spiRamBytes, string targetName)
        {
            if (requested != MemoryPreset.Auto)
            {
                return requested;
            }

            if (freeManagedHeapBytes > 0)
            {
                return freeManagedHeapBytes >= PsramMinimumFreeHeapBytes ? MemoryPreset.Esp32Psram : MemoryPreset.Esp32;
            }

            return spiRamBytes > 0 || TargetNameHasPsram(targetName) ? MemoryPreset.Esp32Psram : MemoryPreset.Esp32;
        }

        /// <summary>True when <paramref name="targetName"/> names a PSRAM firmware image (contains "PSRAM", any case).</summary>
        public static bool TargetNameHasPsram(string targetName)
        {
            return targetName != null && targetName.ToUpper().IndexOf(Psram) >= 0;
        }

        /// <summary>A new network configuration of <paramref name="preset"/> (<see cref="MemoryPreset.Auto"/>: the ESP32 one).</summary>
        public static NetworkConfig Config(MemoryPreset preset)
        {
            return preset == MemoryPreset.Esp32Psram ? NetworkConfig.Esp32Psram() : NetworkConfig.Esp32();
        }

        /// <summary>New firmware options of <paramref name="preset"/> (<see cref="MemoryPreset.Auto"/>: the ESP32 ones).</summary>
        public static FirmwareOptions Options(MemoryPreset preset)
        {
            return preset == MemoryPreset.Esp32Psram ? FirmwareOptions.Esp32Psram() : FirmwareOptions.Esp32();
        }
    }
}
