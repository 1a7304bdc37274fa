namespace EmbeddedTcp.Wire
{
    /// <summary>
    /// View of an Ethernet II frame (no FCS, no VLAN tag) over <c>Buffer[Offset .. Offset+Length)</c>.
    /// MAC addresses are read in place: <see cref="DestinationOffset"/>/<see cref="SourceOffset"/> point at 6 bytes.
    /// A class, not a struct: nanoCLR keeps every struct on its heap (a struct local allocates at each
    /// call), so the owner allocates one view at start-up and rebinds it to each frame with
    /// <see cref="TryParse"/>, <see cref="PacketView.Bind"/> or <see cref="Emit"/>.
    /// </summary>
    public sealed class EthernetFrame : PacketView
    {
        /// <summary>Header length in bytes.</summary>
        public const int HeaderLength = 14;
        /// <summary>Shortest frame on the wire without FCS; shorter frames are padded with zeros when sent.</summary>
        public const int MinimumFrameLength = 60;
        /// <summary>Length of a MAC address.</summary>
        public const int MacLength = 6;

        /// <summary>
        /// Checks that <paramref name="length"/> bytes hold an Ethernet II header and binds the view to them.
        /// The EtherType is not judged; read it. On failure the view is left unbound.
        /// </summary>
        public WireResult TryParse(byte[] buffer, int offset, int length)
        {
            bool whole = NetOrder.InBounds(buffer, offset, length) && length >= HeaderLength;
            return BindIf(whole ? WireResult.Ok : WireResult.Truncated, buffer, offset, length);
        }

        /// <summary>
        /// Writes destination, source and EtherType at <paramref name="offset"/> and binds the view to
        /// <c>14 + payloadLength</c> bytes. The payload is the caller's to write at <see cref="PayloadOffset"/>.
        /// </summary>
        public void Emit(byte[] buffer, int offset, byte[] destinationMac, int destinationMacOffset, byte[] sourceMac, int sourceMacOffset, ushort etherType, int payloadLength)
        {
            for (int i = 0; i < 6; i++)
            {
                buffer[offset + i] = destinationMac[destinationMacOffset + i];
                buffer[offset + 6 + i] = sourceMac[sourceMacOffset + i];
            }

            buffer[offset + 12] = (byte)(etherType >> 8);
            buffer[offset + 13] = (byte)etherType;
            _buffer = buffer;
            _offset = offset;
            _length = HeaderLength + payloadLength;
        }

        /// <summary>Absolute offset of the destination MAC in <see cref="PacketView.Buffer"/>.</summary>
        public int DestinationOffset { get { return _offset; } }
        /// <summary>Absolute offset of the source MAC in <see cref="PacketView.Buffer"/>.</summary>
        public int SourceOffset { get { return _offset + 6; } }
        /// <summary>EtherType (0x0800 IPv4, 0x0806 ARP...).</summary>
        public ushort EtherType
        {
            get { return (ushort)((_buffer[_offset + 12] << 8) | _buffer[_offset + 13]); }
            set { _buffer[_offset + 12] = (byte)(value >> 8); _buffer[_offset + 13] = (byte)value; }
        }
        /// <summary>Absolute offset of the payload.</summary>
        public int PayloadOffset { get { return _offset + HeaderLength; } }
        /// <summary>Payload length (may include padding to 60 bytes).</summary>
        public int PayloadLength { get { return _length - HeaderLength; } }
        /// <summary>True when the destination is ff:ff:ff:ff:ff:ff.</summary>
        public bool IsBroadcast { get { return IsBroadcastMac(_buffer, _offset); } }
        /// <summary>True when the destination has the group bit set (multicast or broadcast).</summary>
        public bool IsMulticast { get { return (_buffer[_offset] & 1) != 0; } }

        /// <summary>Copies the destination MAC into <paramref name="destination"/> at <paramref name="destinationOffset"/>.</summary>
        public void CopyDestination(byte[] destination, int destinationOffset) { CopyMac(_buffer, _offset, destination, destinationOffset); }
        /// <summary>Copies the source MAC into <paramref name="destination"/> at <paramref name="destinationOffset"/>.</summary>
        public void CopySource(byte[] destination, int destinationOffset) { CopyMac(_buffer, _offset + 6, destination, destinationOffset); }
        /// <summary>Overwrites the destination MAC.</summary>
        public void SetDestination(byte[] mac, int macOffset) { CopyMac(mac, macOffset, _buffer, _offset); }
        /// <summary>Overwrites the source MAC.</summary>
        public void SetSource(byte[] mac, int macOffset) { CopyMac(mac, macOffset, _buffer, _offset + 6); }

        /// <summary>Copies 6 bytes.</summary>
        public static void CopyMac(byte[] source, int sourceOffset, byte[] destination, int destinationOffset)
        {
            destination[destinationOffset] = source[sourceOffset];
            destination[destinationOffset + 1] = source[sourceOffset + 1];
            destination[destinationOffset + 2] = source[sourceOffset + 2];
            destination[destinationOffset + 3] = source[sourceOffset + 3];
            destination[destinationOffset + 4] = source[sourceOffset + 4];
            destination[destinationOffset + 5] = source[sourceOffset + 5];
        }

        /// <summary>Compares 6 bytes.</summary>
        public static bool MacEquals(byte[] a, int aOffset, byte[] b, int bOffset)
        {
            return a[aOffset] == b[bOffset] && a[aOffset + 1] == b[bOffset + 1] && a[aOffset + 2] == b[bOffset + 2]
                && a[aOffset + 3] == b[bOffset + 3] && a[aOffset + 4] == b[bOffset + 4] && a[aOffset + 5] == b[bOffset + 5];
        }

        /// <summary>True when the 6 bytes are ff:ff:ff:ff:ff:ff.</summary>
        public static bool IsBroadcastMac(byte[] mac, int offset)
        {
            return (mac[offset] & mac[offset + 1] & mac[offset + 2] & mac[offset + 3] & mac[offset + 4] & mac[offset + 5]) == 0xFF;
        }

        /// <summary>Writes ff:ff:ff:ff:ff:ff.</summary>
        public static void WriteBroadcastMac(byte[] buffer, int offset)
        {
            for (int i = 0; i < 6; i++)
            {
                buffer[offset + i] = 0xFF;
            }
        }
    }
}
