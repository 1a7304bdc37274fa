namespace EmbeddedTcp.Drivers.Enc28j60
{
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
}
