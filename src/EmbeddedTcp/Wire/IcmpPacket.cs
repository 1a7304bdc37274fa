namespace EmbeddedTcp.Wire
{
    /// <summary>ICMPv4 message types used by the stack.</summary>
    public static class IcmpType
    {
        /// <summary>Echo reply.</summary>
        public const byte EchoReply = 0;
        /// <summary>Destination unreachable.</summary>
        public const byte DestinationUnreachable = 3;
        /// <summary>Echo request.</summary>
        public const byte EchoRequest = 8;
        /// <summary>Time exceeded.</summary>
        public const byte TimeExceeded = 11;
    }

    /// <summary>ICMPv4 codes used by the stack.</summary>
    public static class IcmpCode
    {
        /// <summary>Destination unreachable: net unreachable.</summary>
        public const byte NetUnreachable = 0;
        /// <summary>Destination unreachable: host unreachable.</summary>
        public const byte HostUnreachable = 1;
        /// <summary>Destination unreachable: protocol unreachable.</summary>
        public const byte ProtocolUnreachable = 2;
        /// <summary>Destination unreachable: port unreachable.</summary>
        public const byte PortUnreachable = 3;
        /// <summary>Destination unreachable: fragmentation needed and DF set (RFC 1191: carries the next-hop MTU).</summary>
        public const byte FragmentationNeeded = 4;
        /// <summary>Time exceeded: TTL exceeded in transit.</summary>
        public const byte TtlExceeded = 0;
        /// <summary>Time exceeded: fragment reassembly time exceeded.</summary>
        public const byte ReassemblyTimeExceeded = 1;
    }

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

    /// <summary>
    /// View of a UDP datagram (RFC 768) over <c>Buffer[Offset .. Offset+Length)</c>, Length = the UDP length field.
    /// A preallocated class (nanoCLR keeps structs on its heap): bound by <see cref="TryParse(byte[], int, int)"/>,
    /// <see cref="PacketView.Bind"/> or <see cref="Emit"/>.
    /// </summary>
    public sealed class UdpPacket : PacketView
    {
        /// <summary>UDP header length.</summary>
        public const int HeaderLength = 8;

        /// <summary>
        /// Checks 8 bytes present (Truncated), length field >= 8 (Malformed) and &lt;= <paramref name="length"/> (Truncated),
        /// and binds the view; on failure it is left unbound. The checksum needs the IP addresses: use the overload
        /// that takes them, or <see cref="VerifyChecksum"/>.
        /// </summary>
        public WireResult TryParse(byte[] buffer, int offset, int length)
        {
            WireResult r = WireResult.Ok;
            int udpLength = 0;
            if (!NetOrder.InBounds(buffer, offset, length) || length < HeaderLength)
            {
                r = WireResult.Truncated;
            }
            else
            {
                udpLength = (buffer[offset + 4] << 8) | buffer[offset + 5];
                if (udpLength < HeaderLength)
                {
                    r = WireResult.Malformed;
                }
                else if (udpLength > length)
                {
                    r = WireResult.Truncated;
                }
            }

            return BindIf(r, buffer, offset, udpLength);
        }

        /// <summary>
        /// As <see cref="TryParse(byte[], int, int)"/>, then verifies the checksum with the pseudo-header (0 = none,
        /// accepted); a bad one gives BadChecksum and leaves the view unbound.
        /// </summary>
        public WireResult TryParse(byte[] buffer, int offset, int length, uint sourceIp, uint destinationIp)
        {
            WireResult r = TryParse(buffer, offset, length);
            if (r != WireResult.Ok)
            {
                return r;
            }

            if (!VerifyChecksum(sourceIp, destinationIp))
            {
                return Unbound(WireResult.BadChecksum);
            }

            return WireResult.Ok;
        }

        /// <summary>
        /// Writes ports and length (8 + <paramref name="payloadLength"/>), clears the checksum and binds the view.
        /// Write the payload at <see cref="PayloadOffset"/>, then call <see cref="FillChecksum"/>.
        /// </summary>
        public void Emit(byte[] buffer, int offset, ushort sourcePort, ushort destinationPort, int payloadLength)
        {
            int total = HeaderLength + payloadLength;
            NetOrder.WriteU16(buffer, offset, sourcePort);
            NetOrder.WriteU16(buffer, offset + 2, destinationPort);
            buffer[offset + 4] = (byte)(total >> 8);
            buffer[offset + 5] = (byte)total;
            buffer[offset + 6] = 0;
            buffer[offset + 7] = 0;
            _buffer = buffer;
            _offset = offset;
            _length = total;
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
        /// <summary>The length field (header + payload).</summary>
        public int DatagramLength
        {
            get { return (_buffer[_offset + 4] << 8) | _buffer[_offset + 5]; }
            set { _buffer[_offset + 4] = (byte)(value >> 8); _buffer[_offset + 5] = (byte)value; }
        }
        /// <summary>Checksum as stored (0 = sender computed none).</summary>
        public ushort Checksum
        {
            get { return NetOrder.ReadU16(_buffer, _offset + 6); }
            set { NetOrder.WriteU16(_buffer, _offset + 6, value); }
        }
        /// <summary>Absolute offset of the payload.</summary>
        public int PayloadOffset { get { return _offset + HeaderLength; } }
        /// <summary>Payload length.</summary>
        public int PayloadLength { get { return _length - HeaderLength; } }

        /// <summary>Computes the checksum over <see cref="PacketView.Length"/> bytes with the pseudo-header; a computed 0 is sent as 0xFFFF.</summary>
        public void FillChecksum(uint sourceIp, uint destinationIp)
        {
            _buffer[_offset + 6] = 0;
            _buffer[_offset + 7] = 0;
            uint sum = EmbeddedTcp.Wire.Checksum.PseudoHeader(sourceIp, destinationIp, IpProtocol.Udp, _length);
            ushort c = EmbeddedTcp.Wire.Checksum.Finish(EmbeddedTcp.Wire.Checksum.Accumulate(sum, _buffer, _offset, _length));
            if (c == 0) c = 0xFFFF;
            _buffer[_offset + 6] = (byte)(c >> 8);
            _buffer[_offset + 7] = (byte)c;
        }

        /// <summary>True when the checksum field is 0 (none) or the checksum verifies.</summary>
        public bool VerifyChecksum(uint sourceIp, uint destinationIp)
        {
            if (_buffer[_offset + 6] == 0 && _buffer[_offset + 7] == 0) return true;
            uint sum = EmbeddedTcp.Wire.Checksum.PseudoHeader(sourceIp, destinationIp, IpProtocol.Udp, _length);
            return EmbeddedTcp.Wire.Checksum.Verify(EmbeddedTcp.Wire.Checksum.Accumulate(sum, _buffer, _offset, _length));
        }
    }
}
