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
    /// For errors the data is the offending IP header plus at least 8 bytes of its payload.
    /// </summary>
    public struct IcmpPacket
    {
        /// <summary>Length of the ICMP header (type, code, checksum, 4 bytes rest-of-header).</summary>
        public const int HeaderLength = 8;

        /// <summary>The underlying buffer.</summary>
        public byte[] Buffer;
        /// <summary>Offset of the type byte.</summary>
        public int Offset;
        /// <summary>Message length (header + data).</summary>
        public int Length;

        /// <summary>Checks 8 bytes are present (Truncated) and the checksum over <paramref name="length"/> bytes (BadChecksum).</summary>
        public static WireResult TryParse(byte[] buffer, int offset, int length, out IcmpPacket packet)
        {
            packet = default(IcmpPacket);
            if (!NetOrder.InBounds(buffer, offset, length) || length < HeaderLength) return WireResult.Truncated;
            if (!EmbeddedTcp.Wire.Checksum.Verify(EmbeddedTcp.Wire.Checksum.Accumulate(0, buffer, offset, length))) return WireResult.BadChecksum;
            packet.Buffer = buffer;
            packet.Offset = offset;
            packet.Length = length;
            return WireResult.Ok;
        }

        /// <summary>Unchecked view for emitting.</summary>
        public static IcmpPacket At(byte[] buffer, int offset, int length)
        {
            IcmpPacket p;
            p.Buffer = buffer;
            p.Offset = offset;
            p.Length = length;
            return p;
        }

        /// <summary>
        /// Writes type, code and the 32-bit rest-of-header for a message with <paramref name="dataLength"/> data
        /// bytes (already in place after the header, or written later), clears the checksum and returns the view.
        /// Call <see cref="FillChecksum"/> once the data is written.
        /// </summary>
        public static IcmpPacket Emit(byte[] buffer, int offset, byte type, byte code, uint restOfHeader, int dataLength)
        {
            buffer[offset] = type;
            buffer[offset + 1] = code;
            buffer[offset + 2] = 0;
            buffer[offset + 3] = 0;
            NetOrder.WriteU32(buffer, offset + 4, restOfHeader);
            return At(buffer, offset, HeaderLength + dataLength);
        }

        /// <summary>Message type (<see cref="IcmpType"/>).</summary>
        public byte Type { get { return Buffer[Offset]; } set { Buffer[Offset] = value; } }
        /// <summary>Message code (<see cref="IcmpCode"/>).</summary>
        public byte Code { get { return Buffer[Offset + 1]; } set { Buffer[Offset + 1] = value; } }
        /// <summary>Checksum as stored.</summary>
        public ushort Checksum
        {
            get { return NetOrder.ReadU16(Buffer, Offset + 2); }
            set { NetOrder.WriteU16(Buffer, Offset + 2, value); }
        }
        /// <summary>Bytes 4..7 as one value (identifier/sequence, unused + next-hop MTU, pointer...).</summary>
        public uint RestOfHeader
        {
            get { return NetOrder.ReadU32(Buffer, Offset + 4); }
            set { NetOrder.WriteU32(Buffer, Offset + 4, value); }
        }
        /// <summary>Echo identifier (bytes 4-5).</summary>
        public ushort Identifier
        {
            get { return NetOrder.ReadU16(Buffer, Offset + 4); }
            set { NetOrder.WriteU16(Buffer, Offset + 4, value); }
        }
        /// <summary>Echo sequence number (bytes 6-7).</summary>
        public ushort SequenceNumber
        {
            get { return NetOrder.ReadU16(Buffer, Offset + 6); }
            set { NetOrder.WriteU16(Buffer, Offset + 6, value); }
        }
        /// <summary>Next-hop MTU of a "fragmentation needed" message (bytes 6-7, RFC 1191); 0 from old routers.</summary>
        public ushort NextHopMtu
        {
            get { return NetOrder.ReadU16(Buffer, Offset + 6); }
            set { NetOrder.WriteU16(Buffer, Offset + 6, value); }
        }
        /// <summary>Absolute offset of the data (echo payload, or the embedded IP header of an error).</summary>
        public int DataOffset { get { return Offset + HeaderLength; } }
        /// <summary>Data length.</summary>
        public int DataLength { get { return Length - HeaderLength; } }
        /// <summary>Same as <see cref="DataOffset"/>.</summary>
        public int PayloadOffset { get { return Offset + HeaderLength; } }
        /// <summary>Same as <see cref="DataLength"/>.</summary>
        public int PayloadLength { get { return Length - HeaderLength; } }

        /// <summary>Computes and stores the checksum over <see cref="Length"/> bytes.</summary>
        public void FillChecksum()
        {
            Buffer[Offset + 2] = 0;
            Buffer[Offset + 3] = 0;
            ushort sum = EmbeddedTcp.Wire.Checksum.Compute(Buffer, Offset, Length);
            Buffer[Offset + 2] = (byte)(sum >> 8);
            Buffer[Offset + 3] = (byte)sum;
        }

        /// <summary>True when the checksum over <see cref="Length"/> bytes verifies.</summary>
        public bool VerifyChecksum()
        {
            return EmbeddedTcp.Wire.Checksum.Verify(EmbeddedTcp.Wire.Checksum.Accumulate(0, Buffer, Offset, Length));
        }
    }

    /// <summary>View of a UDP datagram (RFC 768) over <c>Buffer[Offset .. Offset+Length)</c>, Length = the UDP length field.</summary>
    public struct UdpPacket
    {
        /// <summary>UDP header length.</summary>
        public const int HeaderLength = 8;

        /// <summary>The underlying buffer.</summary>
        public byte[] Buffer;
        /// <summary>Offset of the source port.</summary>
        public int Offset;
        /// <summary>Datagram length (from the length field after a successful parse).</summary>
        public int Length;

        /// <summary>
        /// Checks 8 bytes present (Truncated), length field >= 8 (Malformed) and &lt;= <paramref name="length"/> (Truncated).
        /// The checksum needs the IP addresses: use the overload that takes them, or <see cref="VerifyChecksum"/>.
        /// </summary>
        public static WireResult TryParse(byte[] buffer, int offset, int length, out UdpPacket packet)
        {
            packet = default(UdpPacket);
            if (!NetOrder.InBounds(buffer, offset, length) || length < HeaderLength) return WireResult.Truncated;
            int udpLength = (buffer[offset + 4] << 8) | buffer[offset + 5];
            if (udpLength < HeaderLength) return WireResult.Malformed;
            if (udpLength > length) return WireResult.Truncated;
            packet.Buffer = buffer;
            packet.Offset = offset;
            packet.Length = udpLength;
            return WireResult.Ok;
        }

        /// <summary>As <see cref="TryParse(byte[], int, int, out UdpPacket)"/>, then verifies the checksum with the pseudo-header (0 = none, accepted).</summary>
        public static WireResult TryParse(byte[] buffer, int offset, int length, uint sourceIp, uint destinationIp, out UdpPacket packet)
        {
            WireResult r = TryParse(buffer, offset, length, out packet);
            if (r != WireResult.Ok) return r;
            if (!packet.VerifyChecksum(sourceIp, destinationIp))
            {
                packet = default(UdpPacket);
                return WireResult.BadChecksum;
            }
            return WireResult.Ok;
        }

        /// <summary>Unchecked view for emitting.</summary>
        public static UdpPacket At(byte[] buffer, int offset, int length)
        {
            UdpPacket p;
            p.Buffer = buffer;
            p.Offset = offset;
            p.Length = length;
            return p;
        }

        /// <summary>
        /// Writes ports and length (8 + <paramref name="payloadLength"/>), clears the checksum and returns the view.
        /// Write the payload at <see cref="PayloadOffset"/>, then call <see cref="FillChecksum"/>.
        /// </summary>
        public static UdpPacket Emit(byte[] buffer, int offset, ushort sourcePort, ushort destinationPort, int payloadLength)
        {
            int total = HeaderLength + payloadLength;
            NetOrder.WriteU16(buffer, offset, sourcePort);
            NetOrder.WriteU16(buffer, offset + 2, destinationPort);
            buffer[offset + 4] = (byte)(total >> 8);
            buffer[offset + 5] = (byte)total;
            buffer[offset + 6] = 0;
            buffer[offset + 7] = 0;
            return At(buffer, offset, total);
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
        /// <summary>The length field (header + payload).</summary>
        public int DatagramLength
        {
            get { return (Buffer[Offset + 4] << 8) | Buffer[Offset + 5]; }
            set { Buffer[Offset + 4] = (byte)(value >> 8); Buffer[Offset + 5] = (byte)value; }
        }
        /// <summary>Checksum as stored (0 = sender computed none).</summary>
        public ushort Checksum
        {
            get { return NetOrder.ReadU16(Buffer, Offset + 6); }
            set { NetOrder.WriteU16(Buffer, Offset + 6, value); }
        }
        /// <summary>Absolute offset of the payload.</summary>
        public int PayloadOffset { get { return Offset + HeaderLength; } }
        /// <summary>Payload length.</summary>
        public int PayloadLength { get { return Length - HeaderLength; } }

        /// <summary>Computes the checksum over <see cref="Length"/> bytes with the pseudo-header; a computed 0 is sent as 0xFFFF.</summary>
        public void FillChecksum(uint sourceIp, uint destinationIp)
        {
            Buffer[Offset + 6] = 0;
            Buffer[Offset + 7] = 0;
            uint sum = EmbeddedTcp.Wire.Checksum.PseudoHeader(sourceIp, destinationIp, IpProtocol.Udp, Length);
            ushort c = EmbeddedTcp.Wire.Checksum.Finish(EmbeddedTcp.Wire.Checksum.Accumulate(sum, Buffer, Offset, Length));
            if (c == 0) c = 0xFFFF;
            Buffer[Offset + 6] = (byte)(c >> 8);
            Buffer[Offset + 7] = (byte)c;
        }

        /// <summary>True when the checksum field is 0 (none) or the checksum verifies.</summary>
        public bool VerifyChecksum(uint sourceIp, uint destinationIp)
        {
            if (Buffer[Offset + 6] == 0 && Buffer[Offset + 7] == 0) return true;
            uint sum = EmbeddedTcp.Wire.Checksum.PseudoHeader(sourceIp, destinationIp, IpProtocol.Udp, Length);
            return EmbeddedTcp.Wire.Checksum.Verify(EmbeddedTcp.Wire.Checksum.Accumulate(sum, Buffer, Offset, Length));
        }
    }
}
