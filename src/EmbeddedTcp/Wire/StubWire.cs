// TEMPORARY stand-in for the wire branch (replaced at merge). Same API names as agreed.
namespace EmbeddedTcp.Wire
{
    public enum WireResult { Ok = 0, Truncated, Malformed, BadChecksum, Unsupported }
    public static class IpProtocol { public const byte Icmp = 1, Tcp = 6, Udp = 17; }
    public static class Checksum
    {
        public static uint Accumulate(uint sum, byte[] b, int off, int len)
        {
            int end = off + len - 1;
            for (; off < end; off += 2) sum += (uint)((b[off] << 8) | b[off + 1]);
            if (off == end) sum += (uint)(b[off] << 8);
            return sum;
        }
        public static uint PseudoHeader(uint s, uint d, byte p, int len)
        { return (s >> 16) + (s & 0xFFFF) + (d >> 16) + (d & 0xFFFF) + p + (uint)len; }
        public static ushort Finish(uint sum)
        { while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16); return (ushort)~sum; }
    }
    public struct TcpHeader
    {
        public byte[] Buffer; public int Offset; public int Length;
        public static TcpHeader At(byte[] b, int off, int len) { TcpHeader h; h.Buffer = b; h.Offset = off; h.Length = len; return h; }
        public static WireResult TryParse(byte[] b, int off, int len, out TcpHeader h)
        {
            h = At(b, off, len);
            if (b == null || off < 0 || len < 20 || off + len > b.Length) return WireResult.Truncated;
            int hl = (b[off + 12] >> 4) * 4; if (hl < 20 || hl > len) return WireResult.Malformed;
            return WireResult.Ok;
        }
        ushort R16(int o) { return (ushort)((Buffer[Offset + o] << 8) | Buffer[Offset + o + 1]); }
        void W16(int o, ushort v) { Buffer[Offset + o] = (byte)(v >> 8); Buffer[Offset + o + 1] = (byte)v; }
        uint R32(int o) { return ((uint)R16(o) << 16) | R16(o + 2); }
        void W32(int o, uint v) { W16(o, (ushort)(v >> 16)); W16(o + 2, (ushort)v); }
        public ushort SourcePort { get { return R16(0); } set { W16(0, value); } }
        public ushort DestinationPort { get { return R16(2); } set { W16(2, value); } }
        public uint SequenceNumber { get { return R32(4); } set { W32(4, value); } }
        public uint AckNumber { get { return R32(8); } set { W32(8, value); } }
        public int HeaderLength { get { return (Buffer[Offset + 12] >> 4) * 4; } set { Buffer[Offset + 12] = (byte)((value / 4) << 4); } }
        public byte Flags { get { return Buffer[Offset + 13]; } set { Buffer[Offset + 13] = value; } }
        public ushort Window { get { return R16(14); } set { W16(14, value); } }
        public ushort Checksum { get { return R16(16); } set { W16(16, value); } }
        public ushort UrgentPointer { get { return R16(18); } set { W16(18, value); } }
        public int PayloadOffset { get { return Offset + HeaderLength; } }
        public int PayloadLength { get { return Length - HeaderLength; } }
        public int OptionsOffset { get { return Offset + 20; } }
        public int OptionsLength { get { return HeaderLength - 20; } }
        public void FillChecksum(uint s, uint d)
        { Checksum = 0; Checksum = Wire.Checksum.Finish(Wire.Checksum.Accumulate(Wire.Checksum.PseudoHeader(s, d, 6, Length), Buffer, Offset, Length)); }
        public bool VerifyChecksum(uint s, uint d)
        { return Wire.Checksum.Finish(Wire.Checksum.Accumulate(Wire.Checksum.PseudoHeader(s, d, 6, Length), Buffer, Offset, Length)) == 0; }
    }
    public struct TcpOptions
    {
        public int Mss; public int WindowScale; public bool SackPermitted; public bool HasTimestamps; public uint TsVal; public uint TsEcr; public int SackBlockCount;
        public static WireResult Parse(byte[] b, int off, int len, out TcpOptions o)
        {
            o = new TcpOptions(); o.WindowScale = -1; int end = off + len;
            while (off < end)
            {
                byte k = b[off]; if (k == 0) break; if (k == 1) { off++; continue; }
                if (off + 1 >= end) return WireResult.Malformed; int l = b[off + 1]; if (l < 2 || off + l > end) return WireResult.Malformed;
                if (k == 2 && l == 4) o.Mss = (b[off + 2] << 8) | b[off + 3];
                off += l;
            }
            return WireResult.Ok;
        }
        public static int WriteMss(byte[] b, int off, int mss) { b[off] = 2; b[off + 1] = 4; b[off + 2] = (byte)(mss >> 8); b[off + 3] = (byte)mss; return 4; }
    }
}
