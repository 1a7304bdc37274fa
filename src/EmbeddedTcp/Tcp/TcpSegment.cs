namespace EmbeddedTcp.Tcp
{
    /// <summary>
    /// The segment being processed by segment arrival (RFC 9293 3.10.7): its addresses, header
    /// fields and where its text lies. One instance, allocated with the stack, is filled once per
    /// arriving segment and handed to each step. The steps trim it in place (text before RCV.NXT
    /// or past the window, a FIN that cannot be taken) the way the RFC's prose trims SEG.
    /// A class with plain fields, not a struct: nanoCLR would copy a struct onto its heap at
    /// every use, and a field read is one IL instruction where a property is a call.
    /// </summary>
    internal sealed class TcpSegment
    {
        /// <summary>Source address (the peer).</summary>
        public uint SrcIp;

        /// <summary>Destination address (ours).</summary>
        public uint DstIp;

        /// <summary>Source port (the peer's).</summary>
        public ushort SrcPort;

        /// <summary>Destination port (ours).</summary>
        public ushort DstPort;

        /// <summary>SEG.SEQ; moved up to RCV.NXT when text already received is trimmed off the front.</summary>
        public uint Seq;

        /// <summary>SEG.ACK (meaningful when the ACK flag is set).</summary>
        public uint Ack;

        /// <summary>The control bits (<see cref="EmbeddedTcp.Wire.TcpFlags"/>); steps clear SYN/FIN they must not act on.</summary>
        public byte Flags;

        /// <summary>SEG.WND (no window scaling).</summary>
        public int Wnd;

        /// <summary>The MSS option of a SYN, 0 when absent.</summary>
        public int Mss;

        /// <summary>The buffer holding the segment.</summary>
        public byte[] Buf;

        /// <summary>Offset of the first byte of text in <see cref="Buf"/>.</summary>
        public int DataOff;

        /// <summary>Bytes of text still to be taken (trimmed to the window by the steps).</summary>
        public int DataLen;

        /// <summary>Set by the ACK step for the FIN step: our FIN has been acknowledged (by this segment or before).</summary>
        public bool FinAcked;
    }
}
