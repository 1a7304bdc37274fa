using EmbeddedTcp.Wire;
using Xunit;

namespace EmbeddedTcp.Tests.Wire
{
    public class TcpOptionsTests
    {
        private static WireResult Parse(byte[] b, out TcpOptions o)
        {
            o = new TcpOptions();
            return o.Parse(b, 0, b.Length);
        }

        /// <summary>Every field equal (the holder is a class: Assert.Equal would compare references).</summary>
        private static void AssertSame(TcpOptions expected, TcpOptions actual)
        {
            Assert.Equal(expected.Mss, actual.Mss);
            Assert.Equal(expected.WindowScale, actual.WindowScale);
            Assert.Equal(expected.SackPermitted, actual.SackPermitted);
            Assert.Equal(expected.HasTimestamps, actual.HasTimestamps);
            Assert.Equal(expected.TsVal, actual.TsVal);
            Assert.Equal(expected.TsEcr, actual.TsEcr);
            Assert.Equal(expected.SackBlockCount, actual.SackBlockCount);
            for (int i = 0; i < TcpOptions.MaxSackBlocks; i++)
            {
                Assert.Equal(expected.GetSackLeft(i), actual.GetSackLeft(i));
                Assert.Equal(expected.GetSackRight(i), actual.GetSackRight(i));
            }
        }

        [Fact]
        public void EmptyMeansAbsent()
        {
            Assert.Equal(WireResult.Ok, Parse(System.Array.Empty<byte>(), out TcpOptions o));
            Assert.Equal(0, o.Mss);
            Assert.Equal(-1, o.WindowScale);
            Assert.False(o.SackPermitted);
            Assert.False(o.HasTimestamps);
            Assert.Equal(0, o.SackBlockCount);
        }

        [Fact]
        public void EndOfListStopsParsingEvenBeforeGarbage()
        {
            Assert.Equal(WireResult.Ok, Parse(new byte[] { 2, 4, 5, 0xb4, 0, 0xff, 0x01, 0x02 }, out TcpOptions o));
            Assert.Equal(1460, o.Mss);
        }

        [Fact]
        public void UnknownOptionsAreSkipped()
        {
            // kind 30 (MPTCP) len 4, kind 254 (experimental) len 6, then MSS
            Assert.Equal(WireResult.Ok, Parse(new byte[] { 30, 4, 1, 2, 254, 6, 0xf9, 0x89, 0, 0, 2, 4, 0x05, 0x78 }, out TcpOptions o));
            Assert.Equal(1400, o.Mss);
        }

        [Theory]
        [InlineData(new byte[] { 2 })]                      // length byte missing
        [InlineData(new byte[] { 1, 1, 30 })]               // unknown kind, length byte missing
        [InlineData(new byte[] { 30, 0, 0, 0 })]            // length 0 would loop forever
        [InlineData(new byte[] { 30, 1, 0, 0 })]            // length 1 is illegal
        [InlineData(new byte[] { 30, 5, 0, 0 })]            // runs past the end
        [InlineData(new byte[] { 2, 3, 5, 0 })]             // MSS must be 4
        [InlineData(new byte[] { 2, 5, 5, 0, 0 })]
        [InlineData(new byte[] { 3, 4, 7, 0 })]             // WS must be 3
        [InlineData(new byte[] { 4, 3, 0, 1 })]             // SACK-permitted must be 2
        [InlineData(new byte[] { 8, 8, 0, 0, 0, 0, 0, 0 })] // TS must be 10
        [InlineData(new byte[] { 5, 2, 1, 1 })]             // SACK with no block
        [InlineData(new byte[] { 5, 9, 0, 0, 0, 0, 0, 0, 0 })] // SACK not 2+8n
        [InlineData(new byte[] { 5, 42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })] // 5 blocks
        public void IllegalLengthsAreMalformed(byte[] options)
        {
            Assert.Equal(WireResult.Malformed, Parse(options, out _));
        }

        [Fact]
        public void WindowScaleAbove14IsClamped()
        {
            Assert.Equal(WireResult.Ok, Parse(new byte[] { 1, 3, 3, 15 }, out TcpOptions o));
            Assert.Equal(14, o.WindowScale);
            Assert.Equal(WireResult.Ok, Parse(new byte[] { 1, 3, 3, 255 }, out o));
            Assert.Equal(14, o.WindowScale);
            Assert.Equal(WireResult.Ok, Parse(new byte[] { 1, 3, 3, 0 }, out o));
            Assert.Equal(0, o.WindowScale);
        }

        [Fact]
        public void WritersProduceAlignedOptionsThatParseBack()
        {
            byte[] b = new byte[60];
            int n = 0;
            n += TcpOptions.WriteMss(b, n, 1460);
            n += TcpOptions.WriteSackPermitted(b, n);
            n += TcpOptions.WriteTimestamps(b, n, 0xDEADBEEF, 0x01020304);
            n += TcpOptions.WriteWindowScale(b, n, 7);
            Assert.Equal(24, n);
            Assert.Equal(new byte[] { 2, 4, 5, 0xb4, 1, 1, 4, 2, 1, 1, 8, 10, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 1, 3, 3, 7 }, b[0..24]);
            var o = new TcpOptions();
            Assert.Equal(WireResult.Ok, o.Parse(b, 0, n));
            Assert.Equal(1460, o.Mss);
            Assert.True(o.SackPermitted);
            Assert.True(o.HasTimestamps);
            Assert.Equal(0xDEADBEEFu, o.TsVal);
            Assert.Equal(0x01020304u, o.TsEcr);
            Assert.Equal(7, o.WindowScale);
            Assert.Equal(4, TcpOptions.WriteWindowScale(b, 0, 20));
            Assert.Equal(14, b[3]);
        }

        [Fact]
        public void SackBlocksRoundTrip()
        {
            uint[] edges = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
            for (int blocks = 0; blocks <= 5; blocks++)
            {
                byte[] b = new byte[40];
                int n = TcpOptions.WriteSackBlocks(b, 0, edges, blocks);
                int expectBlocks = blocks > 4 ? 4 : blocks;
                Assert.Equal(expectBlocks == 0 ? 0 : 4 + 8 * expectBlocks, n);
                Assert.Equal(0, n % 4);
                var o = new TcpOptions();
                Assert.Equal(WireResult.Ok, o.Parse(b, 0, n));
                Assert.Equal(expectBlocks, o.SackBlockCount);
                for (int i = 0; i < expectBlocks; i++)
                {
                    Assert.Equal(edges[2 * i], o.GetSackLeft(i));
                    Assert.Equal(edges[2 * i + 1], o.GetSackRight(i));
                }
            }
        }

        [Fact]
        public void ReprEmitRoundTrips()
        {
            var o = new TcpOptions();
            o.Clear();
            Assert.Equal(0, o.EmitLength);
            o.Mss = 536;
            o.WindowScale = 0;
            o.HasTimestamps = true;
            o.TsVal = 5;
            o.TsEcr = 6;
            o.SackBlockCount = 2;
            o.SetSackBlock(0, 100, 200);
            o.SetSackBlock(1, 300, 400);
            byte[] b = new byte[40];
            int n = o.Emit(b, 0);
            Assert.Equal(o.EmitLength, n);
            Assert.Equal(40, n);
            var p = new TcpOptions();
            Assert.Equal(WireResult.Ok, p.Parse(b, 0, n));
            AssertSame(o, p);
        }

        /// <summary>The holder is reused from segment to segment: each parse starts from "all absent".</summary>
        [Fact]
        public void ParseClearsWhatTheLastSegmentLeft()
        {
            byte[] b = new byte[40];
            int n = TcpOptions.WriteMss(b, 0, 1460);
            n += TcpOptions.WriteSackPermitted(b, n);
            n += TcpOptions.WriteTimestamps(b, n, 5, 6);
            n += TcpOptions.WriteWindowScale(b, n, 7);
            n += TcpOptions.WriteSackBlocks(b, n, new uint[] { 10, 20 }, 1);
            var o = new TcpOptions();
            Assert.Equal(WireResult.Ok, o.Parse(b, 0, n));
            Assert.Equal(1460, o.Mss);
            Assert.Equal(1, o.SackBlockCount);
            Assert.Equal(WireResult.Ok, o.Parse(b, 0, 0));
            AssertSame(new TcpOptions(), o);
            Assert.Equal(WireResult.Ok, o.Parse(b, 0, n));
            Assert.Equal(WireResult.Malformed, o.Parse(new byte[] { 2, 4, 5, 0xb4, 3, 4, 7, 0 }, 0, 8)); // MSS, then a bad WS
            Assert.Equal(1460, o.Mss);         // what came before the bad option
            Assert.Equal(-1, o.WindowScale);   // nothing left from the segment before
            Assert.False(o.SackPermitted);
            Assert.False(o.HasTimestamps);
            Assert.Equal(0, o.SackBlockCount);
        }

        [Fact]
        public void OutOfRangeArgumentsDoNotThrow()
        {
            var o = new TcpOptions();
            Assert.Equal(WireResult.Ok, o.Parse(new byte[] { 1, 3, 3, 7 }, 0, 4));
            Assert.Equal(7, o.WindowScale);
            Assert.Equal(WireResult.Truncated, o.Parse(null, 0, 0));
            Assert.Equal(-1, o.WindowScale);
            Assert.Equal(WireResult.Truncated, new TcpOptions().Parse(new byte[4], 2, 4));
            Assert.Equal(WireResult.Truncated, new TcpOptions().Parse(new byte[4], -1, 2));
            Assert.Equal(WireResult.Truncated, new TcpOptions().Parse(new byte[4], 0, -1));
        }
    }
}
