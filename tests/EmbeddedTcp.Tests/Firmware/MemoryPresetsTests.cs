using System.Text;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Tcp;
using Xunit;

namespace EmbeddedTcp.Tests.Firmware
{
    /// <summary>
    /// The memory presets (NetworkConfig.Esp32/Esp32Psram, FirmwareOptions.Esp32/Esp32Psram) and the
    /// board's choice between them (MemoryPresets.Choose): what the presets promise, and that the
    /// firmware built from the ESP32 one still serves every service. Their heap on nanoCLR is
    /// NanoClr/NanoMeterTests' (construct-esp32, construct-psram).
    /// </summary>
    public class MemoryPresetsTests
    {
        [Theory]
        // The user's preset wins, whatever the device reports.
        [InlineData(MemoryPreset.Esp32, 4_000_000, 4_194_304, "ESP32_PSRAM_REV3", MemoryPreset.Esp32)]
        [InlineData(MemoryPreset.Esp32Psram, 60_000, 0, "ESP32_REV3", MemoryPreset.Esp32Psram)]
        // Auto: the free managed heap decides when it is known.
        [InlineData(MemoryPreset.Auto, 3_700_000, 4_194_304, "ESP32_PSRAM_REV3", MemoryPreset.Esp32Psram)]
        [InlineData(MemoryPreset.Auto, 786_432, 0, "ESP32_REV3", MemoryPreset.Esp32Psram)]
        [InlineData(MemoryPreset.Auto, 786_431, 4_194_304, "ESP32_PSRAM_REV3", MemoryPreset.Esp32)] // PSRAM the heap does not use
        [InlineData(MemoryPreset.Auto, 80_000, 0, "ESP32_REV3", MemoryPreset.Esp32)]
        // Auto with the heap unknown: PSRAM size, then the target name.
        [InlineData(MemoryPreset.Auto, 0, 4_194_304, "ESP32_REV3", MemoryPreset.Esp32Psram)]
        [InlineData(MemoryPreset.Auto, -1, 0, "ESP32_PSRAM_REV3", MemoryPreset.Esp32Psram)]
        [InlineData(MemoryPreset.Auto, 0, 0, "esp32_psram_rev0", MemoryPreset.Esp32Psram)]
        [InlineData(MemoryPreset.Auto, 0, 0, "ESP32_REV3", MemoryPreset.Esp32)]
        [InlineData(MemoryPreset.Auto, 0, 0, null, MemoryPreset.Esp32)]
        public void TheBoardChoosesItsPresetFromWhatTheDeviceReports(MemoryPreset requested, long freeHeap, long spiRam, string target, MemoryPreset expected)
        {
            Assert.Equal(expected, MemoryPresets.Choose(requested, freeHeap, spiRam, target));
        }

        [Fact]
        public void TheEsp32PresetKeepsAUsefulWindowAndEnoughTables()
        {
            NetworkConfig c = NetworkConfig.Esp32();
            TcpConfig t = c.Tcp;
            Assert.True(t.Mss <= c.Mtu - 40, "a full segment fits a frame");
            Assert.True(c.Mtu - 28 >= DhcpClient.MaxMessageLength, "the largest DHCP message the client announces fits a frame");
            Assert.True(c.Mtu - 28 >= 512, "a DNS answer over UDP fits a frame");
            Assert.True(t.ReceiveBufferSize >= 2 * t.Mss && t.SendBufferSize >= 2 * t.Mss, "windows of at least 2 × MSS");
            Assert.True(t.MaxConnections >= 6, "4 services + the outbound client + a half-open/TIME_WAIT entry");
            Assert.True(t.MaxListeners >= 4, "the firmware's four services");
            Assert.True(c.UdpSockets >= 3 && c.UdpReceiveBufferSize >= DhcpClient.MaxMessageLength + 8, "DHCP, DNS and one for the application, each holding a whole message");
            Assert.True(c.DnsCacheEntries >= 4 && c.DnsMaxQueries >= 2 && c.ArpCacheEntries >= 8 && c.ArpQueueFrames >= 2);

            NetworkConfig p = NetworkConfig.Esp32Psram();
            Assert.True(p.Tcp.MaxConnections > t.MaxConnections && p.Tcp.ReceiveBufferSize > t.ReceiveBufferSize && p.Mtu == 1500 && p.Tcp.Mss == 1460);
            Assert.Equal(p.Tcp.MaxConnections, MemoryPresets.Config(MemoryPreset.Esp32Psram).Tcp.MaxConnections);
            Assert.Equal(t.MaxConnections, MemoryPresets.Config(MemoryPreset.Auto).Tcp.MaxConnections);
            Assert.Equal(FirmwareOptions.Esp32().ResponseBufferSize, MemoryPresets.Options(MemoryPreset.Esp32).ResponseBufferSize);
        }

        /// <summary>
        /// The firmware on the ESP32 preset with its connection table full (five echo connections and
        /// an HTTP one): the status page lists all six and fits the preset's response buffer with
        /// room for the counters to grow over months (26 counters each 8 digits longer, e.g. from
        /// 3 digits to 11), and echo still works with the small rings.
        /// </summary>
        [Fact]
        public void TheEsp32PresetServesAFullTableAndItsStatusPageFits()
        {
            NetworkConfig config = NetworkConfig.Esp32();
            FirmwareOptions options = FirmwareOptions.Esp32();
            var f = new FirmwareFixture(options, config);
            int[] echo = new int[config.Tcp.MaxConnections - 1];
            for (int i = 0; i < echo.Length; i++)
            {
                echo[i] = f.Connect(7);
            }

            byte[] data = new byte[3000];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = (byte)(i * 7);
            }

            f.SendAll(echo[0], data, data.Length);
            Assert.Equal(data.Length, f.ReadUntil(echo[0], data.Length, false));
            Assert.Equal(data, f.Buffer[..data.Length]);

            int http = f.Connect(80);
            byte[] get = Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n");
            f.SendAll(http, get, get.Length);
            int n = f.ReadUntil(http, f.Buffer.Length, true);
            string page = Encoding.ASCII.GetString(f.Buffer, 0, n);
            Assert.StartsWith("HTTP/1.0 200 OK", page);
            int listed = 0;
            foreach (string line in page.Split('\n'))
            {
                if (line.StartsWith("tcp ") && line.Contains(":7 "))
                {
                    listed++;
                }
            }

            Assert.Equal(echo.Length, listed);
            Assert.True(n + 26 * 8 <= options.ResponseBufferSize, "status page of " + n + " bytes with a full table: too close to the " + options.ResponseBufferSize + "-byte buffer");
        }
    }
}
