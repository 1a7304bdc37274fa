namespace EmbeddedTcp.Wire
{
    /// <summary>
    /// View of an ICMPv4 message (RFC 792) over <c>Buffer[Offset .. Offset+Length)</c>: 8-byte header then data.
    /// For errors the data is the offending IP header plus at least 8 bytes of its payload. A preallocated
    /// class (nanoCLR keeps structs on its heap): bound by <see cref="TryParse"/>, <see cref="PacketView.Bind"/> or <see cref="Emit"/>.
    /// </summary>
    public sealed class IcmpPacket : PacketView
    {
        /// <summary>Length of the ICMP header (type, code, checksum, 4 bytes rest-of-header).</summary>
        public const int HeaderLength = 8;

        /// <summary>
        /// Checks 8 bytes are present (Truncated) and the checksum over <paramref name="length"/> bytes (BadChecksum),
        /// and binds the view; on failure it is left unbound.
        /// </summary>
        public WireResult TryParse(byte[] buffer, int offset, int length)
        {
            WireResult r = WireResult.Ok;
            if (!NetOrder.InBounds(buffer, offset, length) || length < HeaderLength)
            {
                r = WireResult.Truncated;
            }
            else if (!EmbeddedTcp.Wire.Checksum.Verify(EmbeddedTcp.Wire.Checksum.Accumulate(0, buffer, offset, length)))
            {
                r = WireResult.BadChecksum;
            }

            return BindIf(r, buffer, offset, length);
        }

        /// <summary>
        /// Writes type, code and the 32-bit rest-of-header for a message with <paramref name="dataLength"/> data
        /// bytes (already in place after the header, or written later), clears the checksum and binds the view.
        /// Call <see cref="FillChecksum"/> once the data is written.
        /// </summary>
        public void Emit(byte[] buffer, int offset, byte type, byte code, uint restOfHeader, int dataLength)
        {
            buffer[offset] = type;
            buffer[offset + 1] = code;
            buffer[offset + 2] = 0;
            buffer[offset + 3] = 0;
            NetOrder.WriteU32(buffer, offset + 4, restOfHeader);
            _buffer = buffer;
            _offset = offset;
            _length = HeaderLength + dataLength;
        }

        /// <summary>Message type (<see cref="IcmpType"/>).</summary>
        public byte Type { get { return _buffer[_offset]; } set { _buffer[_offset] = value; } }
        /// <summary>Message code (<see cref="IcmpCode"/>).</summary>
        public byte Code { get { return _buffer[_offset + 1]; } set { _buffer[_offset + 1] = value; } }
        /// <summary>Checksum as stored.</summary>
        public ushort Checksum
        {
            get { return NetOrder.ReadU16(_buffer, _offset + 2); }
            set { NetOrder.WriteU16(_buffer, _offset + 2, value); }
        }
        /// <summary>Bytes 4..7 as one value (identifier/sequence, unused + next-hop MTU, pointer...).</summary>
        public uint RestOfHeader
        {
            get { return NetOrder.ReadU32(_buffer, _offset + 4); }
            set { NetOrder.WriteU32(_buffer, _offset + 4, value); }
        }
        /// <summary>Echo identifier (bytes 4-5).</summary>
        public ushort Identifier
        {
            get { return NetOrder.ReadU16(_buffer, _offset + 4); }
            set { NetOrder.WriteU16(_buffer, _offset + 4, value); }
        }
        /// <summary>Echo sequence number (bytes 6-7).</summary>
        public ushort SequenceNumber
        {
            get { return NetOrder.ReadU16(_buffer, _offset + 6); }
            set { NetOrder.WriteU16(_buffer, _offset + 6, value); }
        }
        /// <summary>Next-hop MTU of a "fragmentation needed" message (bytes 6-7, RFC 1191); 0 from old routers.</summary>
        public ushort NextHopMtu
        {
            get { return NetOrder.ReadU16(_buffer, _offset + 6); }
            set { NetOrder.WriteU16(_buffer, _offset + 6, value); }
        }
        /// <summary>Absolute offset of the data (echo payload, or the embedded IP header of an error).</summary>
        public int DataOffset { get { return _offset + HeaderLength; } }
        /// <summary>Data length.</summary>
        public int DataLength { get { return _length - HeaderLength; } }
        /// <summary>Same as <see cref="DataOffset"/>.</summary>
        public int PayloadOffset { get { return _offset + HeaderLength; } }
        /// <summary>Same as <see cref="DataLength"/>.</summary>
        public int PayloadLength { get { return _length - HeaderLength; } }

        /// <summary>Computes and stores the checksum over <see cref="PacketView.Length"/> bytes.</summary>
        public void FillChecksum()
        {
            _buffer[_offset + 2] = 0;
            _buffer[_offset + 3] = 0;
            ushort sum = EmbeddedTcp.Wire.Checksum.Compute(_buffer, _offset, _length);
            _buffer[_offset + 2] = (byte)(sum >> 8);
            _buffer[_offset + 3] = (byte)sum;
        }

        /// <summary>True when the checksum over <see cref="PacketView.Length"/> bytes verifies.</summary>
        public bool VerifyChecksum()
        {
            return EmbeddedTcp.Wire.Checksum.Verify(EmbeddedTcp.Wire.Checksum.Accumulate(0, _buffer, _offset, _length));
        }
    }
}
