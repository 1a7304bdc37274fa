using System;
using System.Collections.Generic;
using EmbeddedTcp.Wire;
using Xunit;

namespace EmbeddedTcp.Tests.Wire
{
    /// <summary>
    /// One million mutated buffers (bit flips, byte overwrites, truncation, extension, re-fixed IP checksums),
    /// seeded from real and generated valid frames, through every parser: nothing throws, and every Ok result
    /// describes bytes that lie inside what was given.
    /// </summary>
    public class FuzzTests
    {
        private readonly Xunit.Abstractions.ITestOutputHelper _output;

        public FuzzTests(Xunit.Abstractions.ITestOutputHelper output) { _output = output; }

        private const int Iterations = 1_000_000;

        private sealed class Tally
        {
            public readonly int[,] Counts = new int[8, 5]; // parser x WireResult
            public void Add(int parser, WireResult r) { Counts[parser, (int)r]++; }
        }

        private const int PEth = 0, PArp = 1, PIp = 2, PTcp = 3, PUdp = 4, PIcmp = 5, POpt = 6, PTcpDirect = 7;

        [Fact]
        public void MillionMutatedFramesNeverThrowAndStayInBounds()
        {
            var rng = new Random(0x5EED);
            var seeds = new List<byte[]>();
            foreach (string hex in RealFrames.All)
            {
                seeds.Add(RealFrames.Hex(hex));
            }

            byte[] gen = new byte[1600];
            for (int i = 0; i < 400; i++)
            {
                FrameSpec s = RandomFrames.Build(rng, gen, i % 4, 80); // short payloads keep the million iterations quick
                seeds.Add(gen.AsSpan(0, s.FrameLength).ToArray());
            }
            byte[] work = new byte[2048];
            var tally = new Tally();
            byte[] interesting = { 0x00, 0xFF, 0x45, 0x4F, 0x40, 0x46, 0x50, 0xF0, 0x01, 0x02, 0x05, 0x08, 0x0A, 0x11, 0x06, 0x7F, 0x80 };

            for (int n = 0; n < Iterations; n++)
            {
                byte[] seed = seeds[rng.Next(seeds.Count)];
                int off = rng.Next(0, 8);
                Array.Copy(seed, 0, work, off, seed.Length);
                int len = seed.Length;
                int mode = rng.Next(8);
                int mutations = 1 + rng.Next(4);
                for (int m = 0; m < mutations; m++)
                {
                    // Aim most mutations at the headers, where the length fields are.
                    int pos = rng.Next(3) == 0 ? rng.Next(len) : rng.Next(Math.Min(len, 80));
                    if (mode < 3)
                    {
                        work[off + pos] ^= (byte)(1 << rng.Next(8));
                    }
                    else if (mode < 5)
                    {
                        work[off + pos] = interesting[rng.Next(interesting.Length)];
                    }
                    else if (mode == 5)
                    {
                        work[off + pos] = (byte)rng.Next(256);
                    }
                }
                if (mode == 6)
                {
                    len = rng.Next(0, len + 1);                       // truncate
                }

                if (mode == 7)
                {
                    len = Math.Min(work.Length - off, len + rng.Next(0, 64)); // extend with stale bytes
                }

                if (rng.Next(2) == 0)
                {
                    FixIpChecksum(work, off, len);             // let mutated lengths reach the deeper parsers
                }

                if (rng.Next(4) == 0)
                {
                    FixTransportChecksum(work, off, len);
                }

                ParseEverything(work, off, len, tally, rng);
            }

            string[] names = { "Ethernet", "ARP", "IPv4", "TCP", "UDP", "ICMP", "TCP options", "TCP at random offset" };
            _output.WriteLine(Iterations + " mutated buffers; outcomes per parser (Ok, Truncated, Malformed, BadChecksum, Unsupported):");
            for (int p = 0; p < names.Length; p++)
            {
                _output.WriteLine(names[p] + ": " + tally.Counts[p, 0] + ", " + tally.Counts[p, 1] + ", " + tally.Counts[p, 2] + ", " + tally.Counts[p, 3] + ", " + tally.Counts[p, 4]);
            }

            // The fuzz must have reached every outcome that matters, or it proves little.
            Assert.True(tally.Counts[PEth, (int)WireResult.Ok] > 0 && tally.Counts[PEth, (int)WireResult.Truncated] > 0);
            Assert.True(tally.Counts[PArp, (int)WireResult.Ok] > 0 && tally.Counts[PArp, (int)WireResult.Unsupported] > 0 && tally.Counts[PArp, (int)WireResult.Truncated] > 0);
            foreach (WireResult r in new[] { WireResult.Ok, WireResult.Truncated, WireResult.Malformed, WireResult.BadChecksum, WireResult.Unsupported })
            {
                Assert.True(tally.Counts[PIp, (int)r] > 0, "IPv4 " + r);
            }

            foreach (WireResult r in new[] { WireResult.Ok, WireResult.Truncated, WireResult.Malformed, WireResult.BadChecksum })
            {
                Assert.True(tally.Counts[PTcp, (int)r] > 0, "TCP " + r);
            }

            foreach (WireResult r in new[] { WireResult.Ok, WireResult.Truncated, WireResult.Malformed, WireResult.BadChecksum })
            {
                Assert.True(tally.Counts[PUdp, (int)r] > 0, "UDP " + r);
            }

            foreach (WireResult r in new[] { WireResult.Ok, WireResult.BadChecksum })
            {
                Assert.True(tally.Counts[PIcmp, (int)r] > 0, "ICMP " + r);
            }

            foreach (WireResult r in new[] { WireResult.Ok, WireResult.Malformed })
            {
                Assert.True(tally.Counts[POpt, (int)r] > 0, "options " + r);
            }
        }

        private static void FixIpChecksum(byte[] b, int off, int len)
        {
            int ip = off + 14;
            if (len < 34)
            {
                return;
            }

            int ihl = (b[ip] & 0x0F) * 4;
            if (ihl < 20 || 14 + ihl > len)
            {
                return;
            }

            b[ip + 10] = 0; b[ip + 11] = 0;
            NetOrder.WriteU16(b, ip + 10, Checksum.Compute(b, ip, ihl));
        }

        private static void FixTransportChecksum(byte[] b, int off, int len)
        {
            if (len < 34)
            {
                return;
            }

            int ip = off + 14;
            int ihl = (b[ip] & 0x0F) * 4;
            int total = (b[ip + 2] << 8) | b[ip + 3];
            if (ihl < 20 || total < ihl || 14 + total > len)
            {
                return;
            }

            var t = new TcpHeader();
            t.Bind(b, ip + ihl, total - ihl);
            if (b[ip + 9] == IpProtocol.Tcp && t.Length >= 20)
            {
                t.FillChecksum(NetOrder.ReadU32(b, ip + 12), NetOrder.ReadU32(b, ip + 16));
            }

            if (b[ip + 9] == IpProtocol.Udp && t.Length >= 8)
            {
                var u = new EmbeddedTcp.Wire.UdpPacket();
                u.Bind(b, ip + ihl, t.Length);
                u.FillChecksum(NetOrder.ReadU32(b, ip + 12), NetOrder.ReadU32(b, ip + 16));
            }

            if (b[ip + 9] == IpProtocol.Icmp && t.Length >= 8)
            {
                var m = new IcmpPacket();
                m.Bind(b, ip + ihl, t.Length);
                m.FillChecksum();
            }
        }

        private static void ParseEverything(byte[] b, int off, int len, Tally tally, Random rng)
        {
            int end = off + len;
            var eth = new EthernetFrame();
            WireResult r = eth.TryParse(b, off, len);
            tally.Add(PEth, r);
            if (r != WireResult.Ok) { Assert.Null(eth.Buffer); return; }
            Assert.Equal(end, eth.PayloadOffset + eth.PayloadLength);
            Assert.True(eth.PayloadLength >= 0);
            ushort type = eth.EtherType;

            var arp = new ArpPacket();
            r = arp.TryParse(b, eth.PayloadOffset, eth.PayloadLength);
            tally.Add(PArp, r);
            if (r == WireResult.Ok)
            {
                Assert.True(arp.TargetProtocolAddress >= 0 && arp.Offset + arp.Length <= end);
                Assert.True(arp.Operation == 1 || arp.Operation == 2);
            }
            if (type == EtherType.Arp)
            {
                return;
            }

            var ip = new Ipv4Packet();
            r = ip.TryParse(b, eth.PayloadOffset, eth.PayloadLength);
            tally.Add(PIp, r);
            int tOff, tLen;
            uint src = 0, dst = 0;
            if (r == WireResult.Ok)
            {
                Assert.Equal(4, ip.Version);
                Assert.InRange(ip.HeaderLength, 20, 60);
                Assert.Equal(ip.TotalLength, ip.Length);
                Assert.True(ip.PayloadLength >= 0);
                Assert.True(ip.PayloadOffset >= ip.Offset + 20);
                Assert.True(ip.PayloadOffset + ip.PayloadLength <= end);
                Assert.Equal(ip.OptionsOffset + ip.OptionsLength, ip.PayloadOffset);
                Assert.True(ip.VerifyChecksum());
                tOff = ip.PayloadOffset; tLen = ip.PayloadLength; src = ip.SourceAddress; dst = ip.DestinationAddress;
            }
            else
            {
                Assert.Null(ip.Buffer);
                // Drive the transport parsers anyway, from where a 20-byte IP header would end.
                tOff = eth.PayloadOffset + 20; tLen = eth.PayloadLength - 20;
                if (tLen < 0)
                {
                    return;
                }
            }

            var tcp = new TcpHeader();
            r = tcp.TryParse(b, tOff, tLen, src, dst);
            tally.Add(PTcp, r);
            if (r == WireResult.Ok)
            {
                Assert.InRange(tcp.HeaderLength, 20, 60);
                Assert.True(tcp.PayloadLength >= 0);
                Assert.True(tcp.PayloadOffset + tcp.PayloadLength <= end);
                Assert.Equal(tcp.OptionsOffset + tcp.OptionsLength, tcp.PayloadOffset);
                Assert.True(tcp.VerifyChecksum(src, dst));
                Assert.True(tcp.SegmentLength >= tcp.PayloadLength);
                CheckOptions(b, tcp.OptionsOffset, tcp.OptionsLength, tally);
            }
            else if (r == WireResult.BadChecksum)
            {
                // Structure was fine: its options must still parse without harm.
                Assert.Equal(WireResult.Ok, tcp.TryParse(b, tOff, tLen));
                CheckOptions(b, tcp.OptionsOffset, tcp.OptionsLength, tally);
            }

            var udp = new UdpPacket();
            r = udp.TryParse(b, tOff, tLen, src, dst);
            tally.Add(PUdp, r);
            if (r == WireResult.Ok)
            {
                Assert.InRange(udp.Length, 8, tLen);
                Assert.Equal(udp.DatagramLength, udp.Length);
                Assert.True(udp.PayloadOffset + udp.PayloadLength <= end);
                Assert.True(udp.VerifyChecksum(src, dst));
            }

            var icmp = new IcmpPacket();
            r = icmp.TryParse(b, tOff, tLen);
            tally.Add(PIcmp, r);
            if (r == WireResult.Ok)
            {
                Assert.True(icmp.DataLength >= 0);
                Assert.True(icmp.DataOffset + icmp.DataLength <= end);
                Assert.True(icmp.VerifyChecksum());
            }

            // A TCP view at an arbitrary place with an arbitrary (possibly negative or oversized) length.
            int o2 = rng.Next(-4, b.Length + 4), l2 = rng.Next(-4, 120);
            var any = new TcpHeader();
            r = any.TryParse(b, o2, l2);
            tally.Add(PTcpDirect, r);
            if (r == WireResult.Ok)
            {
                Assert.True(any.PayloadOffset + any.PayloadLength <= b.Length);
                CheckOptions(b, any.OptionsOffset, any.OptionsLength, tally);
            }
        }

        private static void CheckOptions(byte[] b, int offset, int length, Tally tally)
        {
            var o = new TcpOptions();
            WireResult r = o.Parse(b, offset, length);
            tally.Add(POpt, r);
            Assert.True(r == WireResult.Ok || r == WireResult.Malformed);
            Assert.InRange(o.WindowScale, -1, 14);
            Assert.InRange(o.SackBlockCount, 0, 4);
            Assert.InRange(o.Mss, 0, 65535);
            if (r == WireResult.Ok && o.SackBlockCount > 0)
            {
                Assert.True(length >= 2 + 8 * o.SackBlockCount);
            }
        }
    }
}
