using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;

namespace EmbeddedTcp.Bench.Harness
{
    /// <summary>One "@@nanoclr bucket" line: what the kit's meter charged to one phase.</summary>
    public sealed class NanoMeterBucket
    {
        /// <summary>Phase name.</summary>
        public string Name;
        /// <summary>Times the phase was entered.</summary>
        public long Enters;
        /// <summary>Managed heap objects allocated.</summary>
        public long Objs;
        /// <summary>Their size in heap blocks (24 bytes on the kit's 64-bit host).</summary>
        public long ObjBlocks;
        /// <summary>Interpreter-internal nodes newly carved from the heap.</summary>
        public long Evts;
        /// <summary>Their blocks.</summary>
        public long EvtBlocks;
        /// <summary>Garbage collections.</summary>
        public long Gcs;
        /// <summary>IL instructions dispatched.</summary>
        public long Il;
        /// <summary>Interpreted methods entered.</summary>
        public long Calls;
        /// <summary>Native methods called.</summary>
        public long NCalls;
        /// <summary>Of <see cref="Calls"/>, run inline in the caller's frame.</summary>
        public long Inl;
    }

    /// <summary>One "@@nanoclr site" line: an allocation site recorded while "sites on".</summary>
    public sealed class NanoMeterSite
    {
        /// <summary>Allocations at the site.</summary>
        public long Count;
        /// <summary>Their blocks.</summary>
        public long Blocks;
        /// <summary>local, load-copy, new, new-array, valuetype, box, object, event...</summary>
        public string Origin;
        /// <summary>Type allocated (arrays end in "[]").</summary>
        public string Type;
        /// <summary>Method that allocated, and its caller.</summary>
        public string Method;
    }

    /// <summary>A phase's figures per event, the meter's own phase-switch cost taken out.</summary>
    public sealed class NanoMeterPerEvent
    {
        /// <summary>Phase name.</summary>
        public string Name;
        /// <summary>Events the phase covered.</summary>
        public int Events;
        /// <summary>Objects per event.</summary>
        public double Objs;
        /// <summary>Heap blocks per event.</summary>
        public double ObjBlocks;
        /// <summary>IL instructions per event.</summary>
        public double Il;
        /// <summary>Interpreted calls per event.</summary>
        public double Calls;
        /// <summary>Native calls per event.</summary>
        public double NCalls;
    }

    /// <summary>
    /// The output of tools/EmbeddedTcp.NanoMeter on nanoCLR, parsed: the meter's bucket, mark and
    /// site lines (kit README, "The meter") and the program's own lines ("nanometer events NAME N",
    /// "nanometer check-failed ...", "nanometer exception ...", "nanometer done ..."). Buckets of
    /// several reports (the program resets between groups of phases) are merged by name.
    /// </summary>
    public sealed class NanoMeterOutput
    {
        /// <summary>Buckets by phase name.</summary>
        public readonly Dictionary<string, NanoMeterBucket> Buckets = new Dictionary<string, NanoMeterBucket>();
        /// <summary>Phase names reported more than once (a program error).</summary>
        public readonly List<string> DuplicateBuckets = new List<string>();
        /// <summary>Allocation sites of the default construction (those printed before any "nanometer sites-for" line, or after "nanometer sites-for construct-default").</summary>
        public readonly List<NanoMeterSite> Sites = new List<NanoMeterSite>();
        /// <summary>Allocation sites by construction phase ("nanometer sites-for NAME" names the phase of the site lines after it).</summary>
        public readonly Dictionary<string, List<NanoMeterSite>> SitesByPhase = new Dictionary<string, List<NanoMeterSite>>();
        /// <summary>Events per phase, as the program counted them.</summary>
        public readonly Dictionary<string, int> Events = new Dictionary<string, int>();
        /// <summary>Checks the program found failed.</summary>
        public readonly List<string> CheckFailures = new List<string>();
        /// <summary>The exception that ended the program, if one did.</summary>
        public string Exception;
        /// <summary>True when the program printed its last line.</summary>
        public bool Done;
        /// <summary>Heap block size of the host that ran it (mark lines), 24 on the kit's.</summary>
        public int HeapBlockBytes;

        /// <summary>Parses the output of nanoclr-run (CR or not).</summary>
        public static NanoMeterOutput Parse(string text)
        {
            var o = new NanoMeterOutput();
            string sitesOf = NanoMeterRun.ConstructPhase;
            foreach (string raw in text.Split('\n'))
            {
                string line = raw.TrimEnd('\r');
                if (line.StartsWith("@@nanoclr bucket ", StringComparison.Ordinal))
                {
                    string[] t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var b = new NanoMeterBucket { Name = t[2] };
                    var v = Values(t, 3);
                    b.Enters = Get(v, "enters");
                    b.Objs = Get(v, "objs");
                    b.ObjBlocks = Get(v, "obj_blocks");
                    b.Evts = Get(v, "evts");
                    b.EvtBlocks = Get(v, "evt_blocks");
                    b.Gcs = Get(v, "gcs");
                    b.Il = Get(v, "il");
                    b.Calls = Get(v, "calls");
                    b.NCalls = Get(v, "ncalls");
                    b.Inl = Get(v, "inl");
                    if (o.Buckets.ContainsKey(b.Name))
                    {
                        o.DuplicateBuckets.Add(b.Name);
                    }

                    o.Buckets[b.Name] = b;
                }
                else if (line.StartsWith("@@nanoclr mark ", StringComparison.Ordinal))
                {
                    var v = Values(line.Split(' ', StringSplitOptions.RemoveEmptyEntries), 3);
                    if (v.TryGetValue("heap_block_bytes", out long value))
                    {
                        o.HeapBlockBytes = (int)value;
                    }
                }
                else if (line.StartsWith("@@nanoclr site ", StringComparison.Ordinal))
                {
                    // @@nanoclr site count=K blocks=B ORIGIN TYPE  @ Method  <- Caller
                    string[] t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var v = Values(t, 2);
                    int at = Array.IndexOf(t, "@");
                    if (!o.SitesByPhase.TryGetValue(sitesOf, out List<NanoMeterSite> list))
                    {
                        list = new List<NanoMeterSite>();
                        o.SitesByPhase[sitesOf] = list;
                    }

                    list.Add(new NanoMeterSite
                    {
                        Count = Get(v, "count"),
                        Blocks = Get(v, "blocks"),
                        Origin = t.Length > 4 ? t[4] : "",
                        Type = t.Length > 5 ? t[5] : "",
                        Method = at >= 0 && at + 1 < t.Length ? t[at + 1] : "",
                    });
                }
                else if (line.StartsWith("nanometer sites-for ", StringComparison.Ordinal))
                {
                    sitesOf = line.Substring("nanometer sites-for ".Length).Trim();
                }
                else if (line.StartsWith("nanometer events ", StringComparison.Ordinal))
                {
                    string[] t = line.Split(' ');
                    o.Events[t[2]] = int.Parse(t[3], CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("nanometer check-failed ", StringComparison.Ordinal))
                {
                    o.CheckFailures.Add(line.Substring("nanometer check-failed ".Length));
                }
                else if (line.StartsWith("nanometer exception ", StringComparison.Ordinal))
                {
                    o.Exception = line.Substring("nanometer exception ".Length);
                }
                else if (line.StartsWith("nanometer done", StringComparison.Ordinal))
                {
                    o.Done = true;
                }
            }

            if (o.SitesByPhase.TryGetValue(NanoMeterRun.ConstructPhase, out List<NanoMeterSite> defaults))
            {
                o.Sites.AddRange(defaults);
            }

            return o;
        }

        private static Dictionary<string, long> Values(string[] tokens, int from)
        {
            var d = new Dictionary<string, long>();
            for (int i = from; i < tokens.Length; i++)
            {
                int eq = tokens[i].IndexOf('=');
                if (eq > 0 && long.TryParse(tokens[i].AsSpan(eq + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n))
                {
                    d[tokens[i].Substring(0, eq)] = n;
                }
            }

            return d;
        }

        private static long Get(Dictionary<string, long> v, string key)
        {
            return v.TryGetValue(key, out long n) ? n : -1;
        }

        /// <summary>
        /// Figures per event of <paramref name="phase"/>: the bucket divided by the program's event
        /// count, after taking out what entering and leaving a phase costs by itself (the
        /// meter-overhead phase per enter: 6 IL instructions, 1 call, 1 native call). Null when the
        /// phase or its count is missing.
        /// </summary>
        public NanoMeterPerEvent PerEvent(string phase)
        {
            if (!Buckets.TryGetValue(phase, out NanoMeterBucket b) || !Events.TryGetValue(phase, out int n) || n <= 0)
            {
                return null;
            }

            double il = 0, calls = 0, ncalls = 0, objs = 0, blocks = 0;
            if (Buckets.TryGetValue(NanoMeterRun.OverheadPhase, out NanoMeterBucket o) && o.Enters > 0)
            {
                il = (double)o.Il / o.Enters;
                calls = (double)o.Calls / o.Enters;
                ncalls = (double)o.NCalls / o.Enters;
                objs = (double)o.Objs / o.Enters;
                blocks = (double)o.ObjBlocks / o.Enters;
            }

            return new NanoMeterPerEvent
            {
                Name = phase,
                Events = n,
                Objs = (b.Objs - b.Enters * objs) / n,
                ObjBlocks = (b.ObjBlocks - b.Enters * blocks) / n,
                Il = (b.Il - b.Enters * il) / n,
                Calls = (b.Calls - b.Enters * calls) / n,
                NCalls = (b.NCalls - b.Enters * ncalls) / n,
            };
        }

        /// <summary>
        /// Heap taken by the default NetworkStack + FirmwareApp on a 32-bit MCU (ESP32: 12-byte heap
        /// blocks), from the construction's allocation sites. An object's block count is the same on
        /// both (one block per field plus one); an array of references too (one block per element);
        /// an array of values is its bytes plus a 20-byte header there, 32 bytes here, so a value
        /// array of B blocks here takes 2B-2 or 2B-1 blocks there: hence a range, about ±6 bytes per
        /// array. Interpreter nodes ("event" sites) are not objects and are left out. Returns false
        /// when no sites were recorded or they do not add up to the construction bucket.
        /// </summary>
        public bool Esp32HeapBytes(out long low, out long high)
        {
            return Esp32HeapBytes(NanoMeterRun.ConstructPhase, out low, out high);
        }

        /// <summary>
        /// <see cref="Esp32HeapBytes(out long, out long)"/> of the construction phase
        /// <paramref name="phase"/> (construct-default, construct-esp32, construct-psram), from its own
        /// allocation sites.
        /// </summary>
        public bool Esp32HeapBytes(string phase, out long low, out long high)
        {
            low = high = 0;
            long siteBlocks = 0;
            if (!SitesByPhase.TryGetValue(phase, out List<NanoMeterSite> sites))
            {
                return false;
            }

            foreach (NanoMeterSite s in sites)
            {
                if (s.Origin == "event")
                {
                    continue;
                }

                siteBlocks += s.Blocks;
                if (s.Origin == "new-array" && IsValueArray(s.Type))
                {
                    low += 2 * s.Blocks - 2 * s.Count;
                    high += 2 * s.Blocks - s.Count;
                }
                else
                {
                    low += s.Blocks;
                    high += s.Blocks;
                }
            }

            low *= 12;
            high *= 12;
            return sites.Count > 0 && Buckets.TryGetValue(phase, out NanoMeterBucket c) && c.ObjBlocks == siteBlocks;
        }

        private static bool IsValueArray(string type)
        {
            switch (type)
            {
                case "System.Byte[]":
                case "System.SByte[]":
                case "System.Boolean[]":
                case "System.Char[]":
                case "System.Int16[]":
                case "System.UInt16[]":
                case "System.Int32[]":
                case "System.UInt32[]":
                case "System.Int64[]":
                case "System.UInt64[]":
                case "System.Single[]":
                case "System.Double[]":
                    return true;
                default:
                    return false; // references (and enums: within a block)
            }
        }
    }

    /// <summary>Finds the kit and the built .pe files, runs the meter program on nanoCLR.</summary>
    public static class NanoMeterRun
    {
        /// <summary>The calibration phase (an empty phase).</summary>
        public const string OverheadPhase = "meter-overhead";
        /// <summary>The default NetworkStack + FirmwareApp construction.</summary>
        public const string ConstructPhase = "construct-default";
        /// <summary>The board's firmware (SpiBusAdapter, BoardRunner + Enc28j60Driver, NetworkStack, FirmwareApp) with the ESP32 (no PSRAM) preset.</summary>
        public const string ConstructEsp32Phase = "construct-esp32";
        /// <summary>The same with the ESP32 PSRAM preset.</summary>
        public const string ConstructPsramPhase = "construct-psram";
        /// <summary>Every construction phase (measured once, sites recorded).</summary>
        public static readonly string[] ConstructPhases = { ConstructPhase, ConstructEsp32Phase, ConstructPsramPhase };

        /// <summary>
        /// Every phase that is one or more events after start-up and must allocate nothing: the
        /// program must report each (tests check it prints no other, apart from the SPI adapter's,
        /// construction and calibration).
        /// </summary>
        public static readonly string[] EventPhases =
        {
            "tcp-rx-segment", "tcp-receive-call", "tcp-tx-segment", "tcp-pure-ack", "tcp-request-response",
            "tcp-out-of-order", "tcp-fill-hole", "tcp-rto", "tcp-zero-window-probe", "tcp-keepalive",
            "tcp-time-wait-expiry", "tcp-rx-segment-softcsum", "tcp-tx-segment-softcsum", "idle-poll", "stack-idle-poll",
            "firmware-echo", "http-status-page", "http-not-found", "firmware-chargen-blocked",
            "arp-request-in", "arp-resolve", "arp-reply-in", "icmp-echo", "icmp-ping", "icmp-echo-reply",
            "udp-send", "udp-receive", "udp-receive-call", "dhcp-renew-request", "dhcp-renew-ack", "dns-query", "dns-answer", "sntp-request", "sntp-reply",
            "reject-tcp-checksum", "reject-ip-checksum", "reject-truncated-ip", "reject-truncated-tcp",
            "reject-unknown-protocol", "reject-out-of-window", "reject-rst-challenge", "reject-syn-challenge",
            "driver-rx", "driver-tx",
            "igmp-query", "igmp-report", "mdns-a-query", "mdns-ptr-query",
            "sock-tcp-send", "sock-run-once", "sock-available", "sock-poll", "sock-tcp-receive", "sock-tcp-receive-wait", "sock-udp-sendto", "sock-udp-receivefrom",
            "mqtt-publish-qos0", "mqtt-publish-qos1", "mqtt-puback-in", "mqtt-publish-in-qos0", "mqtt-publish-in-qos1", "mqtt-pingreq", "mqtt-pingresp",
        };

        /// <summary>
        /// The board's SpiBusAdapter per ISpiBus call, objects on nanoCLR with System.Device.Spi
        /// 1.3.82 (SpanByte only): the fewest that API allows (see SpiBusAdapter's remarks).
        /// </summary>
        public static readonly KeyValuePair<string, int>[] SpiPhases =
        {
            new KeyValuePair<string, int>("spi-register-write", 3),
            new KeyValuePair<string, int>("spi-register-read", 4),
            new KeyValuePair<string, int>("spi-buffer-read", 4),
            new KeyValuePair<string, int>("spi-buffer-write", 3),
        };

        /// <summary>The kit (NANOFRAMEWORK_KIT, else ../shared/nanoframework beside the clone), or null when absent.</summary>
        public static string FindKit(string repoRoot)
        {
            string env = Environment.GetEnvironmentVariable("NANOFRAMEWORK_KIT");
            string kit = string.IsNullOrEmpty(env) ? Path.GetFullPath(Path.Combine(repoRoot, "..", "shared", "nanoframework")) : Path.GetFullPath(env);
            return File.Exists(Path.Combine(kit, "bin", "nanoclr-run")) && File.Exists(Path.Combine(kit, "lib", "mscorlib.pe")) ? kit : null;
        }

        /// <summary>Where the kit is looked for (for messages).</summary>
        public static string KitLocation(string repoRoot)
        {
            string env = Environment.GetEnvironmentVariable("NANOFRAMEWORK_KIT");
            return string.IsNullOrEmpty(env) ? Path.GetFullPath(Path.Combine(repoRoot, "..", "shared", "nanoframework")) : Path.GetFullPath(env);
        }

        /// <summary>The .pe files in load order (core, apps (the firmware's MQTT part), firmware, meter) of a configuration's build.</summary>
        public static string[] PeFiles(string repoRoot, string configuration)
        {
            return new[]
            {
                Path.Combine(repoRoot, "src", "EmbeddedTcp.Nano", "bin", configuration, "netstandard2.0", "EmbeddedTcp.pe"),
                Path.Combine(repoRoot, "src", "EmbeddedTcp.Apps.Nano", "bin", configuration, "netstandard2.0", "EmbeddedTcp.Apps.pe"),
                Path.Combine(repoRoot, "src", "EmbeddedTcp.Firmware.Nano", "bin", configuration, "netstandard2.0", "EmbeddedTcp.Firmware.pe"),
                Path.Combine(repoRoot, "tools", "EmbeddedTcp.NanoMeter", "bin", configuration, "netstandard2.0", "EmbeddedTcp.NanoMeter.pe"),
            };
        }

        /// <summary>
        /// Runs kit/bin/nanoclr-run with a time limit (its own -t, and a kill 30 s later) on
        /// <paramref name="peFiles"/>; returns its exit status and standard output (CR removed).
        /// </summary>
        public static int Execute(string kit, string[] peFiles, int timeoutSeconds, out string output)
        {
            var psi = new ProcessStartInfo(Path.Combine(kit, "bin", "nanoclr-run"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add("-t");
            psi.ArgumentList.Add(timeoutSeconds.ToString(CultureInfo.InvariantCulture));
            foreach (string pe in peFiles)
            {
                psi.ArgumentList.Add(pe);
            }

            var stdout = new StringBuilder();
            using var p = Process.Start(psi);
            p.OutputDataReceived += (_, e) => { if (e.Data != null) { lock (stdout) { stdout.Append(e.Data.TrimEnd('\r')).Append('\n'); } } };
            p.ErrorDataReceived += (_, e) => { if (e.Data != null) { lock (stdout) { stdout.Append(e.Data).Append('\n'); } } };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            if (!p.WaitForExit(timeoutSeconds * 1000 + 30_000))
            {
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                p.WaitForExit();
                output = stdout.ToString();
                return 124;
            }

            p.WaitForExit();
            output = stdout.ToString();
            return p.ExitCode;
        }
    }
}
