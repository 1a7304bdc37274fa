using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Bench
{
    /// <summary>
    /// Section 8: bulk transfers between the Linux kernel (the lwIP peer's Python client,
    /// lwpeer_client.py, inside a network namespace) and three servers, measured in the same run:
    /// our stack on a TAP (a tiny discard/chargen over NetworkStack + TapDevice with a real-time poll
    /// loop), the lwIP reference peer on a TAP, and the kernel itself across a veth pair (a small
    /// Python discard/chargen server in a second namespace). Namespaces are created and removed here;
    /// addresses are 192.0.2.1 (client) and 192.0.2.2 (server).
    /// </summary>
    internal static class TapPeers
    {
        private const string Size = "20M";
        private const long SizeBytes = 20L << 20;

        private static volatile bool _cancelled;
        private static Action<string, string, string, string> _add;
        private static List<string> _notes;

        public static void Run(Action<string, string, string, string> add, Action<string, double?> set, List<string> notes)
        {
            _add = add;
            _notes = notes;
            string skip = Prerequisites(out string peerDir, out string python);
            if (skip != null)
            {
                add("8 TAP", "real peers over TAP", "skipped", skip);
                notes.Add("TAP: skipped: " + skip);
                return;
            }

            // Ctrl-C: the client (same process group) stops; we skip what is left and still clean up
            Console.CancelKeyPress += (sender, e) => { e.Cancel = true; _cancelled = true; };
            string tag = (Environment.ProcessId % 100000).ToString(CultureInfo.InvariantCulture);
            string work = Directory.CreateTempSubdirectory("etcp-bench-").FullName;
            try
            {
                double? oursRx = null, oursTx = null, lwipRx = null, lwipTx = null, vethRx = null, vethTx = null;
                try { Ours(tag, peerDir, python, work, out oursRx, out oursTx); }
                catch (Exception e) { notes.Add("TAP ours: failed: " + e.Message); }

                string lwipSkip = _cancelled ? "interrupted" : LwipPrerequisites();
                if (lwipSkip == null)
                {
                    try { Lwip(tag, peerDir, python, work, out lwipRx, out lwipTx); }
                    catch (Exception e) { notes.Add("TAP lwIP: failed: " + e.Message); }
                }
                else
                {
                    notes.Add("TAP lwIP: skipped: " + lwipSkip);
                }

                if (_cancelled)
                {
                    notes.Add("TAP kernel veth: skipped: interrupted");
                }
                else
                {
                    try { Veth(tag, peerDir, python, work, out vethRx, out vethTx); }
                    catch (Exception e) { notes.Add("TAP kernel veth: failed: " + e.Message); }
                }

                set("tap_rx_mb_s", oursRx);
                set("tap_tx_mb_s", oursTx);
                set("tap_rx_vs_lwip", Ratio(oursRx, lwipRx));
                set("tap_tx_vs_lwip", Ratio(oursTx, lwipTx));
                set("kernel_veth_mb_s", vethRx);
                string how = "median of 3 × 20 MiB, lwpeer_client.py in a namespace, MB/s = 10^6 B/s";
                add("8 TAP", "kernel → our discard (TAP), MB/s", Fmt(oursRx), how + "; default config, 4 KiB rings");
                add("8 TAP", "our chargen → kernel (TAP), MB/s", Fmt(oursTx), how);
                add("8 TAP", "kernel → lwIP discard (TAP), MB/s", Fmt(lwipRx), "lwIP 2.1.3 (Debian), /work/shared/peers/lwip, 64 KiB windows; ours with 64 KiB rings too (tap --window 65536)");
                add("8 TAP", "lwIP chargen → kernel (TAP), MB/s", Fmt(lwipTx), null);
                add("8 TAP", "kernel → kernel discard (veth), MB/s", Fmt(vethRx), "Python server in a second namespace; JSON kernel_veth_mb_s");
                add("8 TAP", "kernel chargen → kernel (veth), MB/s", Fmt(vethTx), "not in JSON");
                add("8 TAP", "ours / lwIP, receive (discard)", Fmt(Ratio(oursRx, lwipRx), "0.00"), "same run");
                add("8 TAP", "ours / lwIP, send (chargen)", Fmt(Ratio(oursTx, lwipTx), "0.00"), "same run");
                add("8 TAP", "ours / kernel veth, receive", Fmt(Ratio(oursRx, vethRx), "0.000"), "not in JSON");
                add("8 TAP", "ours / kernel veth, send", Fmt(Ratio(oursTx, vethTx), "0.000"), "not in JSON");
                notes.Add("TAP: one read()/write() per frame on the TAP, a Python client and all servers share the machine's cores; the chargen figures are bounded by the Python client (it grows a bytearray and checks the pattern), which is why the kernel's own chargen over veth is far below its discard.");
            }
            finally
            {
                try { Directory.Delete(work, true); } catch (IOException) { }
            }
        }

        private static double? Ratio(double? a, double? b)
        {
            return a.HasValue && b.HasValue && b.Value > 0 ? a.Value / b.Value : (double?)null;
        }

        private static string Fmt(double? v, string format = "0.0")
        {
            return v.HasValue ? v.Value.ToString(format, CultureInfo.InvariantCulture) : "null";
        }

        // ------------------------------------------------------------------ prerequisites

        private static string Prerequisites(out string peerDir, out string python)
        {
            peerDir = null;
            python = null;
            if (!OperatingSystem.IsLinux())
            {
                return "not Linux";
            }

            if (Environment.UserName != "root" && Sh("id", "-u").Trim() != "0")
            {
                return "not root (network namespaces and TAP need root)";
            }

            if (!File.Exists("/dev/net/tun"))
            {
                return "/dev/net/tun is missing";
            }

            if (Which("ip") == null)
            {
                return "iproute2 (ip) is missing";
            }

            python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : Which("python3");
            if (python == null)
            {
                return "python3 is missing (the kernel-side client)";
            }

            foreach (string candidate in new[] { Environment.GetEnvironmentVariable("LWIP_PEER_DIR"), Path.Combine(Report.RepoRoot(), "../shared/peers/lwip"), "/work/shared/peers/lwip" })
            {
                if (!string.IsNullOrEmpty(candidate) && File.Exists(Path.Combine(candidate, "lwpeer_client.py")))
                {
                    peerDir = Path.GetFullPath(candidate);
                    return null;
                }
            }

            return "the lwIP peer folder (lwpeer_client.py) was not found; set LWIP_PEER_DIR";
        }

        private static string LwipPrerequisites()
        {
            if (Which("gcc") == null)
            {
                return "gcc is missing (apt-get install gcc)";
            }

            if (!File.Exists("/usr/include/lwip/lwipopts.h"))
            {
                return "Debian's liblwip-dev is missing (apt-get install liblwip-dev)";
            }

            return null;
        }

        // ------------------------------------------------------------------ the three servers

        /// <summary>Ring sizes of our side in the TAP comparison: lwIP's peer runs with 64 KiB windows.</summary>
        internal const int WindowBytes = 65536;

        private static void Ours(string tag, string peerDir, string python, string work, out double? rx, out double? tx)
        {
            string ns = "etbo" + tag;
            string dev = "etbo" + tag;
            byte[] mac = { 0x02, 0, 0, 0, 0, 0x02 };
            // Equal windows with lwIP's peer (64 KiB): the same as `tap --window 65536`.
            var config = new NetworkConfig { Address = 0xC0000202 };
            config.Tcp.ReceiveBufferSize = WindowBytes;
            config.Tcp.SendBufferSize = WindowBytes;
            bool created = false;
            TapDevice tap = null;
            var server = new OurServer();
            Thread thread = null;
            try
            {
                Ip("netns add " + ns);
                created = true;
                tap = new TapDevice(dev, mac);
                Ip("link set " + dev + " netns " + ns);
                Ip("-n " + ns + " link set lo up");
                Sh("ip", "netns exec " + ns + " sysctl -qw net.ipv6.conf." + dev + ".disable_ipv6=1");
                Ip("-n " + ns + " addr add 192.0.2.1/24 dev " + dev);
                Ip("-n " + ns + " link set " + dev + " up");
                var stack = new NetworkStack(config, tap, new SeededRandom((uint)Environment.TickCount));
                server.Stack = stack;
                server.Tap = tap;
                thread = new Thread(server.Loop) { IsBackground = true, Name = "bench-tap-poll" };
                thread.Start();
                rx = Client(ns, peerDir, python, "discard");
                tx = Client(ns, peerDir, python, "chargen");
                _notes.Add("TAP ours: " + server.Summary());
            }
            finally
            {
                server.Stop = true;
                thread?.Join(5000);
                tap?.Dispose();
                if (created)
                {
                    Sh("ip", "netns del " + ns);
                }
            }
        }

        private static void Lwip(string tag, string peerDir, string python, string work, out double? rx, out double? tx)
        {
            string binary = Path.Combine(work, "lwip-peer");
            string build = Sh("bash", "\"" + Path.Combine(peerDir, "build.sh") + "\" \"" + binary + "\"");
            if (!File.Exists(binary))
            {
                throw new InvalidOperationException("lwip-peer build failed: " + build.Trim());
            }

            string ns = "etbl" + tag;
            string dev = "etbl" + tag;
            bool created = false;
            Process peer = null;
            try
            {
                Ip("netns add " + ns);
                created = true;
                Ip("-n " + ns + " link set lo up");
                Ip("-n " + ns + " tuntap add dev " + dev + " mode tap");
                Sh("ip", "netns exec " + ns + " sysctl -qw net.ipv6.conf." + dev + ".disable_ipv6=1");
                Ip("-n " + ns + " addr add 192.0.2.1/24 dev " + dev);
                Ip("-n " + ns + " link set " + dev + " up");
                peer = Start("ip", "netns exec " + ns + " " + binary + " --tap " + dev + " --ip 192.0.2.2/24 --gw 192.0.2.1");
                WaitForLine(peer, "lwip-peer up", 10000);
                rx = Client(ns, peerDir, python, "discard");
                tx = Client(ns, peerDir, python, "chargen");
            }
            finally
            {
                StopProcess(peer);
                if (created)
                {
                    Sh("ip", "netns del " + ns);
                }
            }
        }

        private static void Veth(string tag, string peerDir, string python, string work, out double? rx, out double? tx)
        {
            string nsClient = "etbk" + tag;
            string nsServer = "etbs" + tag;
            string a = "etbva" + tag;
            string b = "etbvb" + tag;
            string script = Path.Combine(work, "kernel_server.py");
            File.WriteAllText(script, KernelServer);
            bool createdClient = false, createdServer = false;
            Process server = null;
            try
            {
                Ip("netns add " + nsClient);
                createdClient = true;
                Ip("netns add " + nsServer);
                createdServer = true;
                Ip("link add " + a + " netns " + nsClient + " type veth peer name " + b + " netns " + nsServer);
                Ip("-n " + nsClient + " addr add 192.0.2.1/24 dev " + a);
                Ip("-n " + nsServer + " addr add 192.0.2.2/24 dev " + b);
                Ip("-n " + nsClient + " link set " + a + " up");
                Ip("-n " + nsServer + " link set " + b + " up");
                Ip("-n " + nsClient + " link set lo up");
                Ip("-n " + nsServer + " link set lo up");
                server = Start("ip", "netns exec " + nsServer + " " + python + " " + script + " " + peerDir);
                WaitForLine(server, "kernel-server up", 10000);
                rx = Client(nsClient, peerDir, python, "discard");
                tx = Client(nsClient, peerDir, python, "chargen");
            }
            finally
            {
                StopProcess(server);
                if (createdClient)
                {
                    Sh("ip", "netns del " + nsClient);
                }

                if (createdServer)
                {
                    Sh("ip", "netns del " + nsServer);
                }
            }
        }

        /// <summary>Discard (port 9) and chargen (19) in threads, for the kernel-to-kernel baseline.</summary>
        private const string KernelServer = @"import socket, sys, threading
sys.path.insert(0, sys.argv[1])
from lwpeer_client import chargen_pattern
CYCLE = chargen_pattern(7030)[:7030]
BLOCK = CYCLE * 20
def discard(c):
    with c:
        while c.recv(1 << 20):
            pass
def chargen(c):
    with c:
        try:
            view = memoryview(BLOCK)
            off = 0
            while True:
                off = (off + c.send(view[off:off + 65536])) % 7030
        except OSError:
            pass
def serve(port, fn):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('192.0.2.2', port))
    s.listen(8)
    while True:
        c, _ = s.accept()
        threading.Thread(target=fn, args=(c,), daemon=True).start()
threading.Thread(target=serve, args=(9, discard), daemon=True).start()
threading.Thread(target=serve, args=(19, chargen), daemon=True).start()
print('kernel-server up', flush=True)
threading.Event().wait()
";

        // ------------------------------------------------------------------ our discard and chargen

        /// <summary>Discard on 9 and chargen (RFC 864) on 19 over one NetworkStack, polled in real time.</summary>
        private sealed class OurServer
        {
            public NetworkStack Stack;
            public TapDevice Tap;
            public volatile bool Stop;
            private readonly byte[] _pattern = Pattern();
            private readonly byte[] _sink = new byte[4096];
            private readonly int[] _discard = new int[8];
            private readonly int[] _chargen = new int[8];
            private readonly int[] _chargenOffset = new int[8];
            private long _polls;
            private long _discarded;
            private long _generated;

            public string Summary()
            {
                return _polls + " polls, " + _discarded + " bytes discarded, " + _generated + " bytes of chargen, "
                    + Stack.Tcp.Counters.Retransmissions + " retransmissions, " + Tap.FramesReceived + " frames in, " + Tap.FramesSent + " out";
            }

            public void Loop()
            {
                TcpStack tcp = Stack.Tcp;
                int discardListener = tcp.Listen(0, 9, 4);
                int chargenListener = tcp.Listen(0, 19, 4);
                var clock = Stopwatch.StartNew();
                while (!Stop)
                {
                    long now = clock.ElapsedMilliseconds;
                    Stack.Poll(now);
                    _polls++;
                    int h;
                    while ((h = tcp.Accept(discardListener)) > 0)
                    {
                        Put(_discard, h, null);
                    }

                    while ((h = tcp.Accept(chargenListener)) > 0)
                    {
                        Put(_chargen, h, _chargenOffset);
                    }

                    for (int i = 0; i < _discard.Length; i++)
                    {
                        h = _discard[i];
                        if (h <= 0)
                        {
                            continue;
                        }

                        int n;
                        while ((n = tcp.Receive(h, _sink, 0, _sink.Length)) > 0)
                        {
                            _discarded += n;
                        }

                        if (n < 0) { tcp.Close(h); _discard[i] = 0; }
                    }

                    for (int i = 0; i < _chargen.Length; i++)
                    {
                        h = _chargen[i];
                        if (h <= 0)
                        {
                            continue;
                        }

                        int n = tcp.Receive(h, _sink, 0, _sink.Length);
                        if (n < 0 || !tcp.IsValid(h)) { tcp.Close(h); _chargen[i] = 0; continue; }
                        int sent;
                        while ((sent = tcp.Send(h, _pattern, _chargenOffset[i], 7030)) > 0)
                        {
                            _generated += sent;
                            _chargenOffset[i] = (_chargenOffset[i] + sent) % 7030;
                        }

                        if (sent < 0) { tcp.Close(h); _chargen[i] = 0; }
                    }

                    long wait = Stack.NextDeadline() - clock.ElapsedMilliseconds;
                    Tap.WaitForFrame(wait <= 0 ? 0 : (int)Math.Min(wait, 5));
                }
            }

            private static void Put(int[] slots, int handle, int[] offsets)
            {
                for (int i = 0; i < slots.Length; i++)
                {
                    if (slots[i] <= 0)
                    {
                        slots[i] = handle;
                        if (offsets != null)
                        {
                            offsets[i] = 0;
                        }

                        return;
                    }
                }
            }

            /// <summary>Two cycles of the RFC 864 stream (95 lines of 72 characters + CRLF), so any 7030-byte window is contiguous.</summary>
            private static byte[] Pattern()
            {
                var p = new byte[2 * 7030];
                int k = 0;
                for (int rep = 0; rep < 2; rep++)
                {
                    for (int line = 0; line < 95; line++)
                    {
                        for (int i = 0; i < 72; i++)
                        {
                            p[k++] = (byte)(32 + (line + i) % 95);
                        }

                        p[k++] = 13;
                        p[k++] = 10;
                    }
                }

                return p;
            }
        }

        // ------------------------------------------------------------------ processes

        private const int Repeats = 3;

        /// <summary>Median of <see cref="Repeats"/> client runs, MB/s; null if any failed.</summary>
        private static double? Client(string ns, string peerDir, string python, string what)
        {
            var runs = new double[Repeats];
            for (int i = 0; i < Repeats; i++)
            {
                if (_cancelled)
                {
                    return null;
                }

                double? r = ClientOnce(ns, peerDir, python, what);
                if (!r.HasValue)
                {
                    return null;
                }

                runs[i] = r.Value;
            }

            Array.Sort(runs);
            return runs[Repeats / 2];
        }

        /// <summary>Runs the kernel-side client once; returns MB/s (10^6 bytes per second) from its own timing.</summary>
        private static double? ClientOnce(string ns, string peerDir, string python, string what)
        {
            string output = Sh("timeout", "120 ip netns exec " + ns + " " + python + " " + Path.Combine(peerDir, "lwpeer_client.py") + " --host 192.0.2.2 " + what + " --size " + Size, out int code);
            string line = output.Trim();
            if (code != 0)
            {
                _notes.Add("TAP " + ns + " " + what + ": client failed (" + code + "): " + line);
                return null;
            }

            // "... (0.122 s, 163.3 MiB/s)": bytes over the client's own time, 3 decimals
            int open = line.LastIndexOf('(');
            int s = line.IndexOf(" s,", open, StringComparison.Ordinal);
            double seconds = double.Parse(line.AsSpan(open + 1, s - open - 1), CultureInfo.InvariantCulture);
            return SizeBytes / seconds / 1e6;
        }

        private static Process Start(string file, string args)
        {
            var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            return Process.Start(psi);
        }

        private static void WaitForLine(Process p, string prefix, int timeoutMs)
        {
            var task = System.Threading.Tasks.Task.Run(() =>
            {
                string l;
                while ((l = p.StandardOutput.ReadLine()) != null)
                {
                    if (l.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }

                return false;
            });
            if (!task.Wait(timeoutMs) || !task.Result)
            {
                throw new InvalidOperationException("'" + prefix + "' not seen: " + (p.HasExited ? p.StandardError.ReadToEnd().Trim() : "timeout"));
            }

            // keep draining so the child never blocks on a full pipe
            System.Threading.Tasks.Task.Run(() => { while (p.StandardOutput.ReadLine() != null) { } });
            System.Threading.Tasks.Task.Run(() => { while (p.StandardError.ReadLine() != null) { } });
        }

        private static void StopProcess(Process p)
        {
            if (p == null)
            {
                return;
            }

            try
            {
                if (!p.HasExited)
                {
                    // `ip netns exec` execs into the program, so the PID is the server itself
                    Sh("kill", "-TERM " + p.Id);
                    if (!p.WaitForExit(3000))
                    {
                        p.Kill();
                    }

                    p.WaitForExit(3000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            p.Dispose();
        }

        private static void Ip(string args)
        {
            string output = Sh("ip", args, out int code);
            if (code != 0)
            {
                throw new InvalidOperationException("ip " + args + ": " + output.Trim());
            }
        }

        private static string Which(string tool)
        {
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin:/usr/sbin:/sbin").Split(':'))
            {
                string path = Path.Combine(dir, tool);
                if (File.Exists(path))
                {
                    return path;
                }
            }

            foreach (string dir in new[] { "/usr/sbin", "/sbin" })
            {
                string path = Path.Combine(dir, tool);
                if (File.Exists(path))
                {
                    return path;
                }
            }

            return null;
        }

        private static string Sh(string file, string args)
        {
            return Sh(file, args, out _);
        }

        private static string Sh(string file, string args, out int code)
        {
            var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using (var p = Process.Start(psi))
            {
                var err = p.StandardError.ReadToEndAsync();
                string output = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                code = p.ExitCode;
                return output + err.Result;
            }
        }
    }
}
