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
            for (int i = 0; i < 6; i++) buffer[offset + i] = 0xFF;
        }
    }

    /// <summary>ARP operation codes.</summary>
    public static class ArpOperation
    {
        /// <summary>who-has.</summary>
        public const ushort Request = 1;
        /// <summary>is-at.</summary>
        public const ushort Reply = 2;
    }

    /// <summary>
    /// View of an ARP packet for IPv4 over Ethernet (RFC 826): 28 bytes. A preallocated class (see
    /// <see cref="EthernetFrame"/>): bound by <see cref="TryParse"/>, <see cref="PacketView.Bind"/> or <see cref="Emit"/>.
    /// </summary>
    public sealed class ArpPacket : PacketView
    {
        /// <summary>Length of an Ethernet/IPv4 ARP packet.</summary>
        public const int PacketLength = 28;

        /// <summary>
        /// Checks length (Truncated), hardware type 1 / protocol 0x0800 / sizes 6 and 4 (Unsupported otherwise),
        /// and operation request or reply (Unsupported otherwise), and binds the view. Trailing padding is allowed.
        /// On failure the view is left unbound.
        /// </summary>
        public WireResult TryParse(byte[] buffer, int offset, int length)
        {
            WireResult r = WireResult.Ok;
            if (!NetOrder.InBounds(buffer, offset, length) || length < PacketLength)
            {
                r = WireResult.Truncated;
            }
            else if (buffer[offset] != 0 || buffer[offset + 1] != 1 || buffer[offset + 2] != 0x08 || buffer[offset + 3] != 0
                || buffer[offset + 4] != 6 || buffer[offset + 5] != 4 || buffer[offset + 6] != 0
                || (buffer[offset + 7] != 1 && buffer[offset + 7] != 2))
            {
                r = WireResult.Unsupported;
            }

            return BindIf(r, buffer, offset, PacketLength);
        }

        /// <summary>Binds the view to the 28 bytes at <paramref name="offset"/> without checking.</summary>
        public void Bind(byte[] buffer, int offset)
        {
            _buffer = buffer;
            _offset = offset;
            _length = PacketLength;
        }

        /// <summary>
        /// Writes a complete Ethernet/IPv4 ARP packet (28 bytes) and binds the view to it. A null
        /// <paramref name="targetMac"/> writes 00:00:00:00:00:00 (as in a request).
        /// </summary>
        public void Emit(byte[] buffer, int offset, ushort operation, byte[] senderMac, int senderMacOffset, uint senderIp, byte[] targetMac, int targetMacOffset, uint targetIp)
        {
            buffer[offset] = 0;
            buffer[offset + 1] = 1;
            buffer[offset + 2] = 0x08;
            buffer[offset + 3] = 0;
            buffer[offset + 4] = 6;
            buffer[offset + 5] = 4;
            buffer[offset + 6] = (byte)(operation >> 8);
            buffer[offset + 7] = (byte)operation;
            EthernetFrame.CopyMac(senderMac, senderMacOffset, buffer, offset + 8);
            NetOrder.WriteU32(buffer, offset + 14, senderIp);
            if (targetMac == null)
            {
                for (int i = 0; i < 6; i++) buffer[offset + 18 + i] = 0;
            }
            else
            {
                EthernetFrame.CopyMac(targetMac, targetMacOffset, buffer, offset + 18);
            }

            NetOrder.WriteU32(buffer, offset + 24, targetIp);
            _buffer = buffer;
            _offset = offset;
            _length = PacketLength;
        }

        /// <summary>Hardware type (1 = Ethernet).</summary>
        public ushort HardwareType { get { return NetOrder.ReadU16(_buffer, _offset); } }
        /// <summary>Protocol type (0x0800 = IPv4).</summary>
        public ushort ProtocolType { get { return NetOrder.ReadU16(_buffer, _offset + 2); } }
        /// <summary>Operation (<see cref="ArpOperation"/>).</summary>
        public ushort Operation
        {
            get { return NetOrder.ReadU16(_buffer, _offset + 6); }
            set { NetOrder.WriteU16(_buffer, _offset + 6, value); }
        }
        /// <summary>Absolute offset of the sender hardware address (6 bytes).</summary>
        public int SenderHardwareOffset { get { return _offset + 8; } }
        /// <summary>Sender IPv4 address.</summary>
        public uint SenderProtocolAddress
        {
            get { return NetOrder.ReadU32(_buffer, _offset + 14); }
            set { NetOrder.WriteU32(_buffer, _offset + 14, value); }
        }
        /// <summary>Absolute offset of the target hardware address (6 bytes).</summary>
        public int TargetHardwareOffset { get { return _offset + 18; } }
        /// <summary>Target IPv4 address.</summary>
        public uint TargetProtocolAddress
        {
            get { return NetOrder.ReadU32(_buffer, _offset + 24); }
            set { NetOrder.WriteU32(_buffer, _offset + 24, value); }
        }
    }
}
