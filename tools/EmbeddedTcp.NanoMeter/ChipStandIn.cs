using EmbeddedTcp.Drivers.Enc28j60;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.NanoMeter
{
    /// <summary>
    /// A cheap <see cref="ISpiBus"/> that answers the ENC28J60 driver like a chip with one full-size
    /// frame always pending and every transmission complete, so that the driver-rx / driver-tx
    /// phases charge the real <see cref="Enc28j60Driver"/>'s own IL per frame and little else (the
    /// register-level model's IL is not on the device; the board's SPI adapter is measured apart
    /// by the spi-* phases). Register reads come from a table per bank (the bank tracked from the
    /// driver's BFS/BFC of ECON1); writes are ignored; buffer reads return a receive-status header
    /// whose next-packet pointer follows the ring as the chip's would; buffer contents are left as
    /// they are.
    /// </summary>
    internal sealed class ChipStandIn : ISpiBus
    {
        private const int RingSize = Enc28j60Driver.ReceiveEnd - Enc28j60Driver.ReceiveStart + 1;

        private readonly byte[] _registers = new byte[4 * 32];
        private readonly int _byteCount;
        private int _bank;
        private int _next;

        /// <summary>Frame length (without FCS) of the pending frame.</summary>
        internal ChipStandIn(int frameLength)
        {
            _byteCount = frameLength + 4;
            for (int b = 0; b < 4; b++)
            {
                _registers[b * 32 + (Enc28j60Registers.ESTAT & Enc28j60Registers.AddressMask)] = Enc28j60Bits.ESTAT_CLKRDY;
                _registers[b * 32 + (Enc28j60Registers.EIR & Enc28j60Registers.AddressMask)] = Enc28j60Bits.EIR_TXIF;
                _registers[b * 32 + (Enc28j60Registers.ECON1 & Enc28j60Registers.AddressMask)] = Enc28j60Bits.ECON1_RXEN;
            }
            Set(Enc28j60Registers.EPKTCNT, 1);
            Set(Enc28j60Registers.EREVID, 6);
            Set(Enc28j60Registers.MIRDH, (byte)(Enc28j60Phy.PHSTAT2_LSTAT >> 8)); // link up
        }

        private void Set(byte register, byte value)
        {
            _registers[((register >> 5) & 0x03) * 32 + (register & Enc28j60Registers.AddressMask)] = value;
        }

        /// <inheritdoc />
        public void Transfer(byte[] writeBuffer, int writeOffset, int writeLength, byte[] readBuffer, int readOffset, int readLength)
        {
            int op = writeBuffer[writeOffset];
            if (op == Enc28j60Opcodes.SystemReset)
            {
                _bank = 0;
                return;
            }
            if (op == Enc28j60Opcodes.ReadBufferMemory)
            {
                if (readLength <= 16)
                {
                    // A header read (the driver may read through the previous frame's FCS first).
                    int next = _next + ((6 + _byteCount + 1) & ~1);
                    if (next >= RingSize)
                    {
                        next -= RingSize;
                    }
                    _next = next;
                    int h = readOffset + readLength - 6;
                    readBuffer[h] = (byte)next;
                    readBuffer[h + 1] = (byte)(next >> 8);
                    readBuffer[h + 2] = (byte)_byteCount;
                    readBuffer[h + 3] = (byte)(_byteCount >> 8);
                    readBuffer[h + 4] = (byte)(Enc28j60Bits.RSV_RECEIVED_OK & 0xFF);
                    readBuffer[h + 5] = (byte)(Enc28j60Bits.RSV_RECEIVED_OK >> 8);
                }
                return;
            }
            int address = op & Enc28j60Registers.AddressMask;
            int kind = op & 0xE0;
            if (kind == Enc28j60Opcodes.ReadControlRegister && readLength > 0)
            {
                byte v = _registers[(address >= 0x1B ? 0 : _bank * 32) + address];
                readBuffer[readOffset + readLength - 1] = v;
            }
            else if (address == (Enc28j60Registers.ECON1 & Enc28j60Registers.AddressMask) && writeLength > 1)
            {
                int bits = writeBuffer[writeOffset + 1] & 0x03;
                if (kind == Enc28j60Opcodes.BitFieldSet)
                {
                    _bank |= bits;
                }
                else if (kind == Enc28j60Opcodes.BitFieldClear)
                {
                    _bank &= ~bits;
                }
            }
        }

        /// <inheritdoc />
        public void Write(byte[] header, int headerOffset, int headerLength, byte[] data, int dataOffset, int dataLength)
        {
        }
    }
}
