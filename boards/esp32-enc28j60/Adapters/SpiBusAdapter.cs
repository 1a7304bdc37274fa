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
    /// select; it needs a firmware built after nf-interpreter PR #3010, "Fix SPI CS handling",
    /// merged late August 2024) and
    /// this adapter drives CS itself on a GPIO output: low before the first byte, high after the
    /// last, in a <c>try/finally</c> so an SPI exception never leaves the chip selected. One
    /// <see cref="ISpiBus"/> call is therefore exactly one transaction, as the interface requires.</para>
    /// <para><b>Objects per call, on nanoCLR.</b> The interpreter keeps every struct on its heap
    /// (kit README, "What allocates on nanoCLR"), and System.Device.Spi 1.3.82's
    /// <see cref="SpiDevice"/> takes <see cref="SpanByte"/> (a struct) or <c>ushort[]</c>, never
    /// <c>byte[]</c>: each <see cref="SpanByte"/> argument is one object where it is made (a
    /// <c>new</c>, or the copy a field read makes: keeping spans in fields saves nothing), plus
    /// one where <see cref="SpiDevice"/> passes it on, plus one for the <c>null</c> it converts
    /// for the unused direction of <c>Write</c>/<c>Read</c>. So a <c>Write</c> or a <c>Read</c>
    /// is 3 objects and a <c>TransferFullDuplex</c> 4; <c>GpioPin.Write(PinValue)</c> is 2
    /// (<see cref="PinValue"/> is a struct too). What this adapter does about it, measured by
    /// tools/EmbeddedTcp.NanoMeter (phases spi-*) and asserted by NanoMeterTests:</para>
    /// <list type="bullet">
    /// <item>Chip select by <see cref="GpioPin.Toggle"/> (a native call, no struct): 0 objects
    /// instead of 4 per transaction. The pin is written high once, here; the adapter must be the
    /// only one driving it, and every transaction toggles it exactly twice.</item>
    /// <item>A transfer with both directions (a register read, a frame read) is one
    /// <see cref="SpiDevice.TransferFullDuplex(SpanByte, SpanByte)"/> over two buffers of this
    /// adapter: the command followed by zeros out (what the native half-duplex read clocks out
    /// too), the command's echo and the reply in, the reply then copied to the caller with one
    /// <see cref="Array.Copy(Array, int, Array, int, int)"/>. 4 objects instead of 6 (Write then
    /// Read), and one native SPI transaction instead of two (the native half-duplex read also
    /// allocates and frees two DMA buffers per call on the ESP32; full duplex uses ours).</item>
    /// <item>A write of a header and data (the frame to transmit) is copied into one buffer
    /// and written with one <c>Write</c>: 3 objects instead of 6, one transaction instead of two.</item>
    /// </list>
    /// <para>Result: 3 objects per write-only transaction (a register write, a frame write), 4 per
    /// transaction that reads, down from 7 and 10. Fewer is not possible with this API but through
    /// the <c>ushort[]</c> overloads (0 objects), which clock 16-bit words: no odd lengths (an
    /// ENC28J60 register read is 2 or 3 bytes, a frame any length) and a copy loop in IL per byte;
    /// not used. A transaction longer than the buffers (<see cref="ScratchLength"/> bytes by default) falls back to
    /// <c>Write</c> then <c>Read</c> (6 objects; the ENC28J60 driver never makes one). The price
    /// is two buffers of that length.</para>
    /// <para>The bus must be configured full duplex (<see cref="SpiConnectionSettings"/>'s
    /// default); whatever is clocked out while the ENC28J60 answers is ignored by it (SI is
    /// don't-care after a read opcode), we send zeros.</para>
    /// </remarks>
    public sealed class SpiBusAdapter : ISpiBus
    {
        /// <summary>
        /// Longest transaction (bytes out plus bytes in) done through the adapter's buffers: an
        /// opcode, a control byte and a 1518-byte frame fit, with room to spare.
        /// </summary>
        public const int ScratchLength = 1536;

        private readonly SpiDevice _spi;
        private readonly GpioPin _chipSelect;
        private readonly byte[] _out;
        private readonly byte[] _in;

        /// <summary>
        /// Wraps <paramref name="spi"/> (created with <c>ChipSelectLine = -1</c>, mode 0, full
        /// duplex) and an already opened chip-select output; the adapter drives it high
        /// (deselected) at once and toggles it from then on. Neither is owned. Buffers of
        /// <see cref="ScratchLength"/> bytes.
        /// </summary>
        public SpiBusAdapter(SpiDevice spi, GpioPin chipSelect) : this(spi, chipSelect, ScratchLength)
        {
        }

        /// <summary>
        /// As the other constructor, with buffers of <paramref name="scratchLength"/> bytes: the
        /// longest frame the stack takes (NetworkConfig.Mtu + 14) plus the 2-byte opcode and
        /// control byte is enough, since the driver never reads or writes a longer one. The ESP32
        /// preset's MTU of 604 makes that 620 bytes instead of 1536, 1.8 KB less of the heap.
        /// </summary>
        public SpiBusAdapter(SpiDevice spi, GpioPin chipSelect, int scratchLength)
        {
            _spi = spi;
            _chipSelect = chipSelect;
            _out = new byte[scratchLength];
            _in = new byte[scratchLength];
            _chipSelect.Write(PinValue.High);
        }

        /// <inheritdoc />
        public void Transfer(byte[] writeBuffer, int writeOffset, int writeLength, byte[] readBuffer, int readOffset, int readLength)
        {
            _chipSelect.Toggle(); // low
            try
            {
                if (readLength <= 0)
                {
                    if (writeLength > 0)
                    {
                        _spi.Write(new SpanByte(writeBuffer, writeOffset, writeLength));
                    }
                }
                else if (writeLength <= 0)
                {
                    _spi.Read(new SpanByte(readBuffer, readOffset, readLength));
                }
                else if (writeLength + readLength <= _out.Length)
                {
                    int n = writeLength + readLength;
                    Array.Copy(writeBuffer, writeOffset, _out, 0, writeLength);
                    Array.Clear(_out, writeLength, readLength);
                    _spi.TransferFullDuplex(new SpanByte(_out, 0, n), new SpanByte(_in, 0, n));
                    Array.Copy(_in, writeLength, readBuffer, readOffset, readLength);
                }
                else
                {
                    _spi.Write(new SpanByte(writeBuffer, writeOffset, writeLength));
                    _spi.Read(new SpanByte(readBuffer, readOffset, readLength));
                }
            }
            finally
            {
                _chipSelect.Toggle(); // high
            }
        }

        /// <inheritdoc />
        public void Write(byte[] header, int headerOffset, int headerLength, byte[] data, int dataOffset, int dataLength)
        {
            _chipSelect.Toggle(); // low
            try
            {
                if (headerLength > 0 && dataLength > 0 && headerLength + dataLength <= _out.Length)
                {
                    Array.Copy(header, headerOffset, _out, 0, headerLength);
                    Array.Copy(data, dataOffset, _out, headerLength, dataLength);
                    _spi.Write(new SpanByte(_out, 0, headerLength + dataLength));
                }
                else
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
            }
            finally
            {
                _chipSelect.Toggle(); // high
            }
        }
    }
}
