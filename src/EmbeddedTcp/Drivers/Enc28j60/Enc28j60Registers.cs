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

    /// <summary>Bits of the common and bank registers used by the driver (DS39662 register descriptions).</summary>
    public static class Enc28j60Bits
    {
        // EIE
        public const byte EIE_INTIE = 0x80, EIE_PKTIE = 0x40, EIE_DMAIE = 0x20, EIE_LINKIE = 0x10, EIE_TXIE = 0x08, EIE_TXERIE = 0x02, EIE_RXERIE = 0x01;
        // EIR
        public const byte EIR_PKTIF = 0x40, EIR_DMAIF = 0x20, EIR_LINKIF = 0x10, EIR_TXIF = 0x08, EIR_TXERIF = 0x02, EIR_RXERIF = 0x01;
        // ESTAT
        public const byte ESTAT_INT = 0x80, ESTAT_BUFER = 0x40, ESTAT_LATECOL = 0x10, ESTAT_RXBUSY = 0x04, ESTAT_TXABRT = 0x02, ESTAT_CLKRDY = 0x01;
        // ECON2
        public const byte ECON2_AUTOINC = 0x80, ECON2_PKTDEC = 0x40, ECON2_PWRSV = 0x20, ECON2_VRPS = 0x08;
        // ECON1
        public const byte ECON1_TXRST = 0x80, ECON1_RXRST = 0x40, ECON1_DMAST = 0x20, ECON1_CSUMEN = 0x10, ECON1_TXRTS = 0x08, ECON1_RXEN = 0x04, ECON1_BSEL1 = 0x02, ECON1_BSEL0 = 0x01;
        // ERXFCON
        public const byte ERXFCON_UCEN = 0x80, ERXFCON_ANDOR = 0x40, ERXFCON_CRCEN = 0x20, ERXFCON_PMEN = 0x10, ERXFCON_MPEN = 0x08, ERXFCON_HTEN = 0x04, ERXFCON_MCEN = 0x02, ERXFCON_BCEN = 0x01;
        // MACON1
        public const byte MACON1_TXPAUS = 0x08, MACON1_RXPAUS = 0x04, MACON1_PASSALL = 0x02, MACON1_MARXEN = 0x01;
        // MACON3
        public const byte MACON3_PADCFG2 = 0x80, MACON3_PADCFG1 = 0x40, MACON3_PADCFG0 = 0x20, MACON3_TXCRCEN = 0x10, MACON3_PHDREN = 0x08, MACON3_HFRMEN = 0x04, MACON3_FRMLNEN = 0x02, MACON3_FULDPX = 0x01;
        // MACON4
        public const byte MACON4_DEFER = 0x40, MACON4_BPEN = 0x20, MACON4_NOBKOFF = 0x10;
        // MICMD
        public const byte MICMD_MIISCAN = 0x02, MICMD_MIIRD = 0x01;
        // MISTAT
        public const byte MISTAT_NVALID = 0x04, MISTAT_SCAN = 0x02, MISTAT_BUSY = 0x01;
        // Per-packet transmit control byte
        public const byte TXCTRL_PHUGEEN = 0x08, TXCTRL_PPADEN = 0x04, TXCTRL_PCRCEN = 0x02, TXCTRL_POVERRIDE = 0x01;

        // Receive status vector (bits 16..31, as the 16-bit value of RSV bytes 4 and 5).
        public const int RSV_LONG_EVENT = 0x0001, RSV_CARRIER_EVENT = 0x0004, RSV_CRC_ERROR = 0x0010, RSV_LENGTH_CHECK_ERROR = 0x0020,
            RSV_LENGTH_OUT_OF_RANGE = 0x0040, RSV_RECEIVED_OK = 0x0080, RSV_MULTICAST = 0x0100, RSV_BROADCAST = 0x0200,
            RSV_DRIBBLE = 0x0400, RSV_CONTROL_FRAME = 0x0800, RSV_PAUSE_FRAME = 0x1000, RSV_UNKNOWN_OPCODE = 0x2000, RSV_VLAN = 0x4000;

        // Transmit status vector byte 2 (bits 16..23) and byte 3 (bits 24..31).
        public const byte TSV2_CRC_ERROR = 0x10, TSV2_LENGTH_CHECK_ERROR = 0x20, TSV2_LENGTH_OUT_OF_RANGE = 0x40, TSV2_DONE = 0x80;
        public const byte TSV3_MULTICAST = 0x01, TSV3_BROADCAST = 0x02, TSV3_DEFER = 0x04, TSV3_EXCESSIVE_DEFER = 0x08,
            TSV3_EXCESSIVE_COLLISION = 0x10, TSV3_LATE_COLLISION = 0x20, TSV3_GIANT = 0x40;
    }

    /// <summary>PHY registers (reached through MIREGADR/MICMD/MIWR/MIRD) and their bits.</summary>
    public static class Enc28j60Phy
    {
        public const byte PHCON1 = 0x00, PHSTAT1 = 0x01, PHID1 = 0x02, PHID2 = 0x03, PHCON2 = 0x10, PHSTAT2 = 0x11, PHIE = 0x12, PHIR = 0x13, PHLCON = 0x14;
        /// <summary>PHCON1: PHY software reset.</summary>
        public const ushort PHCON1_PRST = 0x8000;
        /// <summary>PHCON1: PHY loopback.</summary>
        public const ushort PHCON1_PLOOPBK = 0x4000;
        /// <summary>PHCON1: PHY power-down.</summary>
        public const ushort PHCON1_PPWRSV = 0x0800;
        /// <summary>PHCON1: full duplex (must match MACON3.FULDPX).</summary>
        public const ushort PHCON1_PDPXMD = 0x0100;
        /// <summary>PHSTAT1: latching-low link status.</summary>
        public const ushort PHSTAT1_LLSTAT = 0x0004;
        /// <summary>PHCON2: half-duplex loopback disable.</summary>
        public const ushort PHCON2_HDLDIS = 0x0100;
        /// <summary>PHSTAT2: link is up (not latching).</summary>
        public const ushort PHSTAT2_LSTAT = 0x0400;
        /// <summary>PHSTAT2: PHY is in full duplex.</summary>
        public const ushort PHSTAT2_DPXSTAT = 0x0200;
        /// <summary>PHIE: link change interrupt enable.</summary>
        public const ushort PHIE_PLNKIE = 0x0010;
        /// <summary>PHIE: global PHY interrupt enable.</summary>
        public const ushort PHIE_PGEIE = 0x0002;
        /// <summary>PHIR: link change interrupt flag (cleared by reading PHIR).</summary>
        public const ushort PHIR_PLNKIF = 0x0010;
        /// <summary>
        /// PHLCON: reserved bits 13:12 written as 1, LEDA = link status (0100), LEDB = transmit and
        /// receive activity (0111), normal stretch (LFRQ 00), stretching on (STRCH). Errata item 11
        /// (duplex + collision on one LED shows duplex only) does not apply to these choices.
        /// </summary>
        public const ushort PHLCON_LEDS = 0x3472;
        /// <summary>Expected PHID1 (Microchip OUI bits).</summary>
        public const ushort PHID1_VALUE = 0x0083;
    }
}
