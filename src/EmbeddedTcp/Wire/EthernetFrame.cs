namespace EmbeddedTcp.Wire
{
    /// <summary>
    /// View of an Ethernet II frame (no FCS, no VLAN tag) over <c>Buffer[Offset .. Offset+Length)</c>.
    /// MAC addresses are read in place: <see cref="DestinationOffset"/>/<see cref="SourceOffset"/> point at 6 bytes.
    /// </summary>
    public struct EthernetFrame
    {
        /// <summary>Header length in bytes.</summary>
        public const int HeaderLength = 14;
        /// <summary>Shortest frame on the wire without FCS; shorter frames are padded with zeros when sent.</summary>
        public const int MinimumFrameLength = 60;
        /// <summary>Length of a MAC address.</summary>
        public const int MacLength = 6;

        /// <summary>The underlying buffer.</summary>
        public byte[] Buffer;
        /// <summary>Offset of the first byte of the frame (the destination MAC).</summary>
        public int Offset;
        /// <summary>Frame length in bytes (header + payload, no FCS).</summary>
        public int Length;

        /// <summary>Checks that <paramref name="length"/> bytes hold an Ethernet II header. The EtherType is not judged; read it.</summary>
        public static WireResult TryParse(byte[] buffer, int offset, int length, out EthernetFrame frame)
        {
            frame = default(EthernetFrame);
            if (!NetOrder.InBounds(buffer, offset, length) || length < HeaderLength) return WireResult.Truncated;
            frame.Buffer = buffer;
            frame.Offset = offset;
            frame.Length = length;
            return WireResult.Ok;
        }

        /// <summary>Unchecked view for emitting.</summary>
        public static EthernetFrame At(byte[] buffer, int offset, int length)
        {
            EthernetFrame f;
            f.Buffer = buffer;
            f.Offset = offset;
            f.Length = length;
            return f;
        }

        /// <summary>
        /// Writes destination, source and EtherType at <paramref name="offset"/> and returns a view of
        /// <c>14 + payloadLength</c> bytes. The payload is the caller's to write at <see cref="PayloadOffset"/>.
        /// </summary>
        public static EthernetFrame Emit(byte[] buffer, int offset, byte[] destinationMac, int destinationMacOffset, byte[] sourceMac, int sourceMacOffset, ushort etherType, int payloadLength)
        {
            for (int i = 0; i < 6; i++)
            {
                buffer[offset + i] = destinationMac[destinationMacOffset + i];
                buffer[offset + 6 + i] = sourceMac[sourceMacOffset + i];
            }
            buffer[offset + 12] = (byte)(etherType >> 8);
            buffer[offset + 13] = (byte)etherType;
            EthernetFrame f;
            f.Buffer = buffer;
            f.Offset = offset;
            f.Length = HeaderLength + payloadLength;
            return f;
        }

        /// <summary>Absolute offset of the destination MAC in <see cref="Buffer"/>.</summary>
        public int DestinationOffset { get { return Offset; } }
        /// <summary>Absolute offset of the source MAC in <see cref="Buffer"/>.</summary>
        public int SourceOffset { get { return Offset + 6; } }
        /// <summary>EtherType (0x0800 IPv4, 0x0806 ARP...).</summary>
        public ushort EtherType
        {
            get { return (ushort)((Buffer[Offset + 12] << 8) | Buffer[Offset + 13]); }
            set { Buffer[Offset + 12] = (byte)(value >> 8); Buffer[Offset + 13] = (byte)value; }
        }
        /// <summary>Absolute offset of the payload.</summary>
        public int PayloadOffset { get { return Offset + HeaderLength; } }
        /// <summary>Payload length (may include padding to 60 bytes).</summary>
        public int PayloadLength { get { return Length - HeaderLength; } }
        /// <summary>True when the destination is ff:ff:ff:ff:ff:ff.</summary>
        public bool IsBroadcast { get { return IsBroadcastMac(Buffer, Offset); } }
        /// <summary>True when the destination has the group bit set (multicast or broadcast).</summary>
        public bool IsMulticast { get { return (Buffer[Offset] & 1) != 0; } }

        /// <summary>Copies the destination MAC into <paramref name="destination"/> at <paramref name="destinationOffset"/>.</summary>
        public void CopyDestination(byte[] destination, int destinationOffset) { CopyMac(Buffer, Offset, destination, destinationOffset); }
        /// <summary>Copies the source MAC into <paramref name="destination"/> at <paramref name="destinationOffset"/>.</summary>
        public void CopySource(byte[] destination, int destinationOffset) { CopyMac(Buffer, Offset + 6, destination, destinationOffset); }
        /// <summary>Overwrites the destination MAC.</summary>
        public void SetDestination(byte[] mac, int macOffset) { CopyMac(mac, macOffset, Buffer, Offset); }
        /// <summary>Overwrites the source MAC.</summary>
        public void SetSource(byte[] mac, int macOffset) { CopyMac(mac, macOffset, Buffer, Offset + 6); }

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

    /// <summary>View of an ARP packet for IPv4 over Ethernet (RFC 826): 28 bytes.</summary>
    public struct ArpPacket
    {
        /// <summary>Length of an Ethernet/IPv4 ARP packet.</summary>
        public const int PacketLength = 28;

        /// <summary>The underlying buffer.</summary>
        public byte[] Buffer;
        /// <summary>Offset of the hardware type field.</summary>
        public int Offset;
        /// <summary>Always 28 after a successful parse or emit.</summary>
        public int Length;

        /// <summary>
        /// Checks length (Truncated), hardware type 1 / protocol 0x0800 / sizes 6 and 4 (Unsupported otherwise),
        /// and operation request or reply (Unsupported otherwise). Trailing padding is allowed.
        /// </summary>
        public static WireResult TryParse(byte[] buffer, int offset, int length, out ArpPacket packet)
        {
            packet = default(ArpPacket);
            if (!NetOrder.InBounds(buffer, offset, length) || length < PacketLength) return WireResult.Truncated;
            if (buffer[offset] != 0 || buffer[offset + 1] != 1 || buffer[offset + 2] != 0x08 || buffer[offset + 3] != 0
                || buffer[offset + 4] != 6 || buffer[offset + 5] != 4 || buffer[offset + 6] != 0
                || (buffer[offset + 7] != 1 && buffer[offset + 7] != 2))
            {
                return WireResult.Unsupported;
            }
            packet.Buffer = buffer;
            packet.Offset = offset;
            packet.Length = PacketLength;
            return WireResult.Ok;
        }

        /// <summary>Unchecked view.</summary>
        public static ArpPacket At(byte[] buffer, int offset)
        {
            ArpPacket p;
            p.Buffer = buffer;
            p.Offset = offset;
            p.Length = PacketLength;
            return p;
        }

        /// <summary>
        /// Writes a complete Ethernet/IPv4 ARP packet (28 bytes). A null <paramref name="targetMac"/> writes 00:00:00:00:00:00
        /// (as in a request).
        /// </summary>
        public static ArpPacket Emit(byte[] buffer, int offset, ushort operation, byte[] senderMac, int senderMacOffset, uint senderIp, byte[] targetMac, int targetMacOffset, uint targetIp)
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
            return At(buffer, offset);
        }

        /// <summary>Hardware type (1 = Ethernet).</summary>
        public ushort HardwareType { get { return NetOrder.ReadU16(Buffer, Offset); } }
        /// <summary>Protocol type (0x0800 = IPv4).</summary>
        public ushort ProtocolType { get { return NetOrder.ReadU16(Buffer, Offset + 2); } }
        /// <summary>Operation (<see cref="ArpOperation"/>).</summary>
        public ushort Operation
        {
            get { return NetOrder.ReadU16(Buffer, Offset + 6); }
            set { NetOrder.WriteU16(Buffer, Offset + 6, value); }
        }
        /// <summary>Absolute offset of the sender hardware address (6 bytes).</summary>
        public int SenderHardwareOffset { get { return Offset + 8; } }
        /// <summary>Sender IPv4 address.</summary>
        public uint SenderProtocolAddress
        {
            get { return NetOrder.ReadU32(Buffer, Offset + 14); }
            set { NetOrder.WriteU32(Buffer, Offset + 14, value); }
        }
        /// <summary>Absolute offset of the target hardware address (6 bytes).</summary>
        public int TargetHardwareOffset { get { return Offset + 18; } }
        /// <summary>Target IPv4 address.</summary>
        public uint TargetProtocolAddress
        {
            get { return NetOrder.ReadU32(Buffer, Offset + 24); }
            set { NetOrder.WriteU32(Buffer, Offset + 24, value); }
        }
    }
}
