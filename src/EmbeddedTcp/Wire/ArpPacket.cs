namespace EmbeddedTcp.Wire
{
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
                for (int i = 0; i < 6; i++)
                {
                    buffer[offset + 18 + i] = 0;
                }
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
