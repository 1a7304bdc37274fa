using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using EmbeddedTcp.Diagnostics;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Tcp;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Sim
{
    /// <summary>What <c>tap</c> runs with (parsed from the command line, or filled by a test).</summary>
    public sealed class TapOptions
    {
        public string Interface;
        public uint Address;
        public uint Netmask = 0xFFFFFF00;
        public uint Gateway;
        public uint DnsServer;
        public bool Dhcp;
        public byte[] Mac = { 0x02, 0x45, 0x54, 0x43, 0x50, 0x02 };
        public uint ConnectAddress;
        public int ConnectPort;
        /// <summary>MQTT broker for the firmware's status publishing (0 = none).</summary>
        public uint MqttAddress;
        public int MqttPort;
        public string Resolve;
        /// <summary>mDNS host name (FirmwareOptions.MdnsHostName; null = no mDNS).</summary>
        public string HostName;
        /// <summary>SNTP server (0 = no SNTP); "time YYYY-MM-DDTHH:MM:SSZ" is printed at the first synchronization.</summary>
        public uint Ntp;
        /// <summary>Run time in seconds; 0 = until cancelled (Ctrl-C).</summary>
        public double Seconds;
        public string Pcap;
        public double Loss, Duplicate, Reorder;
        public ulong Seed = 1;
        /// <summary>Receive and send ring sizes of each connection, bytes (0: the stack's defaults, 4096); the bench's side-by-side with lwIP uses 65536 as lwIP does.</summary>
        public int WindowBytes;
        /// <summary>Called once the TAP is open (tests move the interface into their namespace then).</summary>
        public Action Opened;
    }

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
                INetworkDevice device = tap;
                bool faults = o.Loss > 0 || o.Duplicate > 0 || o.Reorder > 0;
                if (faults)
                {
                    var fo = new FaultOptions { LossRate = o.Loss, DuplicateRate = o.Duplicate, ReorderRate = o.Reorder };
                    device = new FaultInjectingDevice(device, new FaultInjector(o.Seed, fo), new FaultInjector(o.Seed + 1, fo));
                }
                if (o.Pcap != null)
                {
                    pcap = PcapWriter.Create(o.Pcap);
                    device = new PcapDevice(device, pcap);
                }

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

                var stack = new NetworkStack(config, device, new SeededRandom((uint)o.Seed ^ (uint)Environment.TickCount64));
                var app = new FirmwareApp(stack, new FirmwareOptions
                {
                    ConnectToAddress = o.ConnectAddress,
                    ConnectToPort = o.ConnectPort > 0 ? o.ConnectPort : 7,
                    DeviceName = "EmbeddedTcp (TAP " + o.Interface + ")",
                    MqttBroker = o.MqttAddress,
                    MqttPort = o.MqttPort > 0 ? o.MqttPort : 1883,
                    MqttStatusIntervalMs = 5000,
                    MdnsHostName = o.HostName,
                });

                stdout.WriteLine("firmware on TAP " + o.Interface + " (mac " + Mac(o.Mac) + "), "
                    + (o.Dhcp ? "address by DHCP" : Ipv4Address.Format(o.Address) + "/" + AsciiWriter.PrefixLength(o.Netmask))
                    + "; echo 7, discard 9, chargen 19, http 80"
                    + (o.MqttAddress != 0 ? "; mqtt " + Ipv4Address.Format(o.MqttAddress) + ":" + o.MqttPort + " topics embeddedtcp/" + Mac(o.Mac).Replace(":", "") + "/{status,cmd,reply}" : "")
                    + (o.ConnectAddress != 0 ? "; connecting to " + Ipv4Address.Format(o.ConnectAddress) + ":" + o.ConnectPort : "")
                    + (faults ? string.Format(CultureInfo.InvariantCulture, "; faults loss {0} dup {1} reorder {2} seed {3}", o.Loss, o.Duplicate, o.Reorder, o.Seed) : ""));
                stdout.WriteLine(o.Seconds > 0 ? "running for " + o.Seconds.ToString(CultureInfo.InvariantCulture) + " s (Ctrl-C stops)" : "running until Ctrl-C");
                stdout.Flush();
                o.Opened?.Invoke();

                var clock = Stopwatch.StartNew();
                long endMs = o.Seconds > 0 ? (long)(o.Seconds * 1000) : long.MaxValue;
                DhcpState dhcpState = stack.Dhcp.State;
                string shownMdns = null;
                uint shownAddress = stack.Address;
                int query = 0;
                bool resolveDone = o.Resolve == null;
                bool timeShown = false;
                var utc = new byte[20];
                var info = new TcpEntryInfo();
                long lastProgress = 0;
                while (!cancel.IsCancellationRequested)
                {
                    long now = clock.ElapsedMilliseconds;
                    if (now >= endMs) break;
                    stack.Poll(now);
                    app.Poll(now);

                    var e = new TraceEvent();

                    while (stack.Tcp.Trace.TryRead(e))
                    {
                        if (e.Kind != TraceKind.StateChange) continue;
                        stack.Tcp.GetEntry(e.Connection, info);
                        stdout.WriteLine(Sec(now) + "  conn " + e.Connection + "  " + (TcpStateNames.Of((TcpState)e.A) + " -> " + TcpStateNames.Of((TcpState)e.B)).PadRight(30)
                            + Ipv4Address.Format(info.LocalIp) + ":" + info.LocalPort + " <-> " + Ipv4Address.Format(info.RemoteIp) + ":" + info.RemotePort);
                    }

                    if (stack.Dhcp.State != dhcpState)
                    {
                        dhcpState = stack.Dhcp.State;
                        stdout.WriteLine(Sec(now) + "  dhcp " + dhcpState);
                    }
                    if (stack.Address != shownAddress)
                    {
                        shownAddress = stack.Address;
                        stdout.WriteLine(Sec(now) + "  address " + Ipv4Address.Format(stack.Address) + "/" + AsciiWriter.PrefixLength(stack.Netmask)
                            + " gateway " + Ipv4Address.Format(stack.Gateway) + " dns " + Ipv4Address.Format(stack.DnsServer));
                    }

                    if (app.Mdns != null && app.Mdns.IsAnnounced && app.Mdns.FullName() != shownMdns)
                    {
                        shownMdns = app.Mdns.FullName();
                        stdout.WriteLine(Sec(now) + "  mdns " + shownMdns + " announced" + (app.Mdns.Conflicts > 0 ? " (renamed after " + app.Mdns.Conflicts + " conflict(s))" : ""));
                    }

                    if (!timeShown && stack.Sntp != null && stack.Sntp.Synchronized)
                    {
                        timeShown = true;
                        int n = SntpClient.FormatUtc(stack.Sntp.UtcMs(now), utc, 0);
                        stdout.WriteLine("time " + System.Text.Encoding.ASCII.GetString(utc, 0, n));
                        stdout.WriteLine(Sec(now) + "  sntp: server " + Ipv4Address.Format(stack.Sntp.Server) + " stratum " + stack.Sntp.Stratum
                            + ", round trip " + stack.Sntp.RoundTripMs + " ms");
                    }

                    if (!resolveDone)
                    {
                        if (query <= 0 && stack.Address != 0)
                        {
                            query = stack.Dns.Resolve(o.Resolve);
                            if (query == NetError.InvalidArgument)
                            {
                                stdout.WriteLine(Sec(now) + "  resolve " + o.Resolve + ": not a valid name");
                                resolveDone = true;
                            }
                            else if (query <= 0)
                            {
                                query = 0; // no DNS server yet (DHCP may bring one): try again later
                            }
                        }
                        if (query > 0)
                        {
                            DnsStatus st = stack.Dns.GetResult(query, out uint addr);
                            if (st == DnsStatus.Resolved)
                            {
                                stdout.WriteLine("resolved " + o.Resolve + " " + Ipv4Address.Format(addr));
                                resolveDone = true;
                            }
                            else if (st != DnsStatus.Pending)
                            {
                                stdout.WriteLine(Sec(now) + "  resolve " + o.Resolve + " failed: " + st);
                                resolveDone = true;
                            }
                        }
                    }

                    if (now - lastProgress >= 10000)
                    {
                        lastProgress = now;
                        if (now > 0)
                        {
                            stdout.WriteLine(Sec(now) + "  up: frames in " + stack.Counters.FramesIn + " out " + stack.Counters.FramesOut + ", http "
                                + app.Counters.HttpResponses + ", echo " + app.Counters.EchoBytes + " B, discard " + app.Counters.DiscardBytes + " B, chargen "
                                + app.Counters.ChargenBytes + " B, " + app.ActiveSessions + " open");
                        }
                    }
                    stdout.Flush();

                    long wait = stack.NextDeadline() - clock.ElapsedMilliseconds;
                    int cap = faults ? 5 : 50;
                    tap.WaitForFrame((int)Math.Max(0, Math.Min(cap, wait)));
                }

                stdout.WriteLine(Sec(clock.ElapsedMilliseconds) + "  stopped: frames in " + stack.Counters.FramesIn + " out " + stack.Counters.FramesOut
                    + ", tcp segments in " + stack.Tcp.Counters.SegmentsIn + " out " + stack.Tcp.Counters.SegmentsOut + ", retransmissions "
                    + stack.Tcp.Counters.Retransmissions + ", http responses " + app.Counters.HttpResponses + ", icmp echo replies " + stack.Counters.IcmpEchoReplies);
                stdout.Flush();
                return 0;
            }
            finally
            {
                pcap?.Dispose();
                tap.Dispose();
            }
        }

        private static string Sec(long ms) => (ms / 1000.0).ToString("F3", CultureInfo.InvariantCulture).PadLeft(9) + " s";

        private static string Mac(byte[] m) => string.Join(":", Array.ConvertAll(m, b => b.ToString("x2", CultureInfo.InvariantCulture)));

        /// <summary>Parses "aa:bb:cc:dd:ee:ff"; null when malformed.</summary>
        public static byte[] ParseMac(string s)
        {
            string[] parts = s.Split(':', '-');
            if (parts.Length != 6) return null;
            var mac = new byte[6];
            for (int i = 0; i < 6; i++)
            {
                if (parts[i].Length != 2 || !byte.TryParse(parts[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out mac[i])) return null;
            }
            return mac;
        }

        /// <summary>Parses "A.B.C.D/P" (P defaults to 24).</summary>
        public static bool TryParseCidr(string s, out uint address, out uint netmask)
        {
            netmask = 0xFFFFFF00;
            int slash = s.IndexOf('/');
            string ip = slash < 0 ? s : s.Substring(0, slash);
            if (!Ipv4Address.TryParse(ip, out address) || address == 0) return false;
            if (slash < 0) return true;
            if (!int.TryParse(s.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p < 1 || p > 32) return false;
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
                && int.TryParse(s.Substring(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) && port > 0 && port < 65536;
        }
    }
}
