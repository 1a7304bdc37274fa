using System.Text;

namespace EmbeddedTcp.Sim
{
    /// <summary>The TCP fields of one Ethernet frame, decoded for display (desktop tool, allocates freely).</summary>
    public struct SegmentInfo
    {
        public uint SourceIp;
        public uint DestinationIp;
        public int SourcePort;
        public int DestinationPort;
        public uint Seq;
        public uint Ack;
        public byte Flags;
        public int Length;
        public int Window;

        /// <summary>Decodes an Ethernet/IPv4/TCP frame; false for anything else.</summary>
        public static bool TryDecode(byte[] f, int off, int len, out SegmentInfo s)
        {
            s = default;
            if (len < 14 + 20 + 20 || f[off + 12] != 0x08 || f[off + 13] != 0x00)
            {
                return false;
            }

            int ip = off + 14;
            if ((f[ip] >> 4) != 4 || f[ip + 9] != 6)
            {
                return false;
            }

            int ihl = (f[ip] & 0xF) * 4;
            int total = (f[ip + 2] << 8) | f[ip + 3];
            if (total > len - 14 || ihl < 20)
            {
                return false;
            }

            int t = ip + ihl;
            int doff = (f[t + 12] >> 4) * 4;
            s.SourceIp = Read32(f, ip + 12);
            s.DestinationIp = Read32(f, ip + 16);
            s.SourcePort = (f[t] << 8) | f[t + 1];
            s.DestinationPort = (f[t + 2] << 8) | f[t + 3];
            s.Seq = Read32(f, t + 4);
            s.Ack = Read32(f, t + 8);
            s.Flags = f[t + 13];
            s.Window = (f[t + 14] << 8) | f[t + 15];
            s.Length = total - ihl - doff;
            return s.Length >= 0;
        }

        public bool Syn => (Flags & 0x02) != 0;
        public bool Fin => (Flags & 0x01) != 0;
        public bool Rst => (Flags & 0x04) != 0;
        public bool AckFlag => (Flags & 0x10) != 0;

        /// <summary>"SYN,ACK", "FIN,ACK", "PSH,ACK", "RST"...</summary>
        public string FlagText
        {
            get
            {
                var b = new StringBuilder();
                byte flags = Flags;
                void Add(int bit, string name) { if ((flags & bit) != 0) { if (b.Length > 0) { b.Append(','); } b.Append(name); } }
                Add(0x02, "SYN");
                Add(0x01, "FIN");
                Add(0x04, "RST");
                Add(0x08, "PSH");
                Add(0x10, "ACK");
                Add(0x20, "URG");
                return b.Length == 0 ? "none" : b.ToString();
            }
        }

        private static uint Read32(byte[] b, int o) => (uint)(b[o] << 24 | b[o + 1] << 16 | b[o + 2] << 8 | b[o + 3]);
    }
}
