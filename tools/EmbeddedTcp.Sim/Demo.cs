using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using EmbeddedTcp.Diagnostics;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Simulation.Board;
using EmbeddedTcp.Simulation.Cost;
using EmbeddedTcp.Tcp;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Sim
{
    /// <summary>One phase of the demo, for the summary.</summary>
    public sealed class DemoPhase
    {
        public string Name;
        public long Bytes;
        public long DurationNs;
        public bool Ok;
        public long SpiBusyNs;
        /// <summary>Modelled interpreter time of the board in the phase (0 with --cpu none).</summary>
        public double CpuBusyNs;
        /// <summary>Modelled SPI wait of the board in the phase, ESP-IDF's per-transaction time included (0 with --cpu none).</summary>
        public double ModelledSpiNs;
        /// <summary>Of <see cref="CpuBusyNs"/> + <see cref="ModelledSpiNs"/>, the idle turns' time.</summary>
        public double IdleNs;
        /// <summary>Share of the phase the board's modelled CPU spent on turns that did work (interpreter and SPI waits), %.</summary>
        public double WorkPercent => DurationNs <= 0 ? 0 : 100.0 * (CpuBusyNs + ModelledSpiNs - IdleNs) / DurationNs;
        public double SpiPercent => DurationNs <= 0 ? 0 : 100.0 * SpiBusyNs / DurationNs;
        public double CpuPercent => DurationNs <= 0 ? 0 : 100.0 * CpuBusyNs / DurationNs;
        public double ModelledSpiPercent => DurationNs <= 0 ? 0 : 100.0 * ModelledSpiNs / DurationNs;
        public double Mbps => DurationNs <= 0 ? 0 : Bytes * 8.0 / (DurationNs / 1e9) / 1e6;
    }

    /// <summary>
    /// The main job: a simulated board running the firmware (stack + ENC28J60 driver + chip
    /// model + FirmwareApp) and a simulated host that exercises it — an HTTP request, echo, a
    /// bulk transfer to discard and from chargen, a close — in virtual time.
    /// </summary>
    public sealed class Demo
    {
        public const uint HostIp = 0xC0000201;
        public const uint BoardIp = 0xC0000202;
        private static readonly byte[] HostMac = { 0x02, 0, 0, 0, 0, 0x01 };
        private static readonly byte[] BoardMac = { 0x02, 0x45, 0x54, 0x43, 0x50, 0x02 };

        private readonly TextWriter _out;
        private readonly ulong _seed;
        private readonly int _bulkBytes;
        private readonly byte[] _buf = new byte[16384];
        private SimulatedLan _lan;
        private SimulatedBoard _board;
        private NetworkStack _host;
        private long _phaseStartNs;
        private readonly double _loss;
        private readonly Esp32CostModel _cpu;

        /// <summary>The demo; <paramref name="cpu"/> charges the board's CPU with that ESP32 model (null: SPI time only, reported).</summary>
        public Demo(TextWriter output, ulong seed = 1, int bulkKib = 1024, double loss = 0, Esp32CostModel cpu = null)
        {
            _loss = loss;
            _cpu = cpu;
            _out = output;
            _seed = seed;
            _bulkBytes = Math.Max(1, bulkKib) * 1024;
        }

        /// <summary>The phases run, with their figures (filled by <see cref="Run"/>).</summary>
        public readonly List<DemoPhase> Phases = new List<DemoPhase>();

        /// <summary>The board after the run.</summary>
        public SimulatedBoard Board => _board;

        /// <summary>Runs the demo; returns 0 when every phase did what it should.</summary>
        public int Run()
        {
            var wall = Stopwatch.StartNew();
            _lan = new SimulatedLan(null, _seed);
            var hostConfig = new NetworkConfig { Address = HostIp };
            hostConfig.Tcp.TraceCapacity = 256;
            var boardConfig = new NetworkConfig { Address = BoardIp };
            boardConfig.Tcp.TraceCapacity = 256;
            _host = _lan.AddHost(HostMac, hostConfig, (uint)(_seed * 2 + 1));
            _board = new SimulatedBoard(_lan, BoardMac, boardConfig, (uint)(_seed * 2 + 2), new FirmwareOptions { DeviceName = "EmbeddedTcp (simulated board)" }, cpu: _cpu);

            if (_loss > 0)
            {
                var faults = new FaultOptions { LossRate = _loss };
                _board.Port.TransmitFaults = new FaultInjector(_seed * 2 + 11, faults);
                _board.Port.ReceiveFaults = new FaultInjector(_seed * 2 + 12, faults);
            }

            _out.WriteLine("EmbeddedTcp simulator: the firmware on a simulated board, exercised by a simulated host");
            _out.WriteLine("  board  192.0.2.2  stack + ENC28J60 driver + FirmwareApp (as flashed) over a register-level ENC28J60 model, SPI "
                + (_board.SpiClockHz / 1_000_000) + " MHz");
            _out.WriteLine(_cpu != null
                ? "  cpu    charged: " + _cpu.Describe() + "; nanoCLR IL per event from src/EmbeddedTcp.Simulation/Cost/" + NanoEventCosts.FileName
                : "  cpu    not charged (--cpu none): only the SPI bus's time delays the board");
            _out.WriteLine("  host   192.0.2.1  a plain NetworkStack");
            _out.WriteLine("  wire   10 Mbit/s switch, virtual time, seed " + _seed
                + (_loss > 0 ? ", " + (_loss * 100).ToString("F1", CultureInfo.InvariantCulture) + "% of the board's frames lost each way" : ""));
            _out.WriteLine("  services on the board: echo 7, discard 9, chargen 19, http 80");
            _out.WriteLine();

            bool ok = true;
            ok &= Phase("HTTP GET / (status page)", HttpGet);
            ok &= Phase("echo 16 KiB", () => Echo(16 * 1024));
            ok &= Phase("bulk to discard " + (_bulkBytes / 1024) + " KiB", () => Discard(_bulkBytes));
            ok &= Phase("bulk from chargen " + (_bulkBytes / 1024) + " KiB", () => Chargen(_bulkBytes));
            ok &= Phase("HTTP GET / again (counters after the run)", HttpGet);
            ok &= Phase("close: wait for TIME_WAIT to end", WaitAllClosed);
            Summary(wall.Elapsed.TotalSeconds);
            return ok ? 0 : 1;
        }

        // ------------------------------------------------------------------ loop

        private long NowNs => _lan.Clock.NowNs;

        private void Step(long limitMs)
        {
            _lan.Step(limitMs);
            _board.RunApplication();
            Drain();
        }

        private bool RunUntil(Func<bool> done, long maxMs)
        {
            long end = _lan.NowMs + maxMs;
            for (int guard = 0; guard < 20_000_000; guard++)
            {
                if (done())
                {
                    return true;
                }

                if (_lan.NowMs >= end)
                {
                    return false;
                }

                Step(Math.Min(end, _lan.NowMs + 10));
            }
            return done();
        }

        private void Drain()
        {
            DrainOne(_host, "host ");
            DrainOne(_board.Stack, "board");
        }

        private void DrainOne(NetworkStack s, string who)
        {
            var e = new TraceEvent();
            while (s.Tcp.Trace.TryRead(e))
            {
                if (e.Kind == TraceKind.StateChange)
                {
                    var info = new TcpEntryInfo();
                    s.Tcp.GetEntry(e.Connection, info);
                    _out.WriteLine("    " + T(NowNs) + "  " + who + " conn " + e.Connection + "  "
                        + (TcpStateNames.Of((TcpState)e.A) + " -> " + TcpStateNames.Of((TcpState)e.B)).PadRight(30)
                        + Ipv4Address.Format(info.LocalIp) + ":" + info.LocalPort + " <-> " + Ipv4Address.Format(info.RemoteIp) + ":" + info.RemotePort);
                }
                else if (e.Kind == TraceKind.Retransmit)
                {
                    _out.WriteLine("    " + T(NowNs) + "  " + who + " conn " + e.Connection + "  retransmit (" + (e.C == 1 ? "fast" : "timeout") + ")");
                }
            }
        }

        private static string T(long ns) => ("t=" + (ns / 1e6).ToString("F3", CultureInfo.InvariantCulture) + " ms").PadLeft(16);

        private bool Phase(string name, Func<long> body)
        {
            _out.WriteLine("[" + (Phases.Count + 1) + "] " + name);
            _phaseStartNs = NowNs;
            long spiStart = _board.SpiBusyNs;
            double cpuStart = _board.CpuBusyNs, modelledSpiStart = _board.ModelledSpiNs, idleStart = _board.IdleNs;
            long bytes;
            bool ok = true;
            try
            {
                bytes = body();
            }
            catch (InvalidOperationException e)
            {
                _out.WriteLine("    FAILED: " + e.Message);
                bytes = 0;
                ok = false;
            }
            var p = new DemoPhase
            {
                Name = name,
                Bytes = bytes,
                DurationNs = NowNs - _phaseStartNs,
                Ok = ok,
                SpiBusyNs = _board.SpiBusyNs - spiStart,
                CpuBusyNs = _board.CpuBusyNs - cpuStart,
                ModelledSpiNs = _board.ModelledSpiNs - modelledSpiStart,
                IdleNs = _board.IdleNs - idleStart
            };
            Phases.Add(p);
            if (bytes > 0)
            {
                _out.WriteLine("    " + bytes + " bytes in " + (p.DurationNs / 1e6).ToString("F1", CultureInfo.InvariantCulture) + " ms of simulated time: "
                    + p.Mbps.ToString("F2", CultureInfo.InvariantCulture) + " Mbit/s");
            }
            Netstat();
            _out.WriteLine();
            return ok;
        }

        private void Netstat()
        {
            var info = new TcpEntryInfo();
            var lines = new List<string>();
            for (int i = 0; i < _board.Stack.Tcp.Capacity; i++)
            {
                _board.Stack.Tcp.GetEntry(i, info);
                if (info.Free || info.State == TcpState.Closed)
                {
                    continue;
                }

                lines.Add(string.Format(CultureInfo.InvariantCulture, "    tcp {0,6} {1,6} {2,-21} {3,-21} {4}", info.ReceiveQueued, info.SendQueued,
                    Ipv4Address.Format(info.LocalIp) + ":" + info.LocalPort, Ipv4Address.Format(info.RemoteIp) + ":" + info.RemotePort, TcpStateNames.Of(info.State)));
            }
            _out.WriteLine("    board's connection table at " + T(NowNs).Trim() + (lines.Count == 0 ? ": empty" : ":"));
            if (lines.Count > 0)
            {
                _out.WriteLine("    Proto Recv-Q Send-Q Local Address         Foreign Address       State");
                foreach (string l in lines)
                {
                    _out.WriteLine(l);
                }
            }
        }

        private int Connect(int port)
        {
            int h = _host.Tcp.Connect(HostIp, BoardIp, port, 0);
            if (h <= 0)
            {
                throw new InvalidOperationException("connect to port " + port + ": error " + h);
            }

            if (!RunUntil(() => _host.Tcp.GetState(h) == TcpState.Established, 10000))
            {
                throw new InvalidOperationException("port " + port + " not established");
            }

            return h;
        }

        private void Close(int h)
        {
            _host.Tcp.Close(h);
        }

        // ------------------------------------------------------------------ phases

        private long HttpGet()
        {
            int h = Connect(80);
            byte[] req = Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\nHost: 192.0.2.2\r\n\r\n");
            _host.Tcp.Send(h, req, 0, req.Length);
            var response = new MemoryStream();
            bool ended = false;
            if (!RunUntil(() =>
            {
                int n;
                while ((n = _host.Tcp.Receive(h, _buf, 0, _buf.Length)) > 0)
                {
                    response.Write(_buf, 0, n);
                }

                if (n == NetError.EndOfStream)
                {
                    ended = true;
                }
                else if (n < 0)
                {
                    throw new InvalidOperationException("http receive error " + n);
                }

                return ended;
            }, 10000))
            {
                throw new InvalidOperationException("no complete HTTP response");
            }
            // The board closed first (it is the active closer): we are in CLOSE_WAIT.
            _out.WriteLine("    host's end is " + TcpStateNames.Of(_host.Tcp.GetState(h)) + " (the board closed first); host closes too");
            Close(h);
            string text = Encoding.ASCII.GetString(response.ToArray());
            if (!text.StartsWith("HTTP/1.0 200 OK", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("unexpected response: " + text.Split('\r')[0]);
            }

            _out.WriteLine("    response (" + response.Length + " bytes):");
            foreach (string line in text.Split("\r\n"))
            {
                _out.WriteLine("    | " + line);
            }
            return response.Length;
        }

        private long Echo(int size)
        {
            int h = Connect(7);
            var data = new byte[size];
            var rng = new Pcg32(_seed, 7);
            for (int i = 0; i < size; i++)
            {
                data[i] = (byte)rng.NextUInt32();
            }

            var back = new byte[size];
            int sent = 0, got = 0;
            if (!RunUntil(() =>
            {
                if (sent < size)
                {
                    int s = _host.Tcp.Send(h, data, sent, size - sent);
                    if (s < 0)
                    {
                        throw new InvalidOperationException("echo send error " + s);
                    }

                    sent += s;
                }
                int n;
                while (got < size && (n = _host.Tcp.Receive(h, back, got, size - got)) > 0)
                {
                    got += n;
                }

                return got == size;
            }, 60000))
            {
                throw new InvalidOperationException("echo incomplete: " + got + " of " + size);
            }

            for (int i = 0; i < size; i++)
            {
                if (data[i] != back[i])
                {
                    throw new InvalidOperationException("echo differs at byte " + i);
                }
            }
            _out.WriteLine("    all " + size + " bytes came back unchanged");
            Close(h);
            return size;
        }

        private long Discard(int size)
        {
            int h = Connect(9);
            var chunk = new byte[4096];
            for (int i = 0; i < chunk.Length; i++)
            {
                chunk[i] = (byte)i;
            }

            long sent = 0;
            long nextReport = size / 4;
            if (!RunUntil(() =>
            {
                while (sent < size)
                {
                    int s = _host.Tcp.Send(h, chunk, 0, (int)Math.Min(chunk.Length, size - sent));
                    if (s < 0)
                    {
                        throw new InvalidOperationException("discard send error " + s);
                    }

                    if (s == 0)
                    {
                        break;
                    }

                    sent += s;
                }
                if (sent >= nextReport && nextReport <= size)
                {
                    Progress(sent, size, h);
                    nextReport += size / 4;
                }
                return sent == size && _host.Tcp.BytesQueued(h) == 0;
            }, 600000))
            {
                throw new InvalidOperationException("bulk send incomplete");
            }

            Close(h);
            RunUntil(() => _board.App.Counters.DiscardBytes >= size, 1000);
            _out.WriteLine("    the board discarded " + _board.App.Counters.DiscardBytes + " bytes");
            return size;
        }

        private void Progress(long done, long total, int h)
        {
            double ms = (NowNs - _phaseStartNs) / 1e6;
            var info = new TcpEntryInfo();
            _host.Tcp.GetEntry(_host.Tcp.IndexOf(h), info);
            _out.WriteLine("    " + T(NowNs) + "  " + (done * 100 / total).ToString(CultureInfo.InvariantCulture).PadLeft(3) + "%  "
                + (done / 1024) + " KiB  " + (done * 8.0 / (ms / 1000) / 1e6).ToString("F2", CultureInfo.InvariantCulture) + " Mbit/s  cwnd "
                + info.CongestionWindow + "  srtt " + info.SmoothedRttMs + " ms  rto " + info.RtoMs + " ms  " + TcpStateNames.Of(info.State));
        }

        private long Chargen(int size)
        {
            int h = Connect(19);
            long got = 0;
            long nextReport = size / 4;
            bool patternOk = true;
            if (!RunUntil(() =>
            {
                int n;
                while (got < size && (n = _host.Tcp.Receive(h, _buf, 0, (int)Math.Min(_buf.Length, size - got))) > 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        if (_buf[i] != FirmwareApp.ChargenByte(got + i))
                        {
                            patternOk = false;
                        }
                    }
                    got += n;
                }
                if (got >= nextReport && nextReport <= size)
                {
                    Progress(got, size, h);
                    nextReport += size / 4;
                }
                return got >= size;
            }, 600000))
            {
                throw new InvalidOperationException("chargen incomplete: " + got);
            }

            if (!patternOk)
            {
                throw new InvalidOperationException("chargen stream is not the RFC 864 pattern");
            }

            _out.WriteLine("    every byte matched the RFC 864 pattern (72 printable characters + CRLF per line, rotating)");
            // Half-close, then read what is still in flight until the board's FIN: a clean close.
            _host.Tcp.Shutdown(h);
            RunUntil(() =>
            {
                int n;
                while ((n = _host.Tcp.Receive(h, _buf, 0, _buf.Length)) > 0) { }
                return n == NetError.EndOfStream || n < 0;
            }, 10000);
            Close(h);
            return got;
        }

        private long WaitAllClosed()
        {
            if (!RunUntil(() => _host.Tcp.ActiveCount == 0 && _board.Stack.Tcp.ActiveCount == 0, 4 * 60000 + 1000))
            {
                throw new InvalidOperationException("connections left open");
            }

            return 0;
        }

        // ------------------------------------------------------------------ summary

        private void Summary(double wallSeconds)
        {
            double simSeconds = NowNs / 1e9;
            _out.WriteLine("summary" + (_cpu != null ? " (board CPU charged: " + _cpu.Name + " model, " + _cpu.Target + "; --cpu none for the wire and SPI alone)" : " (board CPU not charged: --cpu none)"));
            if (_cpu != null)
            {
                _out.WriteLine("    phase                                          bytes   sim time ms   Mbit/s  CPU work  SPI wait  result");
            }
            else
            {
                _out.WriteLine("    phase                                          bytes   sim time ms   Mbit/s  SPI busy  result");
            }

            foreach (DemoPhase p in Phases)
            {
                if (_cpu != null)
                {
                    _out.WriteLine(string.Format(CultureInfo.InvariantCulture, "    {0,-42} {1,9} {2,13:F1} {3,8:F2} {4,8:F1}% {5,8:F1}%  {6}",
                        p.Name, p.Bytes, p.DurationNs / 1e6, p.Mbps, p.WorkPercent, p.ModelledSpiPercent, p.Ok ? "ok" : "FAILED"));
                }
                else
                {
                    _out.WriteLine(string.Format(CultureInfo.InvariantCulture, "    {0,-42} {1,9} {2,13:F1} {3,8:F2} {4,8:F1}%  {5}",
                        p.Name, p.Bytes, p.DurationNs / 1e6, p.Mbps, p.SpiPercent, p.Ok ? "ok" : "FAILED"));
                }
            }

            if (_cpu != null)
            {
                _out.WriteLine("    CPU work: share of the phase the board spent on turns that moved frames (IL, calls and SPI waits, modelled); SPI wait: the part of all turns spent in SPI transfers");
            }

            _out.WriteLine(string.Format(CultureInfo.InvariantCulture, "    the wire's limit: {0:F2} Mbit/s of TCP payload (1460 of every 1538 bytes on 10 Mbit/s){1}",
                1460.0 / 1538.0 * 10.0, _cpu != null ? "; bulk Mbit/s above are the modelled " + _cpu.Target + " goodput" : ""));
            FirmwareCounters fc = _board.App.Counters;
            TcpCounters bt = _board.Stack.Tcp.Counters;
            NetworkCounters bn = _board.Stack.Counters;
            _out.WriteLine("    board firmware: http " + fc.HttpResponses + " responses, echo " + fc.EchoBytes + " B, discard " + fc.DiscardBytes
                + " B, chargen " + fc.ChargenBytes + " B, errors " + fc.ConnectionErrors);
            _out.WriteLine("    board stack: frames in " + bn.FramesIn + " out " + bn.FramesOut + ", tcp segments in " + bt.SegmentsIn + " out " + bt.SegmentsOut
                + ", retransmissions " + bt.Retransmissions + ", resets out " + bt.ResetsOut + ", dropped " + bt.Dropped);
            _out.WriteLine("    board ENC28J60: " + _board.Chip.FramesTransmitted + " frames sent, " + _board.Chip.FramesAccepted + " received, "
                + _board.Chip.FramesDroppedFull + " dropped (ring full); SPI " + _board.SpiTransactions + " transactions, " + _board.SpiBytes + " bytes = "
                + (_board.SpiBusyNs / 1e6).ToString("F1", CultureInfo.InvariantCulture) + " ms busy at " + (_board.SpiClockHz / 1_000_000) + " MHz ("
                + (100.0 * _board.SpiBusyNs / Math.Max(1, NowNs)).ToString("F1", CultureInfo.InvariantCulture) + "% of simulated time)");
            _out.WriteLine("    simulated " + simSeconds.ToString("F3", CultureInfo.InvariantCulture) + " s in " + wallSeconds.ToString("F2", CultureInfo.InvariantCulture)
                + " s of wall time");
        }
    }
}
