namespace EmbeddedTcp.Drivers.Enc28j60
{
    /// <summary>
    /// Control registers. Each value encodes the 5-bit address (bits 0-4), the bank (bits 5-6)
    /// and, in bit 7, whether it is a MAC/MII register (those answer RCR with a dummy byte
    /// first). Addresses 0x1B..0x1F are common to all banks.
    /// </summary>
    public static class Enc28j60Registers
    {
        /// <summary>Mask of the 5-bit register address.</summary>
        public const byte AddressMask = 0x1F;
        /// <summary>Flag of MAC and MII registers (a dummy byte precedes the data on RCR).</summary>
        public const byte MacMiiFlag = 0x80;
        /// <summary>First common register address; registers from here on ignore the bank.</summary>
        public const byte FirstCommon = 0x1B;

        private const byte Bank0 = 0x00, Bank1 = 0x20, Bank2 = 0x40, Bank3 = 0x60;

        // Common registers.
        /// <summary>Ethernet interrupt enable.</summary>
        public const byte EIE = 0x1B;
        /// <summary>Ethernet interrupt request (flags).</summary>
        public const byte EIR = 0x1C;
        /// <summary>Ethernet status.</summary>
        public const byte ESTAT = 0x1D;
        /// <summary>Ethernet control 2 (AUTOINC, PKTDEC, power).</summary>
        public const byte ECON2 = 0x1E;
        /// <summary>Ethernet control 1 (resets, TXRTS, RXEN, bank select).</summary>
        public const byte ECON1 = 0x1F;

        // Bank 0: buffer pointers.
        public const byte ERDPTL = Bank0 | 0x00;
        public const byte ERDPTH = Bank0 | 0x01;
        public const byte EWRPTL = Bank0 | 0x02;
        public const byte EWRPTH = Bank0 | 0x03;
        public const byte ETXSTL = Bank0 | 0x04;
        public const byte ETXSTH = Bank0 | 0x05;
        public const byte ETXNDL = Bank0 | 0x06;
        public const byte ETXNDH = Bank0 | 0x07;
        public const byte ERXSTL = Bank0 | 0x08;
        public const byte ERXSTH = Bank0 | 0x09;
        public const byte ERXNDL = Bank0 | 0x0A;
        public const byte ERXNDH = Bank0 | 0x0B;
        public const byte ERXRDPTL = Bank0 | 0x0C;
        public const byte ERXRDPTH = Bank0 | 0x0D;
        public const byte ERXWRPTL = Bank0 | 0x0E;
        public const byte ERXWRPTH = Bank0 | 0x0F;
        /// <summary>DMA source start, low byte (DS39662 section 13).</summary>
        public const byte EDMASTL = Bank0 | 0x10;
        /// <summary>DMA source start, high byte.</summary>
        public const byte EDMASTH = Bank0 | 0x11;
        /// <summary>DMA source end (last byte included), low byte.</summary>
        public const byte EDMANDL = Bank0 | 0x12;
        /// <summary>DMA source end, high byte.</summary>
        public const byte EDMANDH = Bank0 | 0x13;
        /// <summary>DMA copy destination, low byte.</summary>
        public const byte EDMADSTL = Bank0 | 0x14;
        /// <summary>DMA copy destination, high byte.</summary>
        public const byte EDMADSTH = Bank0 | 0x15;
        /// <summary>DMA checksum result, low byte (section 13.2).</summary>
        public const byte EDMACSL = Bank0 | 0x16;
        /// <summary>DMA checksum result, high byte.</summary>
        public const byte EDMACSH = Bank0 | 0x17;

        // Bank 1: filters and packet count.
        /// <summary>Hash table filter, bits 0..7 (section 8.2.4; EHT1..EHT7 follow at 0x01..0x07).</summary>
        public const byte EHT0 = Bank1 | 0x00;
        public const byte EPMM0 = Bank1 | 0x08;
        public const byte EPMCSL = Bank1 | 0x10;
        public const byte EPMCSH = Bank1 | 0x11;
        public const byte ERXFCON = Bank1 | 0x18;
        public const byte EPKTCNT = Bank1 | 0x19;

        // Bank 2: MAC and MII.
        public const byte MACON1 = Bank2 | MacMiiFlag | 0x00;
        public const byte MACON3 = Bank2 | MacMiiFlag | 0x02;
        public const byte MACON4 = Bank2 | MacMiiFlag | 0x03;
        public const byte MABBIPG = Bank2 | MacMiiFlag | 0x04;
        public const byte MAIPGL = Bank2 | MacMiiFlag | 0x06;
        public const byte MAIPGH = Bank2 | MacMiiFlag | 0x07;
        public const byte MACLCON1 = Bank2 | MacMiiFlag | 0x08;
        public const byte MACLCON2 = Bank2 | MacMiiFlag | 0x09;
        public const byte MAMXFLL = Bank2 | MacMiiFlag | 0x0A;
        public const byte MAMXFLH = Bank2 | MacMiiFlag | 0x0B;
        public const byte MICMD = Bank2 | MacMiiFlag | 0x12;
        public const byte MIREGADR = Bank2 | MacMiiFlag | 0x14;
        public const byte MIWRL = Bank2 | MacMiiFlag | 0x16;
        public const byte MIWRH = Bank2 | MacMiiFlag | 0x17;
        public const byte MIRDL = Bank2 | MacMiiFlag | 0x18;
        public const byte MIRDH = Bank2 | MacMiiFlag | 0x19;

        // Bank 3: MAC address, MII status, revision.
        public const byte MAADR5 = Bank3 | MacMiiFlag | 0x00;
        public const byte MAADR6 = Bank3 | MacMiiFlag | 0x01;
        public const byte MAADR3 = Bank3 | MacMiiFlag | 0x02;
        public const byte MAADR4 = Bank3 | MacMiiFlag | 0x03;
        public const byte MAADR1 = Bank3 | MacMiiFlag | 0x04;
        public const byte MAADR2 = Bank3 | MacMiiFlag | 0x05;
        public const byte MISTAT = Bank3 | MacMiiFlag | 0x0A;
        public const byte EREVID = Bank3 | 0x12;
        public const byte ECOCON = Bank3 | 0x15;
        public const byte EFLOCON = Bank3 | 0x17;

        /// <summary>The bank (0..3) of an encoded register.</summary>
        public static int BankOf(byte register) { return (register >> 5) & 0x03; }

        /// <summary>True for a register present in every bank (EIE..ECON1).</summary>
        public static bool IsCommon(byte register) { return (register & AddressMask) >= FirstCommon; }
    }
}
