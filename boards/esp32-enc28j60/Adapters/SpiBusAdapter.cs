using System;
using System.Device.Gpio;
using System.Device.Spi;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Boards.Esp32Enc28j60
{
    /// <summary>
    /// <see cref="ISpiBus"/> over nanoFramework's <see cref="SpiDevice"/>, for the ENC28J60.
    /// </summary>
    /// <remarks>
    /// <para><b>Chip select.</b> The ENC28J60 needs CS held low across an opcode and its data (a
    /// register read is opcode + reply; a buffer write is opcode + control byte + frame), but a
    /// native chip select is pulsed around every single <c>SpiDevice</c> call. So the
    /// <see cref="SpiDevice"/> is created with <c>ChipSelectLine = -1</c> (no native chip
    /// select; supported by the nanoFramework firmware since nf-interpreter PR 2340, 2022) and
    /// this adapter drives CS itself on a GPIO output: low before the first byte, high after the
    /// last, in a <c>try/finally</c> so an SPI exception never leaves the chip selected. One
    /// <see cref="ISpiBus"/> call is therefore exactly one transaction, as the interface requires.</para>
    /// <para><b>No allocation per frame.</b> <see cref="SpanByte"/> is a struct over the caller's
    /// array, offset and length, so a whole 1514-byte frame goes straight from/to the stack's
    /// buffer. Whatever <c>SpiDevice.Read</c> clocks out while reading is ignored by the ENC28J60
    /// (SI is don't-care after a read opcode).</para>
    /// </remarks>
    public sealed class SpiBusAdapter : ISpiBus
    {
        private readonly SpiDevice _spi;
        private readonly GpioPin _chipSelect;

        /// <summary>
        /// Wraps <paramref name="spi"/> (created with <c>ChipSelectLine = -1</c>, mode 0) and an
        /// already opened chip-select output; the adapter drives it high (deselected) at once.
        /// Neither is owned.
        /// </summary>
        public SpiBusAdapter(SpiDevice spi, GpioPin chipSelect)
        {
            _spi = spi;
            _chipSelect = chipSelect;
            _chipSelect.Write(PinValue.High);
        }

        /// <inheritdoc />
        public void Transfer(byte[] writeBuffer, int writeOffset, int writeLength, byte[] readBuffer, int readOffset, int readLength)
        {
            _chipSelect.Write(PinValue.Low);
            try
            {
                if (writeLength > 0)
                {
                    _spi.Write(new SpanByte(writeBuffer, writeOffset, writeLength));
                }
                if (readLength > 0)
                {
                    _spi.Read(new SpanByte(readBuffer, readOffset, readLength));
                }
            }
            finally
            {
                _chipSelect.Write(PinValue.High);
            }
        }

        /// <inheritdoc />
        public void Write(byte[] header, int headerOffset, int headerLength, byte[] data, int dataOffset, int dataLength)
        {
            _chipSelect.Write(PinValue.Low);
            try
            {
                if (headerLength > 0)
                {
                    _spi.Write(new SpanByte(header, headerOffset, headerLength));
                }
                if (dataLength > 0)
                {
                    _spi.Write(new SpanByte(data, dataOffset, dataLength));
                }
            }
            finally
            {
                _chipSelect.Write(PinValue.High);
            }
        }
    }
}
