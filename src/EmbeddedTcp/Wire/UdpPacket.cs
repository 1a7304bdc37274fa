namespace EmbeddedTcp.Wire
{
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
            if (c == 0)
            {
                c = 0xFFFF;
            }

            _buffer[_offset + 6] = (byte)(c >> 8);
            _buffer[_offset + 7] = (byte)c;
        }

        /// <summary>True when the checksum field is 0 (none) or the checksum verifies.</summary>
        public bool VerifyChecksum(uint sourceIp, uint destinationIp)
        {
            if (_buffer[_offset + 6] == 0 && _buffer[_offset + 7] == 0)
            {
                return true;
            }

            uint sum = EmbeddedTcp.Wire.Checksum.PseudoHeader(sourceIp, destinationIp, IpProtocol.Udp, _length);
            return EmbeddedTcp.Wire.Checksum.Verify(EmbeddedTcp.Wire.Checksum.Accumulate(sum, _buffer, _offset, _length));
        }
    }
}
