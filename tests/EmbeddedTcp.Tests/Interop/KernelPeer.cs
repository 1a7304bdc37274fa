using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Tests.Simulation;

namespace EmbeddedTcp.Tests.Interop
{
    /// <summary>
    /// The Linux kernel as a peer: a network namespace (unique per test, removed on Dispose)
    /// holding the far end of a TAP interface at 192.0.2.1/24, and our stack at 192.0.2.2 on
    /// the near end, run in real time by a <see cref="StackRunner"/>. Tools run inside the
    /// namespace with <see cref="Run"/> / <see cref="Start"/> (ip netns exec).
    /// </summary>
    internal sealed class KernelPeer : IDisposable
    {
        public const uint KernelIp = 0xC0000201;
        public const uint BoardIp = 0xC0000202;
        public const string KernelAddress = "192.0.2.1";
        public const string BoardAddress = "192.0.2.2";
        public static readonly byte[] BoardMac = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

        private static int _counter;

        public readonly string Namespace;
        public readonly string TapName;
        public readonly string Ip;
        public TapDevice Tap { get; private set; }
        public INetworkDevice Device { get; private set; }
        public FaultInjectingDevice Faults { get; private set; }
        public PcapWriter Capture { get; private set; }
        public string CapturePath { get; private set; }
        public NetworkStack Stack { get; private set; }
        public StackRunner Runner { get; private set; }
        private readonly System.Collections.Generic.List<Process> _processes = new System.Collections.Generic.List<Process>();
        private bool _nsCreated;

        /// <summary>
        /// Skips the calling test (or fails it under CI / EMBEDDEDTCP_REQUIRE_ALL=1) unless the kernel
        /// interop tests can run here: Linux, root, /dev/net/tun, ip (iproute2) and python3.
        /// </summary>
        public static void Require()
        {
            Prerequisites.Tun();
            Prerequisites.Tool("ip", "iproute2");
            Prerequisites.Need(Python != null, "python3 is not installed (Debian package python3)");
        }

        /// <summary>Debian's python3 (with python3-scapy) if present, else any python3.</summary>
        public static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : ExternalTool.Find("python3");

        private KernelPeer()
        {
            int n = Interlocked.Increment(ref _counter);
            TapName = "etcpi" + (Environment.ProcessId % 100000) + "x" + n;
            Namespace = "etcp-interop-" + Environment.ProcessId + "-" + n;
            Ip = ExternalTool.Find("ip");
        }

        /// <summary>
        /// Creates the namespace and TAP, and a stack on it (wrapped in fault injection and a
        /// capture when asked). Skips the calling test (a [SkippableFact]; a failure under CI) when
        /// the environment cannot run it: see <see cref="Require"/>, and `ip netns add` must work.
        /// </summary>
        public static KernelPeer Create(NetworkConfig config = null, FaultOptions faults = null,
            ulong faultSeed = 1, bool capture = false, string captureName = "run", FrameTraceCallback trace = null)
        {
            Require();
            var peer = new KernelPeer();
            try
            {
                var probe = ExternalTool.Run(10_000, peer.Ip, "netns", "add", peer.Namespace);
                Prerequisites.Need(probe.ExitCode == 0, "ip netns add does not work here: " + probe);
                peer._nsCreated = true;
                Must(ExternalTool.Run(10_000, peer.Ip, "tuntap", "add", "dev", peer.TapName, "mode", "tap"), "ip tuntap add");
                peer.Tap = new TapDevice(peer.TapName, BoardMac);
                Must(ExternalTool.Run(10_000, peer.Ip, "link", "set", peer.TapName, "netns", peer.Namespace), "ip link set netns");
                peer.Exec(10_000, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
                Must(peer.Exec(10_000, peer.Ip, "addr", "add", KernelAddress + "/24", "dev", peer.TapName), "ip addr add");
                Must(peer.Exec(10_000, peer.Ip, "link", "set", peer.TapName, "up"), "ip link set up");
                Must(peer.Exec(10_000, peer.Ip, "link", "set", "lo", "up"), "ip link set lo up");

                INetworkDevice device = peer.Tap;
                if (capture)
                {
                    peer.CapturePath = Path.Combine(Path.GetTempPath(), "etcp-interop-" + Environment.ProcessId + "-" + captureName + ".pcap");
                    peer.Capture = PcapWriter.Create(peer.CapturePath);
                    device = new PcapDevice(device, peer.Capture);
                }
                if (faults != null)
                {
                    peer.Faults = new FaultInjectingDevice(device, new FaultInjector(faultSeed, faults),
                        new FaultInjector(faultSeed * 31 + 7, faults), null, queueFrames: 256);
                    device = peer.Faults;
                }
                if (trace != null)
                {
                    device = new Tracer(device, trace);
                }

                peer.Device = device;
                config = config ?? DefaultConfig();
                if (!config.UseDhcp)
                {
                    config.Address = BoardIp;
                    config.Netmask = 0xFFFFFF00;
                }
                peer.Stack = new NetworkStack(config, device, new SeededRandom((uint)Environment.ProcessId));
                peer.Runner = new StackRunner(peer.Stack, peer.Tap);
                return peer;
            }
            catch
            {
                peer.Dispose();
                throw;
            }
        }

        /// <summary>The configuration the interop tests use: 16 connections, 16 KB rings, short TIME_WAIT.</summary>
        public static NetworkConfig DefaultConfig()
        {
            var c = new NetworkConfig();
            c.Tcp.MaxConnections = 16;
            c.Tcp.MaxListeners = 8;
            c.Tcp.SendBufferSize = 16384;
            c.Tcp.ReceiveBufferSize = 16384;
            c.Tcp.MslMs = 100;
            c.Tcp.ReassemblyRanges = 8;
            c.MaxFramesPerPoll = 64;
            return c;
        }

        private static void Must(ExternalTool.Result r, string what)
        {
            if (r.ExitCode != 0)
            {
                throw new InvalidOperationException(what + " failed: " + r);
            }
        }

        /// <summary>Runs a command inside the namespace, bounded.</summary>
        public ExternalTool.Result Exec(int timeoutMs, string file, params string[] args)
        {
            var all = new string[args.Length + 4];
            all[0] = "netns"; all[1] = "exec"; all[2] = Namespace; all[3] = file;
            Array.Copy(args, 0, all, 4, args.Length);
            return ExternalTool.Run(timeoutMs, Ip, all);
        }

        /// <summary>Starts a command inside the namespace; it is killed (by PID) on Dispose.</summary>
        public Process Start(string file, params string[] args)
        {
            var all = new string[args.Length + 4];
            all[0] = "netns"; all[1] = "exec"; all[2] = Namespace; all[3] = file;
            Array.Copy(args, 0, all, 4, args.Length);
            Process p = ExternalTool.Start(Ip, all);
            _processes.Add(p);
            return p;
        }

        /// <summary>Runs a python3 script inside the namespace.</summary>
        public ExternalTool.Result Python3(int timeoutMs, string script, params string[] args)
        {
            var all = new string[args.Length + 2];
            all[0] = "-c"; all[1] = script;
            Array.Copy(args, 0, all, 2, args.Length);
            return Exec(timeoutMs, Python, all);
        }

        /// <summary>Starts a python3 script inside the namespace (killed on Dispose).</summary>
        public Process StartPython3(string script, params string[] args)
        {
            var all = new string[args.Length + 2];
            all[0] = "-c"; all[1] = script;
            Array.Copy(args, 0, all, 2, args.Length);
            return Start(Python, all);
        }

        /// <summary>Waits for a line from a started process's stdout.</summary>
        public static string ReadLine(Process p, int timeoutMs)
        {
            var t = p.StandardOutput.ReadLineAsync();
            return t.Wait(timeoutMs) ? t.Result : null;
        }

        /// <summary>Waits for a started process; kills it on timeout. Returns its stdout+stderr.</summary>
        public static string Finish(Process p, int timeoutMs, out int exitCode)
        {
            var o = p.StandardOutput.ReadToEndAsync();
            var e = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(timeoutMs))
            {
                try { p.Kill(true); } catch (InvalidOperationException) { }
                p.WaitForExit(2000);
                exitCode = -1;
            }
            else
            {
                exitCode = p.ExitCode;
            }
            return (o.Wait(2000) ? o.Result : "") + (e.Wait(2000) ? e.Result : "");
        }

        /// <summary>The kernel's MAC on the TAP (read with ip link).</summary>
        public byte[] KernelMac()
        {
            var r = Exec(10_000, Ip, "-o", "link", "show", TapName);
            int i = r.Stdout.IndexOf("link/ether ", StringComparison.Ordinal);
            if (i < 0)
            {
                throw new InvalidOperationException("no MAC in: " + r);
            }

            string[] hex = r.Stdout.Substring(i + 11, 17).Split(':');
            var mac = new byte[6];
            for (int k = 0; k < 6; k++)
            {
                mac[k] = Convert.ToByte(hex[k], 16);
            }

            return mac;
        }

        /// <summary>Checks the capture with tshark: no malformed frame, no bad IP/TCP/UDP/ICMP checksum. Returns frames checked, or -1 without tshark.</summary>
        public int CheckCaptureWithTshark(out string problems)
        {
            Capture?.Flush();
            Capture?.Dispose();
            Capture = null;
            return TsharkCheck.Check(CapturePath, out problems);
        }

        public void Dispose()
        {
            try { Runner?.Dispose(); } catch (Exception) { }
            foreach (Process p in _processes)
            {
                try
                {
                    if (!p.HasExited) { p.Kill(true); p.WaitForExit(2000); }
                }
                catch (InvalidOperationException) { }
                p.Dispose();
            }
            _processes.Clear();
            Tap?.Dispose();
            Capture?.Dispose();
            if (_nsCreated)
            {
                ExternalTool.Run(10_000, Ip, "-n", Namespace, "link", "del", TapName);
                ExternalTool.Run(10_000, Ip, "netns", "del", Namespace);
            }
            if (Ip != null)
            {
                ExternalTool.Run(10_000, Ip, "link", "del", TapName);
            }

            if (CapturePath != null && File.Exists(CapturePath) && Environment.GetEnvironmentVariable("EMBEDDEDTCP_KEEP_PCAP") == null)
            {
                File.Delete(CapturePath);
            }
        }
    }

    /// <summary>tshark over a pcap: malformed frames and bad checksums.</summary>
    internal static class TsharkCheck
    {
        public const string Filter = "_ws.malformed || _ws.expert.severity == error || ip.checksum.status == \"Bad\" || "
            + "tcp.checksum.status == \"Bad\" || udp.checksum.status == \"Bad\" || icmp.checksum.status == \"Bad\"";

        public static int Check(string path, out string problems)
        {
            problems = null;
            string tshark = Prerequisites.Tool("tshark");
            // Only the layers we build are dissected: payload bytes on ports like 5000 or 6001
            // must not be decoded as HSL or X11 and reported "malformed". tshark 4.0 has no
            // "--disable-protocol ALL", so a private config dir lists every other protocol.
            string config = Path.Combine(Path.GetTempPath(), "etcp-wireshark-" + Environment.ProcessId);
            Directory.CreateDirectory(config);
            var protocols = ExternalTool.Run(60_000, tshark, "-G", "protocols");
            var disabled = new System.Text.StringBuilder();
            foreach (string line in protocols.Stdout.Split('\n'))
            {
                string[] cols = line.Split('\t');
                if (cols.Length < 3)
                {
                    continue;
                }

                string name = cols[2].Trim();
                if (Array.IndexOf(Kept, name) < 0)
                {
                    disabled.Append(name).Append('\n');
                }
            }
            File.WriteAllText(Path.Combine(config, "disabled_protos"), disabled.ToString());
            try
            {
                var all = new System.Collections.Generic.List<string> { "WIRESHARK_CONFIG_DIR=" + config, tshark, "-n", "-r", path,
                    "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                    "-Y", Filter, "-T", "fields", "-e", "frame.number", "-e", "_ws.col.Info" };
                var bad = ExternalTool.Run(120_000, "/usr/bin/env", all.ToArray());
                if (bad.ExitCode != 0) { problems = "tshark failed: " + bad; return 0; }
                if (bad.Stdout.Trim().Length > 0)
                {
                    problems = bad.Stdout.Trim();
                }

                var count = ExternalTool.Run(120_000, "/usr/bin/env", "WIRESHARK_CONFIG_DIR=" + config, tshark, "-n", "-r", path, "-T", "fields", "-e", "frame.number");
                if (count.ExitCode != 0) { problems = "tshark failed: " + count; return 0; }
                string s = count.Stdout.Trim();
                return s.Length == 0 ? 0 : s.Split('\n').Length;
            }
            finally
            {
                Directory.Delete(config, true);
            }
        }

        private static readonly string[] Kept = { "frame", "eth", "arp", "ip", "icmp", "tcp", "udp", "data" };
    }
}
