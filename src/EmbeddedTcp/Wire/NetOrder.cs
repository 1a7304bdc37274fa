namespace EmbeddedTcp.Wire
{
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
}
