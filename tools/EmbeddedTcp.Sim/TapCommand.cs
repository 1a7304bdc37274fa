using System;
using System.CommandLine;
using System.IO;
using System.Threading;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Sim
{
    /// <summary><c>tap --tap NAME --ip A.B.C.D/P ...</c>: the firmware on a Linux TAP interface.</summary>
    internal static class TapCommand
    {
        public static Command Build(TextWriter stdout, TextWriter stderr)
        {
            var cmd = new Command("tap", "Run the firmware application on a Linux TAP interface in real time, so the kernel, ping, curl... can talk to it.");
            var tap = new Option<string>("--tap") { Description = "TAP interface name (attached if it exists, else created for the run).", Required = true };
            var ip = new Option<string>("--ip") { Description = "The firmware's address and prefix, e.g. 192.0.2.2/24." };
            var gateway = new Option<string>("--gateway") { Description = "Default gateway." };
            var dns = new Option<string>("--dns") { Description = "DNS server (DHCP may supply one)." };
            var dhcp = new Option<bool>("--dhcp") { Description = "Get the address by DHCP." };
            var mac = new Option<string>("--mac") { Description = "MAC address (default 02:45:54:43:50:02)." };
            var connect = new Option<string>("--connect") { Description = "Also connect out to IP:PORT (the firmware's client: greets, then echoes)." };
            var mqtt = new Option<string>("--mqtt") { Description = "Publish the firmware's status to the MQTT broker at IP:PORT (embeddedtcp/<mac>/status; commands on embeddedtcp/<mac>/cmd)." };
            var hostname = new Option<string>("--hostname") { Description = "Answer mDNS as NAME.local and advertise the HTTP page as _http._tcp (prints 'mdns NAME.local announced')." };
            var resolve = new Option<string>("--resolve") { Description = "Resolve this name by DNS and print 'resolved NAME A.B.C.D'." };
            var ntp = new Option<string>("--ntp") { Description = "Synchronize the time by SNTP with this server and print 'time YYYY-MM-DDTHH:MM:SSZ' (UTC) when it first does." };
            var seconds = new Option<double>("--seconds") { Description = "Stop after N seconds (default: run until Ctrl-C)." };
            var pcap = new Option<string>("--pcap") { Description = "Capture the TAP's frames to this pcap file." };
            var loss = new Option<double>("--loss") { Description = "Drop this fraction of frames (each direction)." };
            var dup = new Option<double>("--dup") { Description = "Duplicate this fraction of frames." };
            var reorder = new Option<double>("--reorder") { Description = "Reorder this fraction of frames." };
            var seed = new Option<ulong>("--seed") { Description = "Seed of the fault injection.", DefaultValueFactory = _ => 1 };
            var window = new Option<int>("--window") { Description = "Receive and send ring size of each connection in bytes (its receive window; default 4096). 65536 matches lwIP's TAP peer." };
            foreach (Option o in new Option[] { window, tap, ip, gateway, dns, dhcp, mac, connect, mqtt, hostname, resolve, ntp, seconds, pcap, loss, dup, reorder, seed })
            {
                cmd.Options.Add(o);
            }

            cmd.SetAction(p =>
            {
                var o = new TapOptions
                {
                    Interface = p.GetValue(tap),
                    Dhcp = p.GetValue(dhcp),
                    Resolve = p.GetValue(resolve),
                    HostName = p.GetValue(hostname),
                    Seconds = p.GetValue(seconds),
                    Pcap = p.GetValue(pcap),
                    Loss = p.GetValue(loss),
                    Duplicate = p.GetValue(dup),
                    Reorder = p.GetValue(reorder),
                    Seed = p.GetValue(seed),
                    WindowBytes = p.GetValue(window),
                };
                string s;
                if ((s = p.GetValue(ip)) != null && !TapRunner.TryParseCidr(s, out o.Address, out o.Netmask))
                {
                    return Bad(stderr, "bad --ip '" + s + "' (want A.B.C.D/P)");
                }

                if ((s = p.GetValue(gateway)) != null && !Ipv4Address.TryParse(s, out o.Gateway))
                {
                    return Bad(stderr, "bad --gateway '" + s + "'");
                }

                if ((s = p.GetValue(dns)) != null && !Ipv4Address.TryParse(s, out o.DnsServer))
                {
                    return Bad(stderr, "bad --dns '" + s + "'");
                }

                if ((s = p.GetValue(mac)) != null && (o.Mac = TapRunner.ParseMac(s)) == null)
                {
                    return Bad(stderr, "bad --mac '" + s + "' (want aa:bb:cc:dd:ee:ff)");
                }

                if ((s = p.GetValue(connect)) != null && !TapRunner.TryParseEndpoint(s, out o.ConnectAddress, out o.ConnectPort))
                {
                    return Bad(stderr, "bad --connect '" + s + "' (want A.B.C.D:PORT)");
                }

                if ((s = p.GetValue(mqtt)) != null && !TapRunner.TryParseEndpoint(s, out o.MqttAddress, out o.MqttPort))
                {
                    return Bad(stderr, "bad --mqtt '" + s + "' (want A.B.C.D:PORT)");
                }

                if ((s = p.GetValue(ntp)) != null && !Ipv4Address.TryParse(s, out o.Ntp))
                {
                    return Bad(stderr, "bad --ntp '" + s + "'");
                }

                if (o.Address == 0 && !o.Dhcp)
                {
                    return Bad(stderr, "give --ip A.B.C.D/P or --dhcp");
                }

                if (o.Loss < 0 || o.Loss > 1 || o.Duplicate < 0 || o.Duplicate > 1 || o.Reorder < 0 || o.Reorder > 1)
                {
                    return Bad(stderr, "--loss/--dup/--reorder are fractions between 0 and 1");
                }

                if (o.Seconds < 0)
                {
                    return Bad(stderr, "--seconds must be positive");
                }

                if (o.WindowBytes != 0 && (o.WindowBytes < 536 || o.WindowBytes > 1 << 20))
                {
                    return Bad(stderr, "--window is a ring size in bytes, 536 to 1048576");
                }

                using var cts = new CancellationTokenSource();
                ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
                Console.CancelKeyPress += onCancel;
                try
                {
                    return TapRunner.Run(o, stdout, stderr, cts.Token);
                }
                finally
                {
                    Console.CancelKeyPress -= onCancel;
                }
            });
            return cmd;
        }

        private static int Bad(TextWriter stderr, string message)
        {
            stderr.WriteLine("error: " + message);
            return 2;
        }
    }
}
