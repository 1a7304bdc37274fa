using EmbeddedTcp.Tcp;
using nanoFramework.TestFramework;

namespace EmbeddedTcp.NanoTests
{
    /// <summary>
    /// Byte helpers for tests on nanoCLR, whose mscorlib has no System.Text.Encoding, no LINQ and
    /// no Span: a position-addressed test pattern, CRC-32, ASCII conversion and search.
    /// </summary>
    public static class Bytes
    {
        private static readonly uint[] CrcTable = BuildCrcTable();

        /// <summary>
        /// Byte <paramref name="position"/> of an endless pseudo-random stream (a hash of the
        /// position, so a sender that was only partly accepted can refill from any offset and a
        /// receiver can check each byte where it lands).
        /// </summary>
        public static byte Pattern(long position, uint seed)
        {
            uint x = (uint)position * 0x9E3779B1u + seed;
            x ^= x >> 15;
            x *= 0x85EBCA77u;
            x ^= x >> 13;
            x *= 0xC2B2AE3Du;
            x ^= x >> 16;
            return (byte)x;
        }

        /// <summary>Fills <paramref name="buffer"/>[0..<paramref name="count"/>) with the pattern from <paramref name="position"/>.</summary>
        public static void FillPattern(byte[] buffer, int count, long position, uint seed)
        {
            for (int i = 0; i < count; i++)
            {
                buffer[i] = Pattern(position + i, seed);
            }
        }

        /// <summary>Number of bytes in <paramref name="buffer"/>[0..<paramref name="count"/>) that differ from the pattern at <paramref name="position"/>.</summary>
        public static int PatternMismatches(byte[] buffer, int count, long position, uint seed)
        {
            int bad = 0;
            for (int i = 0; i < count; i++)
            {
                if (buffer[i] != Pattern(position + i, seed))
                {
                    bad++;
                }
            }

            return bad;
        }

        /// <summary>Continues a CRC-32 (IEEE 802.3; start with 0) over <paramref name="count"/> bytes.</summary>
        public static uint Crc32(uint crc, byte[] data, int offset, int count)
        {
            uint c = ~crc;
            for (int i = 0; i < count; i++)
            {
                c = CrcTable[(c ^ data[offset + i]) & 0xFF] ^ (c >> 8);
            }

            return ~c;
        }

        private static uint[] BuildCrcTable()
        {
            uint[] table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }

        /// <summary>The ASCII bytes of <paramref name="text"/>.</summary>
        public static byte[] Ascii(string text)
        {
            byte[] b = new byte[text.Length];
            for (int i = 0; i < text.Length; i++)
            {
                b[i] = (byte)text[i];
            }

            return b;
        }

        /// <summary><paramref name="count"/> bytes as a string, one char per byte (for asserting on text responses).</summary>
        public static string Text(byte[] buffer, int offset, int count)
        {
            char[] c = new char[count];
            for (int i = 0; i < count; i++)
            {
                c[i] = (char)buffer[offset + i];
            }

            return new string(c);
        }

        /// <summary>True when <paramref name="a"/> and <paramref name="b"/> hold the same <paramref name="count"/> bytes.</summary>
        public static bool Equal(byte[] a, int aOffset, byte[] b, int bOffset, int count)
        {
            for (int i = 0; i < count; i++)
            {
                if (a[aOffset + i] != b[bOffset + i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A MAC address as text, 02:00:00:00:00:0b.</summary>
        public static string Mac(byte[] mac, int offset)
        {
            const string hex = "0123456789abcdef";
            char[] c = new char[17];
            for (int i = 0; i < 6; i++)
            {
                c[3 * i] = hex[mac[offset + i] >> 4];
                c[3 * i + 1] = hex[mac[offset + i] & 15];
                if (i < 5)
                {
                    c[3 * i + 2] = ':';
                }
            }

            return new string(c);
        }
    }

    /// <summary>Assertions that read well in the launcher's one-line results.</summary>
    public static class Check
    {
        /// <summary>Asserts a TCP state, naming both states as the RFC does.</summary>
        public static void State(TcpState expected, TcpState actual, string what)
        {
            Assert.AreEqual(TcpStateNames.Of(expected), TcpStateNames.Of(actual), what);
        }

        /// <summary>Asserts that <paramref name="text"/> contains <paramref name="part"/>, quoting both when not.</summary>
        public static void Contains(string part, string text, string what)
        {
            Assert.IsTrue(text.IndexOf(part) >= 0, what + ": \"" + part + "\" not in \"" + text + "\"");
        }
    }
}
