using System;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Boards.Esp32Enc28j60
{
    /// <summary>
    /// <see cref="IRandomSource"/> over nanoFramework's <see cref="Random"/>.
    /// </summary>
    /// <remarks>
    /// On the ESP32, nanoFramework's <see cref="Random"/> is the chip's hardware RNG: its native
    /// code returns <c>esp_random()</c> and ignores any seed (nf-interpreter
    /// targets/ESP32/_nanoCLR/targetRandom.cpp). Other nanoFramework ports differ (the generic one
    /// is C's <c>srand</c>/<c>rand</c>: one generator shared by every instance), so nothing here
    /// relies on a seed. Words come from <see cref="Random.NextBytes"/> on a preallocated 4-byte
    /// buffer (no allocation per call). Espressif documents that the ESP32's RNG is truly random
    /// only while the RF subsystem (Wi-Fi/Bluetooth) or its bootloader entropy source runs, which
    /// this wired board does not keep on: the words are fit for ISNs and ephemeral ports, not for keys.
    /// </remarks>
    public sealed class SystemRandomSource : IRandomSource
    {
        private readonly Random _random;
        private readonly byte[] _bytes = new byte[4];

        /// <summary>Uses the runtime's generator as it comes.</summary>
        public SystemRandomSource()
        {
            _random = new Random();
        }

        /// <summary>
        /// Passes <paramref name="seed"/> to <see cref="Random"/>; the ESP32's hardware generator
        /// ignores it (see remarks), so it does not make the words reproducible there.
        /// </summary>
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
