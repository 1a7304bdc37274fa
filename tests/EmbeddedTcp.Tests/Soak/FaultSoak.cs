using System;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Tests.Soak
{
    /// <summary>
    /// One soak seed: two whole stacks (A = 192.0.2.1 client, B = 192.0.2.2 server) on a
    /// simulated 10 Mbit/s switch whose ports lose, duplicate, reorder and corrupt frames in
    /// both directions; A and B each send <see cref="Bytes"/> at the same time, half-close,
    /// read to end, close. Checks: every byte equal (verified on the fly against the seeded
    /// generator), no connection error, both tables empty afterwards (every connection reached
    /// CLOSED through TIME_WAIT or LAST_ACK), and no allocation between connect and the end.
    /// </summary>
    public sealed class FaultSoak
    {
        public const int Bytes = 256 * 1024;
        public const uint IpA = 0xC0000201;
        public const uint IpB = 0xC0000202;
        private static readonly byte[] MacA = { 0x02, 0, 0, 0, 0, 0x01 };
        private static readonly byte[] MacB = { 0x02, 0, 0, 0, 0, 0x02 };

        public sealed class Result
        {
            public uint Seed;
            public string Failure;
            public long VirtualMs;
            public long AllocatedBytes;
            public long FramesLost, FramesDuplicated, FramesReordered, FramesCorrupted, Frames;
            public long Retransmissions, BadChecksums;
            public string Diagnostics;
            public override string ToString() => "seed " + Seed + ": " + (Failure ?? "ok") + ", " + VirtualMs + " virtual ms, frames "
                + Frames + " (lost " + FramesLost + ", dup " + FramesDuplicated + ", reordered " + FramesReordered + ", corrupted "
                + FramesCorrupted + "), retransmissions " + Retransmissions + ", allocated " + AllocatedBytes + " B"
                + (Failure != null ? "; " + Diagnostics : "");
        }

        private sealed class Side
        {
            public int Handle;
            public long Sent, Received;
            public bool ShutDown, Eof;
            public int Error;
            public uint SendKey, ReceiveKey;
            public long Mismatch = -1;
        }

        private readonly byte[] _buf = new byte[4096];

        public static FaultOptions Faults() => new FaultOptions { LossRate = 0.10, DuplicateRate = 0.05, ReorderRate = 0.05, CorruptRate = 0.01 };

        private static byte DataByte(uint key, long i)
        {
            uint x = (uint)i * 2654435761u ^ key;
            x ^= x >> 15;
            x *= 0x2C1B3C6Du;
            x ^= x >> 12;
            return (byte)x;
        }

        public Result Run(uint seed)
        {
            var result = new Result { Seed = seed };
            var lan = new SimulatedLan(null, seed);
            SimulatedPort portA = lan.AddPort(MacA);
            SimulatedPort portB = lan.AddPort(MacB);
            FaultOptions faults = Faults();
            var fa = new FaultInjector(seed * 4 + 1, faults);
            var fb = new FaultInjector(seed * 4 + 2, faults);
            portA.TransmitFaults = fa;
            portB.TransmitFaults = fb;
            string pcapPath = Environment.GetEnvironmentVariable("EMBEDDEDTCP_SOAK_PCAP");
            PcapWriter pcap = pcapPath != null ? PcapWriter.Create(pcapPath + "-" + seed + ".pcap") : null;
            NetworkStack a = pcap != null
                ? lan.AddStack(new PcapDevice(portA, pcap, lan.Clock), Config(IpA), seed * 4 + 3, portA)
                : lan.AddStack(portA, Config(IpA), seed * 4 + 3, portA);
            NetworkStack b = lan.AddStack(portB, Config(IpB), seed * 4 + 4, portB);
            int listener = b.Tcp.Listen(0, 5001, 4);
            var ca = new Side { SendKey = seed * 7 + 1, ReceiveKey = seed * 7 + 2 };
            var cb = new Side { SendKey = seed * 7 + 2, ReceiveKey = seed * 7 + 1 };

            // Warm up everything that is lazily initialised (JIT, statics) before measuring.
            lan.RunFor(10);
            long before = GC.GetAllocatedBytesForCurrentThread();
            ca.Handle = a.Tcp.Connect(IpA, IpB, 5001, 0);
            long limit = 600_000; // virtual ms
            while (lan.NowMs < limit)
            {
                bool more = lan.Step(limit);
                if (cb.Handle == 0)
                {
                    int h = b.Tcp.Accept(listener);
                    if (h > 0)
                    {
                        cb.Handle = h;
                    }
                }
                Pump(a.Tcp, ca);
                Pump(b.Tcp, cb);
                if (ca.Handle < 0 || ca.Error != 0 || cb.Error != 0 || ca.Mismatch >= 0 || cb.Mismatch >= 0)
                {
                    break;
                }

                if (ca.Eof && cb.Eof && ca.ShutDown && cb.ShutDown)
                {
                    a.Tcp.Close(ca.Handle);
                    b.Tcp.Close(cb.Handle);
                    ca.Handle = cb.Handle = -1;
                    break;
                }
                if (!more)
                {
                    break;
                }
            }
            // Run out the closing handshake and TIME_WAIT.
            long end = lan.NowMs + 120_000;
            while (lan.NowMs < end && (a.Tcp.ActiveCount != 0 || b.Tcp.ActiveCount != 0))
            {
                if (!lan.Step(end))
                {
                    break;
                }
            }
            result.AllocatedBytes = GC.GetAllocatedBytesForCurrentThread() - before;
            pcap?.Dispose();
            result.VirtualMs = lan.NowMs;
            result.Frames = fa.FramesIn + fb.FramesIn;
            result.FramesLost = fa.Dropped + fb.Dropped;
            result.FramesDuplicated = fa.Duplicated + fb.Duplicated;
            result.FramesReordered = fa.Reordered + fb.Reordered;
            result.FramesCorrupted = fa.Corrupted + fb.Corrupted;
            result.Retransmissions = a.Tcp.Counters.Retransmissions + b.Tcp.Counters.Retransmissions;
            result.BadChecksums = a.Counters.IpBadChecksum + b.Counters.IpBadChecksum
                + a.Tcp.Counters.DropsByReason[(int)TcpDropReason.BadChecksum] + b.Tcp.Counters.DropsByReason[(int)TcpDropReason.BadChecksum];

            result.Diagnostics = "A: arpFail " + a.Counters.ArpFailures + " notForUs " + a.Counters.FramesNotForUs + " arpQDrop " + a.Counters.ArpQueueDrops + " arpConflicts " + a.Counters.ArpAddressConflicts
                + " ipNotForUs " + a.Counters.IpNotForUs + " | B: arpFail " + b.Counters.ArpFailures + " notForUs " + b.Counters.FramesNotForUs + " arpQDrop " + b.Counters.ArpQueueDrops
                + " arpConflicts " + b.Counters.ArpAddressConflicts + " ipNotForUs " + b.Counters.IpNotForUs + " arpMalformed " + (a.Counters.ArpMalformed + b.Counters.ArpMalformed)
                + " rtoA " + a.Tcp.Counters.RetransmitTimeouts + " rtoB " + b.Tcp.Counters.RetransmitTimeouts;
            var mac = new byte[6];
            if (a.TryGetNeighbour(IpB, mac, 0) && !System.Linq.Enumerable.SequenceEqual(mac, MacB))
            {
                result.Diagnostics += "; A's ARP entry for B is " + BitConverter.ToString(mac) + ": poisoned by a corrupted ARP frame (ARP has no checksum)";
            }

            if (b.TryGetNeighbour(IpA, mac, 0) && !System.Linq.Enumerable.SequenceEqual(mac, MacA))
            {
                result.Diagnostics += "; B's ARP entry for A is " + BitConverter.ToString(mac) + ": poisoned by a corrupted ARP frame (ARP has no checksum)";
            }

            if (ca.Mismatch >= 0)
            {
                result.Failure = "A received a wrong byte at offset " + ca.Mismatch;
            }
            else if (cb.Mismatch >= 0)
            {
                result.Failure = "B received a wrong byte at offset " + cb.Mismatch;
            }
            else if (ca.Error != 0 || cb.Error != 0)
            {
                result.Failure = "connection error A " + ca.Error + " B " + cb.Error;
            }
            else if (ca.Received != Bytes || cb.Received != Bytes)
            {
                result.Failure = "incomplete: A got " + ca.Received + ", B got " + cb.Received
                + " by " + lan.NowMs + " ms (A state " + TcpStateNames.Of(a.Tcp.GetState(ca.Handle)) + ")";
            }
            else if (a.Tcp.ActiveCount != 0 || b.Tcp.ActiveCount != 0)
            {
                result.Failure = "table not empty: A " + a.Tcp.ActiveCount + ", B " + b.Tcp.ActiveCount;
            }
            else if (result.AllocatedBytes != 0)
            {
                result.Failure = "allocated " + result.AllocatedBytes + " bytes";
            }
            else
            {
                string inv = a.Tcp.CheckInvariants() ?? b.Tcp.CheckInvariants();
                if (inv != null)
                {
                    result.Failure = "invariant: " + inv;
                }
            }
            return result;
        }

        private static NetworkConfig Config(uint ip)
        {
            var c = new NetworkConfig { Address = ip };
            c.Tcp.MslMs = 1000;
            return c;
        }

        private void Pump(TcpStack tcp, Side s)
        {
            if (s.Handle <= 0)
            {
                return;
            }

            TcpState st = tcp.GetState(s.Handle);
            if (st == TcpState.SynSent || st == TcpState.SynReceived)
            {
                return;
            }

            while (s.Sent < Bytes)
            {
                int n = (int)Math.Min(_buf.Length, Bytes - s.Sent);
                for (int i = 0; i < n; i++)
                {
                    _buf[i] = DataByte(s.SendKey, s.Sent + i);
                }

                int taken = tcp.Send(s.Handle, _buf, 0, n);
                if (taken < 0) { s.Error = taken; return; }
                if (taken == 0)
                {
                    break;
                }

                s.Sent += taken;
            }
            if (s.Sent == Bytes && !s.ShutDown)
            {
                int r = tcp.Shutdown(s.Handle);
                if (r < 0) { s.Error = r; return; }
                s.ShutDown = true;
            }
            while (!s.Eof)
            {
                int r = tcp.Receive(s.Handle, _buf, 0, _buf.Length);
                if (r == 0)
                {
                    break;
                }

                if (r == NetError.EndOfStream) { s.Eof = true; break; }
                if (r < 0) { s.Error = r; return; }
                for (int i = 0; i < r; i++)
                {
                    if (_buf[i] != DataByte(s.ReceiveKey, s.Received + i) && s.Mismatch < 0)
                    {
                        s.Mismatch = s.Received + i;
                    }
                }
                s.Received += r;
            }
        }
    }
}
