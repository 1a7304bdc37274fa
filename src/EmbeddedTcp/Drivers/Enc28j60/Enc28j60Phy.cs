namespace EmbeddedTcp.Drivers.Enc28j60
{
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
