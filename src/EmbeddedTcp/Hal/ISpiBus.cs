namespace EmbeddedTcp.Hal
{
    /// <summary>
    /// An SPI device with its chip select: every call is exactly one transaction (chip select
    /// asserted before the first byte, released after the last). The bus never allocates and
    /// never keeps a reference to the caller's buffers after the call returns.
    /// </summary>
    /// <remarks>
    /// The two methods cover what a command-oriented peripheral such as the ENC28J60 needs
    /// without any copying by the driver:
    /// <list type="bullet">
    /// <item><see cref="Transfer"/> clocks out a command and then clocks a reply straight into
    /// the caller's buffer (a whole received frame lands in the stack's buffer in one
    /// transaction).</item>
    /// <item><see cref="Write"/> clocks out a short header followed by the caller's data (a
    /// command byte, a control byte and then a whole frame, in one transaction).</item>
    /// </list>
    /// On nanoFramework with System.Device.Spi: drive chip select from a GPIO and map each call
    /// to one <c>SpiDevice</c> call (<c>TransferFullDuplex</c> over buffers of wl + rl bytes for
    /// <see cref="Transfer"/>, one <c>Write</c> of header and data for <see cref="Write"/>), as
    /// boards/esp32-enc28j60's <c>SpiBusAdapter</c> does. <c>SpiDevice</c> takes only
    /// <c>SpanByte</c>, a struct, and nanoCLR keeps structs on its heap: each such call makes
    /// 3 (write) or 4 (read) heap objects, the fewest that API allows (measured on nanoCLR by
    /// tools/EmbeddedTcp.NanoMeter). Fewer transactions therefore also mean less garbage.
    /// </remarks>
    public interface ISpiBus
    {
        /// <summary>
        /// One transaction: clocks out <paramref name="writeLength"/> bytes from
        /// <paramref name="writeBuffer"/> (bytes clocked in meanwhile are discarded), then clocks
        /// in <paramref name="readLength"/> bytes into <paramref name="readBuffer"/> while
        /// clocking out zeros. <paramref name="readBuffer"/> may be null when
        /// <paramref name="readLength"/> is 0.
        /// </summary>
        void Transfer(byte[] writeBuffer, int writeOffset, int writeLength, byte[] readBuffer, int readOffset, int readLength);

        /// <summary>
        /// One write-only transaction: clocks out <paramref name="headerLength"/> bytes of
        /// <paramref name="header"/> immediately followed by <paramref name="dataLength"/> bytes
        /// of <paramref name="data"/>, with chip select held across both.
        /// </summary>
        void Write(byte[] header, int headerOffset, int headerLength, byte[] data, int dataOffset, int dataLength);
    }
}
