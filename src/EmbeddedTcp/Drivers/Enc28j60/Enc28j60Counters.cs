namespace EmbeddedTcp.Drivers.Enc28j60
{
    /// <summary>
    /// Running counters of an <see cref="Enc28j60Driver"/>: traffic, drops, every recovery it
    /// performed and the SPI work it did. Plain fields so reading them costs nothing on the
    /// device; the driver only ever increments them.
    /// </summary>
    public sealed class Enc28j60Counters
    {
        /// <summary>Frames handed to the stack by Receive.</summary>
        public long FramesReceived;
        /// <summary>Bytes (without FCS) handed to the stack.</summary>
        public long BytesReceived;
        /// <summary>Frames written to the chip and started by Send.</summary>
        public long FramesSent;
        /// <summary>Bytes (without FCS) started by Send.</summary>
        public long BytesSent;
        /// <summary>Received frames dropped: longer than the caller's buffer, runt, or a receive status vector without "received OK".</summary>
        public long ReceiveDrops;
        /// <summary>Frames Send refused (link down, bad length, device not initialised).</summary>
        public long TransmitDrops;
        /// <summary>Receive buffer overflows reported by the chip (EIR.RXERIF): frames lost on the wire side.</summary>
        public long ReceiveOverflows;
        /// <summary>Receive-logic resets after a corrupt next-packet pointer or receive status vector.</summary>
        public long ReceiveResets;
        /// <summary>Transmissions aborted by the chip (EIR.TXERIF).</summary>
        public long TransmitErrors;
        /// <summary>Late-collision retransmissions (silicon errata, half duplex).</summary>
        public long LateCollisionRetries;
        /// <summary>Waits for the previous frame that ran out (transmit logic stalled).</summary>
        public long TransmitTimeouts;
        /// <summary>Transmit-logic resets (ECON1.TXRST) after an abort or a stall (errata).</summary>
        public long TransmitResets;
        /// <summary>Full re-initialisations of the chip (any cause, including the ones counted below).</summary>
        public long Reinitializations;
        /// <summary>Re-initialisations because ECON1.RXEN was found cleared.</summary>
        public long ReceiveEnableLost;
        /// <summary>Re-initialisations because nothing was received for the silence timeout while the link was up.</summary>
        public long SilenceRecoveries;
        /// <summary>Initialisations that failed (no clock, no chip answering).</summary>
        public long InitializationFailures;
        /// <summary>Link state changes seen (up to down or down to up).</summary>
        public long LinkChanges;
        /// <summary>SPI transactions (chip-select assertions) issued by the driver.</summary>
        public long SpiTransactions;
        /// <summary>SPI bytes clocked (command, data and dummy bytes).</summary>
        public long SpiBytes;
        /// <summary>DMA checksums started (checksum offload, both directions).</summary>
        public long DmaChecksums;
        /// <summary>DMA operations that did not end within the bounded wait (cancelled; the sum was made in software or not reported).</summary>
        public long DmaTimeouts;
        /// <summary>Transmit checksums made in software because a frame arrived during the DMA (errata) or the DMA timed out.</summary>
        public long ChecksumSoftwareFallbacks;
    }
}
