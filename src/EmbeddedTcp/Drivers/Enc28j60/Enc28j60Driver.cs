using EmbeddedTcp.Hal;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Drivers.Enc28j60
{
    /// <summary>
    /// Driver for Microchip's ENC28J60 10BASE-T controller over SPI (datasheet DS39662,
    /// silicon errata DS80349), implementing <see cref="INetworkDevice"/>.
    /// </summary>
    /// <remarks>
    /// <para>Buffer layout: receive ring 0x0000..0x19FF (errata: the ring must start at 0),
    /// transmit area 0x1A00..0x1FFF (control byte + 1514-byte frame + 7-byte status vector).</para>
    /// <para>Errata handled: the ring at address 0; ERXRDPT always written odd (next packet
    /// pointer - 1, or ERXND); EPKTCNT, never PKTIF, decides whether frames are pending; the
    /// transmit logic is reset after every abort and clearing TXRST is followed by clearing
    /// TXERIF; late collisions are retried; a 1 ms wait follows the SPI reset because CLKRDY
    /// is not cleared by it.</para>
    /// <para>Self-healing: every next-packet pointer is checked against the byte count it
    /// should follow from, and a mismatch resets the receive logic; receive overflows are
    /// counted; <see cref="Poll"/> reads EIR (or only when the interrupt pin says so), runs a
    /// health check each <see cref="HealthCheckIntervalMs"/> (RXEN still set, link state) and
    /// re-initialises the chip when RXEN was lost or nothing arrived for
    /// <see cref="ReceiveSilenceTimeoutMs"/> while the link was up. Re-initialisation keeps the
    /// MAC address and touches nothing above the driver, so the stack's connections survive.</para>
    /// <para>SPI cost in steady state: a received frame takes 4 transactions (EPKTCNT when the
    /// cached count is used up, header, frame, PKTDEC), plus, once <see cref="FreeThreshold"/>
    /// bytes of the ring have been consumed, ERXRDPTL and ERXRDPTH with a bank switch there and
    /// back: 6 per full-size frame when it is the only one pending; a transmitted frame takes 6 without an INT pin (EIR, clear TXIF,
    /// EWRPTL, EWRPTH, WBM, TXRTS) and 5 with one (ECON1, EWRPTL, EWRPTH, WBM, TXRTS; EIR only
    /// when the pin reports an abort), plus the ETXND bytes that changed and one bank switch
    /// when the previous call left another bank selected. Frames go between the chip and the
    /// caller's buffer in one transaction each, with no copy.</para>
    /// </remarks>
    public sealed class Enc28j60Driver : INetworkDevice, IChecksumOffload, IMulticastFilter
    {
        /// <summary>
        /// Shortest range the DMA checksum engine is used for (<see cref="IChecksumOffload.MinimumOffloadLength"/>).
        /// One offload costs about eight SPI transactions (each a managed-to-native call and ~100 IL
        /// in the board's SPI adapter on nanoCLR); the software sum costs ~12 IL per 16-bit word, so
        /// below ~200 bytes software is cheaper.
        /// </summary>
        public const int ChecksumOffloadMinimum = 256;

        private const int DmaBusyPolls = 100;
        /// <summary>First byte of the receive ring (errata: must be 0).</summary>
        public const int ReceiveStart = 0x0000;
        /// <summary>Last byte of the receive ring (odd, so ERXND is a valid odd ERXRDPT value).</summary>
        public const int ReceiveEnd = 0x19FF;
        /// <summary>Start of the transmit area: the per-packet control byte.</summary>
        public const int TransmitStart = 0x1A00;
        /// <summary>Largest frame on the wire including the FCS (MAMXFL).</summary>
        public const int MaxWireFrameLength = 1518;
        /// <summary>Largest frame accepted by <see cref="Send"/> (no FCS).</summary>
        public const int MaxFrameLength = 1514;

        private const int RingSize = ReceiveEnd - ReceiveStart + 1;
        private const int HeaderScratch = 16;
        private const int ClockReadyPolls = 1000;
        private const int MiiBusyPolls = 200;
        /// <summary>
        /// Consumed ring bytes at which ERXRDPT is moved (a bank switch and two register writes,
        /// DS39662 section 7.2.4: ERXRDPTL is buffered until ERXRDPTH is written). Below it the space
        /// stays held a little longer: with full-size frames the ring is freed every second frame,
        /// and the receive hardware always has at least RingSize - FreeThreshold + 1 = 4,609 bytes
        /// (three full-size frames, more than the default TCP receive window) beyond unread frames.
        /// </summary>
        private const int FreeThreshold = 2048;

        private readonly ISpiBus _spi;
        private readonly IInterruptPin _interrupt;
        private readonly IDigitalOutput _resetPin;
        private readonly IDelay _delay;
        private readonly byte[] _mac = new byte[6];
        private readonly byte[] _cmd = new byte[4];
        private readonly byte[] _reply = new byte[4];
        private readonly byte[] _header = new byte[HeaderScratch];
        private readonly byte[] _txHeader = new byte[] { Enc28j60Opcodes.WriteBufferMemory, 0x00 };
        private readonly Enc28j60Counters _counters = new Enc28j60Counters();

        private bool _initialized;
        private bool _linkUp;
        // The 64-bit hash table filter (EHT7..EHT0) for the joined multicast groups; 0 = off.
        private ulong _multicastHash;
        private int _bank = -1;
        private int _nextPacket;
        private int _freedTo;         // ERXRDPT + 1 as last written: the ring is freed up to here (lazy, see FreeThreshold)
        private int _readPointer = -1;
        private int _pending;
        private int _writePointer = -1;
        private int _transmitEnd = -1;
        private bool _transmitInFlight;
        private int _lateCollisionRetries;
        private long _nowMs;
        private long _lastReceiveMs;
        private long _nextHealthCheckMs;
        private long _nextInitAttemptMs;
        private int _revision;
        private int _receivedSum = -1;
        private int _dmaStart = -1;   // EDMAST as last written (-1: unknown)
        private int _dmaEnd = -1;     // EDMAND as last written

        /// <summary>
        /// Creates the driver. Nothing is sent to the chip until <see cref="Initialize"/> or the
        /// first <see cref="Poll"/>.
        /// </summary>
        /// <param name="spi">The chip's SPI device (mode 0, up to 20 MHz). Not owned.</param>
        /// <param name="macAddress">6 bytes at <paramref name="macOffset"/>; copied.</param>
        /// <param name="macOffset">Offset of the MAC address in <paramref name="macAddress"/>.</param>
        /// <param name="interrupt">Optional INT pin; when given, Poll reads EIR only while it is asserted.</param>
        /// <param name="resetPin">Optional RESET output (active low), pulsed before every initialisation.</param>
        /// <param name="delay">Optional delay used for reset timing; without it the driver polls CLKRDY only.</param>
        public Enc28j60Driver(ISpiBus spi, byte[] macAddress, int macOffset, IInterruptPin interrupt, IDigitalOutput resetPin, IDelay delay)
        {
            _spi = spi;
            _interrupt = interrupt;
            _resetPin = resetPin;
            _delay = delay;
            for (int i = 0; i < 6; i++)
            {
                _mac[i] = macAddress[macOffset + i];
            }
            TransmitWaitPolls = 2000;
            MaxLateCollisionRetries = 16;
            HealthCheckIntervalMs = 1000;
            ReceiveSilenceTimeoutMs = 60000;
            ChecksumOffloadEnabled = true;
        }

        /// <summary>Creates the driver with no interrupt pin, reset pin or delay.</summary>
        public Enc28j60Driver(ISpiBus spi, byte[] macAddress) : this(spi, macAddress, 0, null, null, null)
        {
        }

        /// <summary>Counters of traffic, drops, recoveries and SPI work.</summary>
        public Enc28j60Counters Counters { get { return _counters; } }

        /// <summary>True after a successful initialisation (false again while a failed re-initialisation waits for retry).</summary>
        public bool IsInitialized { get { return _initialized; } }

        /// <summary>Silicon revision read from EREVID at the last initialisation (6 is rev. B7).</summary>
        public int Revision { get { return _revision; } }

        /// <summary>Reads of EIR allowed while waiting for the previous frame to leave (default 2000; a 1518-byte frame takes 1.2 ms at 10 Mb/s).</summary>
        public int TransmitWaitPolls { get; set; }

        /// <summary>Retransmissions after a late collision before the frame is given up (default 16).</summary>
        public int MaxLateCollisionRetries { get; set; }

        /// <summary>Milliseconds between health checks in <see cref="Poll"/> (RXEN, link); default 1000.</summary>
        public long HealthCheckIntervalMs { get; set; }

        /// <summary>Re-initialise when nothing was received for this long while the link is up (default 60000 ms; 0 disables).</summary>
        public long ReceiveSilenceTimeoutMs { get; set; }

        /// <summary>Also accept multicast frames (ERXFCON.MCEN); applied at the next initialisation. Default false.</summary>
        public bool AcceptMulticast { get; set; }

        /// <inheritdoc />
        public bool LinkUp { get { return _linkUp; } }

        /// <summary>
        /// Use the DMA checksum engine (default true): received frames of at least
        /// <see cref="ChecksumOffloadMinimum"/> bytes come with <see cref="ReceivedSum"/>, and
        /// <see cref="SendWithChecksum"/> completes checksums on the chip. When false the driver
        /// reports no sums and completes checksums in software (the stack then sees the same bytes).
        /// </summary>
        public bool ChecksumOffloadEnabled { get; set; }

        /// <inheritdoc />
        public int MinimumOffloadLength { get { return ChecksumOffloadMinimum; } }

        /// <inheritdoc />
        public int ReceivedSum { get { return _receivedSum; } }

        /// <inheritdoc />
        public void GetMacAddress(byte[] destination, int offset)
        {
            if (!NetOrder.InBounds(destination, offset, 6))
            {
                return; // a bad argument is not thrown at (nothing is copied)
            }

            for (int i = 0; i < 6; i++)
            {
                destination[offset + i] = _mac[i];
            }
        }

        /// <summary>
        /// Resets and configures the chip (DS39662 section 6), then enables reception. Returns
        /// false, counted, when the chip does not come out of reset or does not answer.
        /// </summary>
        public bool Initialize()
        {
            _initialized = false;
            _transmitInFlight = false;
            if (!ResetChip())
            {
                _counters.InitializationFailures++;
                return false;
            }

            ConfigureBuffers();
            ConfigureFilters();
            ConfigureMac();
            if (!ConfigurePhy())
            {
                _counters.InitializationFailures++;
                return false;
            }

            EnableInterruptsAndReceive();
            _lastReceiveMs = _nowMs;
            _nextHealthCheckMs = _nowMs + HealthCheckIntervalMs;
            _initialized = true;
            return true;
        }

        // Reset (the RESET pin when wired, then the SPI reset command) and wait for the clock:
        // false when the chip does not come out of reset or does not answer.
        private bool ResetChip()
        {
            if (_resetPin != null)
            {
                _resetPin.Write(false);
                Delay(1);
                _resetPin.Write(true);
            }

            _cmd[0] = Enc28j60Opcodes.SystemReset;
            Transfer(1, null, 0, 0);
            _bank = 0; // ECON1 resets to 0
            // Errata: CLKRDY is not cleared by the SPI reset, so wait before trusting it.
            Delay(2);
            bool ready = false;
            for (int i = 0; i < ClockReadyPolls; i++)
            {
                if ((ReadRegister(Enc28j60Registers.ESTAT) & Enc28j60Bits.ESTAT_CLKRDY) != 0)
                {
                    ready = true;
                    break;
                }
            }

            _revision = ReadRegister(Enc28j60Registers.EREVID);
            return ready && _revision != 0 && _revision != 0xFF;
        }

        // Receive ring at 0 (errata) and transmit area after it. ERXRDPT odd: ERXND.
        private void ConfigureBuffers()
        {
            WriteRegisterPair(Enc28j60Registers.ERXSTL, Enc28j60Registers.ERXSTH, ReceiveStart);
            WriteRegisterPair(Enc28j60Registers.ERXNDL, Enc28j60Registers.ERXNDH, ReceiveEnd);
            WriteRegisterPair(Enc28j60Registers.ERXRDPTL, Enc28j60Registers.ERXRDPTH, ReceiveEnd);
            WriteRegisterPair(Enc28j60Registers.ERDPTL, Enc28j60Registers.ERDPTH, ReceiveStart);
            WriteRegisterPair(Enc28j60Registers.ETXSTL, Enc28j60Registers.ETXSTH, TransmitStart);
            WriteRegisterPair(Enc28j60Registers.ETXNDL, Enc28j60Registers.ETXNDH, TransmitStart);
            WriteRegisterPair(Enc28j60Registers.EWRPTL, Enc28j60Registers.EWRPTH, TransmitStart);
            _nextPacket = ReceiveStart;
            _freedTo = ReceiveStart;
            _readPointer = ReceiveStart;
            _pending = 0;
            _writePointer = TransmitStart;
            _transmitEnd = TransmitStart;
            _dmaStart = -1;
            _dmaEnd = -1;
        }

        // Filters: unicast to us, broadcast, CRC must be valid (OR of the enabled filters); all
        // multicast when asked, else the hash table of the joined groups.
        private void ConfigureFilters()
        {
            byte filter = (byte)(Enc28j60Bits.ERXFCON_UCEN | Enc28j60Bits.ERXFCON_CRCEN | Enc28j60Bits.ERXFCON_BCEN);
            if (AcceptMulticast)
            {
                filter |= Enc28j60Bits.ERXFCON_MCEN;
            }

            WriteMulticastHash();
            if (_multicastHash != 0)
            {
                filter |= Enc28j60Bits.ERXFCON_HTEN;
            }

            WriteRegister(Enc28j60Registers.ERXFCON, filter);
        }

        // MAC: receive on, pause frames both ways, pad to 60 + CRC, length check, full duplex.
        private void ConfigureMac()
        {
            WriteRegister(Enc28j60Registers.MACON1, (byte)(Enc28j60Bits.MACON1_MARXEN | Enc28j60Bits.MACON1_TXPAUS | Enc28j60Bits.MACON1_RXPAUS));
            WriteRegister(Enc28j60Registers.MACON3, (byte)(Enc28j60Bits.MACON3_PADCFG0 | Enc28j60Bits.MACON3_TXCRCEN | Enc28j60Bits.MACON3_FRMLNEN | Enc28j60Bits.MACON3_FULDPX));
            WriteRegister(Enc28j60Registers.MACON4, Enc28j60Bits.MACON4_DEFER);
            WriteRegisterPair(Enc28j60Registers.MAMXFLL, Enc28j60Registers.MAMXFLH, MaxWireFrameLength);
            WriteRegister(Enc28j60Registers.MABBIPG, 0x15); // full duplex back-to-back gap (9.6 us)
            WriteRegister(Enc28j60Registers.MAIPGL, 0x12);  // non-back-to-back gap
            WriteRegister(Enc28j60Registers.MAIPGH, 0x0C);  // (half duplex only)
            WriteRegister(Enc28j60Registers.MAADR1, _mac[0]);
            WriteRegister(Enc28j60Registers.MAADR2, _mac[1]);
            WriteRegister(Enc28j60Registers.MAADR3, _mac[2]);
            WriteRegister(Enc28j60Registers.MAADR4, _mac[3]);
            WriteRegister(Enc28j60Registers.MAADR5, _mac[4]);
            WriteRegister(Enc28j60Registers.MAADR6, _mac[5]);
        }

        // PHY to match the MAC: full duplex, no half-duplex loopback, LEDs, link interrupt. False
        // when a PHY write does not complete.
        private bool ConfigurePhy()
        {
            bool phyOk = PhyWrite(Enc28j60Phy.PHCON1, Enc28j60Phy.PHCON1_PDPXMD);
            phyOk &= PhyWrite(Enc28j60Phy.PHCON2, Enc28j60Phy.PHCON2_HDLDIS);
            phyOk &= PhyWrite(Enc28j60Phy.PHLCON, Enc28j60Phy.PHLCON_LEDS);
            phyOk &= PhyWrite(Enc28j60Phy.PHIE, (ushort)(Enc28j60Phy.PHIE_PGEIE | Enc28j60Phy.PHIE_PLNKIE));
            PhyRead(Enc28j60Phy.PHIR); // clears a stale link interrupt
            return phyOk;
        }

        // Interrupts, auto-increment, the link's state, then reception on.
        private void EnableInterruptsAndReceive()
        {
            BitClear(Enc28j60Registers.EIR, (byte)(Enc28j60Bits.EIR_DMAIF | Enc28j60Bits.EIR_TXIF | Enc28j60Bits.EIR_TXERIF | Enc28j60Bits.EIR_RXERIF));
            // PKTIE stays off (errata: PKTIF is unreliable; EPKTCNT is polled), so the INT pin means
            // "link change, receive overflow or transmit abort": a reason to read EIR.
            WriteRegister(Enc28j60Registers.EIE, (byte)(Enc28j60Bits.EIE_INTIE | Enc28j60Bits.EIE_LINKIE | Enc28j60Bits.EIE_TXERIE | Enc28j60Bits.EIE_RXERIE));
            BitSet(Enc28j60Registers.ECON2, Enc28j60Bits.ECON2_AUTOINC);
            bool up = (PhyRead(Enc28j60Phy.PHSTAT2) & Enc28j60Phy.PHSTAT2_LSTAT) != 0;
            if (up != _linkUp)
            {
                _counters.LinkChanges++;
                _linkUp = up;
            }

            BitSet(Enc28j60Registers.ECON1, Enc28j60Bits.ECON1_RXEN);
        }

        // A 16-bit value into a low/high register pair, low byte first.
        private void WriteRegisterPair(byte low, byte high, int value)
        {
            WriteRegister(low, (byte)(value & 0xFF));
            WriteRegister(high, (byte)(value >> 8));
        }

        /// <summary>
        /// Programs the hash table filter (DS39662 section 8.2.4, ERXFCON.HTEN, EHT0..EHT7) so the
        /// chip passes frames to these multicast addresses: each address's CRC-32 (the Ethernet
        /// FCS polynomial 0x04C11DB7 over its 6 bytes in wire order) selects with bits 28:23 one of
        /// the 64 bits. Chosen over ERXFCON.MCEN (all multicast) because MCEN lets every group on
        /// the LAN (IPv6 neighbour discovery, SSDP, other groups' mDNS-like floods) into the 8 KB
        /// ring and across SPI, each frame costing interpreter time; the hash passes our groups and
        /// about 1 in 64 of the others, which the stack drops (NetworkCounters.MulticastNotJoined).
        /// Count 0 turns the filter off. Applied now when initialised, and at every initialisation.
        /// </summary>
        public void SetMulticastFilter(byte[] macs, int offset, int count)
        {
            ulong hash = 0;
            for (int i = 0; i < count; i++)
            {
                hash |= 1UL << HashTableIndex(macs, offset + 6 * i);
            }

            _multicastHash = hash;
            if (!_initialized)
            {
                return;
            }

            WriteMulticastHash();
            int filter = ReadRegister(Enc28j60Registers.ERXFCON);
            filter = hash != 0 ? filter | Enc28j60Bits.ERXFCON_HTEN : filter & ~Enc28j60Bits.ERXFCON_HTEN;
            WriteRegister(Enc28j60Registers.ERXFCON, (byte)filter);
        }

        /// <summary>The hash table bit (0..63: EHT0 bit 0 .. EHT7 bit 7) the chip checks for the destination address at <paramref name="offset"/>.</summary>
        public static int HashTableIndex(byte[] mac, int offset)
        {
            // CRC-32 as the MAC computes the FCS: register shifted left, each byte fed least
            // significant bit first (the order on the wire), initial value all ones.
            uint crc = 0xFFFFFFFF;
            for (int i = 0; i < 6; i++)
            {
                int b = mac[offset + i];
                for (int bit = 0; bit < 8; bit++)
                {
                    uint feed = ((crc >> 31) ^ (uint)(b >> bit)) & 1;
                    crc <<= 1;
                    if (feed != 0)
                    {
                        crc ^= 0x04C11DB7;
                    }
                }
            }

            return (int)((crc >> 23) & 0x3F);
        }

        private void WriteMulticastHash()
        {
            ulong hash = _multicastHash;
            for (int i = 0; i < 8; i++)
            {
                WriteRegister((byte)(Enc28j60Registers.EHT0 + i), (byte)(hash >> (8 * i)));
            }
        }

        /// <inheritdoc />
        public int Receive(byte[] buffer, int offset, int capacity)
        {
            // The range check is NetOrder.InBounds written out: this runs per poll, and a call costs.
            if (!_initialized || buffer == null || offset < 0 || capacity < 0 || offset > buffer.Length - capacity)
            {
                return 0; // a buffer range that does not exist takes nothing (the frames stay in the chip)
            }
            // Bounded by the number of frames the chip can hold (EPKTCNT is 8 bits).
            for (int guard = 0; guard < 256; guard++)
            {
                if (_pending == 0)
                {
                    // Errata: EIR.PKTIF is unreliable; EPKTCNT is the truth.
                    _pending = ReadRegister(Enc28j60Registers.EPKTCNT);
                    if (_pending == 0)
                    {
                        return 0;
                    }
                }

                // Read the 6-byte header. When ERDPT sits just behind it (the previous frame's
                // CRC and pad byte), read through that gap instead of rewriting ERDPT.
                int skip = _readPointer < 0 ? -1 : RingDistance(_readPointer, _nextPacket);
                if (skip < 0 || skip > HeaderScratch - 6)
                {
                    SetReadPointer(_nextPacket);
                    skip = 0;
                }
                ReadBuffer(_header, 0, skip + 6);
                int next = _header[skip] | (_header[skip + 1] << 8);
                int byteCount = _header[skip + 2] | (_header[skip + 3] << 8);
                int status = _header[skip + 4] | (_header[skip + 5] << 8);
                _readPointer = RingAdvance(_nextPacket, 6);

                int expectedNext = RingAdvance(_nextPacket, (6 + byteCount + 1) & ~1);
                if (next != expectedNext || next > ReceiveEnd || byteCount > MaxWireFrameLength + 4 || byteCount < 4)
                {
                    // Corrupt ring (the "deaf" failure): never follow a bad pointer.
                    ResetReceiveLogic();
                    return 0;
                }

                int length = byteCount - 4;
                int result = 0;
                if ((status & Enc28j60Bits.RSV_RECEIVED_OK) == 0 || length > capacity || length < 14)
                {
                    _counters.ReceiveDrops++;
                }
                else
                {
                    // Checksum offload: the DMA sums the frame from its IPv4 header to its end while
                    // the frame is read over SPI (section 13.2; the DMA follows the ring's wrap).
                    bool sum = ChecksumOffloadEnabled && length >= ChecksumOffloadMinimum;
                    if (sum)
                    {
                        StartDmaChecksum(RingAdvance(_nextPacket, 6 + ChecksumOffload.ReceiveSumStart), RingAdvance(_nextPacket, 6 + length - 1));
                    }
                    ReadBuffer(buffer, offset, length);
                    // The frame stays in the ring (ERXRDPT not yet moved) until the sum is read.
                    // Errata (DS80349 DMA item, see README): a frame written meanwhile may spoil the sum;
                    // the stack checks a sum that does not verify again in software, so it costs time only.
                    _receivedSum = sum ? FinishDmaChecksum() : -1;
                    _readPointer = RingAdvance(_readPointer, length);
                    _counters.FramesReceived++;
                    _counters.BytesReceived += length;
                    result = length;
                }

                // Free the ring once enough has been consumed (FreeThreshold), not after every frame:
                // ERXRDPT lives in bank 0 and EPKTCNT in bank 1, so freeing each frame costs a bank
                // switch both ways besides its two writes. PKTDEC (ECON2, every bank) stays per frame.
                // A burst (more frames pending) frees at once: the held space is what it needs.
                if (_pending > 1 || RingDistance(_freedTo, next) >= FreeThreshold)
                {
                    FreeRing(next);
                }
                BitSet(Enc28j60Registers.ECON2, Enc28j60Bits.ECON2_PKTDEC);
                _nextPacket = next;
                _pending--;
                _lastReceiveMs = _nowMs;
                if (result != 0)
                {
                    return result;
                }
            }
            return 0;
        }

        /// <inheritdoc />
        public bool Send(byte[] frame, int offset, int length)
        {
            return SendFrame(frame, offset, length, -1, 0);
        }

        /// <inheritdoc />
        public bool SendWithChecksum(byte[] frame, int offset, int length, int sumStart, int checksumOffset)
        {
            if (sumStart < 0 || sumStart >= length || checksumOffset < sumStart || checksumOffset > length - 2)
            {
                _counters.TransmitDrops++;
                return false;
            }
            return SendFrame(frame, offset, length, sumStart, checksumOffset);
        }

        private bool SendFrame(byte[] frame, int offset, int length, int sumStart, int checksumOffset)
        {
            if (!_initialized || length < 14 || length > MaxFrameLength || !_linkUp
                || frame == null || offset < 0 || offset > frame.Length - length) // NetOrder.InBounds, written out (per frame)
            {
                _counters.TransmitDrops++;
                return false;
            }
            if (_transmitInFlight)
            {
                // Outcome of the previous frame decides only counters and recovery; the new
                // frame goes out either way.
                if (_interrupt != null)
                {
                    CompletePreviousTransmitWithInterruptPin();
                }
                else
                {
                    CompletePreviousTransmit();
                }
            }

            if (_interrupt == null)
            {
                // Completion is seen through EIR.TXIF, so clear it (and TXERIF) for this frame.
                BitClear(Enc28j60Registers.EIR, (byte)(Enc28j60Bits.EIR_TXIF | Enc28j60Bits.EIR_TXERIF));
            }
            SetWritePointer(TransmitStart);
            int end = TransmitStart + length; // last byte of the frame
            if ((end & 0xFF) != (_transmitEnd & 0xFF))
            {
                WriteRegister(Enc28j60Registers.ETXNDL, (byte)(end & 0xFF));
            }
            if ((end >> 8) != (_transmitEnd >> 8))
            {
                WriteRegister(Enc28j60Registers.ETXNDH, (byte)(end >> 8));
            }
            _transmitEnd = end;

            // One transaction: WBM opcode, per-packet control byte (0: use MACON3), the frame.
            _spi.Write(_txHeader, 0, 2, frame, offset, length);
            _counters.SpiTransactions++;
            _counters.SpiBytes += 2 + length;
            _writePointer = TransmitStart + 1 + length;
            if (sumStart >= 0)
            {
                FillChecksum(frame, offset, length, sumStart, checksumOffset);
            }

            BitSet(Enc28j60Registers.ECON1, Enc28j60Bits.ECON1_TXRTS);
            _transmitInFlight = true;
            _lateCollisionRetries = 0;
            _counters.FramesSent++;
            _counters.BytesSent += length;
            return true;
        }

        /// <inheritdoc />
        public void Poll(long nowMs)
        {
            _nowMs = nowMs;
            if (!_initialized)
            {
                if (nowMs >= _nextInitAttemptMs && !Initialize())
                {
                    _nextInitAttemptMs = nowMs + 1000;
                }
                return;
            }

            if (_interrupt == null || _interrupt.IsAsserted)
            {
                int eir = ReadRegister(Enc28j60Registers.EIR);
                if ((eir & Enc28j60Bits.EIR_LINKIF) != 0)
                {
                    PhyRead(Enc28j60Phy.PHIR); // reading PHIR clears LINKIF
                    UpdateLink();
                }
                if ((eir & Enc28j60Bits.EIR_RXERIF) != 0)
                {
                    HandleReceiveOverflow();
                }
                if ((eir & Enc28j60Bits.EIR_TXERIF) != 0 && !_transmitInFlight)
                {
                    _counters.TransmitErrors++;
                    ResetTransmitLogic();
                }
            }

            if (nowMs >= _nextHealthCheckMs)
            {
                _nextHealthCheckMs = nowMs + HealthCheckIntervalMs;
                int econ1 = ReadRegister(Enc28j60Registers.ECON1);
                _bank = econ1 & 0x03; // resynchronise the bank cache with the chip
                if ((econ1 & Enc28j60Bits.ECON1_RXEN) == 0)
                {
                    _counters.ReceiveEnableLost++;
                    Reinitialize();
                    return;
                }
                UpdateLink();
            }

            if (ReceiveSilenceTimeoutMs > 0 && _linkUp && nowMs - _lastReceiveMs >= ReceiveSilenceTimeoutMs)
            {
                _counters.SilenceRecoveries++;
                Reinitialize();
            }
        }

        /// <summary>
        /// Completes the checksum of the frame just written to the transmit area: the DMA sums bytes
        /// sumStart..length-1 as the chip holds them (the field holds the caller's seed), and the
        /// result goes into the field with one more buffer write.
        /// Errata (DS80349, DMA item; see README): a frame the receive hardware writes while the DMA
        /// runs may spoil the sum. ERXWRPT, which moves only when a frame has been written, is read
        /// before and after; when it moved, the sum is made in software from the caller's copy.
        /// </summary>
        private void FillChecksum(byte[] frame, int offset, int length, int sumStart, int checksumOffset)
        {
            int c;
            if (ChecksumOffloadEnabled)
            {
                int before = ReadRegister(Enc28j60Registers.ERXWRPTL) | (ReadRegister(Enc28j60Registers.ERXWRPTH) << 8);
                StartDmaChecksum(TransmitStart + 1 + sumStart, TransmitStart + length);
                c = FinishDmaChecksum();
                int after = ReadRegister(Enc28j60Registers.ERXWRPTL) | (ReadRegister(Enc28j60Registers.ERXWRPTH) << 8);
                if (c < 0 || after != before)
                {
                    _counters.ChecksumSoftwareFallbacks++;
                    c = -1;
                }
                else
                {
                    c = ~c & 0xFFFF; // the sum was returned; the field takes its complement
                }
            }
            else
            {
                c = -1;
            }
            if (c < 0)
            {
                c = Checksum.Finish(Checksum.Accumulate(0, frame, offset + sumStart, length - sumStart));
            }
            SetWritePointer(TransmitStart + 1 + checksumOffset);
            _cmd[0] = Enc28j60Opcodes.WriteBufferMemory;
            _cmd[1] = (byte)(c >> 8);
            _cmd[2] = (byte)c;
            Transfer(3, null, 0, 0);
            _writePointer = TransmitStart + 1 + checksumOffset + 2;
        }

        /// <summary>Programs EDMAST/EDMAND (only the bytes that changed) and starts a DMA checksum.</summary>
        private void StartDmaChecksum(int start, int end)
        {
            if (_dmaStart < 0 || (_dmaStart & 0xFF) != (start & 0xFF))
            {
                WriteRegister(Enc28j60Registers.EDMASTL, (byte)(start & 0xFF));
            }
            if (_dmaStart < 0 || (_dmaStart >> 8) != (start >> 8))
            {
                WriteRegister(Enc28j60Registers.EDMASTH, (byte)(start >> 8));
            }
            if (_dmaEnd < 0 || (_dmaEnd & 0xFF) != (end & 0xFF))
            {
                WriteRegister(Enc28j60Registers.EDMANDL, (byte)(end & 0xFF));
            }
            if (_dmaEnd < 0 || (_dmaEnd >> 8) != (end >> 8))
            {
                WriteRegister(Enc28j60Registers.EDMANDH, (byte)(end >> 8));
            }
            _dmaStart = start;
            _dmaEnd = end;
            BitSet(Enc28j60Registers.ECON1, (byte)(Enc28j60Bits.ECON1_CSUMEN | Enc28j60Bits.ECON1_DMAST));
            _counters.DmaChecksums++;
        }

        /// <summary>
        /// Waits (bounded) for ECON1.DMAST to clear and returns the one's complement sum (EDMACS holds
        /// its complement, section 13.2), or -1 when the DMA did not end (it is then cancelled).
        /// </summary>
        private int FinishDmaChecksum()
        {
            for (int i = 0; i < DmaBusyPolls; i++)
            {
                if ((ReadRegister(Enc28j60Registers.ECON1) & Enc28j60Bits.ECON1_DMAST) == 0)
                {
                    int low = ReadRegister(Enc28j60Registers.EDMACSL);
                    int high = ReadRegister(Enc28j60Registers.EDMACSH);
                    return ~(low | (high << 8)) & 0xFFFF;
                }
            }
            BitClear(Enc28j60Registers.ECON1, Enc28j60Bits.ECON1_DMAST);
            _counters.DmaTimeouts++;
            return -1;
        }

        /// <summary>Re-initialises the chip now (counted). Frames held by the chip are lost; the stack is not touched.</summary>
        public void Reinitialize()
        {
            _counters.Reinitializations++;
            if (!Initialize())
            {
                _nextInitAttemptMs = _nowMs + 1000;
            }
        }

        /// <summary>
        /// Moves ERXRDPT so that the receive hardware may write up to <paramref name="next"/>.
        /// Errata: ERXRDPT must be odd, so write next - 1 (or ERXND). ERXRDPTL first: the chip
        /// buffers it and loads both bytes when ERXRDPTH is written (DS39662 section 7.2.4).
        /// </summary>
        private void FreeRing(int next)
        {
            int freeTo = next == ReceiveStart ? ReceiveEnd : next - 1;
            WriteRegister(Enc28j60Registers.ERXRDPTL, (byte)(freeTo & 0xFF));
            WriteRegister(Enc28j60Registers.ERXRDPTH, (byte)(freeTo >> 8));
            _freedTo = next;
        }

        private void HandleReceiveOverflow()
        {
            _counters.ReceiveOverflows++;
            BitClear(Enc28j60Registers.EIR, Enc28j60Bits.EIR_RXERIF);
            // Space held back by the lazy free goes back to the chip first.
            if (_freedTo != _nextPacket)
            {
                FreeRing(_nextPacket);
            }
            // A full ring normally holds frames; a "full" ring with no frame is corrupt.
            if (_pending == 0 && ReadRegister(Enc28j60Registers.EPKTCNT) == 0)
            {
                ResetReceiveLogic();
            }
        }

        private void ResetReceiveLogic()
        {
            _counters.ReceiveResets++;
            BitClear(Enc28j60Registers.ECON1, Enc28j60Bits.ECON1_RXEN);
            BitSet(Enc28j60Registers.ECON1, Enc28j60Bits.ECON1_RXRST);
            BitClear(Enc28j60Registers.ECON1, Enc28j60Bits.ECON1_RXRST);
            // Rewriting ERXST/ERXND also moves the hardware write pointer back to the start.
            WriteRegister(Enc28j60Registers.ERXSTL, (byte)(ReceiveStart & 0xFF));
            WriteRegister(Enc28j60Registers.ERXSTH, (byte)(ReceiveStart >> 8));
            WriteRegister(Enc28j60Registers.ERXNDL, (byte)(ReceiveEnd & 0xFF));
            WriteRegister(Enc28j60Registers.ERXNDH, (byte)(ReceiveEnd >> 8));
            WriteRegister(Enc28j60Registers.ERXRDPTL, (byte)(ReceiveEnd & 0xFF));
            WriteRegister(Enc28j60Registers.ERXRDPTH, (byte)(ReceiveEnd >> 8));
            // Forget frames still counted by EPKTCNT (bounded: the counter is 8 bits).
            int stale = ReadRegister(Enc28j60Registers.EPKTCNT);
            for (int i = 0; i < stale; i++)
            {
                BitSet(Enc28j60Registers.ECON2, Enc28j60Bits.ECON2_PKTDEC);
            }
            BitClear(Enc28j60Registers.EIR, Enc28j60Bits.EIR_RXERIF);
            _nextPacket = ReceiveStart;
            _freedTo = ReceiveStart;
            _pending = 0;
            SetReadPointer(ReceiveStart);
            BitSet(Enc28j60Registers.ECON1, Enc28j60Bits.ECON1_RXEN);
        }

        private bool CompletePreviousTransmit()
        {
            int polls = 0;
            while (true)
            {
                int eir = ReadRegister(Enc28j60Registers.EIR);
                if ((eir & Enc28j60Bits.EIR_TXERIF) != 0)
                {
                    if (HandleTransmitAbort())
                    {
                        polls = 0;
                        continue;
                    }
                    return false;
                }
                if ((eir & Enc28j60Bits.EIR_TXIF) != 0)
                {
                    _transmitInFlight = false;
                    return true;
                }
                if (++polls >= TransmitWaitPolls)
                {
                    return GiveUpStalledTransmit();
                }
            }
        }

        /// <summary>
        /// With the INT pin wired, an abort raises the pin (EIE.TXERIE), so EIR is read only
        /// then and completion is ECON1.TXRTS clearing: one read per frame, no flag to clear.
        /// </summary>
        private bool CompletePreviousTransmitWithInterruptPin()
        {
            int polls = 0;
            while (true)
            {
                if ((ReadRegister(Enc28j60Registers.ECON1) & Enc28j60Bits.ECON1_TXRTS) == 0)
                {
                    // Ended. An abort would have raised the pin; only then is EIR worth a read.
                    if (_interrupt.IsAsserted && (ReadRegister(Enc28j60Registers.EIR) & Enc28j60Bits.EIR_TXERIF) != 0)
                    {
                        if (HandleTransmitAbort())
                        {
                            polls = 0;
                            continue;
                        }
                        return false;
                    }
                    _transmitInFlight = false;
                    return true;
                }
                if (++polls >= TransmitWaitPolls)
                {
                    return GiveUpStalledTransmit();
                }
            }
        }

        /// <summary>Stalled transmit logic (errata): TXRTS never clears by itself. Counts it, resets the logic; returns false.</summary>
        private bool GiveUpStalledTransmit()
        {
            _counters.TransmitTimeouts++;
            ResetTransmitLogic();
            _transmitInFlight = false;
            return false;
        }

        /// <summary>Counts an abort, resets the transmit logic (errata) and retries a late collision. True when retrying.</summary>
        private bool HandleTransmitAbort()
        {
            _counters.TransmitErrors++;
            bool late = (ReadRegister(Enc28j60Registers.ESTAT) & Enc28j60Bits.ESTAT_LATECOL) != 0;
            // Errata: an abort may stall the transmit logic; reset it before the next TXRTS.
            ResetTransmitLogic();
            if (late && _lateCollisionRetries < MaxLateCollisionRetries)
            {
                // The frame is still in the transmit area: send it again.
                _lateCollisionRetries++;
                _counters.LateCollisionRetries++;
                BitSet(Enc28j60Registers.ECON1, Enc28j60Bits.ECON1_TXRTS);
                return true;
            }
            _transmitInFlight = false;
            return false;
        }

        private void ResetTransmitLogic()
        {
            _counters.TransmitResets++;
            BitSet(Enc28j60Registers.ECON1, Enc28j60Bits.ECON1_TXRST);
            BitClear(Enc28j60Registers.ECON1, (byte)(Enc28j60Bits.ECON1_TXRST | Enc28j60Bits.ECON1_TXRTS));
            // Errata: clearing TXRST may raise TXERIF again, so clear the flags afterwards.
            BitClear(Enc28j60Registers.EIR, (byte)(Enc28j60Bits.EIR_TXERIF | Enc28j60Bits.EIR_TXIF));
            BitClear(Enc28j60Registers.ESTAT, (byte)(Enc28j60Bits.ESTAT_TXABRT | Enc28j60Bits.ESTAT_LATECOL));
        }

        private void UpdateLink()
        {
            bool up = (PhyRead(Enc28j60Phy.PHSTAT2) & Enc28j60Phy.PHSTAT2_LSTAT) != 0;
            if (up != _linkUp)
            {
                _counters.LinkChanges++;
                _linkUp = up;
                _lastReceiveMs = _nowMs; // the silence watchdog starts again with the link
            }
        }

        private void Delay(int milliseconds)
        {
            if (_delay != null)
            {
                _delay.DelayMilliseconds(milliseconds);
            }
        }

        // ---- ring arithmetic ----

        private static int RingAdvance(int pointer, int count)
        {
            int p = pointer + count;
            if (p > ReceiveEnd)
            {
                p -= RingSize;
            }
            return p;
        }

        private static int RingDistance(int from, int to)
        {
            int d = to - from;
            if (d < 0)
            {
                d += RingSize;
            }
            return d;
        }

        private void SetReadPointer(int address)
        {
            WriteRegister(Enc28j60Registers.ERDPTL, (byte)(address & 0xFF));
            WriteRegister(Enc28j60Registers.ERDPTH, (byte)(address >> 8));
            _readPointer = address;
        }

        private void SetWritePointer(int address)
        {
            // Only the bytes that differ from what the chip holds.
            if (_writePointer < 0 || (_writePointer & 0xFF) != (address & 0xFF))
            {
                WriteRegister(Enc28j60Registers.EWRPTL, (byte)(address & 0xFF));
            }
            if (_writePointer < 0 || (_writePointer >> 8) != (address >> 8))
            {
                WriteRegister(Enc28j60Registers.EWRPTH, (byte)(address >> 8));
            }
            _writePointer = address;
        }

        // ---- SPI primitives ----

        private void Transfer(int writeLength, byte[] readBuffer, int readOffset, int readLength)
        {
            _spi.Transfer(_cmd, 0, writeLength, readBuffer, readOffset, readLength);
            _counters.SpiTransactions++;
            _counters.SpiBytes += writeLength + readLength;
        }

        private void ReadBuffer(byte[] destination, int offset, int length)
        {
            _cmd[0] = Enc28j60Opcodes.ReadBufferMemory;
            Transfer(1, destination, offset, length);
        }

        private void SelectBank(byte register)
        {
            if ((register & Enc28j60Registers.AddressMask) >= Enc28j60Registers.FirstCommon)
            {
                return;
            }
            int bank = (register >> 5) & 0x03;
            if (bank == _bank)
            {
                return;
            }
            // BFC/BFS only: a WCR of ECON1 could start or abort a transmission.
            int clear = _bank < 0 ? 0x03 : (_bank & ~bank);
            int set = _bank < 0 ? bank : (bank & ~_bank);
            if (clear != 0)
            {
                _cmd[0] = (byte)(Enc28j60Opcodes.BitFieldClear | Enc28j60Registers.ECON1);
                _cmd[1] = (byte)clear;
                Transfer(2, null, 0, 0);
            }
            if (set != 0)
            {
                _cmd[0] = (byte)(Enc28j60Opcodes.BitFieldSet | Enc28j60Registers.ECON1);
                _cmd[1] = (byte)set;
                Transfer(2, null, 0, 0);
            }
            _bank = bank;
        }

        private int ReadRegister(byte register)
        {
            SelectBank(register);
            _cmd[0] = (byte)(Enc28j60Opcodes.ReadControlRegister | (register & Enc28j60Registers.AddressMask));
            // MAC and MII registers shift out a dummy byte first.
            int n = (register & Enc28j60Registers.MacMiiFlag) != 0 ? 2 : 1;
            Transfer(1, _reply, 0, n);
            return _reply[n - 1];
        }

        private void WriteRegister(byte register, byte value)
        {
            SelectBank(register);
            _cmd[0] = (byte)(Enc28j60Opcodes.WriteControlRegister | (register & Enc28j60Registers.AddressMask));
            _cmd[1] = value;
            Transfer(2, null, 0, 0);
        }

        private void BitSet(byte register, byte mask)
        {
            SelectBank(register);
            _cmd[0] = (byte)(Enc28j60Opcodes.BitFieldSet | (register & Enc28j60Registers.AddressMask));
            _cmd[1] = mask;
            Transfer(2, null, 0, 0);
        }

        private void BitClear(byte register, byte mask)
        {
            SelectBank(register);
            _cmd[0] = (byte)(Enc28j60Opcodes.BitFieldClear | (register & Enc28j60Registers.AddressMask));
            _cmd[1] = mask;
            Transfer(2, null, 0, 0);
        }

        private bool WaitMii()
        {
            for (int i = 0; i < MiiBusyPolls; i++)
            {
                if ((ReadRegister(Enc28j60Registers.MISTAT) & Enc28j60Bits.MISTAT_BUSY) == 0)
                {
                    return true;
                }
            }
            return false;
        }

        private int PhyRead(byte phyRegister)
        {
            WriteRegister(Enc28j60Registers.MIREGADR, phyRegister);
            WriteRegister(Enc28j60Registers.MICMD, Enc28j60Bits.MICMD_MIIRD);
            WaitMii();
            WriteRegister(Enc28j60Registers.MICMD, 0);
            int low = ReadRegister(Enc28j60Registers.MIRDL);
            int high = ReadRegister(Enc28j60Registers.MIRDH);
            return low | (high << 8);
        }

        private bool PhyWrite(byte phyRegister, ushort value)
        {
            WriteRegister(Enc28j60Registers.MIREGADR, phyRegister);
            WriteRegister(Enc28j60Registers.MIWRL, (byte)(value & 0xFF));
            WriteRegister(Enc28j60Registers.MIWRH, (byte)(value >> 8));
            return WaitMii();
        }
    }
}
