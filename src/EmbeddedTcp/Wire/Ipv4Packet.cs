namespace EmbeddedTcp.Wire
{
    /// <summary>
    /// View of an IPv4 packet (RFC 791) over <c>Buffer[Offset .. Offset+Length)</c>, where <see cref="Length"/>
    /// is the header's total length (link-layer padding is outside the view).
    /// </summary>
    public struct Ipv4Packet
    {
        /// <summary>Length of a header without options.</summary>
        public const int MinimumHeaderLength = 20;

        /// <summary>The underlying buffer.</summary>
        public byte[] Buffer;
        /// <summary>Offset of the version/IHL byte.</summary>
        public int Offset;
        /// <summary>Bytes covered by the view: the total length after a successful parse.</summary>
        public int Length;

        /// <summary>
        /// Checks, once: 20 bytes present (Truncated), version 4 (Unsupported), IHL >= 5 and IHL*4 &lt;= total length
        /// (Malformed), total length &lt;= <paramref name="length"/> (Truncated), header checksum (BadChecksum).
        /// On Ok the view's <see cref="Length"/> is the total length.
        /// </summary>
        public static WireResult TryParse(byte[] buffer, int offset, int length, out Ipv4Packet packet)
        {
            packet = default(Ipv4Packet);
            if (!NetOrder.InBounds(buffer, offset, length) || length < MinimumHeaderLength) return WireResult.Truncated;
            int versionIhl = buffer[offset];
            if ((versionIhl >> 4) != 4) return WireResult.Unsupported;
            int headerLength = (versionIhl & 0x0F) << 2;
            int totalLength = (buffer[offset + 2] << 8) | buffer[offset + 3];
            if (headerLength < MinimumHeaderLength || totalLength < headerLength) return WireResult.Malformed;
            if (totalLength > length) return WireResult.Truncated;
            if (!Checksum.Verify(Checksum.Accumulate(0, buffer, offset, headerLength))) return WireResult.BadChecksum;
            packet.Buffer = buffer;
            packet.Offset = offset;
            packet.Length = totalLength;
            return WireResult.Ok;
        }

        /// <summary>Unchecked view for emitting.</summary>
        public static Ipv4Packet At(byte[] buffer, int offset, int length)
        {
            Ipv4Packet p;
            p.Buffer = buffer;
            p.Offset = offset;
            p.Length = length;
            return p;
        }

        /// <summary>
        /// Writes a 20-byte header (no options, DSCP/ECN 0, fragment offset 0, MF clear) for a payload of
        /// <paramref name="payloadLength"/> bytes, fills the header checksum, and returns the view
        /// (<see cref="Length"/> = 20 + payload). The payload goes at <see cref="PayloadOffset"/>.
        /// </summary>
        public static Ipv4Packet Emit(byte[] buffer, int offset, uint sourceAddress, uint destinationAddress, byte protocol, int payloadLength, ushort identification, byte ttl, bool dontFragment)
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
            NetOrder.WriteU32(buffer, offset + 12, sourceAddress);
            NetOrder.WriteU32(buffer, offset + 16, destinationAddress);
            ushort sum = Checksum.Compute(buffer, offset, MinimumHeaderLength);
            buffer[offset + 10] = (byte)(sum >> 8);
            buffer[offset + 11] = (byte)sum;
            Ipv4Packet p;
            p.Buffer = buffer;
            p.Offset = offset;
            p.Length = total;
            return p;
        }

        /// <summary>IP version (4 after a successful parse).</summary>
        public int Version { get { return Buffer[Offset] >> 4; } }
        /// <summary>Header length in bytes (IHL * 4), 20..60. The setter keeps the version nibble and takes a multiple of 4.</summary>
        public int HeaderLength
        {
            get { return (Buffer[Offset] & 0x0F) << 2; }
            set { Buffer[Offset] = (byte)((Buffer[Offset] & 0xF0) | ((value >> 2) & 0x0F)); }
        }
        /// <summary>DSCP (6 bits) and ECN (2 bits) byte.</summary>
        public byte TypeOfService
        {
            get { return Buffer[Offset + 1]; }
            set { Buffer[Offset + 1] = value; }
        }
        /// <summary>Total length (header + payload) from the header.</summary>
        public int TotalLength
        {
            get { return (Buffer[Offset + 2] << 8) | Buffer[Offset + 3]; }
            set { Buffer[Offset + 2] = (byte)(value >> 8); Buffer[Offset + 3] = (byte)value; }
        }
        /// <summary>Identification field.</summary>
        public ushort Identification
        {
            get { return NetOrder.ReadU16(Buffer, Offset + 4); }
            set { NetOrder.WriteU16(Buffer, Offset + 4, value); }
        }
        /// <summary>DF flag.</summary>
        public bool DontFragment
        {
            get { return (Buffer[Offset + 6] & 0x40) != 0; }
            set { Buffer[Offset + 6] = value ? (byte)(Buffer[Offset + 6] | 0x40) : (byte)(Buffer[Offset + 6] & 0xBF); }
        }
        /// <summary>MF flag.</summary>
        public bool MoreFragments
        {
            get { return (Buffer[Offset + 6] & 0x20) != 0; }
            set { Buffer[Offset + 6] = value ? (byte)(Buffer[Offset + 6] | 0x20) : (byte)(Buffer[Offset + 6] & 0xDF); }
        }
        /// <summary>Fragment offset in bytes (the 13-bit field times 8). The setter takes a multiple of 8.</summary>
        public int FragmentOffset
        {
            get { return (((Buffer[Offset + 6] & 0x1F) << 8) | Buffer[Offset + 7]) << 3; }
            set
            {
                int units = (value >> 3) & 0x1FFF;
                Buffer[Offset + 6] = (byte)((Buffer[Offset + 6] & 0xE0) | (units >> 8));
                Buffer[Offset + 7] = (byte)units;
            }
        }
        /// <summary>True when this is a fragment (MF set or non-zero fragment offset).</summary>
        public bool IsFragment { get { return (Buffer[Offset + 6] & 0x3F) != 0 || Buffer[Offset + 7] != 0; } }
        /// <summary>Time to live.</summary>
        public byte Ttl
        {
            get { return Buffer[Offset + 8]; }
            set { Buffer[Offset + 8] = value; }
        }
        /// <summary>Protocol (<see cref="IpProtocol"/>).</summary>
        public byte Protocol
        {
            get { return Buffer[Offset + 9]; }
            set { Buffer[Offset + 9] = value; }
        }
        /// <summary>Header checksum as stored.</summary>
        public ushort HeaderChecksum
        {
            get { return NetOrder.ReadU16(Buffer, Offset + 10); }
            set { NetOrder.WriteU16(Buffer, Offset + 10, value); }
        }
        /// <summary>Source address (host order).</summary>
        public uint SourceAddress
        {
            get { return NetOrder.ReadU32(Buffer, Offset + 12); }
            set { NetOrder.WriteU32(Buffer, Offset + 12, value); }
        }
        /// <summary>Destination address (host order).</summary>
        public uint DestinationAddress
        {
            get { return NetOrder.ReadU32(Buffer, Offset + 16); }
            set { NetOrder.WriteU32(Buffer, Offset + 16, value); }
        }
        /// <summary>Absolute offset of the options (<see cref="HeaderLength"/> - 20 bytes long).</summary>
        public int OptionsOffset { get { return Offset + MinimumHeaderLength; } }
        /// <summary>Length of the options in bytes.</summary>
        public int OptionsLength { get { return ((Buffer[Offset] & 0x0F) << 2) - MinimumHeaderLength; } }
        /// <summary>Absolute offset of the payload.</summary>
        public int PayloadOffset { get { return Offset + ((Buffer[Offset] & 0x0F) << 2); } }
        /// <summary>Payload length: the view's <see cref="Length"/> minus the header length.</summary>
        public int PayloadLength { get { return Length - ((Buffer[Offset] & 0x0F) << 2); } }

        /// <summary>Recomputes and stores the header checksum over <see cref="HeaderLength"/> bytes.</summary>
        public void FillChecksum()
        {
            Buffer[Offset + 10] = 0;
            Buffer[Offset + 11] = 0;
            ushort sum = Checksum.Compute(Buffer, Offset, (Buffer[Offset] & 0x0F) << 2);
            Buffer[Offset + 10] = (byte)(sum >> 8);
            Buffer[Offset + 11] = (byte)sum;
        }

        /// <summary>True when the header checksum verifies.</summary>
        public bool VerifyChecksum()
        {
            return Checksum.Verify(Checksum.Accumulate(0, Buffer, Offset, (Buffer[Offset] & 0x0F) << 2));
        }

        /// <summary>
        /// Decrements TTL by one and patches the header checksum incrementally (RFC 1624), as a forwarder does.
        /// </summary>
        public void DecrementTtl()
        {
            ushort oldWord = NetOrder.ReadU16(Buffer, Offset + 8);
            Buffer[Offset + 8] = (byte)(Buffer[Offset + 8] - 1);
            ushort newWord = NetOrder.ReadU16(Buffer, Offset + 8);
            NetOrder.WriteU16(Buffer, Offset + 10, Checksum.Update(NetOrder.ReadU16(Buffer, Offset + 10), oldWord, newWord));
        }
    }
}
