using System;
using EmbeddedTcp.Wire;
using Xunit;

namespace EmbeddedTcp.Tests.Wire
{
    public class ChecksumTests
    {
        /// <summary>RFC 1071 section 3 worked example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (unfolded 2ddf0).</summary>
        [Fact]
        public void Rfc1071Example()
        {
            byte[] b = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
            uint sum = Checksum.Accumulate(0, b, 0, b.Length);
            Assert.Equal(0x2ddf0u, sum);
            Assert.Equal((ushort)0x220d, Checksum.Finish(sum)); // ~0xddf2
            Assert.Equal((ushort)0x220d, Checksum.Compute(b, 0, b.Length));
        }

        [Fact]
        public void OddLengthPadsWithZeroAndOffsetIsHonoured()
        {
            byte[] b = { 0x99, 0x12, 0x34, 0x56, 0x99 };
            Assert.Equal(0x1234u + 0x5600u, Checksum.Accumulate(0, b, 1, 3));
            Assert.Equal(0u, Checksum.Accumulate(0, b, 2, 0));
            Assert.Equal(0x1234u + 7, Checksum.Accumulate(7, b, 1, 2));
        }

        /// <summary>The unrolled high/low-byte loop folds to the word-at-a-time RFC 1071 sum for every length, offset and seed.</summary>
        [Fact]
        public void UnrolledAccumulateEqualsWordAtATimeReference()
        {
            var rng = new Random(1624);
            byte[] b = new byte[1600];
            rng.NextBytes(b);
            for (int len = 0; len <= 70; len++)
            {
                for (int off = 0; off < 3; off++)
                {
                    uint seed = (uint)rng.Next();
                    Assert.Equal(Fold(Reference(seed, b, off, len)), Fold(Checksum.Accumulate(seed, b, off, len)));
                }
            }
            for (int i = 0; i < 200; i++)
            {
                int len = rng.Next(0, 1515);
                int off = rng.Next(0, 80);
                Assert.Equal(Fold(Reference(0, b, off, len)), Fold(Checksum.Accumulate(0, b, off, len)));
            }
            Array.Fill(b, (byte)0xFF);
            Assert.Equal(Fold(Reference(0xFFFFFFFF, b, 0, 1600)), Fold(Checksum.Accumulate(0xFFFFFFFF, b, 0, 1600)));
        }

        private static uint Reference(uint sum, byte[] b, int offset, int length)
        {
            ulong s = sum;
            for (int i = 0; i + 1 < length; i += 2)
            {
                s += (uint)((b[offset + i] << 8) | b[offset + i + 1]);
            }

            if ((length & 1) != 0)
            {
                s += (uint)(b[offset + length - 1] << 8);
            }

            while ((s >> 16) != 0)
            {
                s = (s & 0xFFFF) + (s >> 16);
            }

            return (uint)s;
        }

        private static uint Fold(uint s)
        {
            s = (s & 0xFFFF) + (s >> 16);
            s = (s & 0xFFFF) + (s >> 16);
            return s;
        }

        [Fact]
        public void AccumulateInPiecesEqualsWhole()
        {
            var rng = new Random(1071);
            byte[] b = new byte[1500];
            rng.NextBytes(b);
            for (int i = 0; i < 200; i++)
            {
                int len = rng.Next(0, 1500);
                int split = rng.Next(0, len / 2 + 1) * 2; // even split keeps word alignment
                uint whole = Checksum.Accumulate(0, b, 0, len);
                uint parts = Checksum.Accumulate(Checksum.Accumulate(0, b, 0, split), b, split, len - split);
                Assert.Equal(Checksum.Finish(whole), Checksum.Finish(parts));
            }
        }

        [Fact]
        public void PseudoHeaderMatchesTheBytesItStandsFor()
        {
            var rng = new Random(768);
            for (int i = 0; i < 1000; i++)
            {
                uint s = (uint)rng.NextInt64(0, 1L << 32), d = (uint)rng.NextInt64(0, 1L << 32);
                byte proto = (byte)rng.Next(256);
                int len = rng.Next(0, 65536);
                byte[] ph = new byte[12];
                NetOrder.WriteU32(ph, 0, s);
                NetOrder.WriteU32(ph, 4, d);
                ph[9] = proto;
                NetOrder.WriteU16(ph, 10, (ushort)len);
                Assert.Equal(Checksum.Finish(Checksum.Accumulate(0, ph, 0, 12)), Checksum.Finish(Checksum.PseudoHeader(s, d, proto, len)));
            }
        }

        [Fact]
        public void VerifyAcceptsAFilledChecksumAndRejectsOthers()
        {
            byte[] b = { 0x45, 0x00, 0x00, 0x54, 0x53, 0x66, 0x40, 0x00, 0x40, 0x01, 0, 0, 0xc0, 0, 2, 1, 0xc0, 0, 2, 2 };
            ushort c = Checksum.Compute(b, 0, 20);
            Assert.Equal(0x633f, c); // as in the real ping (RealFrames.PingRequest)
            NetOrder.WriteU16(b, 10, c);
            Assert.True(Checksum.Verify(Checksum.Accumulate(0, b, 0, 20)));
            NetOrder.WriteU16(b, 10, (ushort)(c + 1));
            Assert.False(Checksum.Verify(Checksum.Accumulate(0, b, 0, 20)));
            Assert.False(Checksum.Verify(0));
            Assert.True(Checksum.Verify(0xFFFF));
            Assert.True(Checksum.Verify(0x1FFFE)); // folds to 0xFFFF
        }

        /// <summary>RFC 1624: the incremental update equals recomputation for random data and random word changes.</summary>
        [Fact]
        public void IncrementalUpdateEqualsRecompute()
        {
            var rng = new Random(1624);
            byte[] b = new byte[64];
            for (int i = 0; i < 20000; i++)
            {
                rng.NextBytes(b);
                if (i % 10 == 0)
                {
                    Array.Clear(b, 0, b.Length); // the corner cases RFC 1141 got wrong
                }

                if (i % 10 == 1)
                {
                    for (int k = 0; k < b.Length; k++)
                    {
                        b[k] = 0xFF;
                    }
                }

                ushort before = Checksum.Compute(b, 0, b.Length);
                int w = rng.Next(0, 32) * 2;
                ushort oldWord = NetOrder.ReadU16(b, w);
                ushort newWord = (ushort)rng.Next(0, 65536);
                NetOrder.WriteU16(b, w, newWord);
                ushort after = Checksum.Compute(b, 0, b.Length);
                ushort updated = Checksum.Update(before, oldWord, newWord);
                // 0x0000 and 0xFFFF are the same one's complement number; the RFC 1624 form never yields +0 wrongly.
                Assert.True(after == updated || (after ^ updated) == 0xFFFF && (after == 0 || updated == 0), i.ToString());
            }
        }

        [Fact]
        public void DecrementTtlPatchesTheHeaderChecksum()
        {
            byte[] f = RealFrames.Hex(RealFrames.PingRequest);
            var ip = new Ipv4Packet();
            Assert.Equal(WireResult.Ok, ip.TryParse(f, 14, f.Length - 14));
            for (int ttl = 64; ttl > 0; ttl--)
            {
                ip.DecrementTtl();
                Assert.Equal(ttl - 1, ip.Ttl);
                Assert.True(ip.VerifyChecksum());
                ushort incremental = ip.HeaderChecksum;
                ip.FillChecksum();
                Assert.Equal(ip.HeaderChecksum, incremental);
            }
        }

        [Fact]
        public void NetOrderAndAddresses()
        {
            byte[] b = new byte[8];
            NetOrder.WriteU32(b, 1, 0xC0000201);
            Assert.Equal(new byte[] { 0, 192, 0, 2, 1, 0, 0, 0 }, b);
            Assert.Equal(0xC0000201u, NetOrder.ReadU32(b, 1));
            Assert.Equal(0xC0000201u, Ipv4Address.Read(b, 1));
            NetOrder.WriteU16(b, 6, 0xBEEF);
            Assert.Equal(0xBEEF, NetOrder.ReadU16(b, 6));
            Ipv4Address.Write(b, 0, 0x01020304);
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, b[0..4]);
            Assert.Equal(0xC0000201u, Ipv4Address.Parse("192.0.2.1"));
            Assert.Equal(0xC0000201u, Ipv4Address.FromBytes(192, 0, 2, 1));
            Assert.Equal(0xFFFFFFFFu, Ipv4Address.Parse("255.255.255.255"));
            Assert.Equal("192.0.2.1", Ipv4Address.Format(0xC0000201));
            foreach (string bad in new[] { null, "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "1.2.3.4.", "a.b.c.d", "1.2.3.0004", " 1.2.3.4" })
            {
                Assert.False(Ipv4Address.TryParse(bad, out uint a));
                Assert.Equal(0u, a);
            }
            Assert.True(NetOrder.InBounds(b, 0, 8));
            Assert.True(NetOrder.InBounds(b, 8, 0));
            Assert.False(NetOrder.InBounds(b, 1, 8));
            Assert.False(NetOrder.InBounds(b, -1, 2));
            Assert.False(NetOrder.InBounds(b, 2, -1));
            Assert.False(NetOrder.InBounds(b, int.MaxValue, 2));
            Assert.False(NetOrder.InBounds(null, 0, 0));
        }
    }
}
