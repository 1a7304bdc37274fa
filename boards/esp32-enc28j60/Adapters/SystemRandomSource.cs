using System;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Boards.Esp32Enc28j60
{
    /// <summary>
    /// <see cref="IRandomSource"/> over nanoFramework's <see cref="Random"/>.
    /// </summary>
    /// <remarks>
    /// The nanoFramework class libraries used here expose no hardware-RNG API of their own
    /// (nanoFramework.Hardware.Esp32 has none; mscorlib has only <see cref="Random"/>), so this
    /// uses <see cref="Random.NextBytes"/> on a preallocated 4-byte buffer (no allocation per
    /// call). Seed it from something that differs per boot and per board (the default
    /// constructor's seed, the MAC address, the ESP32 high-resolution timer at the first link
    /// change): Espressif documents that the ESP32's hardware RNG is only truly random while the
    /// RF subsystem (Wi-Fi/Bluetooth) runs, which this wired board does not use.
    /// </remarks>
    public sealed class SystemRandomSource : IRandomSource
    {
        private readonly Random _random;
        private readonly byte[] _bytes = new byte[4];

        /// <summary>Uses the runtime's default seed.</summary>
        public SystemRandomSource()
        {
            _random = new Random();
        }

        /// <summary>Uses <paramref name="seed"/> (mix in per-board and per-boot values).</summary>
        public SystemRandomSource(int seed)
        {
            _random = new Random(seed);
        }

        /// <inheritdoc />
        public uint NextUInt32()
        {
            _random.NextBytes(_bytes);
            return (uint)(_bytes[0] | (_bytes[1] << 8) | (_bytes[2] << 16) | (_bytes[3] << 24));
        }
    }
}
