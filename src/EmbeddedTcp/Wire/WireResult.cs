namespace EmbeddedTcp.Wire
{
    /// <summary>Outcome of parsing untrusted bytes. Parsers never throw; they return one of these.</summary>
    public enum WireResult
    {
        /// <summary>The header is valid; every accessor of the view is in bounds.</summary>
        Ok = 0,
        /// <summary>The buffer (or the given length) is shorter than the header or a length field says.</summary>
        Truncated,
        /// <summary>A field holds an illegal value (length field too small, illegal option length...).</summary>
        Malformed,
        /// <summary>The checksum does not verify.</summary>
        BadChecksum,
        /// <summary>Well-formed but not something this stack handles (IP version other than 4, non-Ethernet ARP...).</summary>
        Unsupported,
    }

    /// <summary>IPv4 protocol numbers (IANA) used by the stack.</summary>
    public static class IpProtocol
    {
        /// <summary>ICMP for IPv4.</summary>
        public const byte Icmp = 1;
        /// <summary>TCP.</summary>
        public const byte Tcp = 6;
        /// <summary>UDP.</summary>
        public const byte Udp = 17;
    }

    /// <summary>Ethernet II EtherType values used by the stack.</summary>
    public static class EtherType
    {
        /// <summary>IPv4.</summary>
        public const ushort Ipv4 = 0x0800;
        /// <summary>ARP.</summary>
        public const ushort Arp = 0x0806;
    }

    /// <summary>Big-endian (network order) reads and writes over a byte array. Callers guarantee bounds.</summary>
    public static class NetOrder
    {
        /// <summary>Reads a big-endian 16-bit value at <paramref name="offset"/>.</summary>
        public static ushort ReadU16(byte[] buffer, int offset)
        {
            return (ushort)((buffer[offset] << 8) | buffer[offset + 1]);
        }

        /// <summary>Reads a big-endian 32-bit value at <paramref name="offset"/>.</summary>
        public static uint ReadU32(byte[] buffer, int offset)
        {
            return ((uint)buffer[offset] << 24) | ((uint)buffer[offset + 1] << 16) | ((uint)buffer[offset + 2] << 8) | buffer[offset + 3];
        }

        /// <summary>Writes a 16-bit value big-endian at <paramref name="offset"/>.</summary>
        public static void WriteU16(byte[] buffer, int offset, ushort value)
        {
            buffer[offset] = (byte)(value >> 8);
            buffer[offset + 1] = (byte)value;
        }

        /// <summary>Writes a 32-bit value big-endian at <paramref name="offset"/>.</summary>
        public static void WriteU32(byte[] buffer, int offset, uint value)
        {
            buffer[offset] = (byte)(value >> 24);
            buffer[offset + 1] = (byte)(value >> 16);
            buffer[offset + 2] = (byte)(value >> 8);
            buffer[offset + 3] = (byte)value;
        }

        /// <summary>True when <paramref name="buffer"/> is not null and holds <paramref name="length"/> bytes from <paramref name="offset"/> (overflow-safe).</summary>
        public static bool InBounds(byte[] buffer, int offset, int length)
        {
            return buffer != null && offset >= 0 && length >= 0 && offset <= buffer.Length - length;
        }
    }

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
            if (text == null) return false;
            uint result = 0;
            int parts = 0;
            int value = 0;
            int digits = 0;
            for (int i = 0; i <= text.Length; i++)
            {
                if (i == text.Length || text[i] == '.')
                {
                    if (digits == 0 || parts == 4) return false;
                    result = (result << 8) | (uint)value;
                    parts++;
                    value = 0;
                    digits = 0;
                    continue;
                }
                char c = text[i];
                if (c < '0' || c > '9' || digits == 3) return false;
                value = value * 10 + (c - '0');
                if (value > 255) return false;
                digits++;
            }
            if (parts != 4) return false;
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
