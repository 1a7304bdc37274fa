using System;

namespace EmbeddedTcp.Tests.Simulation
{
    /// <summary>Hand-built Ethernet frames for the simulation tests.</summary>
    internal static class SimFrames
    {
        public static readonly byte[] MacA = { 0x02, 0, 0, 0, 0, 0x0A };
        public static readonly byte[] MacB = { 0x02, 0, 0, 0, 0, 0x0B };
        public static readonly byte[] MacC = { 0x02, 0, 0, 0, 0, 0x0C };
        public static readonly byte[] Broadcast = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

        /// <summary>
        /// A frame of <paramref name="length"/> bytes from <paramref name="src"/> to
        /// <paramref name="dst"/>, EtherType 0x88B5 (local experimental), with the 32-bit
        /// <paramref name="sequence"/> at offset 14 and a pattern after it.
        /// </summary>
        public static byte[] Make(byte[] dst, byte[] src, int length, int sequence = 0)
        {
            var f = new byte[length];
            Fill(f, dst, src, length, sequence);
            return f;
        }

        public static void Fill(byte[] f, byte[] dst, byte[] src, int length, int sequence)
        {
            Array.Copy(dst, 0, f, 0, 6);
            Array.Copy(src, 0, f, 6, 6);
            f[12] = 0x88; f[13] = 0xB5;
            if (length >= 18)
            {
                f[14] = (byte)(sequence >> 24); f[15] = (byte)(sequence >> 16);
                f[16] = (byte)(sequence >> 8); f[17] = (byte)sequence;
            }
            for (int i = 18; i < length; i++)
            {
                f[i] = (byte)(i * 7 + sequence);
            }
        }

        public static int Sequence(byte[] f, int offset = 0) =>
            (f[offset + 14] << 24) | (f[offset + 15] << 16) | (f[offset + 16] << 8) | f[offset + 17];
    }
}
