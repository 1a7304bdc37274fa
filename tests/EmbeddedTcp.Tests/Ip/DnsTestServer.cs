using System;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Tests.Ip
{
    /// <summary>
    /// A small authoritative-looking DNS server for the tests on UDP port 53 of a <see cref="NetworkStack"/>:
    /// A records and CNAMEs from a fixed table, NXDOMAIN for the rest, optional silence or a forced RCODE.
    /// Allocation-free after setup.
    /// </summary>
    internal sealed class DnsTestServer
    {
        public readonly NetworkStack Stack;
        private readonly int _socket;
        private readonly byte[] _rx = new byte[600];
        private readonly byte[] _tx = new byte[600];
        private readonly byte[] _name = new byte[300];
        private readonly byte[][] _names = new byte[8][];
        private readonly uint[] _addresses = new uint[8];
        private readonly uint[] _ttls = new uint[8];
        private readonly byte[][] _cnames = new byte[8][];
        private int _count;

        public bool Silent;
        public int ForcedRcode; // 0 = answer normally
        public int Queries;
        public long LastQueryMs;

        public DnsTestServer(NetworkStack stack)
        {
            Stack = stack;
            _socket = stack.UdpOpen(DnsClient.Port);
            if (_socket <= 0)
            {
                throw new InvalidOperationException("port 53");
            }
        }

        public DnsTestServer Add(string name, uint address, uint ttl, string cname = null)
        {
            _names[_count] = System.Text.Encoding.ASCII.GetBytes(name.ToLowerInvariant());
            _addresses[_count] = address;
            _ttls[_count] = ttl;
            _cnames[_count] = cname == null ? null : System.Text.Encoding.ASCII.GetBytes(cname.ToLowerInvariant());
            _count++;
            return this;
        }

        public void Poll()
        {
            for (int i = 0; i < 16; i++)
            {
                int n = Stack.UdpReceiveFrom(_socket, _rx, 0, _rx.Length, out uint src, out int port);
                if (n <= 0)
                {
                    return;
                }

                Queries++;
                LastQueryMs = Stack.Now;
                if (!Silent)
                {
                    Answer(n, src, port);
                }
            }
        }

        private void Answer(int n, uint src, int port)
        {
            // Question name (uncompressed in queries) as lower-case dotted bytes.
            int p = 12;
            int len = 0;
            while (p < n && _rx[p] != 0)
            {
                int l = _rx[p];
                if (len > 0)
                {
                    _name[len++] = (byte)'.';
                }

                for (int k = 0; k < l; k++)
                {
                    byte c = _rx[p + 1 + k];
                    _name[len++] = c >= 'A' && c <= 'Z' ? (byte)(c + 32) : c;
                }

                p += 1 + l;
            }

            int questionEnd = p + 1 + 4;
            Array.Copy(_rx, 0, _tx, 0, questionEnd);
            int rcode = ForcedRcode;
            int answers = 0;
            int q = questionEnd;
            int e = Find(_name, len);
            uint ttl = 0;
            if (rcode == 0)
            {
                int nameAt = 12;
                for (int hops = 0; hops < 4 && e >= 0 && _cnames[e] != null; hops++)
                {
                    q = Record(q, nameAt, 5, _ttls[e]);
                    int rdStart = q;
                    q = EncodeName(_cnames[e], q);
                    NetOrder.WriteU16(_tx, rdStart - 2, (ushort)(q - rdStart));
                    answers++;
                    nameAt = rdStart;
                    e = Find(_cnames[e], _cnames[e].Length);
                }

                if (e >= 0)
                {
                    ttl = _ttls[e];
                    q = Record(q, nameAt, 1, ttl);
                    NetOrder.WriteU16(_tx, q - 2, 4);
                    NetOrder.WriteU32(_tx, q, _addresses[e]);
                    q += 4;
                    answers++;
                }
                else
                {
                    rcode = 3;
                }
            }

            NetOrder.WriteU16(_tx, 2, (ushort)(0x8180 | rcode));
            NetOrder.WriteU16(_tx, 6, (ushort)answers);
            Stack.UdpSendTo(_socket, src, port, _tx, 0, q);
        }

        /// <summary>Writes an RR header whose owner is a pointer to <paramref name="nameAt"/>; returns the rdata offset.</summary>
        private int Record(int q, int nameAt, ushort type, uint ttl)
        {
            _tx[q] = (byte)(0xC0 | (nameAt >> 8));
            _tx[q + 1] = (byte)nameAt;
            NetOrder.WriteU16(_tx, q + 2, type);
            NetOrder.WriteU16(_tx, q + 4, 1);
            NetOrder.WriteU32(_tx, q + 6, ttl);
            NetOrder.WriteU16(_tx, q + 10, 0);
            return q + 12;
        }

        private int EncodeName(byte[] dotted, int q)
        {
            int start = 0;
            for (int i = 0; i <= dotted.Length; i++)
            {
                if (i == dotted.Length || dotted[i] == '.')
                {
                    _tx[q++] = (byte)(i - start);
                    Array.Copy(dotted, start, _tx, q, i - start);
                    q += i - start;
                    start = i + 1;
                }
            }

            _tx[q++] = 0;
            return q;
        }

        private int Find(byte[] name, int len)
        {
            for (int i = 0; i < _count; i++)
            {
                byte[] n = _names[i];
                if (n.Length != len)
                {
                    continue;
                }

                bool same = true;
                for (int k = 0; k < len && same; k++)
                {
                    same = n[k] == name[k];
                }

                if (same)
                {
                    return i;
                }
            }

            return -1;
        }
    }

    /// <summary>Client A (192.0.2.1) and two DNS servers: B (192.0.2.2) and C (192.0.2.3).</summary>
    internal sealed class DnsLan
    {
        public readonly SimulatedLan Lan = new SimulatedLan();
        public readonly NetworkStack A;
        public readonly NetworkStack B;
        public readonly NetworkStack C;
        public readonly DnsTestServer ServerB;
        public readonly DnsTestServer ServerC;

        public DnsLan(uint primary = LanFixture.IpB, uint secondary = 0, NetworkConfig config = null)
        {
            B = Lan.AddHost(LanFixture.MacB, new NetworkConfig { Address = LanFixture.IpB }, 2);
            C = Lan.AddHost(LanFixture.MacC, new NetworkConfig { Address = LanFixture.IpC }, 3);
            ServerB = new DnsTestServer(B);
            ServerC = new DnsTestServer(C);
            config = config ?? new NetworkConfig();
            config.Address = LanFixture.IpA;
            config.DnsServer = primary;
            config.SecondaryDnsServer = secondary;
            A = Lan.AddHost(LanFixture.MacA, config, 1);
        }

        public bool Step(long limitMs)
        {
            bool more = Lan.Step(limitMs);
            ServerB.Poll();
            ServerC.Poll();
            return more;
        }

        /// <summary>Polls the query until it is final (or <paramref name="maxMs"/> passes) and returns its status.</summary>
        public DnsStatus Wait(int query, out uint address, long maxMs = 60000)
        {
            long end = Lan.NowMs + maxMs;
            for (int guard = 0; guard < 1000000; guard++)
            {
                DnsStatus s = A.Dns.GetResult(query, out address);
                if (s != DnsStatus.Pending)
                {
                    return s;
                }

                if (!Step(end) && Lan.NowMs >= end)
                {
                    return A.Dns.GetResult(query, out address);
                }
            }

            address = 0;
            return DnsStatus.Pending;
        }

        public void RunFor(long ms)
        {
            long end = Lan.NowMs + ms;
            while (Step(end))
            {
            }
        }
    }
}
