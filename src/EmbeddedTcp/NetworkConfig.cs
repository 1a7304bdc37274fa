using EmbeddedTcp.Ip;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp
{
    /// <summary>
    /// The whole stack's configuration: the interface's tunables (<see cref="InterfaceConfig"/>)
    /// and TCP's (<see cref="Tcp"/>), with the memory presets that size both. The stack reads this
    /// once, at construction, and allocates everything then.
    /// </summary>
    public sealed class NetworkConfig : InterfaceConfig
    {
        /// <summary>TCP tunables (connections, buffers, timers).</summary>
        public TcpConfig Tcp = new TcpConfig();

        /// <summary>
        /// An ESP32 without PSRAM, whose whole managed heap is internal RAM: nanoFramework's ESP32
        /// port asks ESP-IDF for 84 KB of it (nf-interpreter targets/ESP32/_nanoCLR/Memory.cpp,
        /// INTERNAL_MEMORY_SIZE, less when that much is not free in one piece). Sized so that the
        /// whole firmware (this stack, the ENC28J60 driver and the firmware application with
        /// FirmwareOptions.Esp32) stays under 48 KB of that heap after start-up, measured on
        /// nanoCLR (tools/EmbeddedTcp.NanoMeter, phase construct-esp32), and the rest is the
        /// application's. What it gives, and why:
        /// <list type="bullet">
        /// <item>MTU 604 and MSS 536 (RFC 9293's default MSS): TCP peers send segments of our MSS at
        /// most; 604 = the DHCP client's 576-byte message (what it announces in option 57) + UDP and
        /// IP headers, whether a server reads option 57 as the message or the datagram; a DNS
        /// answer over UDP is 512 bytes. The two frame buffers and each held ARP frame are 618
        /// bytes instead of 1514. Larger frames (big pings, large UDP datagrams) are dropped by the
        /// driver and counted (Enc28j60Counters.ReceiveDrops).</item>
        /// <item>6 TCP connections: the four firmware services, the outbound client, and one spare
        /// for a half-open or TIME_WAIT entry (and the oldest TIME_WAIT entry is reused before a
        /// SYN is refused). A 1608-byte receive ring (3 × MSS: the advertised window, so the peer
        /// always has two full segments in flight for our delayed ACK, sent at least every second
        /// segment) and a 1072-byte send ring (2 × MSS in flight; the device's traffic is requests,
        /// pages and telemetry, not bulk). 6 listeners: the four services and two for the
        /// application. The rings are 2.7 KB of the 3.5 KB a connection costs.</item>
        /// <item>ARP: 8 neighbours (one preallocated entry object each: the gateway and the LAN peers), 2 frames held
        /// while resolving (one connection's SYN and a DNS query to a new next hop).</item>
        /// <item>UDP: 3 sockets (DHCP's port 68, DNS while a query is pending, one for the
        /// application) with 1 KB receive queues: a full DHCP message (576 bytes) or DNS answer
        /// (512) each.</item>
        /// <item>DNS: the defaults, 4 cached names and 2 queries at once (so it is not the first
        /// thing to starve); DHCP unchanged.</item>
        /// <item>8 trace events instead of 64 (23 bytes each; the device has nobody reading them most of the time).</item>
        /// <item>No multicast groups (224.0.0.1 aside): set <see cref="InterfaceConfig.MulticastGroups"/> to 1 for
        /// mDNS (FirmwareOptions.MdnsHostName), about 30 bytes more.</item>
        /// </list>
        /// Address, DHCP and the timers are the defaults: set them on the returned object.
        /// </summary>
        public static NetworkConfig Esp32()
        {
            var c = new NetworkConfig();
            c.SetSizes(604, 8, 2, 3, 1024, 4, 2, 536, 6, 6, 2 * 536, 3 * 536, 8);
            c.MulticastGroups = 0;
            return c;
        }

        /// <summary>
        /// An ESP32 with PSRAM (nanoFramework's ESP32_PSRAM_* firmware), whose managed heap is the
        /// free PSRAM less 256 KB left to ESP-IDF (nf-interpreter targets/ESP32/_nanoCLR/Memory.cpp):
        /// megabytes. Full-size Ethernet (MTU 1500, MSS 1460) and room for many peers:
        /// <list type="bullet">
        /// <item>16 TCP connections with 8 KB rings each way (a window of 5 full segments, so a LAN
        /// peer keeps sending while the device's poll loop catches up), 8 listeners.</item>
        /// <item>ARP: 16 neighbours, 4 frames held while resolving.</item>
        /// <item>UDP: 6 sockets with 4 KB receive queues.</item>
        /// <item>DNS: 8 cached names, 4 queries at once; 128 trace events.</item>
        /// </list>
        /// About 360 KB of heap after start-up with FirmwareOptions.Esp32Psram (measured on nanoCLR,
        /// tools/EmbeddedTcp.NanoMeter, phase construct-psram): a tenth of a 4 MB PSRAM's heap.
        /// </summary>
        public static NetworkConfig Esp32Psram()
        {
            var c = new NetworkConfig();
            c.SetSizes(1500, 16, 4, 6, 4096, 8, 4, 1460, 16, 8, 8192, 8192, 128);
            return c;
        }

        // The sizes a preset sets (the rest stay the defaults), in the order the presets document them.
        private void SetSizes(int mtu, int arpEntries, int arpQueue, int udpSockets, int udpBuffer,
            int dnsEntries, int dnsQueries, int mss, int connections, int listeners, int sendBuffer, int receiveBuffer, int trace)
        {
            Mtu = mtu;
            ArpCacheEntries = arpEntries;
            ArpQueueFrames = arpQueue;
            UdpSockets = udpSockets;
            UdpReceiveBufferSize = udpBuffer;
            DnsCacheEntries = dnsEntries;
            DnsMaxQueries = dnsQueries;
            TcpConfig t = Tcp;
            t.Mss = mss;
            t.MaxConnections = connections;
            t.MaxListeners = listeners;
            t.SendBufferSize = sendBuffer;
            t.ReceiveBufferSize = receiveBuffer;
            t.TraceCapacity = trace;
        }
    }
}
