using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using EmbeddedTcp.Apps.Mqtt;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Sim
{
    /// <summary>
    /// Runs the firmware application on a Linux TAP interface in real time: the stack's clock
    /// is a <see cref="Stopwatch"/> here, in the tool (never in the core). Prints state changes
    /// as they happen.
    /// </summary>
    public static class TapRunner
    {
        public static int Run(TapOptions o, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
        {
            if (!o.Dhcp && o.Address == 0)
            {
                stderr.WriteLine("error: give --ip A.B.C.D/P or --dhcp");
                return 1;
            }

            TapDevice tap;
            try
            {
                tap = new TapDevice(o.Interface, o.Mac);
            }
            catch (Exception e) when (e is TapDeviceException || e is ArgumentException || e is IOException)
            {
                stderr.WriteLine("error: " + e.Message.Split('\n')[0]);
                return 1;
            }

            PcapWriter pcap = null;
            try
            {
                bool faults = o.Loss > 0 || o.Duplicate > 0 || o.Reorder > 0;
                INetworkDevice device = faults ? WithFaults(tap, o) : tap;
                if (o.Pcap != null)
                {
                    pcap = PcapWriter.Create(o.Pcap);
                    device = new PcapDevice(device, pcap);
                }

                var stack = new NetworkStack(Config(o), device, new SeededRandom((uint)o.Seed ^ (uint)Environment.TickCount64));
                var app = new FirmwareApp(stack, new FirmwareOptions
                {
                    ConnectToAddress = o.ConnectAddress,
                    ConnectToPort = o.ConnectPort > 0 ? o.ConnectPort : 7,
                    DeviceName = "EmbeddedTcp (TAP " + o.Interface + ")",
                    MqttBroker = o.MqttAddress,
                    MqttPort = o.MqttPort > 0 ? o.MqttPort : MqttOptions.DefaultBrokerPort,
                    MqttStatusIntervalMs = 5000,
                    MdnsHostName = o.HostName,
                });

                PrintBanner(o, faults, stdout);
                o.Opened?.Invoke();
                RunLoop(o, tap, stack, app, faults, stdout, cancel);
                return 0;
            }
            finally
            {
                pcap?.Dispose();
                tap.Dispose();
            }
        }

        private static INetworkDevice WithFaults(INetworkDevice device, TapOptions o)
        {
            var fo = new FaultOptions { LossRate = o.Loss, DuplicateRate = o.Duplicate, ReorderRate = o.Reorder };
            return new FaultInjectingDevice(device, new FaultInjector(o.Seed, fo), new FaultInjector(o.Seed + 1, fo));
        }

        private static NetworkConfig Config(TapOptions o)
        {
            var config = new NetworkConfig
            {
                Address = o.Dhcp ? 0 : o.Address,
                Netmask = o.Netmask,
                Gateway = o.Gateway,
                DnsServer = o.DnsServer,
                UseDhcp = o.Dhcp,
                DhcpHostName = "embeddedtcp",
                UseSntp = o.Ntp != 0,
                SntpServer = o.Ntp,
            };
            config.Tcp.TraceCapacity = 256;
            if (o.WindowBytes > 0)
            {
                config.Tcp.ReceiveBufferSize = o.WindowBytes;
                config.Tcp.SendBufferSize = o.WindowBytes;
            }

            return config;
        }

        private static void PrintBanner(TapOptions o, bool faults, TextWriter stdout)
        {
            stdout.WriteLine("firmware on TAP " + o.Interface + " (mac " + Mac(o.Mac) + "), "
                + (o.Dhcp ? "address by DHCP" : Ipv4Address.Format(o.Address) + "/" + AsciiWriter.PrefixLength(o.Netmask))
                + "; echo 7, discard 9, chargen 19, http 80"
                + (o.MqttAddress != 0 ? "; mqtt " + Ipv4Address.Format(o.MqttAddress) + ":" + o.MqttPort + " topics embeddedtcp/" + Mac(o.Mac).Replace(":", "") + "/{status,cmd,reply}" : "")
                + (o.ConnectAddress != 0 ? "; connecting to " + Ipv4Address.Format(o.ConnectAddress) + ":" + o.ConnectPort : "")
                + (faults ? string.Format(CultureInfo.InvariantCulture, "; faults loss {0} dup {1} reorder {2} seed {3}", o.Loss, o.Duplicate, o.Reorder, o.Seed) : ""));
            stdout.WriteLine(o.Seconds > 0 ? "running for " + o.Seconds.ToString(CultureInfo.InvariantCulture) + " s (Ctrl-C stops)" : "running until Ctrl-C");
            stdout.Flush();
        }

        /// <summary>Polls in real time until the run time is over or <paramref name="cancel"/>; prints what changes, then a summary.</summary>
        private static void RunLoop(TapOptions o, TapDevice tap, NetworkStack stack, FirmwareApp app, bool faults, TextWriter stdout, CancellationToken cancel)
        {
            var clock = Stopwatch.StartNew();
            long endMs = o.Seconds > 0 ? (long)(o.Seconds * 1000) : long.MaxValue;
            var monitor = new TapMonitor(stack, app, o.Resolve, stdout);
            while (!cancel.IsCancellationRequested)
            {
                long now = clock.ElapsedMilliseconds;
                if (now >= endMs)
                {
                    break;
                }

                stack.Poll(now);
                app.Poll(now);
                monitor.Report(now);
                stdout.Flush();

                long wait = stack.NextDeadline() - clock.ElapsedMilliseconds;
                int cap = faults ? 5 : 50;
                tap.WaitForFrame((int)Math.Max(0, Math.Min(cap, wait)));
            }

            stdout.WriteLine(Sec(clock.ElapsedMilliseconds) + "  stopped: frames in " + stack.Counters.FramesIn + " out " + stack.Counters.FramesOut
                + ", tcp segments in " + stack.Tcp.Counters.SegmentsIn + " out " + stack.Tcp.Counters.SegmentsOut + ", retransmissions "
                + stack.Tcp.Counters.Retransmissions + ", http responses " + app.Counters.HttpResponses + ", icmp echo replies " + stack.Counters.IcmpEchoReplies);
            stdout.Flush();
        }

        internal static string Sec(long ms) => (ms / 1000.0).ToString("F3", CultureInfo.InvariantCulture).PadLeft(9) + " s";

        private static string Mac(byte[] m) => string.Join(":", Array.ConvertAll(m, b => b.ToString("x2", CultureInfo.InvariantCulture)));

        /// <summary>Parses "aa:bb:cc:dd:ee:ff"; null when malformed.</summary>
        public static byte[] ParseMac(string s)
        {
            string[] parts = s.Split(':', '-');
            if (parts.Length != 6)
            {
                return null;
            }

            var mac = new byte[6];
            for (int i = 0; i < 6; i++)
            {
                if (parts[i].Length != 2 || !byte.TryParse(parts[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out mac[i]))
                {
                    return null;
                }
            }
            return mac;
        }

        /// <summary>Parses "A.B.C.D/P" (P defaults to 24).</summary>
        public static bool TryParseCidr(string s, out uint address, out uint netmask)
        {
            netmask = 0xFFFFFF00;
            int slash = s.IndexOf('/');
            string ip = slash < 0 ? s : s.Substring(0, slash);
            if (!Ipv4Address.TryParse(ip, out address) || address == 0)
            {
                return false;
            }

            if (slash < 0)
            {
                return true;
            }

            if (!int.TryParse(s.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p < 1 || p > 32)
            {
                return false;
            }

            netmask = p == 32 ? 0xFFFFFFFF : ~(0xFFFFFFFFu >> p);
            return true;
        }

        /// <summary>Parses "A.B.C.D:PORT".</summary>
        public static bool TryParseEndpoint(string s, out uint address, out int port)
        {
            port = 0;
            int colon = s.LastIndexOf(':');
            address = 0;
            return colon > 0 && Ipv4Address.TryParse(s.Substring(0, colon), out address) && address != 0
                && int.TryParse(s.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) && port > 0 && port < 65536;
        }
    }
}
