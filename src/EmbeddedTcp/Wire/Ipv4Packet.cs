namespace EmbeddedTcp.Wire
{
    /// <summary>
    /// View of an IPv4 packet (RFC 791) over <c>Buffer[Offset .. Offset+Length)</c>, where <see cref="PacketView.Length"/>
    /// is the header's total length (link-layer padding is outside the view). A preallocated class (nanoCLR
    /// keeps structs on its heap): its owner binds it to each packet with <see cref="TryParse"/>,
    /// <see cref="PacketView.Bind"/> or <see cref="Emit"/>.
    /// </summary>
    public sealed class Ipv4Packet : PacketView
    {
        /// <summary>Length of a header without options.</summary>
        public const int MinimumHeaderLength = 20;

        /// <summary>
        /// Checks, once: 20 bytes present (Truncated), version 4 (Unsupported), IHL >= 5 and IHL*4 &lt;= total length
        /// (Malformed), total length &lt;= <paramref name="length"/> (Truncated), header checksum (BadChecksum).
        /// On Ok the view is bound and its <see cref="PacketView.Length"/> is the total length; otherwise it is left unbound.
        /// </summary>
        public WireResult TryParse(byte[] buffer, int offset, int length)
        {
            WireResult r = WireResult.Ok;
            int totalLength = 0;
            if (!NetOrder.InBounds(buffer, offset, length) || length < MinimumHeaderLength)
            {
                r = WireResult.Truncated;
            }
            else
            {
                int versionIhl = buffer[offset];
                int headerLength = (versionIhl & 0x0F) << 2;
                totalLength = (buffer[offset + 2] << 8) | buffer[offset + 3];
                if ((versionIhl >> 4) != 4)
                {
                    r = WireResult.Unsupported;
                }
                else if (headerLength < MinimumHeaderLength || totalLength < headerLength)
                {
                    r = WireResult.Malformed;
                }
                else if (totalLength > length)
                {
                    r = WireResult.Truncated;
                }
                else if (!Checksum.Verify(Checksum.Accumulate(0, buffer, offset, headerLength)))
                {
                    r = WireResult.BadChecksum;
                }
            }

            return BindIf(r, buffer, offset, totalLength);
        }

        /// <summary>
        /// Writes a 20-byte header (no options, DSCP/ECN 0, fragment offset 0, MF clear) for a payload of
        /// <paramref name="payloadLength"/> bytes, fills the header checksum, and binds the view
        /// (<see cref="PacketView.Length"/> = 20 + payload). The payload goes at <see cref="PayloadOffset"/>.
        /// </summary>
        public void Emit(byte[] buffer, int offset, uint sourceAddress, uint destinationAddress, byte protocol, int payloadLength, ushort identification, byte ttl, bool dontFragment)
        {
            int total = MinimumHeaderLength + payloadLength;
            buffer[offset] = 0x45;
            buffer[offset + 1] = 0;
            buffer[offset + 2] = (byte)(total >> 8);
            buffer[offset + 3] = (byte)total;
            buffer[offset + 4] = (byte)(identification >> 8);
            buffer[offset + 5] = (byte)identification;
            buffer[offset + 6] = dontFragment ? (byte)0x40 : (byte)0;
            buffer[offset + 7] = 0;
            buffer[offset + 8] = ttl;
            buffer[offset + 9] = protocol;
            buffer[offset + 10] = 0;
            buffer[offset + 11] = 0;
            buffer[offset + 12] = (byte)(sourceAddress >> 24);
            buffer[offset + 13] = (byte)(sourceAddress >> 16);
            buffer[offset + 14] = (byte)(sourceAddress >> 8);
            buffer[offset + 15] = (byte)sourceAddress;
            buffer[offset + 16] = (byte)(destinationAddress >> 24);
            buffer[offset + 17] = (byte)(destinationAddress >> 16);
            buffer[offset + 18] = (byte)(destinationAddress >> 8);
            buffer[offset + 19] = (byte)destinationAddress;
            // The header checksum from the values just written (their 16-bit words), not re-read from
            // the buffer: this runs per datagram sent, and the interpreter pays per instruction.
            uint sum = 0x4500u + ((uint)total & 0xFFFF) + identification + (dontFragment ? 0x4000u : 0u)
                + ((uint)ttl << 8) + protocol
                + (sourceAddress >> 16) + (sourceAddress & 0xFFFF) + (destinationAddress >> 16) + (destinationAddress & 0xFFFF);
            sum = (sum & 0xFFFF) + (sum >> 16);
            sum = (sum & 0xFFFF) + (sum >> 16);
            sum = ~sum & 0xFFFF;
            buffer[offset + 10] = (byte)(sum >> 8);
            buffer[offset + 11] = (byte)sum;
            _buffer = buffer;
            _offset = offset;
            _length = total;
        }

        /// <summary>IP version (4 after a successful parse).</summary>
        public int Version { get { return _buffer[_offset] >> 4; } }
        /// <summary>Header length in bytes (IHL * 4), 20..60. The setter keeps the version nibble and takes a multiple of 4.</summary>
        public int HeaderLength
        {
            get { return (_buffer[_offset] & 0x0F) << 2; }
            set { _buffer[_offset] = (byte)((_buffer[_offset] & 0xF0) | ((value >> 2) & 0x0F)); }
        }
        /// <summary>DSCP (6 bits) and ECN (2 bits) byte.</summary>
        public byte TypeOfService
        {
            get { return _buffer[_offset + 1]; }
            set { _buffer[_offset + 1] = value; }
        }
        /// <summary>Total length (header + payload) from the header.</summary>
        public int TotalLength
        {
            get { return (_buffer[_offset + 2] << 8) | _buffer[_offset + 3]; }
            set { _buffer[_offset + 2] = (byte)(value >> 8); _buffer[_offset + 3] = (byte)value; }
        }
        /// <summary>Identification field.</summary>
        public ushort Identification
        {
            get { return NetOrder.ReadU16(_buffer, _offset + 4); }
            set { NetOrder.WriteU16(_buffer, _offset + 4, value); }
        }
        /// <summary>DF flag.</summary>
        public bool DontFragment
        {
            get { return (_buffer[_offset + 6] & 0x40) != 0; }
            set { _buffer[_offset + 6] = value ? (byte)(_buffer[_offset + 6] | 0x40) : (byte)(_buffer[_offset + 6] & 0xBF); }
        }
        /// <summary>MF flag.</summary>
        public bool MoreFragments
        {
            get { return (_buffer[_offset + 6] & 0x20) != 0; }
            set { _buffer[_offset + 6] = value ? (byte)(_buffer[_offset + 6] | 0x20) : (byte)(_buffer[_offset + 6] & 0xDF); }
        }
        /// <summary>Fragment offset in bytes (the 13-bit field times 8). The setter takes a multiple of 8.</summary>
        public int FragmentOffset
        {
            get { return (((_buffer[_offset + 6] & 0x1F) << 8) | _buffer[_offset + 7]) << 3; }
            set
            {
                int units = (value >> 3) & 0x1FFF;
                _buffer[_offset + 6] = (byte)((_buffer[_offset + 6] & 0xE0) | (units >> 8));
                _buffer[_offset + 7] = (byte)units;
            }
        }
        /// <summary>True when this is a fragment (MF set or non-zero fragment offset).</summary>
        public bool IsFragment { get { return (_buffer[_offset + 6] & 0x3F) != 0 || _buffer[_offset + 7] != 0; } }
        /// <summary>Time to live.</summary>
        public byte Ttl
        {
            get { return _buffer[_offset + 8]; }
            set { _buffer[_offset + 8] = value; }
        }
        /// <summary>Protocol (<see cref="IpProtocol"/>).</summary>
        public byte Protocol
        {
            get { return _buffer[_offset + 9]; }
            set { _buffer[_offset + 9] = value; }
        }
        /// <summary>Header checksum as stored.</summary>
        public ushort HeaderChecksum
        {
            get { return NetOrder.ReadU16(_buffer, _offset + 10); }
            set { NetOrder.WriteU16(_buffer, _offset + 10, value); }
        }
        /// <summary>Source address (host order).</summary>
        public uint SourceAddress
        {
            get { return NetOrder.ReadU32(_buffer, _offset + 12); }
            set { NetOrder.WriteU32(_buffer, _offset + 12, value); }
        }
        /// <summary>Destination address (host order).</summary>
        public uint DestinationAddress
        {
            get { return NetOrder.ReadU32(_buffer, _offset + 16); }
            set { NetOrder.WriteU32(_buffer, _offset + 16, value); }
        }
        /// <summary>Absolute offset of the options (<see cref="HeaderLength"/> - 20 bytes long).</summary>
        public int OptionsOffset { get { return _offset + MinimumHeaderLength; } }
        /// <summary>Length of the options in bytes.</summary>
        public int OptionsLength { get { return ((_buffer[_offset] & 0x0F) << 2) - MinimumHeaderLength; } }
        /// <summary>Absolute offset of the payload.</summary>
        public int PayloadOffset { get { return _offset + ((_buffer[_offset] & 0x0F) << 2); } }
        /// <summary>Payload length: the view's <see cref="PacketView.Length"/> minus the header length.</summary>
        public int PayloadLength { get { return _length - ((_buffer[_offset] & 0x0F) << 2); } }

        /// <summary>Recomputes and stores the header checksum over <see cref="HeaderLength"/> bytes.</summary>
        public void FillChecksum()
        {
            _buffer[_offset + 10] = 0;
            _buffer[_offset + 11] = 0;
            ushort sum = Checksum.Compute(_buffer, _offset, (_buffer[_offset] & 0x0F) << 2);
            _buffer[_offset + 10] = (byte)(sum >> 8);
            _buffer[_offset + 11] = (byte)sum;
        }

        /// <summary>True when the header checksum verifies.</summary>
        public bool VerifyChecksum()
        {
            return Checksum.Verify(Checksum.Accumulate(0, _buffer, _offset, (_buffer[_offset] & 0x0F) << 2));
        }

        /// <summary>
        /// Decrements TTL by one and patches the header checksum incrementally (RFC 1624), as a forwarder does.
        /// </summary>
        public void DecrementTtl()
        {
            ushort oldWord = NetOrder.ReadU16(_buffer, _offset + 8);
            _buffer[_offset + 8] = (byte)(_buffer[_offset + 8] - 1);
            ushort newWord = NetOrder.ReadU16(_buffer, _offset + 8);
            NetOrder.WriteU16(_buffer, _offset + 10, Checksum.Update(NetOrder.ReadU16(_buffer, _offset + 10), oldWord, newWord));
        }
    }
}
