using System;
using System.Diagnostics;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.NanoSupport;
using EmbeddedTcp.Services;

namespace EmbeddedTcp.NanoMeter
{
    /// <summary>
    /// Charges every event that runs after start-up to its own phase of the kit's meter, on nanoCLR.
    /// Two NetworkStacks over a <see cref="MemoryLink"/>: the board (DHCP client, FirmwareApp, the
    /// measured side) and the host (static address, DHCP and DNS responders, the peer). Each
    /// scenario runs twice: a warm-up (first calls, static constructors, interpreter nodes), then,
    /// after "reset", the measured pass. A phase holds only the event: the frame is staged outside
    /// it (one frame waiting for exactly one Poll), and checks around it (frames in and out, state)
    /// make sure the event happened as named; a failed check prints "nanometer check-failed ...".
    /// The meter keeps 32 buckets, so the phases come in two groups, each reported, then reset.
    /// Output after the meter's lines: "nanometer events NAME N" per phase, "nanometer done ...".
    /// Only the public API (NetworkStack, TcpStack handles, UDP, DHCP/DNS clients, FirmwareApp) and
    /// raw bytes are used, never the core's Wire types.
    /// </summary>
    public static partial class Program
    {
        internal const uint HostIp = 0xC0000201; // 192.0.2.1: DHCP server, DNS server, router, TCP peer
        internal const uint BoardIp = 0xC0000202; // 192.0.2.2: leased by DHCP
        internal const uint ResolvedIp = 0xC0000263; // 192.0.2.99: what the DNS responder answers
        internal const uint Netmask = 0xFFFFFF00;
        internal const int MeterPort = 5001; // host listener the board connects to
        internal const int BoardUdpPort = 7000;
        internal const int HostUdpPort = 7001;
        internal const int Mss = 1460;

        private static MemoryLink s_link;
        private static MemoryLink s_softLink;
        private static NetworkStack s_softBoard;
        private static NetworkStack s_softHost;
        private static int s_softConn;
        private static int s_softHostConn;
        private static NetworkStack s_board;
        private static FirmwareApp s_app;
        private static NetworkStack s_host;
        private static DhcpResponder s_dhcp;
        private static DnsResponder s_dns;
        private static SntpResponder s_sntp;
        private static int s_listener; // host, port 5001
        private static int s_conn; // board end of the meter connection
        private static int s_hostConn; // host end
        private static int s_boardUdp;
        private static int s_hostUdp;
        private static long s_now;
        private static bool s_measuring;
        private static int s_failures;
        private static object s_keep;

        private static readonly byte[] s_data = new byte[4096];
        private static readonly byte[] s_in = new byte[8192];
        private static readonly byte[] s_arpRequest = new byte[MemoryLink.MaxFrame];
        private static int s_arpRequestLength;

        /// <summary>Runs the whole measurement; the output is the meter's lines and this program's.</summary>
        public static void Main()
        {
            try
            {
                Debug.WriteLine("nanometer start");
                MeasureConstruction();
                for (int i = 0; i < s_data.Length; i++)
                {
                    s_data[i] = (byte)('a' + i % 26);
                }

                Setup();

                // Group 1: TCP, the poll loop, the firmware. Warm-up pass, reset, measured pass, report.
                Group(1);

                // Group 2: ARP, ICMP, UDP, DHCP, DNS, rejected input, the SPI adapter.
                Group(2);

                // Group 3: multicast and mDNS, SNTP, the ENC28J60 driver over its chip stand-in.
                Group(3);

                // Group 4: src/EmbeddedTcp.Apps (NetSocket, MqttClient) on a pair of its own (Program.Apps.cs).
                Group(4);

                for (int i = 0; i < Ph.All.Length; i++)
                {
                    Debug.WriteLine("nanometer events " + Ph.All[i].Substring(Ph.Prefix.Length) + " " + Ph.Events[i].ToString());
                }

                Debug.WriteLine("nanometer done checks-failed=" + s_failures.ToString() + " virtual-ms=" + s_now.ToString());
            }
            catch (Exception e)
            {
                Debug.WriteLine(Ph.None);
                Debug.WriteLine("nanometer exception " + e.GetType().FullName + ": " + e.Message);
            }
        }

        private static void Group(int group)
        {
            for (int pass = 0; pass < 2; pass++)
            {
                s_measuring = pass == 1;
                if (group == 1)
                {
                    Overhead();
                    TcpScenarios();
                    SoftChecksumScenarios();
                    IdleScenarios();
                    FirmwareScenarios();
                }
                else if (group == 4)
                {
                    AppsScenarios();
                }
                else if (group == 2)
                {
                    ArpScenarios();
                    IcmpScenarios();
                    UdpScenarios();
                    DnsScenarios();
                    RejectScenarios();
                    SpiScenarios();
                    DhcpScenarios(); // last: it jumps the clock to the renewal time
                }
                else
                {
                    // The meter keeps 32 buckets: the rest of the IP services and the driver.
                    MdnsScenarios();
                    SntpScenarios();
                    DriverScenarios();
                }

                Debug.WriteLine(Ph.None);
                if (s_measuring)
                {
                    Debug.WriteLine(Ph.Report);
                }

                Debug.WriteLine(Ph.Reset);
            }
        }

        /// <summary>Counts one event of <paramref name="phase"/> in the measured pass.</summary>
        private static void Event(string phase)
        {
            if (!s_measuring)
            {
                return;
            }

            for (int i = 0; i < Ph.All.Length; i++)
            {
                if (ReferenceEquals(Ph.All[i], phase))
                {
                    Ph.Events[i]++;
                    return;
                }
            }

            Check(false, "unknown phase " + phase);
        }

        /// <summary>A condition the measurement relies on; a failure is printed and counted, never thrown.</summary>
        private static void Check(bool ok, string what)
        {
            if (ok)
            {
                return;
            }

            s_failures++;
            Debug.WriteLine("nanometer check-failed " + what + " (t=" + s_now.ToString() + " ms, pass " + (s_measuring ? "measured" : "warm-up") + ")");
        }

        private static void CheckEqual(long expected, long actual, string what)
        {
            if (expected != actual)
            {
                Check(false, what + ": expected " + expected.ToString() + ", got " + actual.ToString());
            }
        }

        // ------------------------------------------------------------------ start-up

        /// <summary>
        /// The default NetworkStack (default NetworkConfig) and FirmwareApp (default options), built
        /// first thing: heap in use after start-up (nanoCLR runs the static constructors when it
        /// loads the assemblies, before Main). The allocation sites are recorded (the ESP32's array
        /// sizes differ from this 64-bit host's). Then the board's firmware with each memory preset
        /// (<see cref="MeasurePresets"/>).
        /// </summary>
        private static readonly string SitesForDefault = "nanometer sites-for construct-default";

        private static void MeasureConstruction()
        {
            var link = new MemoryLink(1);
            IRandomSource random = new SeededRandom(7);
            Debug.WriteLine(Ph.SitesOn);
            Debug.WriteLine(Ph.ConstructDefault);
            var stack = new NetworkStack(new NetworkConfig(), link.A, random);
            var app = new FirmwareApp(stack, new FirmwareOptions());
            Debug.WriteLine(Ph.None);
            Debug.WriteLine(Ph.SitesOff);
            s_keep = app;
            s_measuring = true; // measured once, without a warm-up: start-up is what it measures
            Event(Ph.ConstructDefault);
            s_measuring = false;
            Debug.WriteLine(SitesForDefault);
            Debug.WriteLine(Ph.Sites);
            MeasurePresets();
            Debug.WriteLine(Ph.Report);
            Debug.WriteLine(Ph.Reset);
        }

        private static void Setup()
        {
            s_link = new MemoryLink(32);

            var hc = new NetworkConfig();
            hc.Address = HostIp;
            hc.Netmask = Netmask;
            hc.Tcp.MslMs = 2000;
            s_host = new NetworkStack(hc, s_link.B, new SeededRandom(2));

            // The board: defaults, but its address from DHCP and timers short enough to reach.
            var bc = new NetworkConfig();
            bc.UseDhcp = true;
            // SNTP from the host; polled only when a scenario asks (RequestNow), so no other phase sees it.
            bc.UseSntp = true;
            bc.SntpServer = HostIp;
            bc.SntpPollIntervalMs = int.MaxValue;
            bc.Tcp.MslMs = 2000;
            bc.Tcp.KeepaliveIdleMs = 10000;
            bc.Tcp.KeepaliveIntervalMs = 5000;
            // Its device offloads checksums as the ENC28J60 driver does (same threshold); the sums are
            // made on the host's turn, as the chip makes them off the CPU (MemoryLink.OffloadingEnd).
            s_board = new NetworkStack(bc, new MemoryLink.OffloadingEnd(s_link.A, EmbeddedTcp.Drivers.Enc28j60.Enc28j60Driver.ChecksumOffloadMinimum), new SeededRandom(1));
            s_app = new FirmwareApp(s_board, new FirmwareOptions());

            // Lease 2 h, renew after 1 h: no renewal happens unless DhcpScenarios jumps to it.
            s_dhcp = new DhcpResponder(s_host, BoardIp, Netmask, HostIp, HostIp, 7200, 3600, 6300);
            s_dns = new DnsResponder(s_host, ResolvedIp, 60);
            s_sntp = new SntpResponder(s_host, 1790000000000L);
            Check(s_dhcp.Ready && s_dns.Ready && s_sntp.Ready, "responders listen");
            s_listener = s_host.Tcp.Listen(0, MeterPort, 4);
            Check(s_listener > 0, "host listens");

            for (int i = 0; i < 100 && s_board.Dhcp.State != DhcpState.Bound; i++)
            {
                s_now += 100;
                PollAll();
            }

            Check(s_board.Dhcp.State == DhcpState.Bound && s_board.Address == BoardIp, "board leased its address");
            Settle();

            // The host's first packet to the board needs ARP: keep its request, the board answers
            // a copy of it in arp-request-in and Refresh (which keeps both neighbour entries fresh).
            Check(s_host.Ping(BoardIp, 1, 0, 8), "host ping");
            s_arpRequestLength = s_link.A.CopyWaiting(0, s_arpRequest, 0);
            Check(s_arpRequestLength >= 42 && s_arpRequest[12] == 0x08 && s_arpRequest[13] == 0x06, "captured the host's ARP request");
            Settle();

            s_conn = s_board.Tcp.Connect(0, HostIp, MeterPort, 0);
            Settle();
            s_hostConn = s_host.Tcp.Accept(s_listener);
            Check(s_conn > 0 && s_hostConn > 0, "meter connection");

            // The second pair: a board over a plain end (software checksums), static addresses.
            s_softLink = new MemoryLink(8);
            var sh = new NetworkConfig();
            sh.Address = HostIp;
            sh.Netmask = Netmask;
            s_softHost = new NetworkStack(sh, s_softLink.B, new SeededRandom(4));
            var sb = new NetworkConfig();
            sb.Address = BoardIp;
            sb.Netmask = Netmask;
            s_softBoard = new NetworkStack(sb, s_softLink.A, new SeededRandom(3));
            int softListener = s_softHost.Tcp.Listen(0, MeterPort, 1);
            s_softConn = s_softBoard.Tcp.Connect(0, HostIp, MeterPort, 0);
            for (int i = 0; i < 20; i++)
            {
                s_softBoard.Poll(s_now);
                s_softHost.Poll(s_now);
            }

            s_softHostConn = s_softHost.Tcp.Accept(softListener);
            Check(s_softConn > 0 && s_softHostConn > 0, "software-checksum pair connected");

            s_boardUdp = s_board.UdpOpen(BoardUdpPort);
            s_hostUdp = s_host.UdpOpen(HostUdpPort);
            Check(s_boardUdp > 0 && s_hostUdp > 0, "UDP sockets");
        }

        // ------------------------------------------------------------------ unmetered helpers

        /// <summary>One turn of both poll loops (board: stack then firmware; host: stack then responders).</summary>
        private static void PollAll()
        {
            s_board.Poll(s_now);
            s_app.Poll(s_now);
            s_host.Poll(s_now);
            s_dhcp.Poll();
            s_dns.Poll();
            s_sntp.Poll();
        }

        /// <summary>Polls both sides until no frame is in flight for two turns (delayed ACKs are out).</summary>
        private static void Settle()
        {
            int quiet = 0;
            for (int i = 0; i < 200 && quiet < 2; i++)
            {
                PollAll();
                quiet = s_link.InFlight == 0 ? quiet + 1 : 0;
            }

            Check(quiet >= 2, "the link settles");
        }

        /// <summary>
        /// Between scenarios: a second later (rate limits of challenge ACKs and ICMP errors start
        /// over), both neighbour entries confirmed by an ARP exchange (none ages out inside a
        /// scenario), everything settled.
        /// </summary>
        private static void NextScenario()
        {
            Settle();
            s_now += 1100;
            Refresh();
        }

        private static void Refresh()
        {
            s_link.A.Inject(s_arpRequest, 0, s_arpRequestLength);
            Settle();
        }

        /// <summary>Frames waiting for the board.</summary>
        private static int ToBoard { get { return s_link.A.Waiting; } }

        /// <summary>Frames the board sent, waiting for the host.</summary>
        private static int FromBoard { get { return s_link.B.Waiting; } }

        private static int HostReceive(int handle, int expected, string what)
        {
            int n = s_host.Tcp.Receive(handle, s_in, 0, expected);
            CheckEqual(expected, n, what);
            return n;
        }

        // ------------------------------------------------------------------ calibration

        /// <summary>
        /// An empty phase: what entering and leaving a phase costs by itself (the README: 6 IL
        /// instructions, 1 call, 1 native call, shared by the phases around a switch). The parser
        /// subtracts it once per enter.
        /// </summary>
        private static void Overhead()
        {
            for (int i = 0; i < 16; i++)
            {
                Debug.WriteLine(Ph.Overhead);
                Debug.WriteLine(Ph.None);
                Event(Ph.Overhead);
            }
        }
    }
}
