using EmbeddedTcp.Ip;

namespace EmbeddedTcp.Firmware
{
    /// <summary>Which memory preset the firmware is built with (<see cref="MemoryPresets"/>).</summary>
    public enum MemoryPreset : byte
    {
        /// <summary>Choose from the memory the device reports (<see cref="MemoryPresets.Choose"/>).</summary>
        Auto = 0,
        /// <summary>An ESP32 without PSRAM: <see cref="NetworkConfig.Esp32"/> and <see cref="FirmwareOptions.Esp32"/>, at most 48 KB of heap.</summary>
        Esp32 = 1,
        /// <summary>An ESP32 with PSRAM: <see cref="NetworkConfig.Esp32Psram"/> and <see cref="FirmwareOptions.Esp32Psram"/>.</summary>
        Esp32Psram = 2,
    }
}
