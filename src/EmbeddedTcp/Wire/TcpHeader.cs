namespace EmbeddedTcp.Wire
{
    /// <summary>
    /// View of a TCP segment (RFC 9293) over <c>Buffer[Offset .. Offset+Length)</c>: header, options, payload.
    /// </summary>
    public struct TcpHeader
    {
        /// <summary>Header length without options.</summary>
        public const int MinimumHeaderLength = 20;
        /// <summary>Largest header (data offset 15).</summary>
        public const int MaximumHeaderLength = 60;

        /// <summary>The underlying buffer.</summary>
        public byte[] Buffer;
        /// <summary>Offset of the source port.</summary>
        public int Offset;
        /// <summary>Segment length (header + payload).</summary>
        public int Length;

        /// <summary>
        /// Checks, once, that <paramref name="length"/> (the whole segment) holds 20 bytes (Truncated), that the
        /// data offset is at least 5 (Malformed) and that data offset * 4 &lt;= <paramref name="length"/> (Truncated).
        /// The checksum needs the IP addresses: use the overload that takes them, or <see cref="VerifyChecksum"/>.
        /// Options are not parsed here; see <see cref="TcpOptions.Parse"/>.
        /// </summary>
        public static WireResult TryParse(byte[] buffer, int offset, int length, out TcpHeader header)
        {
            header = default(TcpHeader);
            if (!NetOrder.InBounds(buffer, offset, length) || length < MinimumHeaderLength) return WireResult.Truncated;
            int headerLength = (buffer[offset + 12] >> 4) << 2;
            if (headerLength < MinimumHeaderLength) return WireResult.Malformed;
            if (headerLength > length) return WireResult.Truncated;
            header.Buffer = buffer;
            header.Offset = offset;
            header.Length = length;
            return WireResult.Ok;
        }

        /// <summary>As <see cref="TryParse(byte[], int, int, out TcpHeader)"/>, then verifies the checksum with the pseudo-header (BadChecksum).</summary>
        public static WireResult TryParse(byte[] buffer, int offset, int length, uint sourceIp, uint destinationIp, out TcpHeader header)
        {
            WireResult r = TryParse(buffer, offset, length, out header);
            if (r != WireResult.Ok) return r;
            if (!header.VerifyChecksum(sourceIp, destinationIp))
            {
                header = default(TcpHeader);
                return WireResult.BadChecksum;
            }
            return WireResult.Ok;
        }

        /// <summary>Unchecked view for emitting.</summary>
        public static TcpHeader At(byte[] buffer, int offset, int length)
        {
            TcpHeader h;
            h.Buffer = buffer;
            h.Offset = offset;
            h.Length = length;
            return h;
        }

        /// <summary>
        /// Writes the fixed header (urgent pointer 0, checksum 0, data offset from <paramref name="optionsLength"/>,
        /// which must be a multiple of 4, at most 40) and returns a view of <c>20 + optionsLength + payloadLength</c> bytes.
        /// Write options at <see cref="OptionsOffset"/> and payload at <see cref="PayloadOffset"/>, then <see cref="FillChecksum"/>.
        /// </summary>
        public static TcpHeader Emit(byte[] buffer, int offset, ushort sourcePort, ushort destinationPort, uint sequenceNumber, uint ackNumber, byte flags, ushort window, int optionsLength, int payloadLength)
        {
            int headerLength = MinimumHeaderLength + optionsLength;
            NetOrder.WriteU16(buffer, offset, sourcePort);
            NetOrder.WriteU16(buffer, offset + 2, destinationPort);
            NetOrder.WriteU32(buffer, offset + 4, sequenceNumber);
            NetOrder.WriteU32(buffer, offset + 8, ackNumber);
            buffer[offset + 12] = (byte)((headerLength >> 2) << 4);
            buffer[offset + 13] = flags;
            NetOrder.WriteU16(buffer, offset + 14, window);
            buffer[offset + 16] = 0;
            buffer[offset + 17] = 0;
            buffer[offset + 18] = 0;
            buffer[offset + 19] = 0;
            return At(buffer, offset, headerLength + payloadLength);
        }

        /// <summary>Source port.</summary>
        public ushort SourcePort
        {
            get { return NetOrder.ReadU16(Buffer, Offset); }
            set { NetOrder.WriteU16(Buffer, Offset, value); }
        }
        /// <summary>Destination port.</summary>
        public ushort DestinationPort
        {
            get { return NetOrder.ReadU16(Buffer, Offset + 2); }
            set { NetOrder.WriteU16(Buffer, Offset + 2, value); }
        }
        /// <summary>Sequence number.</summary>
        public uint SequenceNumber
        {
            get { return NetOrder.ReadU32(Buffer, Offset + 4); }
            set { NetOrder.WriteU32(Buffer, Offset + 4, value); }
        }
        /// <summary>Acknowledgment number (meaningful when ACK is set).</summary>
        public uint AckNumber
        {
            get { return NetOrder.ReadU32(Buffer, Offset + 8); }
            set { NetOrder.WriteU32(Buffer, Offset + 8, value); }
        }
        /// <summary>Header length in bytes (data offset * 4), 20..60. The setter keeps the reserved bits and takes a multiple of 4.</summary>
        public int HeaderLength
        {
            get { return (Buffer[Offset + 12] >> 4) << 2; }
            set { Buffer[Offset + 12] = (byte)((((value >> 2) & 0x0F) << 4) | (Buffer[Offset + 12] & 0x0F)); }
        }
        /// <summary>Control bits (<see cref="TcpFlags"/>): CWR ECE URG ACK PSH RST SYN FIN.</summary>
        public byte Flags
        {
            get { return Buffer[Offset + 13]; }
            set { Buffer[Offset + 13] = value; }
        }
        /// <summary>True when every bit of <paramref name="flags"/> is set.</summary>
        public bool HasFlags(byte flags) { return (Buffer[Offset + 13] & flags) == flags; }
        /// <summary>Receive window (unscaled, as on the wire).</summary>
        public ushort Window
        {
            get { return NetOrder.ReadU16(Buffer, Offset + 14); }
            set { NetOrder.WriteU16(Buffer, Offset + 14, value); }
        }
        /// <summary>Checksum as stored.</summary>
        public ushort Checksum
        {
            get { return NetOrder.ReadU16(Buffer, Offset + 16); }
            set { NetOrder.WriteU16(Buffer, Offset + 16, value); }
        }
        /// <summary>Urgent pointer (meaningful when URG is set).</summary>
        public ushort UrgentPointer
        {
            get { return NetOrder.ReadU16(Buffer, Offset + 18); }
            set { NetOrder.WriteU16(Buffer, Offset + 18, value); }
        }
        /// <summary>Absolute offset of the options.</summary>
        public int OptionsOffset { get { return Offset + MinimumHeaderLength; } }
        /// <summary>Options length in bytes (header length - 20).</summary>
        public int OptionsLength { get { return ((Buffer[Offset + 12] >> 4) << 2) - MinimumHeaderLength; } }
        /// <summary>Absolute offset of the payload.</summary>
        public int PayloadOffset { get { return Offset + ((Buffer[Offset + 12] >> 4) << 2); } }
        /// <summary>Payload length.</summary>
        public int PayloadLength { get { return Length - ((Buffer[Offset + 12] >> 4) << 2); } }
        /// <summary>Sequence space the segment occupies: payload length, plus one for SYN and one for FIN.</summary>
        public int SegmentLength
        {
            get
            {
                int f = Buffer[Offset + 13];
                return Length - ((Buffer[Offset + 12] >> 4) << 2) + ((f >> 1) & 1) + (f & 1); // + SYN + FIN
            }
        }

        /// <summary>Computes and stores the checksum over <see cref="Length"/> bytes with the IPv4 pseudo-header.</summary>
        public void FillChecksum(uint sourceIp, uint destinationIp)
        {
            Buffer[Offset + 16] = 0;
            Buffer[Offset + 17] = 0;
            uint sum = EmbeddedTcp.Wire.Checksum.PseudoHeader(sourceIp, destinationIp, IpProtocol.Tcp, Length);
            ushort c = EmbeddedTcp.Wire.Checksum.Finish(EmbeddedTcp.Wire.Checksum.Accumulate(sum, Buffer, Offset, Length));
            Buffer[Offset + 16] = (byte)(c >> 8);
            Buffer[Offset + 17] = (byte)c;
        }

        /// <summary>True when the checksum over <see cref="Length"/> bytes with the IPv4 pseudo-header verifies.</summary>
        public bool VerifyChecksum(uint sourceIp, uint destinationIp)
        {
            uint sum = EmbeddedTcp.Wire.Checksum.PseudoHeader(sourceIp, destinationIp, IpProtocol.Tcp, Length);
            return EmbeddedTcp.Wire.Checksum.Verify(EmbeddedTcp.Wire.Checksum.Accumulate(sum, Buffer, Offset, Length));
        }
    }
}
