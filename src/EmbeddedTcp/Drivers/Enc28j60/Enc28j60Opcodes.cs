namespace EmbeddedTcp.Drivers.Enc28j60
{
    /// <summary>
    /// ENC28J60 SPI opcodes (datasheet DS39662, table 4-1). The opcode is the top three bits
    /// of the first byte; the low five bits carry the register address (or 0x1A for buffer
    /// memory, 0x1F for the system reset).
    /// </summary>
    public static class Enc28j60Opcodes
    {
        /// <summary>Read Control Register: 000a aaaa, then one data byte (two for MAC/MII registers: dummy, data).</summary>
        public const byte ReadControlRegister = 0x00;
        /// <summary>Read Buffer Memory: 0011 1010, then data bytes from ERDPT.</summary>
        public const byte ReadBufferMemory = 0x3A;
        /// <summary>Write Control Register: 010a aaaa, data byte.</summary>
        public const byte WriteControlRegister = 0x40;
        /// <summary>Write Buffer Memory: 0111 1010, then data bytes to EWRPT.</summary>
        public const byte WriteBufferMemory = 0x7A;
        /// <summary>Bit Field Set: 100a aaaa, mask byte (ETH registers only).</summary>
        public const byte BitFieldSet = 0x80;
        /// <summary>Bit Field Clear: 101a aaaa, mask byte (ETH registers only).</summary>
        public const byte BitFieldClear = 0xA0;
        /// <summary>System Reset Command: 1111 1111.</summary>
        public const byte SystemReset = 0xFF;
    }
}
