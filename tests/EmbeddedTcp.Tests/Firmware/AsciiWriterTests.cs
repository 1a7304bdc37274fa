using System.Text;
using EmbeddedTcp.Firmware;
using Xunit;

namespace EmbeddedTcp.Tests.Firmware
{
    /// <summary>The firmware's text formatter: into the caller's range only, cut off (never thrown) at its end.</summary>
    public class AsciiWriterTests
    {
        [Fact]
        public void WritesTextNumbersAndAddresses_CutsOffAtTheEnd()
        {
            var b = new byte[64];
            var w = new AsciiWriter();
            w.Reset(b, 2, 33);
            w.Text("ip ");
            w.Ip(0xC0000201);
            w.Byte((byte)' ');
            w.IntPadded(-42, 5);
            w.Byte((byte)' ');
            w.Mac(new byte[] { 0x02, 0, 0x5e, 0x10, 0x20, 0xff }, 0);
            Assert.Equal("ip 192.0.2.1   -42 02:00:5e:10:20", Encoding.ASCII.GetString(b, 2, w.Length));
            Assert.True(w.Truncated);
            Assert.Equal(33, w.Length);
            Assert.Equal(0, b[35]);
        }

        [Fact]
        public void ARangeOutsideTheBuffer_TakesNothing()
        {
            var b = new byte[16];
            var w = new AsciiWriter();
            foreach (var (buffer, offset, capacity) in new (byte[], int, int)[] { (null, 0, 8), (b, 10, 8), (b, -1, 4), (b, 4, -1), (b, int.MaxValue, 2) })
            {
                w.Reset(buffer, offset, capacity);
                w.Text("hello");
                w.Int(12345);
                w.NewLine();
                Assert.Equal(0, w.Length);
                Assert.True(w.Truncated);
            }

            w.Reset(b, 0, 16);
            w.Mac(new byte[3], 0); // a MAC that is not 6 bytes long writes nothing
            w.Mac(null, 0);
            Assert.Equal(0, w.Length);
            Assert.All(b, x => Assert.Equal(0, x));
        }
    }
}
