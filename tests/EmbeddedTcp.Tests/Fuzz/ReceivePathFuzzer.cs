using System;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Tests.Fuzz
{
    /// <summary>
    /// An in-process mutational fuzzer for the whole receive path, NetworkStack.Input (Ethernet,
    /// ARP, IPv4, ICMP, UDP, TCP). Board B (192.0.2.2) has established connections with A
    /// (a client connection and an accepted one, data exchanged, both idle), a listener and a
    /// UDP socket; the seed corpus is every frame B received while that was set up (captured
    /// with a Tracer). Each fuzz frame is a seed with 1-4 stacked mutations (bit flips, bytes,
    /// sequence/ack nudges near the live values, TCP flags and offsets, IP lengths, truncation,
    /// extension, splicing), and most get their IPv4 and ICMP/UDP/TCP checksums fixed so that
    /// they reach the deep code. After every frame the TCP invariants are checked. Nothing in
    /// the loop allocates (asserted by the caller).
    /// </summary>
    public sealed class ReceivePathFuzzer
    {
        public const uint IpA = 0xC0000201;
        public const uint IpB = 0xC0000202;
        private static readonly byte[] MacA = { 0x02, 0, 0, 0, 0, 0x01 };
        private static readonly byte[] MacB = { 0x02, 0, 0, 0, 0, 0x02 };

        private readonly SimulatedLan _lan;
        public readonly NetworkStack A;
        public readonly NetworkStack B;
        private readonly byte[][] _seeds = new byte[256][];
        private readonly int[] _seedLength = new int[256];
        private int _seedCount;
        private readonly byte[] _frame = new byte[1600];
        private readonly byte[] _io = new byte[2048];
        private uint _rng;
        private int _listener;
        private bool _capturing = true;

        public long Frames, Resets, Reconnects;
        public int FrameLength;
        public byte[] Frame => _frame;
        public int SeedCount => _seedCount;

        public ReceivePathFuzzer(uint seed)
        {
            _rng = seed * 2654435761u | 1;
            _lan = new SimulatedLan(null, seed);
            SimulatedPort pa = _lan.AddPort(MacA);
            SimulatedPort pb = _lan.AddPort(MacB);
            A = _lan.AddStack(pa, Config(IpA), seed + 1, pa);
            B = _lan.AddStack(new Tracer(pb, Capture, _lan.Clock), Config(IpB), seed + 2, pb);
            for (int i = 0; i < _seeds.Length; i++)
            {
                _seeds[i] = new byte[1600];
            }

            _listener = B.Tcp.Listen(0, 80, 4);
            int udp = B.UdpOpen(53);
            int udpA = A.UdpOpen(0);
            Establish();
            // Seeds beyond TCP: ARP (B asks for A after a flush is not exposed: A's request was captured), ICMP echo, UDP.
            A.Ping(IpB, 1, 1, 32);
            _lan.RunFor(20);
            for (int i = 0; i < 6; i++)
            {
                _io[i] = (byte)('a' + i);
            }

            A.UdpSendTo(udpA, IpB, 53, _io, 0, 6);
            _lan.RunFor(20);
            A.UdpSendTo(udpA, IpB, 9999, _io, 0, 6); // no socket: ICMP port unreachable from B
            _lan.RunFor(20);
            while (B.UdpReceiveFrom(udp, _io, 0, _io.Length, out _, out _) > 0) { }
            _capturing = false;
        }

        private static NetworkConfig Config(uint ip)
        {
            var c = new NetworkConfig { Address = ip };
            c.Tcp.MslMs = 200;
            return c;
        }

        private void Capture(FrameDirection direction, long timeNs, byte[] frame, int offset, int length)
        {
            if (!_capturing || direction != FrameDirection.Received || _seedCount == _seeds.Length || length > 1600)
            {
                return;
            }

            Array.Copy(frame, offset, _seeds[_seedCount], 0, length);
            _seedLength[_seedCount++] = length;
        }

        private int _clientA, _clientB, _serverB, _serverA;

        /// <summary>A connects to B:80 and B to A:8080; some data each way; then idle.</summary>
        private void Establish()
        {
            if (_serverA == 0)
            {
                _serverA = A.Tcp.Listen(0, 8080, 4);
            }

            _clientA = A.Tcp.Connect(IpA, IpB, 80, 0);
            _clientB = B.Tcp.Connect(IpB, IpA, 8080, 0);
            _lan.RunFor(50);
            int acceptedB = B.Tcp.Accept(_listener);
            int acceptedA = A.Tcp.Accept(_serverA);
            for (int i = 0; i < 3000; i++)
            {
                _io[i % _io.Length] = (byte)i;
            }

            if (_clientA > 0)
            {
                A.Tcp.Send(_clientA, _io, 0, 1500);
            }

            if (_clientB > 0)
            {
                B.Tcp.Send(_clientB, _io, 0, 700);
            }

            if (acceptedB > 0)
            {
                B.Tcp.Send(acceptedB, _io, 0, 300);
            }

            if (acceptedA > 0)
            {
                A.Tcp.Send(acceptedA, _io, 0, 100);
            }

            _lan.RunFor(100);
            Drain(A, _clientA); Drain(A, acceptedA); Drain(B, _clientB); Drain(B, acceptedB);
            _serverB = acceptedB;
            _lan.RunFor(100);
        }

        private void Drain(NetworkStack s, int h)
        {
            if (h <= 0)
            {
                return;
            }

            while (s.Tcp.Receive(h, _io, 0, _io.Length) > 0) { }
        }

        /// <summary>Established connections on B right now.</summary>
        public int EstablishedOnB()
        {
            int n = 0;
            if (B.Tcp.GetState(_clientB) == TcpState.Established)
            {
                n++;
            }

            if (B.Tcp.GetState(_serverB) == TcpState.Established)
            {
                n++;
            }

            return n;
        }

        private uint Next()
        {
            uint x = _rng;
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            _rng = x;
            return x;
        }

        /// <summary>Fuzzes <paramref name="count"/> frames into B. Returns null, or the first invariant failure.</summary>
        public string Run(long count)
        {
            for (long n = 0; n < count; n++)
            {
                MakeFrame();
                Frames++;
                B.Input(_frame, FrameLength);
                string bad = B.Tcp.CheckInvariants();
                if (bad != null)
                {
                    return bad;
                }

                if ((n & 255) == 255)
                {
                    // Let timers run and replies flow; keep established connections present.
                    _lan.RunFor(2);
                    Drain(B, _clientB); Drain(B, _serverB);
                    if ((n & 4095) == 4095 && EstablishedOnB() < 2)
                    {
                        Reconnects++;
                        Close(B, ref _clientB); Close(B, ref _serverB);
                        Close(A, ref _clientA);
                        _lan.RunFor(1000);
                        Establish();
                        bad = B.Tcp.CheckInvariants();
                        if (bad != null)
                        {
                            return bad;
                        }
                    }
                }
            }
            return null;
        }

        private static void Close(NetworkStack s, ref int h)
        {
            if (h > 0)
            {
                s.Tcp.Abort(h);
            }

            h = 0;
        }

        private void MakeFrame()
        {
            int s = (int)(Next() % (uint)_seedCount);
            int len = _seedLength[s];
            Array.Copy(_seeds[s], 0, _frame, 0, len);
            int mutations = 1 + (int)(Next() % 4);
            for (int m = 0; m < mutations; m++)
            {
                len = Mutate(len);
            }

            if (len < 0)
            {
                len = 0;
            }

            if ((Next() & 7) != 0)
            {
                FixChecksums(len);
            }

            FrameLength = len;
        }

        private int Ihl() => (_frame[14] & 0x0F) * 4;

        private int Mutate(int len)
        {
            uint op = Next() % 12;
            int l4 = 14 + Ihl();
            bool tcp = len > 14 + 20 && _frame[12] == 0x08 && _frame[13] == 0 && _frame[23] == 6 && l4 + 20 <= len;
            switch (op)
            {
                case 0:
                    if (len > 0) { int p = (int)(Next() % (uint)len); _frame[p] ^= (byte)(1 << (int)(Next() % 8)); }
                    return len;
                case 1:
                    if (len > 0)
                    {
                        _frame[Next() % (uint)len] = (byte)Next();
                    }

                    return len;
                case 2:
                    if (len > 0)
                    {
                        byte v = (Next() % 5) switch { 0 => 0, 1 => 0xFF, 2 => 0x7F, 3 => 0x80, _ => 1 };
                        _frame[Next() % (uint)len] = v;
                    }
                    return len;
                case 3:
                case 4:
                case 5:
                    if (tcp)
                    {
                        // Nudge SEQ or ACK by a small or window-sized amount, or set flags / data offset / window.
                        uint which = Next() % 6;
                        if (which < 2)
                        {
                            int off = l4 + 4 + (int)which * 4;
                            uint v = Read32(off);
                            int delta = (Next() & 1) == 0 ? (int)(Next() % 64) - 32 : (int)(Next() % 131072) - 65536;
                            Write32(off, v + (uint)delta);
                        }
                        else if (which == 2)
                        {
                            _frame[l4 + 13] = (byte)Next();
                        }
                        else if (which == 3)
                        {
                            _frame[l4 + 12] = (byte)((Next() % 16) << 4);
                        }
                        else if (which == 4) { _frame[l4 + 14] = (byte)Next(); _frame[l4 + 15] = (byte)Next(); }
                        else
                        {
                            _frame[l4 + 13] = (byte)((Next() & 1) == 0 ? 0x04 : 0x02 | (Next() & 0x10)); // RST, SYN, SYN+ACK
                        }
                    }
                    return len;
                case 6:
                    return len > 0 ? (int)(Next() % (uint)len) : 0; // truncate
                case 7:
                    {
                        int extra = (int)(Next() % 200);
                        int newLen = Math.Min(1514, len + extra);
                        for (int i = len; i < newLen; i++)
                        {
                            _frame[i] = (byte)Next();
                        }

                        if ((Next() & 1) == 0 && len >= 18) { int tl = newLen - 14; _frame[16] = (byte)(tl >> 8); _frame[17] = (byte)tl; }
                        return newLen;
                    }
                case 8:
                    {
                        int other = (int)(Next() % (uint)_seedCount);
                        int olen = _seedLength[other];
                        if (olen == 0 || len == 0)
                        {
                            return len;
                        }

                        int from = (int)(Next() % (uint)olen);
                        int to = (int)(Next() % (uint)len);
                        int n = Math.Min(olen - from, (int)(Next() % 64) + 1);
                        n = Math.Min(n, 1514 - to);
                        Array.Copy(_seeds[other], from, _frame, to, n);
                        return Math.Max(len, to + n);
                    }
                case 9:
                    if (len >= 34)
                    {
                        uint which = Next() % 5;
                        if (which == 0) { int tl = (int)(Next() % 1600); _frame[16] = (byte)(tl >> 8); _frame[17] = (byte)tl; }
                        else if (which == 1)
                        {
                            _frame[14] = (byte)(0x40 | (Next() % 16));
                        }
                        else if (which == 2) { _frame[20] = (byte)Next(); _frame[21] = (byte)Next(); } // flags / fragment offset
                        else if (which == 3)
                        {
                            _frame[23] = (byte)((Next() % 3) switch { 0 => 1, 1 => 6, _ => 17 });
                        }
                        else { _frame[22] = (byte)Next(); } // TTL
                    }
                    return len;
                case 10:
                    if (tcp && l4 + 20 < len)
                    {
                        // Options: random kind/length bytes right after the fixed header, with a data offset that includes them.
                        int optLen = 4 * (1 + (int)(Next() % 10));
                        if (l4 + 20 + optLen <= len)
                        {
                            for (int i = 0; i < optLen; i++)
                            {
                                _frame[l4 + 20 + i] = (Next() % 3) switch { 0 => (byte)(Next() % 9), 1 => (byte)(Next() % 41), _ => (byte)Next() };
                            }

                            _frame[l4 + 12] = (byte)((5 + optLen / 4) << 4);
                        }
                    }
                    return len;
                default:
                    // EtherType / ARP opcode games.
                    if (len >= 22)
                    {
                        uint which = Next() % 3;
                        if (which == 0) { _frame[12] = 0x08; _frame[13] = (byte)((Next() & 1) == 0 ? 0x06 : 0x00); }
                        else if (which == 1) { _frame[20] = 0; _frame[21] = (byte)(Next() % 4); }
                        else
                        {
                            for (int i = 0; i < 6; i++)
                            {
                                _frame[i] = (Next() & 1) == 0 ? (byte)0xFF : MacB[i];
                            }
                        }
                    }
                    return len;
            }
        }

        private uint Read32(int o) => (uint)(_frame[o] << 24 | _frame[o + 1] << 16 | _frame[o + 2] << 8 | _frame[o + 3]);

        private void Write32(int o, uint v)
        {
            _frame[o] = (byte)(v >> 24); _frame[o + 1] = (byte)(v >> 16); _frame[o + 2] = (byte)(v >> 8); _frame[o + 3] = (byte)v;
        }

        private uint Sum(int from, int length, uint sum)
        {
            int i = 0;
            for (; i + 1 < length; i += 2)
            {
                sum += (uint)(_frame[from + i] << 8 | _frame[from + i + 1]);
            }

            if (i < length)
            {
                sum += (uint)(_frame[from + i] << 8);
            }

            return sum;
        }

        private static ushort Fold(uint sum)
        {
            while ((sum >> 16) != 0)
            {
                sum = (sum & 0xFFFF) + (sum >> 16);
            }

            return (ushort)~sum;
        }

        /// <summary>Recomputes the IPv4 header checksum and the ICMP/UDP/TCP checksum, as far as the (mutated) lengths allow.</summary>
        private void FixChecksums(int len)
        {
            if (len < 34 || _frame[12] != 0x08 || _frame[13] != 0x00)
            {
                return;
            }

            int ihl = Ihl();
            if (ihl < 20 || 14 + ihl > len)
            {
                return;
            }

            _frame[24] = 0; _frame[25] = 0;
            ushort ipSum = Fold(Sum(14, ihl, 0));
            _frame[24] = (byte)(ipSum >> 8); _frame[25] = (byte)ipSum;
            int total = _frame[16] << 8 | _frame[17];
            int l4Len = Math.Min(total, len - 14) - ihl;
            if (l4Len <= 0)
            {
                return;
            }

            int l4 = 14 + ihl;
            int proto = _frame[23];
            int csum;
            if (proto == 1 && l4Len >= 4)
            {
                csum = 2;
            }
            else if (proto == 17 && l4Len >= 8)
            {
                csum = 6;
            }
            else if (proto == 6 && l4Len >= 20)
            {
                csum = 16;
            }
            else
            {
                return;
            }

            _frame[l4 + csum] = 0; _frame[l4 + csum + 1] = 0;
            uint sum = 0;
            if (proto != 1)
            {
                sum = Sum(26, 8, 0); // source and destination addresses
                sum += (uint)proto + (uint)l4Len;
            }
            ushort c = Fold(Sum(l4, l4Len, sum));
            if (proto == 17 && c == 0)
            {
                c = 0xFFFF;
            }

            _frame[l4 + csum] = (byte)(c >> 8); _frame[l4 + csum + 1] = (byte)c;
        }
    }
}
