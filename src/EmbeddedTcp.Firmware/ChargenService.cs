using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Firmware
{
    /// <summary>
    /// The character generator (RFC 864, TCP 19 by default): sends the endless stream of 72
    /// printable characters per line, each line starting one character further, as fast as the
    /// send ring takes it; whatever the client sends is thrown away. Allocation-free after
    /// construction.
    /// </summary>
    internal sealed class ChargenService
    {
        /// <summary>Bytes in one chargen line: 72 printable characters, CR, LF.</summary>
        public const int LineLength = CharactersPerLine + 2;

        private const int CharactersPerLine = 72;
        private const int FirstPrintable = 32; // ' '
        private const int PrintableCount = 95; // ' ' to '~'
        private const byte Cr = 13;
        private const byte Lf = 10;

        /// <summary>The 95 printable characters twice: a line's 72 characters are one slice of it.</summary>
        private static readonly byte[] Cycle = new byte[2 * PrintableCount];

        private readonly FirmwareApp _app;
        private readonly TcpStack _tcp;
        private readonly FirmwareCounters _counters;
        private readonly byte[] _scratch;

        static ChargenService()
        {
            for (int i = 0; i < Cycle.Length; i++)
            {
                Cycle[i] = (byte)(FirstPrintable + i % PrintableCount);
            }
        }

        /// <summary>Generates into <paramref name="scratch"/>, a buffer shared with the other services.</summary>
        public ChargenService(FirmwareApp app, TcpStack tcp, byte[] scratch)
        {
            _app = app;
            _tcp = tcp;
            _counters = app.Counters;
            _scratch = scratch;
        }

        /// <summary>The byte at <paramref name="position"/> of the endless RFC 864 chargen stream.</summary>
        public static byte StreamByte(long position)
        {
            long line = position / LineLength;
            int column = (int)(position % LineLength);
            if (column == CharactersPerLine)
            {
                return Cr;
            }

            if (column == CharactersPerLine + 1)
            {
                return Lf;
            }

            return (byte)(FirstPrintable + (int)((line + column) % PrintableCount));
        }

        /// <summary>Throws away what the client sent, then sends what the send ring takes of the stream.</summary>
        public void Serve(int slot, FirmwareSession s)
        {
            if (!DrainInput(slot, s))
            {
                return;
            }

            TcpState state = _tcp.GetState(s.Handle);
            if (state != TcpState.Established && state != TcpState.CloseWait)
            {
                return;
            }

            for (int guard = 0; guard < 16; guard++)
            {
                // Make only what the send ring takes now: generating a chunk that Send refuses
                // costs the interpreter tens of thousands of IL instructions per turn for nothing.
                int chunk = _tcp.SendSpace(s.Handle);
                if (chunk <= 0)
                {
                    return;
                }

                if (chunk > _scratch.Length)
                {
                    chunk = _scratch.Length;
                }

                Fill(_scratch, chunk, s.Stream);
                int sent = _tcp.Send(s.Handle, _scratch, 0, chunk);
                if (sent < 0)
                {
                    _app.Fail(slot);
                    return;
                }

                s.Stream += sent;
                _counters.ChargenBytes += sent;
                if (sent < chunk)
                {
                    return;
                }
            }
        }

        /// <summary>
        /// Reads and drops what the client sent (RFC 864); false when the connection ended (its
        /// FIN ends the stream) or failed, and the session is released.
        /// </summary>
        private bool DrainInput(int slot, FirmwareSession s)
        {
            for (int guard = 0; guard < 64; guard++)
            {
                int n = _tcp.Receive(s.Handle, _scratch, 0, _scratch.Length);
                if (n == 0)
                {
                    break;
                }

                if (n == NetError.EndOfStream)
                {
                    _app.Release(slot, false);
                    return false;
                }

                if (n < 0)
                {
                    _app.Fail(slot);
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Writes <paramref name="count"/> bytes of the chargen stream from <paramref name="position"/>:
        /// each line's 72 characters are one copy out of <see cref="Cycle"/> (line L starts at
        /// character L mod 95), then CR LF. A few IL instructions per line instead of per byte.
        /// </summary>
        private static void Fill(byte[] destination, int count, long position)
        {
            long line = position / LineLength;
            int column = (int)(position % LineLength);
            int i = 0;
            while (i < count)
            {
                if (column < CharactersPerLine)
                {
                    int n = CharactersPerLine - column;
                    if (n > count - i)
                    {
                        n = count - i;
                    }

                    System.Array.Copy(Cycle, (int)(line % PrintableCount) + column, destination, i, n);
                    i += n;
                    column += n;
                    continue;
                }

                destination[i++] = column == CharactersPerLine ? Cr : Lf;
                if (++column == LineLength)
                {
                    column = 0;
                    line++;
                }
            }
        }
    }
}
