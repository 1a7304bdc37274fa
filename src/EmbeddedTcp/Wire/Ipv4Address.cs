namespace EmbeddedTcp.Wire
{
    /// <summary>IPv4 addresses as <c>uint</c> in host order (192.0.2.1 == 0xC0000201).</summary>
    public static class Ipv4Address
    {
        /// <summary>0.0.0.0.</summary>
        public const uint Any = 0;
        /// <summary>255.255.255.255.</summary>
        public const uint Broadcast = 0xFFFFFFFF;

        /// <summary>Reads a 4-byte address stored in network order.</summary>
        public static uint Read(byte[] buffer, int offset)
        {
            return NetOrder.ReadU32(buffer, offset);
        }

        /// <summary>Writes an address in network order (4 bytes).</summary>
        public static void Write(byte[] buffer, int offset, uint address)
        {
            NetOrder.WriteU32(buffer, offset, address);
        }

        /// <summary>Builds an address from its four dotted-quad parts.</summary>
        public static uint FromBytes(byte a, byte b, byte c, byte d)
        {
            return ((uint)a << 24) | ((uint)b << 16) | ((uint)c << 8) | d;
        }

        /// <summary>
        /// Parses dotted-quad text ("192.0.2.1"). For configuration only, not for packet paths.
        /// Returns false (and 0) for anything that is not exactly four decimal parts 0..255.
        /// </summary>
        public static bool TryParse(string text, out uint address)
        {
            address = 0;
            if (text == null)
            {
                return false;
            }

            uint result = 0;
            int parts = 0;
            int value = 0;
            int digits = 0;
            for (int i = 0; i <= text.Length; i++)
            {
                if (i == text.Length || text[i] == '.')
                {
                    if (digits == 0 || parts == 4)
                    {
                        return false;
                    }

                    result = (result << 8) | (uint)value;
                    parts++;
                    value = 0;
                    digits = 0;
                    continue;
                }
                char c = text[i];
                if (c < '0' || c > '9' || digits == 3)
                {
                    return false;
                }

                value = value * 10 + (c - '0');
                if (value > 255)
                {
                    return false;
                }

                digits++;
            }
            if (parts != 4)
            {
                return false;
            }

            address = result;
            return true;
        }

        /// <summary>Parses dotted-quad text; returns 0 when the text is not a valid address. Configuration helper only.</summary>
        public static uint Parse(string text)
        {
            uint address;
            TryParse(text, out address);
            return address;
        }

#if !NANOFRAMEWORK_1_0
        /// <summary>
        /// Formats as dotted quad. Allocates, so it is desktop-only (tools, tests, logs): the flashed build
        /// leaves it out, and on the device text goes through preallocated byte buffers (the firmware's AsciiWriter).
        /// </summary>
        public static string Format(uint address)
        {
            return ((address >> 24) & 0xFF).ToString() + "." + ((address >> 16) & 0xFF).ToString() + "." + ((address >> 8) & 0xFF).ToString() + "." + (address & 0xFF).ToString();
        }
#endif
    }
}
