namespace EmbeddedTcp.Wire
{
    /// <summary>
    /// View of a TCP segment (RFC 9293) over <c>Buffer[Offset .. Offset+Length)</c>: header, options, payload.
    /// A preallocated class (nanoCLR keeps structs on its heap): TCP keeps one for input and one for output
    /// and binds them to each segment with <see cref="TryParse(byte[], int, int, uint, uint)"/> or <see cref="Emit"/>.
    /// </summary>
    public sealed class TcpHeader : PacketView
    {
        /// <summary>Header length without options.</summary>
        public const int MinimumHeaderLength = 20;
        /// <summary>Largest header (data offset 15).</summary>
        public const int MaximumHeaderLength = 60;

        /// <summary>
        /// Checks, once, that <paramref name="length"/> (the whole segment) holds 20 bytes (Truncated), that the
        /// data offset is at least 5 (Malformed) and that data offset * 4 &lt;= <paramref name="length"/> (Truncated),
        /// and binds the view; on failure it is left unbound. The checksum needs the IP addresses: use the
        /// overload that takes them, or <see cref="VerifyChecksum"/>. Options are not parsed here; see
        /// <see cref="TcpOptions.Parse"/>.
        /// </summary>
        public WireResult TryParse(byte[] buffer, int offset, int length)
        {
            WireResult r = WireResult.Ok;
            if (!NetOrder.InBounds(buffer, offset, length) || length < MinimumHeaderLength)
            {
                r = WireResult.Truncated;
            }
            else
            {
                int headerLength = (buffer[offset + 12] >> 4) << 2;
                if (headerLength < MinimumHeaderLength)
                {
                    r = WireResult.Malformed;
                }
                else if (headerLength > length)
                {
                    r = WireResult.Truncated;
                }
            }

            return BindIf(r, buffer, offset, length);
        }

        /// <summary>
        /// As <see cref="TryParse(byte[], int, int)"/>, then verifies the checksum with the pseudo-header
        /// (BadChecksum, and the view is left unbound). The stack's input path does the same checks in
        /// place, with the device's sum when it offloads checksums (TCP's segment arrival).
        /// </summary>
        public WireResult TryParse(byte[] buffer, int offset, int length, uint sourceIp, uint destinationIp)
        {
            WireResult r = TryParse(buffer, offset, length);
            if (r != WireResult.Ok)
            {
                return r;
            }

            return VerifyChecksum(sourceIp, destinationIp) ? WireResult.Ok : Unbound(WireResult.BadChecksum);
        }

        /// <summary>
        /// Writes the fixed header (urgent pointer 0, checksum 0, data offset from <paramref name="optionsLength"/>,
        /// which must be a multiple of 4, at most 40) and binds the view to <c>20 + optionsLength + payloadLength</c> bytes.
        /// Write options at <see cref="OptionsOffset"/> and payload at <see cref="PayloadOffset"/>, then <see cref="FillChecksum"/>.
        /// </summary>
        public void Emit(byte[] buffer, int offset, ushort sourcePort, ushort destinationPort, uint sequenceNumber, uint ackNumber, byte flags, ushort window, int optionsLength, int payloadLength)
        {
            int headerLength = MinimumHeaderLength + optionsLength;
            // The NetOrder writes spelled out: this runs per segment sent, and each would be a call.
            buffer[offset] = (byte)(sourcePort >> 8);
            buffer[offset + 1] = (byte)sourcePort;
            buffer[offset + 2] = (byte)(destinationPort >> 8);
            buffer[offset + 3] = (byte)destinationPort;
            buffer[offset + 4] = (byte)(sequenceNumber >> 24);
            buffer[offset + 5] = (byte)(sequenceNumber >> 16);
            buffer[offset + 6] = (byte)(sequenceNumber >> 8);
            buffer[offset + 7] = (byte)sequenceNumber;
            buffer[offset + 8] = (byte)(ackNumber >> 24);
            buffer[offset + 9] = (byte)(ackNumber >> 16);
            buffer[offset + 10] = (byte)(ackNumber >> 8);
            buffer[offset + 11] = (byte)ackNumber;
            buffer[offset + 12] = (byte)((headerLength >> 2) << 4);
            buffer[offset + 13] = flags;
            buffer[offset + 14] = (byte)(window >> 8);
            buffer[offset + 15] = (byte)window;
            buffer[offset + 16] = 0;
            buffer[offset + 17] = 0;
            buffer[offset + 18] = 0;
            buffer[offset + 19] = 0;
            _buffer = buffer;
            _offset = offset;
            _length = headerLength + payloadLength;
        }

        /// <summary>Source port.</summary>
        public ushort SourcePort
        {
            get { return NetOrder.ReadU16(_buffer, _offset); }
            set { NetOrder.WriteU16(_buffer, _offset, value); }
        }
        /// <summary>Destination port.</summary>
        public ushort DestinationPort
        {
            get { return NetOrder.ReadU16(_buffer, _offset + 2); }
            set { NetOrder.WriteU16(_buffer, _offset + 2, value); }
        }
        /// <summary>Sequence number.</summary>
        public uint SequenceNumber
        {
            get { return NetOrder.ReadU32(_buffer, _offset + 4); }
            set { NetOrder.WriteU32(_buffer, _offset + 4, value); }
        }
        /// <summary>Acknowledgment number (meaningful when ACK is set).</summary>
        public uint AckNumber
        {
            get { return NetOrder.ReadU32(_buffer, _offset + 8); }
            set { NetOrder.WriteU32(_buffer, _offset + 8, value); }
        }
        /// <summary>Header length in bytes (data offset * 4), 20..60. The setter keeps the reserved bits and takes a multiple of 4.</summary>
        public int HeaderLength
        {
            get { return (_buffer[_offset + 12] >> 4) << 2; }
            set { _buffer[_offset + 12] = (byte)((((value >> 2) & 0x0F) << 4) | (_buffer[_offset + 12] & 0x0F)); }
        }
        /// <summary>Control bits (<see cref="TcpFlags"/>): CWR ECE URG ACK PSH RST SYN FIN.</summary>
        public byte Flags
        {
            get { return _buffer[_offset + 13]; }
            set { _buffer[_offset + 13] = value; }
        }
        /// <summary>True when every bit of <paramref name="flags"/> is set.</summary>
        public bool HasFlags(byte flags) { return (_buffer[_offset + 13] & flags) == flags; }
        /// <summary>Receive window (unscaled, as on the wire).</summary>
        public ushort Window
        {
            get { return NetOrder.ReadU16(_buffer, _offset + 14); }
            set { NetOrder.WriteU16(_buffer, _offset + 14, value); }
        }
        /// <summary>Checksum as stored.</summary>
        public ushort Checksum
        {
            get { return NetOrder.ReadU16(_buffer, _offset + 16); }
            set { NetOrder.WriteU16(_buffer, _offset + 16, value); }
        }
        /// <summary>Urgent pointer (meaningful when URG is set).</summary>
        public ushort UrgentPointer
        {
            get { return NetOrder.ReadU16(_buffer, _offset + 18); }
            set { NetOrder.WriteU16(_buffer, _offset + 18, value); }
        }
        /// <summary>Absolute offset of the options.</summary>
        public int OptionsOffset { get { return _offset + MinimumHeaderLength; } }
        /// <summary>Options length in bytes (header length - 20).</summary>
        public int OptionsLength { get { return ((_buffer[_offset + 12] >> 4) << 2) - MinimumHeaderLength; } }
        /// <summary>Absolute offset of the payload.</summary>
        public int PayloadOffset { get { return _offset + ((_buffer[_offset + 12] >> 4) << 2); } }
        /// <summary>Payload length.</summary>
        public int PayloadLength { get { return _length - ((_buffer[_offset + 12] >> 4) << 2); } }
        /// <summary>Sequence space the segment occupies: payload length, plus one for SYN and one for FIN.</summary>
        public int SegmentLength
        {
            get
            {
                int f = _buffer[_offset + 13];
                return _length - ((_buffer[_offset + 12] >> 4) << 2) + ((f >> 1) & 1) + (f & 1); // + SYN + FIN
            }
        }

        /// <summary>Computes and stores the checksum over <see cref="PacketView.Length"/> bytes with the IPv4 pseudo-header.</summary>
        public void FillChecksum(uint sourceIp, uint destinationIp)
        {
            _buffer[_offset + 16] = 0;
            _buffer[_offset + 17] = 0;
            uint sum = (sourceIp >> 16) + (sourceIp & 0xFFFF) + (destinationIp >> 16) + (destinationIp & 0xFFFF) + IpProtocol.Tcp + ((uint)_length & 0xFFFF); // Checksum.PseudoHeader
            ushort c = EmbeddedTcp.Wire.Checksum.Finish(EmbeddedTcp.Wire.Checksum.Accumulate(sum, _buffer, _offset, _length));
            _buffer[_offset + 16] = (byte)(c >> 8);
            _buffer[_offset + 17] = (byte)c;
        }

        /// <summary>
        /// Checksum offload: stores the folded IPv4 pseudo-header sum (not complemented) in the checksum field, so
        /// that a device summing the <see cref="PacketView.Length"/> bytes and storing the complement writes the checksum.
        /// </summary>
        public void FillPseudoHeaderSum(uint sourceIp, uint destinationIp)
        {
            uint sum = EmbeddedTcp.Wire.Checksum.PseudoHeader(sourceIp, destinationIp, IpProtocol.Tcp, _length);
            sum = (sum & 0xFFFF) + (sum >> 16);
            sum = (sum & 0xFFFF) + (sum >> 16);
            _buffer[_offset + 16] = (byte)(sum >> 8);
            _buffer[_offset + 17] = (byte)sum;
        }

        /// <summary>True when the checksum over <see cref="PacketView.Length"/> bytes with the IPv4 pseudo-header verifies.</summary>
        public bool VerifyChecksum(uint sourceIp, uint destinationIp)
        {
            uint sum = EmbeddedTcp.Wire.Checksum.PseudoHeader(sourceIp, destinationIp, IpProtocol.Tcp, _length);
            return EmbeddedTcp.Wire.Checksum.Verify(EmbeddedTcp.Wire.Checksum.Accumulate(sum, _buffer, _offset, _length));
        }
    }
}
