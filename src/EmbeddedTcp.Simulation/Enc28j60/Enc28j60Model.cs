using System;
using EmbeddedTcp.Drivers.Enc28j60;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Simulation.Enc28j60
{
    /// <summary>
    /// A register-level model of the ENC28J60 behind its SPI interface, so the real driver runs
    /// unchanged on the desktop. It decodes the seven SPI opcodes with their byte formats,
    /// keeps the four register banks and the common registers, the 8 KB buffer memory with its
    /// pointer rules, the receive ring (filters, next-packet pointer, status vector, EPKTCNT,
    /// overflow), transmission with the control byte and status vector, the PHY behind the MII
    /// registers, EIR/EIE and the INT pin. Silicon errata can be switched on (they are on by
    /// default, as on a rev. B7 chip) and faults injected. Every SPI transaction and byte is
    /// counted. The packet paths allocate nothing. mscorlib only (no generics, no LINQ): the
    /// nanoCLR tests (tests/EmbeddedTcp.NanoTests) compile this file for nanoFramework and run the
    /// driver against it on the interpreter.
    /// </summary>
    public sealed class Enc28j60Model : ISpiBus, IInterruptPin, IDelay
    {
        /// <summary>Size of the buffer memory in bytes.</summary>
        public const int BufferSize = 8192;
        /// <summary>Frames the transmitted-frame queue holds before dropping the oldest.</summary>
        public const int TransmitQueueSlots = 64;
        private const int SlotSize = 1536;

        private readonly byte[] _memory = new byte[BufferSize];
        private readonly byte[] _registers = new byte[4 * 32];
        private readonly ushort[] _phy = new ushort[32];
        private readonly byte[] _txQueue = new byte[TransmitQueueSlots * SlotSize];
        private readonly int[] _txLengths = new int[TransmitQueueSlots];
        private int _txHead;
        private int _txCount;

        private int _rxWrite;           // internal hardware write pointer
        private int _rxReadLatched;     // ERXRDPT as latched by the high-byte write
        private bool _linkUp = true;
        private bool _linkLatchedLow;   // PHSTAT1.LLSTAT
        private int _miiBusy;
        private int _clockStartCountdown;
        private bool _txStalled;
        private int _txCountdown = -1;
        private bool _txFaultPending;
        private bool _txFaultLate;
        private int _txFaultRemaining;
        private bool _corruptNextPacket;
        private bool _deaf;
        private bool _resetPinLow;
        private int _dmaCountdown = -1;   // transactions until the running DMA operation ends (-1: idle)
        private bool _dmaDisturbed;       // a frame was written into the ring while the DMA ran (errata)
        private readonly ResetLine _resetLine;

        private static readonly uint[] CrcTable = BuildCrcTable();

        /// <summary>Creates a chip in its power-on state with the link up.</summary>
        public Enc28j60Model()
        {
            ErrataEvenReadPointerCorrupts = true;
            ErrataPacketFlagUnreliable = true;
            ErrataTransmitStallAfterAbort = true;
            ErrataReceiveStartResetsWritePointerToZero = true;
            ErrataDmaChecksumDisturbedByReception = true;
            Revision = 0x06;
            _resetLine = new ResetLine(this);
            PowerOnReset();
        }

        // ---------------- configuration: errata and timing ----------------

        /// <summary>Errata: an even ERXRDPT lets the receive hardware corrupt the next-packet pointer of the frames it writes.</summary>
        public bool ErrataEvenReadPointerCorrupts { get; set; }
        /// <summary>Errata: EIR.PKTIF is not set for received frames (only EPKTCNT tells).</summary>
        public bool ErrataPacketFlagUnreliable { get; set; }
        /// <summary>Errata: after a transmit abort, the next TXRTS never completes until TXRST is pulsed.</summary>
        public bool ErrataTransmitStallAfterAbort { get; set; }
        /// <summary>Errata: writing ERXST/ERXND sets the internal write pointer to 0 rather than ERXST.</summary>
        public bool ErrataReceiveStartResetsWritePointerToZero { get; set; }
        /// <summary>
        /// Errata (DS80349, the DMA item; see the driver's README): a DMA checksum during which the receive
        /// hardware writes a frame into the buffer ends with a wrong EDMACS. The model flips bit 8 of the
        /// result, so the wrong value is deterministic; <see cref="DmaChecksumsDisturbed"/> counts them.
        /// </summary>
        public bool ErrataDmaChecksumDisturbedByReception { get; set; }
        /// <summary>
        /// SPI transactions a DMA operation takes before ECON1.DMAST clears (0: it ends before the next
        /// transaction). DS39662 section 13 gives no figure; the DMA moves one byte per internal cycle, far
        /// faster than SPI, so the default is 0 and tests raise it to exercise the driver's polling.
        /// </summary>
        public int DmaLatencyTransactions { get; set; }
        /// <summary>DMA checksums whose result the errata corrupted (a frame arrived while they ran).</summary>
        public long DmaChecksumsDisturbed { get; private set; }
        /// <summary>DMA operations started (copies and checksums).</summary>
        public long DmaOperations { get; private set; }

        /// <summary>Flips bits of buffer memory at <paramref name="address"/> (a fault inside the chip, after the CRC was checked).</summary>
        public void CorruptMemory(int address, byte xorMask) { _memory[address & 0x1FFF] ^= xorMask; }

        /// <summary>The receive ring address where the next frame will be written (ERXWRPT, the internal write pointer).</summary>
        public int ReceiveWritePointer { get { return _rxWrite; } }

        /// <summary>SPI transactions a transmission takes before it completes (0: complete at once).</summary>
        public int TransmitLatencyTransactions { get; set; }
        /// <summary>Value of EREVID (6 = rev. B7).</summary>
        public byte Revision { get; set; }
        /// <summary>Called with each transmitted frame (no FCS, padded as the MAC pads) instead of queueing it. Must not keep the array.</summary>
        public Enc28j60FrameHandler FrameTransmitted { get; set; }

        // ---------------- counters ----------------

        /// <summary>SPI transactions (chip-select assertions) seen.</summary>
        public long Transactions { get; private set; }
        /// <summary>SPI bytes clocked in either direction (opcodes, data, dummy bytes).</summary>
        public long BytesTransferred { get; private set; }
        /// <summary>Frames written into the receive ring.</summary>
        public long FramesAccepted { get; private set; }
        /// <summary>Frames rejected by ERXFCON.</summary>
        public long FramesFiltered { get; private set; }
        /// <summary>Frames lost because the ring or EPKTCNT was full (RXERIF raised).</summary>
        public long FramesDroppedFull { get; private set; }
        /// <summary>Frames lost because reception was off (RXEN clear, link down, deaf fault).</summary>
        public long FramesDroppedNotReceiving { get; private set; }
        /// <summary>Frames put on the wire.</summary>
        public long FramesTransmitted { get; private set; }
        /// <summary>Transmissions aborted (injected errors).</summary>
        public long TransmitAborts { get; private set; }
        /// <summary>Frames written while ERXRDPT was even and the errata corrupted them.</summary>
        public long CorruptedByEvenReadPointer { get; private set; }
        /// <summary>System resets (SPI command or reset pin).</summary>
        public long SystemResets { get; private set; }

        // ---------------- inspection ----------------

        /// <summary>The active-low RESET pin of the chip.</summary>
        public IDigitalOutput ResetPin { get { return _resetLine; } }

        /// <summary>Current value of a control register (encoded as in <see cref="Enc28j60Registers"/>), without side effects.</summary>
        public byte PeekRegister(byte register)
        {
            return _registers[Index(Enc28j60Registers.BankOf(register), register & 0x1F)];
        }

        /// <summary>Current value of a PHY register, without side effects.</summary>
        public ushort PeekPhy(int register) { return PhyValue(register, false); }

        /// <summary>A byte of buffer memory.</summary>
        public byte PeekMemory(int address) { return _memory[address & 0x1FFF]; }

        /// <summary>Frames counted by EPKTCNT.</summary>
        public int PacketCount { get { return _registers[Index(1, 0x19)]; } }

        /// <summary>True while the link is up.</summary>
        public bool LinkUp { get { return _linkUp; } }

        /// <summary>INT pin: asserted while EIE.INTIE is set and an enabled EIR flag is set.</summary>
        public bool IsAsserted
        {
            get
            {
                int eie = _registers[0x1B];
                return (eie & 0x80) != 0 && (Eir() & eie & 0x7B) != 0;
            }
        }

        // ---------------- the wire ----------------

        /// <summary>
        /// A frame (no preamble, no FCS) arrives from the wire. It is filtered by ERXFCON and
        /// written to the receive ring with its FCS, next-packet pointer and status vector.
        /// Returns true when the chip kept it.
        /// </summary>
        public bool InjectFrame(byte[] frame, int offset, int length)
        {
            int econ1 = _registers[0x1F];
            if (!_linkUp || _deaf || (econ1 & Enc28j60Bits.ECON1_RXEN) == 0 || _resetPinLow)
            {
                FramesDroppedNotReceiving++;
                return false;
            }
            if (length < 14 || !PassesFilter(frame, offset))
            {
                FramesFiltered++;
                return false;
            }
            int byteCount = length + 4;
            int maxFrame = _registers[Index(2, 0x0A)] | (_registers[Index(2, 0x0B)] << 8);
            if (byteCount > maxFrame && (_registers[Index(2, 0x02)] & Enc28j60Bits.MACON3_HFRMEN) == 0)
            {
                FramesFiltered++;
                return false;
            }
            int ringStart = Word(0, 0x08);
            int ringEnd = Word(0, 0x0A);
            int ringSize = ringEnd - ringStart + 1;
            int needed = (6 + byteCount + 1) & ~1;
            int free = _rxReadLatched == _rxWrite ? ringSize
                : (_rxReadLatched > _rxWrite ? _rxReadLatched - _rxWrite : ringSize - (_rxWrite - _rxReadLatched));
            int count = _registers[Index(1, 0x19)];
            if (needed >= free || count == 255)
            {
                _registers[0x1C] |= Enc28j60Bits.EIR_RXERIF;
                FramesDroppedFull++;
                return false;
            }

            int start = _rxWrite;
            int next = RingAdd(start, needed, ringStart, ringEnd);
            int storedNext = next;
            if (ErrataEvenReadPointerCorrupts && (_rxReadLatched & 1) == 0)
            {
                storedNext ^= 0x0102;
                CorruptedByEvenReadPointer++;
            }
            if (_corruptNextPacket)
            {
                storedNext = 0x1F00;
                _corruptNextPacket = false;
            }
            bool broadcast = IsBroadcast(frame, offset);
            bool multicast = !broadcast && (frame[offset] & 1) != 0;
            int p = start;
            p = PutRing(p, (byte)storedNext, ringStart, ringEnd);
            p = PutRing(p, (byte)(storedNext >> 8), ringStart, ringEnd);
            p = PutRing(p, (byte)byteCount, ringStart, ringEnd);
            p = PutRing(p, (byte)(byteCount >> 8), ringStart, ringEnd);
            p = PutRing(p, 0x80, ringStart, ringEnd); // received OK
            p = PutRing(p, (byte)((multicast ? 0x01 : 0) | (broadcast ? 0x02 : 0)), ringStart, ringEnd);
            for (int i = 0; i < length; i++)
            {
                p = PutRing(p, frame[offset + i], ringStart, ringEnd);
            }
            uint crc = Crc32(frame, offset, length);
            for (int i = 0; i < 4; i++)
            {
                p = PutRing(p, (byte)(crc >> (8 * i)), ringStart, ringEnd);
            }
            if (_dmaCountdown >= 0)
            {
                _dmaDisturbed = true;
            }
            _rxWrite = next;
            _registers[Index(0, 0x0E)] = (byte)next;
            _registers[Index(0, 0x0F)] = (byte)(next >> 8);
            _registers[Index(1, 0x19)] = (byte)(count + 1);
            FramesAccepted++;
            return true;
        }

        /// <summary>Takes the oldest transmitted frame from the queue (used when <see cref="FrameTransmitted"/> is null).</summary>
        public bool TryTakeTransmitted(byte[] destination, int offset, out int length)
        {
            if (_txCount == 0)
            {
                length = 0;
                return false;
            }
            int slot = (_txHead - _txCount + TransmitQueueSlots) % TransmitQueueSlots;
            length = _txLengths[slot];
            Array.Copy(_txQueue, slot * SlotSize, destination, offset, length);
            _txCount--;
            return true;
        }

        // ---------------- faults ----------------

        /// <summary>Brings the link up or down (PHSTAT2.LSTAT, PHIR.PLNKIF, EIR.LINKIF).</summary>
        public void SetLink(bool up)
        {
            if (up == _linkUp)
            {
                return;
            }
            _linkUp = up;
            if (!up)
            {
                _linkLatchedLow = true;
            }
            _phy[Enc28j60Phy.PHIR] |= (ushort)(Enc28j60Phy.PHIR_PLNKIF | 0x0004);
            ushort phie = _phy[Enc28j60Phy.PHIE];
            if ((phie & Enc28j60Phy.PHIE_PGEIE) != 0 && (phie & Enc28j60Phy.PHIE_PLNKIE) != 0)
            {
                _registers[0x1C] |= Enc28j60Bits.EIR_LINKIF;
            }
        }

        /// <summary>The next <paramref name="count"/> transmissions abort (TXERIF, TXABRT; LATECOL too when <paramref name="lateCollision"/>).</summary>
        public void InjectTransmitError(bool lateCollision, int count)
        {
            _txFaultPending = true;
            _txFaultLate = lateCollision;
            _txFaultRemaining = count;
        }

        /// <summary>Clears ECON1.RXEN as the chip is reported to do by itself ("going deaf").</summary>
        public void ClearReceiveEnable() { _registers[0x1F] &= unchecked((byte)~Enc28j60Bits.ECON1_RXEN); }

        /// <summary>The next frame written to the ring gets a next-packet pointer outside the ring.</summary>
        public void CorruptNextPacketPointer() { _corruptNextPacket = true; }

        /// <summary>The receiver silently drops everything until the next system reset, registers looking normal.</summary>
        public void MakeDeaf() { _deaf = true; }

        /// <summary>IDelay: a delay lets the oscillator start-up timer finish.</summary>
        public void DelayMilliseconds(int milliseconds)
        {
            if (milliseconds > 0)
            {
                _clockStartCountdown = 0;
            }
        }

        // ---------------- SPI ----------------

        /// <inheritdoc />
        public void Transfer(byte[] writeBuffer, int writeOffset, int writeLength, byte[] readBuffer, int readOffset, int readLength)
        {
            BeginTransaction(writeLength + readLength);
            if (writeLength <= 0 || _resetPinLow)
            {
                return;
            }
            byte op = writeBuffer[writeOffset];
            int opcode = op >> 5;
            int arg = op & 0x1F;
            switch (opcode)
            {
                case 0: // RCR
                    {
                        int bank = _registers[0x1F] & 0x03;
                        byte value = ReadRegister(bank, arg);
                        bool dummy = IsMacMii(bank, arg);
                        for (int i = 0; i < readLength; i++)
                        {
                            readBuffer[readOffset + i] = dummy && i == 0 ? (byte)0xFF : value;
                        }
                        break;
                    }
                case 1: // RBM
                    if (arg == 0x1A)
                    {
                        for (int i = 0; i < readLength; i++)
                        {
                            readBuffer[readOffset + i] = ReadBufferByte();
                        }
                    }
                    break;
                case 2: // WCR
                    if (writeLength >= 2)
                    {
                        WriteRegister(_registers[0x1F] & 0x03, arg, writeBuffer[writeOffset + 1]);
                    }
                    break;
                case 3: // WBM
                    if (arg == 0x1A)
                    {
                        for (int i = 1; i < writeLength; i++)
                        {
                            WriteBufferByte(writeBuffer[writeOffset + i]);
                        }
                    }
                    break;
                case 4: // BFS
                case 5: // BFC
                    if (writeLength >= 2)
                    {
                        BitField(opcode == 4, arg, writeBuffer[writeOffset + 1]);
                    }
                    break;
                case 7:
                    if (op == 0xFF)
                    {
                        SystemReset();
                    }
                    break;
            }
        }

        /// <inheritdoc />
        public void Write(byte[] header, int headerOffset, int headerLength, byte[] data, int dataOffset, int dataLength)
        {
            if (headerLength <= 0)
            {
                BeginTransaction(dataLength);
                return;
            }
            byte op = header[headerOffset];
            if (op != Enc28j60Opcodes.WriteBufferMemory || _resetPinLow)
            {
                // Any other command takes at most one argument byte.
                _scratch[0] = op;
                int n = 1;
                if (headerLength >= 2)
                {
                    _scratch[1] = header[headerOffset + 1];
                    n = 2;
                }
                else if (dataLength > 0)
                {
                    _scratch[1] = data[dataOffset];
                    n = 2;
                }
                Transfer(_scratch, 0, n, null, 0, 0);
                BytesTransferred += headerLength + dataLength - n;
                return;
            }
            BeginTransaction(headerLength + dataLength);
            for (int i = 1; i < headerLength; i++)
            {
                WriteBufferByte(header[headerOffset + i]);
            }
            for (int i = 0; i < dataLength; i++)
            {
                WriteBufferByte(data[dataOffset + i]);
            }
        }

        private readonly byte[] _scratch = new byte[2];

        private void BeginTransaction(int bytes)
        {
            Transactions++;
            BytesTransferred += bytes;
            if (_miiBusy > 0)
            {
                _miiBusy--;
            }
            if (_clockStartCountdown > 0)
            {
                _clockStartCountdown--;
            }
            if (_dmaCountdown > 0)
            {
                if (--_dmaCountdown == 0)
                {
                    CompleteDma();
                }
            }
            if (_txCountdown > 0)
            {
                _txCountdown--;
                if (_txCountdown == 0)
                {
                    _txCountdown = -1;
                    CompleteTransmit();
                }
            }
        }

        // ---------------- registers ----------------

        private static int Index(int bank, int address)
        {
            return address >= 0x1B ? address : bank * 32 + address;
        }

        private int Word(int bank, int lowAddress)
        {
            return (_registers[Index(bank, lowAddress)] | (_registers[Index(bank, lowAddress + 1)] << 8)) & 0x1FFF;
        }

        private void SetWord(int bank, int lowAddress, int value)
        {
            _registers[Index(bank, lowAddress)] = (byte)value;
            _registers[Index(bank, lowAddress + 1)] = (byte)((value >> 8) & 0x1F);
        }

        private static bool IsMacMii(int bank, int address)
        {
            if (address >= 0x1B)
            {
                return false;
            }
            return bank == 2 || (bank == 3 && (address <= 0x05 || address == 0x0A));
        }

        private byte Eir()
        {
            byte eir = _registers[0x1C];
            if (!ErrataPacketFlagUnreliable && _registers[Index(1, 0x19)] > 0)
            {
                eir |= Enc28j60Bits.EIR_PKTIF;
            }
            return eir;
        }

        private byte ReadRegister(int bank, int address)
        {
            switch (address)
            {
                case 0x1C:
                    return Eir();
                case 0x1D:
                    {
                        byte estat = (byte)(_registers[0x1D] & 0x52);
                        if (_clockStartCountdown == 0)
                        {
                            estat |= Enc28j60Bits.ESTAT_CLKRDY;
                        }
                        if (IsAsserted)
                        {
                            estat |= Enc28j60Bits.ESTAT_INT;
                        }
                        return estat;
                    }
            }
            if (bank == 3 && address == 0x0A)
            {
                return (byte)(_miiBusy > 0 ? Enc28j60Bits.MISTAT_BUSY : 0);
            }
            if (bank == 3 && address == 0x12)
            {
                return Revision;
            }
            return _registers[Index(bank, address)];
        }

        private void BitField(bool set, int address, byte mask)
        {
            int bank = _registers[0x1F] & 0x03;
            if (IsMacMii(bank, address))
            {
                return; // BFS/BFC work on ETH registers only
            }
            byte old = _registers[Index(bank, address)];
            if (address == 0x1C)
            {
                old = Eir();
            }
            WriteRegister(bank, address, set ? (byte)(old | mask) : (byte)(old & ~mask));
        }

        private void WriteRegister(int bank, int address, byte value)
        {
            int index = Index(bank, address);
            if (address >= Enc28j60Registers.FirstCommon)
            {
                WriteCommonRegister(index, address, value);
                return;
            }
            switch (bank)
            {
                case 0:
                    WriteBank0Register(index, address, value);
                    return;
                case 1:
                    if (address == 0x19)
                    {
                        return; // EPKTCNT is read-only
                    }
                    _registers[index] = value;
                    return;
                case 2:
                    WriteBank2Register(index, address, value);
                    return;
                default:
                    if (address == 0x0A || address == 0x12)
                    {
                        return; // MISTAT, EREVID read-only
                    }
                    _registers[index] = value;
                    return;
            }
        }

        /// <summary>EIE, EIR, ESTAT, ECON2, ECON1: the registers every bank shares.</summary>
        private void WriteCommonRegister(int index, int address, byte value)
        {
            switch (address)
            {
                case Enc28j60Registers.EIE:
                    _registers[index] = value;
                    return;
                case Enc28j60Registers.EIR: // PKTIF and LINKIF are read-only
                    {
                        byte keep = (byte)(_registers[index] & Enc28j60Bits.EIR_LINKIF);
                        _registers[index] = (byte)(keep | (value & (Enc28j60Bits.EIR_DMAIF | Enc28j60Bits.EIR_TXIF | Enc28j60Bits.EIR_TXERIF | Enc28j60Bits.EIR_RXERIF)));
                        return;
                    }
                case Enc28j60Registers.ESTAT: // software may only clear BUFER, LATECOL, TXABRT
                    _registers[index] = (byte)(_registers[index] & (value | ~0x52) & 0x52);
                    return;
                case Enc28j60Registers.ECON2:
                    if ((value & Enc28j60Bits.ECON2_PKTDEC) != 0)
                    {
                        int c = _registers[Index(1, 0x19)];
                        if (c > 0)
                        {
                            _registers[Index(1, 0x19)] = (byte)(c - 1);
                        }
                    }
                    _registers[index] = (byte)(value & ~Enc28j60Bits.ECON2_PKTDEC);
                    return;
                default: // ECON1
                    WriteEcon1(value);
                    return;
            }
        }

        /// <summary>Bank 0: the buffer and DMA pointers.</summary>
        private void WriteBank0Register(int index, int address, byte value)
        {
            if (address == 0x0E || address == 0x0F || address > 0x17)
            {
                return; // ERXWRPT is read-only
            }
            if (_dmaCountdown >= 0 && address >= 0x10 && address <= 0x15)
            {
                return; // section 13: the DMA pointers must not change while it runs (ignored here)
            }
            _registers[index] = (byte)(address % 2 == 1 && address <= 0x0F ? value & 0x1F : value);
            if (address >= 0x08 && address <= 0x0B)
            {
                // Writing ERXST/ERXND resets the internal write pointer (errata: to 0).
                _rxWrite = ErrataReceiveStartResetsWritePointerToZero ? 0 : Word(0, 0x08);
                SetWord(0, 0x0E, _rxWrite);
            }
            else if (address == 0x0D)
            {
                _rxReadLatched = Word(0, 0x0C); // ERXRDPT takes effect on the high byte
            }
        }

        /// <summary>Bank 2: the MAC registers and the MII interface to the PHY.</summary>
        private void WriteBank2Register(int index, int address, byte value)
        {
            if (address == 0x12) // MICMD
            {
                if ((value & Enc28j60Bits.MICMD_MIIRD) != 0 && (_registers[index] & Enc28j60Bits.MICMD_MIIRD) == 0)
                {
                    ushort v = PhyValue(_registers[Index(2, 0x14)] & 0x1F, true);
                    _registers[Index(2, 0x18)] = (byte)v;
                    _registers[Index(2, 0x19)] = (byte)(v >> 8);
                    _miiBusy = 2;
                }
                _registers[index] = value;
                return;
            }
            if (address == 0x18 || address == 0x19)
            {
                return; // MIRD is read-only
            }
            _registers[index] = value;
            if (address == 0x17) // MIWRH starts the PHY write
            {
                PhyWrite(_registers[Index(2, 0x14)] & 0x1F, (ushort)(_registers[Index(2, 0x16)] | (value << 8)));
                _miiBusy = 2;
            }
        }

        private void WriteEcon1(byte value)
        {
            byte old = _registers[0x1F];
            if ((value & Enc28j60Bits.ECON1_TXRST) != 0)
            {
                // Transmit logic held in reset: no request, stall cleared.
                _txStalled = false;
                _txCountdown = -1;
                value = (byte)(value & ~Enc28j60Bits.ECON1_TXRTS);
            }
            if ((value & Enc28j60Bits.ECON1_RXRST) != 0)
            {
                value = (byte)(value & ~Enc28j60Bits.ECON1_RXEN);
                _registers[Index(1, 0x19)] = 0;
                _rxWrite = Word(0, 0x08);
                SetWord(0, 0x0E, _rxWrite);
            }
            bool dmaStart = (value & Enc28j60Bits.ECON1_DMAST) != 0 && (old & Enc28j60Bits.ECON1_DMAST) == 0;
            if ((value & Enc28j60Bits.ECON1_DMAST) == 0)
            {
                _dmaCountdown = -1; // cleared by software: the operation is cancelled, nothing changes
            }
            _registers[0x1F] = value;
            if (dmaStart)
            {
                DmaOperations++;
                _dmaDisturbed = false;
                _dmaCountdown = DmaLatencyTransactions;
                if (DmaLatencyTransactions == 0)
                {
                    CompleteDma();
                }
            }
            bool rising = (value & Enc28j60Bits.ECON1_TXRTS) != 0 && (old & Enc28j60Bits.ECON1_TXRTS) == 0;
            if (rising)
            {
                StartTransmit();
            }
            else if ((value & Enc28j60Bits.ECON1_TXRTS) == 0)
            {
                _txCountdown = -1; // cleared by software: transmission aborted
            }
        }

        // ---------------- DMA (DS39662 section 13) ----------------

        /// <summary>
        /// Ends the DMA operation: from EDMAST to EDMAND inclusive, one byte at a time. A source pointer
        /// that equals ERXND wraps to ERXST (section 13: the DMA follows the receive ring), otherwise it
        /// wraps only at the end of the 8 KB buffer; the operation ends when the pointer has processed
        /// EDMAND. With ECON1.CSUMEN: the 16-bit one's complement of the one's complement sum of the
        /// bytes as big-endian words, an odd last byte padded with 00h (section 13.2), into EDMACS;
        /// the DMA pointers are left as they were and no memory is written. Without: a copy to
        /// EDMADST, linear (wrapping only at 8191). Then DMAST clears and DMAIF is set.
        /// </summary>
        private void CompleteDma()
        {
            _dmaCountdown = -1;
            int p = Word(0, 0x10);
            int end = Word(0, 0x12);
            int ringStart = Word(0, 0x08);
            int ringEnd = Word(0, 0x0A);
            bool checksum = (_registers[0x1F] & Enc28j60Bits.ECON1_CSUMEN) != 0;
            int destination = Word(0, 0x14);
            uint sum = 0;
            bool high = true;
            for (int guard = 0; guard < BufferSize; guard++)
            {
                byte b = _memory[p];
                if (checksum)
                {
                    sum += high ? (uint)(b << 8) : b;
                    high = !high;
                }
                else
                {
                    _memory[destination] = b;
                    destination = (destination + 1) & 0x1FFF;
                }
                if (p == end)
                {
                    break;
                }
                p = p == ringEnd ? ringStart : (p + 1) & 0x1FFF;
            }
            if (checksum)
            {
                while ((sum >> 16) != 0)
                {
                    sum = (sum & 0xFFFF) + (sum >> 16);
                }
                int result = (int)(~sum & 0xFFFF);
                if (_dmaDisturbed && ErrataDmaChecksumDisturbedByReception)
                {
                    result ^= 0x0100;
                    DmaChecksumsDisturbed++;
                }
                _registers[Index(0, 0x16)] = (byte)result;
                _registers[Index(0, 0x17)] = (byte)(result >> 8);
            }
            _dmaDisturbed = false;
            _registers[0x1F] &= unchecked((byte)~Enc28j60Bits.ECON1_DMAST);
            _registers[0x1C] |= Enc28j60Bits.EIR_DMAIF;
        }

        // ---------------- transmit ----------------

        private void StartTransmit()
        {
            if (_txStalled)
            {
                return; // errata: TXRTS stays set forever
            }
            if (TransmitLatencyTransactions > 0)
            {
                _txCountdown = TransmitLatencyTransactions;
                return;
            }
            CompleteTransmit();
        }

        private void CompleteTransmit()
        {
            int start = Word(0, 0x04);
            int end = Word(0, 0x06);
            int length = end - start; // bytes after the control byte
            if (length < 0)
            {
                length += BufferSize;
            }
            byte control = _memory[start];
            int macon3 = _registers[Index(2, 0x02)];
            bool pad = (control & Enc28j60Bits.TXCTRL_POVERRIDE) != 0
                ? (control & Enc28j60Bits.TXCTRL_PPADEN) != 0
                : (macon3 & Enc28j60Bits.MACON3_PADCFG0) != 0;
            int status = end + 1;
            byte byte2 = Enc28j60Bits.TSV2_DONE;
            byte byte3 = 0;
            _registers[0x1F] &= unchecked((byte)~Enc28j60Bits.ECON1_TXRTS);
            _registers[0x1C] |= Enc28j60Bits.EIR_TXIF;
            if (_txFaultPending)
            {
                byte2 = 0;
                byte3 = _txFaultLate ? Enc28j60Bits.TSV3_LATE_COLLISION : Enc28j60Bits.TSV3_EXCESSIVE_COLLISION;
                _registers[0x1C] |= Enc28j60Bits.EIR_TXERIF;
                _registers[0x1D] |= (byte)(Enc28j60Bits.ESTAT_TXABRT | (_txFaultLate ? Enc28j60Bits.ESTAT_LATECOL : 0));
                if (--_txFaultRemaining <= 0)
                {
                    _txFaultPending = false;
                }
                if (ErrataTransmitStallAfterAbort)
                {
                    _txStalled = true;
                }
                TransmitAborts++;
            }
            else
            {
                int wireLength = pad && length < 60 ? 60 : length;
                int slot = _txHead;
                int basePos = slot * SlotSize;
                for (int i = 0; i < wireLength; i++)
                {
                    _txQueue[basePos + i] = i < length ? _memory[(start + 1 + i) & 0x1FFF] : (byte)0;
                }
                if ((_txQueue[basePos] & 1) != 0)
                {
                    byte3 |= IsBroadcast(_txQueue, basePos) ? Enc28j60Bits.TSV3_BROADCAST : Enc28j60Bits.TSV3_MULTICAST;
                }
                FramesTransmitted++;
                if (FrameTransmitted != null)
                {
                    FrameTransmitted(_txQueue, basePos, wireLength);
                }
                else if (_linkUp)
                {
                    _txLengths[slot] = wireLength;
                    _txHead = (_txHead + 1) % TransmitQueueSlots;
                    if (_txCount < TransmitQueueSlots)
                    {
                        _txCount++;
                    }
                }
                length = wireLength;
            }
            int count = length + 4;
            _memory[status & 0x1FFF] = (byte)count;
            _memory[(status + 1) & 0x1FFF] = (byte)(count >> 8);
            _memory[(status + 2) & 0x1FFF] = byte2;
            _memory[(status + 3) & 0x1FFF] = byte3;
            _memory[(status + 4) & 0x1FFF] = (byte)(count + 8);
            _memory[(status + 5) & 0x1FFF] = (byte)((count + 8) >> 8);
            _memory[(status + 6) & 0x1FFF] = 0;
        }

        // ---------------- buffer memory ----------------

        private byte ReadBufferByte()
        {
            int p = Word(0, 0x00);
            byte v = _memory[p];
            if ((_registers[0x1E] & Enc28j60Bits.ECON2_AUTOINC) != 0)
            {
                // Reads wrap inside the receive ring: after ERXND comes ERXST.
                p = p == Word(0, 0x0A) ? Word(0, 0x08) : (p + 1) & 0x1FFF;
                SetWord(0, 0x00, p);
            }
            return v;
        }

        private void WriteBufferByte(byte value)
        {
            int p = Word(0, 0x02);
            _memory[p] = value;
            if ((_registers[0x1E] & Enc28j60Bits.ECON2_AUTOINC) != 0)
            {
                SetWord(0, 0x02, (p + 1) & 0x1FFF);
            }
        }

        private static int RingAdd(int pointer, int count, int ringStart, int ringEnd)
        {
            int p = pointer + count;
            if (p > ringEnd)
            {
                p -= ringEnd - ringStart + 1;
            }
            return p;
        }

        private int PutRing(int p, byte value, int ringStart, int ringEnd)
        {
            _memory[p & 0x1FFF] = value;
            return p >= ringEnd ? ringStart : p + 1;
        }

        // ---------------- filters ----------------

        private static bool IsBroadcast(byte[] frame, int offset)
        {
            for (int i = 0; i < 6; i++)
            {
                if (frame[offset + i] != 0xFF)
                {
                    return false;
                }
            }
            return true;
        }

        private bool IsOurs(byte[] frame, int offset)
        {
            // MAADR1 (bank 3, 0x04) is the first byte on the wire.
            return frame[offset] == _registers[Index(3, 0x04)] && frame[offset + 1] == _registers[Index(3, 0x05)]
                && frame[offset + 2] == _registers[Index(3, 0x02)] && frame[offset + 3] == _registers[Index(3, 0x03)]
                && frame[offset + 4] == _registers[Index(3, 0x00)] && frame[offset + 5] == _registers[Index(3, 0x01)];
        }

        private bool PassesFilter(byte[] frame, int offset)
        {
            int f = _registers[Index(1, 0x18)];
            if ((f & ~Enc28j60Bits.ERXFCON_CRCEN & ~Enc28j60Bits.ERXFCON_ANDOR) == 0)
            {
                return true; // no address filter: promiscuous
            }
            bool and = (f & Enc28j60Bits.ERXFCON_ANDOR) != 0;
            bool any = false;
            bool all = true;
            bool broadcast = IsBroadcast(frame, offset);
            if ((f & Enc28j60Bits.ERXFCON_UCEN) != 0)
            {
                bool m = IsOurs(frame, offset);
                any |= m; all &= m;
            }
            if ((f & Enc28j60Bits.ERXFCON_BCEN) != 0)
            {
                any |= broadcast; all &= broadcast;
            }
            if ((f & Enc28j60Bits.ERXFCON_MCEN) != 0)
            {
                bool m = !broadcast && (frame[offset] & 1) != 0;
                any |= m; all &= m;
            }
            if ((f & Enc28j60Bits.ERXFCON_HTEN) != 0)
            {
                // DS39662 8.2.4: CRC<28:23> of the destination address points at a bit of EHT0..EHT7
                // (bank 1, 0x00..0x07); any destination, not only multicast, can match.
                int index = HashTablePointer(frame, offset);
                bool m = (_registers[Index(1, index >> 3)] & (1 << (index & 7))) != 0;
                any |= m; all &= m;
            }
            return and ? all : any;
        }

        /// <summary>
        /// The hash table pointer for the destination address at <paramref name="offset"/>: bits
        /// 28:23 of the Ethernet CRC-32 over its 6 bytes. Computed here the other way round from the
        /// driver (the reflected CRC, polynomial 0xEDB88320, whose register is the bit reversal of
        /// the MAC's), so the two agree only if both follow the datasheet.
        /// </summary>
        public static int HashTablePointer(byte[] frame, int offset)
        {
            uint crc = 0xFFFFFFFF;
            for (int i = 0; i < 6; i++)
            {
                crc ^= frame[offset + i];
                for (int bit = 0; bit < 8; bit++)
                {
                    crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
                }
            }
            // Bit k of the MAC's register is bit 31 - k of the reflected one: bits 28..23 are 3..8.
            int pointer = 0;
            for (int k = 28; k >= 23; k--)
            {
                pointer = (pointer << 1) | (int)((crc >> (31 - k)) & 1);
            }
            return pointer;
        }

        // ---------------- PHY ----------------

        private ushort PhyValue(int register, bool sideEffects)
        {
            switch (register)
            {
                case Enc28j60Phy.PHSTAT1:
                    {
                        ushort v = (ushort)(0x1800 | (!_linkLatchedLow && _linkUp ? Enc28j60Phy.PHSTAT1_LLSTAT : 0));
                        if (sideEffects)
                        {
                            _linkLatchedLow = false;
                        }
                        return v;
                    }
                case Enc28j60Phy.PHSTAT2:
                    return (ushort)((_linkUp ? Enc28j60Phy.PHSTAT2_LSTAT : 0)
                        | ((_phy[Enc28j60Phy.PHCON1] & Enc28j60Phy.PHCON1_PDPXMD) != 0 ? Enc28j60Phy.PHSTAT2_DPXSTAT : 0));
                case Enc28j60Phy.PHID1:
                    return Enc28j60Phy.PHID1_VALUE;
                case Enc28j60Phy.PHID2:
                    return 0x1400;
                case Enc28j60Phy.PHIR:
                    {
                        ushort v = _phy[Enc28j60Phy.PHIR];
                        if (sideEffects)
                        {
                            _phy[Enc28j60Phy.PHIR] = 0;
                            _registers[0x1C] &= unchecked((byte)~Enc28j60Bits.EIR_LINKIF);
                        }
                        return v;
                    }
                default:
                    return _phy[register & 0x1F];
            }
        }

        private void PhyWrite(int register, ushort value)
        {
            switch (register)
            {
                case Enc28j60Phy.PHCON1:
                    if ((value & Enc28j60Phy.PHCON1_PRST) != 0)
                    {
                        PhyReset();
                        return;
                    }
                    _phy[register] = value;
                    return;
                case Enc28j60Phy.PHCON2:
                case Enc28j60Phy.PHIE:
                case Enc28j60Phy.PHLCON:
                    _phy[register] = value;
                    return;
            }
        }

        private void PhyReset()
        {
            Array.Clear(_phy, 0, _phy.Length);
            _phy[Enc28j60Phy.PHLCON] = 0x3422;
        }

        // ---------------- resets ----------------

        private void PowerOnReset()
        {
            SystemReset();
            SystemResets = 0;
        }

        private void SystemReset()
        {
            SystemResets++;
            Array.Clear(_registers, 0, _registers.Length);
            _registers[0x1E] = Enc28j60Bits.ECON2_AUTOINC;
            SetWord(0, 0x00, 0x05FA); // ERDPT
            SetWord(0, 0x08, 0x05FA); // ERXST
            SetWord(0, 0x0A, 0x1FFF); // ERXND
            SetWord(0, 0x0C, 0x05FA); // ERXRDPT
            _rxReadLatched = 0x05FA;
            _rxWrite = 0;
            _registers[Index(1, 0x18)] = 0xA1; // ERXFCON: UCEN | CRCEN | BCEN
            _registers[Index(1, 0x10)] = 0x00;
            _registers[Index(2, 0x0A)] = 0x00; // MAMXFL = 1536
            _registers[Index(2, 0x0B)] = 0x06;
            _registers[Index(3, 0x15)] = 0x04; // ECOCON
            PhyReset();
            _miiBusy = 0;
            _clockStartCountdown = 3;
            _txStalled = false;
            _txCountdown = -1;
            _dmaCountdown = -1;
            _dmaDisturbed = false;
            _deaf = false;
        }

        private sealed class ResetLine : IDigitalOutput
        {
            private readonly Enc28j60Model _chip;
            public ResetLine(Enc28j60Model chip) { _chip = chip; }
            public void Write(bool high)
            {
                if (!high)
                {
                    _chip._resetPinLow = true;
                }
                else if (_chip._resetPinLow)
                {
                    _chip._resetPinLow = false;
                    _chip.SystemReset();
                }
            }
        }

        // ---------------- CRC ----------------

        private static uint[] BuildCrcTable()
        {
            uint[] table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                }
                table[n] = c;
            }
            return table;
        }

        private static uint Crc32(byte[] data, int offset, int length)
        {
            uint c = 0xFFFFFFFFu;
            for (int i = 0; i < length; i++)
            {
                c = CrcTable[(c ^ data[offset + i]) & 0xFF] ^ (c >> 8);
            }
            return c ^ 0xFFFFFFFFu;
        }
    }
}
