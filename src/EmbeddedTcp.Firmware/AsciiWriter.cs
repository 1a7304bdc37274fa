using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Firmware
{
    /// <summary>
    /// Formats text, numbers and addresses as ASCII bytes into a preallocated buffer, without
    /// allocating (no string building). Writes past the end are silently cut off and counted
    /// in <see cref="Truncated"/>.
    /// </summary>
    public sealed class AsciiWriter
    {
        private readonly byte[] _digits = new byte[20];
        private byte[] _buffer;
        private int _start;
        private int _limit;
        private int _position;
        private int _lineStart;

        /// <summary>The buffer being written.</summary>
        public byte[] Buffer { get { return _buffer; } }

        /// <summary>Index of the next byte to write.</summary>
        public int Position { get { return _position; } }

        /// <summary>Bytes written since <see cref="Reset"/>.</summary>
        public int Length { get { return _position - _start; } }

        /// <summary>True when something did not fit.</summary>
        public bool Truncated { get; private set; }

        /// <summary>
        /// Starts writing at <paramref name="offset"/>, never past <paramref name="offset"/> + <paramref name="capacity"/>.
        /// A range that is not inside <paramref name="buffer"/> takes nothing (every write is cut off).
        /// </summary>
        public void Reset(byte[] buffer, int offset, int capacity)
        {
            if (!NetOrder.InBounds(buffer, offset, capacity))
            {
                offset = 0;
                capacity = 0;
            }

            _buffer = buffer;
            _start = offset;
            _position = offset;
            _lineStart = offset;
            _limit = offset + capacity;
            Truncated = false;
        }

        /// <summary>One byte.</summary>
        public void Byte(byte b)
        {
            if (_position >= _limit)
            {
                Truncated = true;
                return;
            }

            _buffer[_position++] = b;
        }

        /// <summary>ASCII text (characters above 126 become '?').</summary>
        public void Text(string s)
        {
            if (s == null)
            {
                return;
            }

            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                Byte(c < 127 ? (byte)c : (byte)'?');
            }
        }

        /// <summary>CR LF; the next <see cref="PadTo"/> counts from here.</summary>
        public void NewLine()
        {
            Byte(13);
            Byte(10);
            _lineStart = _position;
        }

        /// <summary>Spaces up to <paramref name="column"/> of the current line (at least one space when already there).</summary>
        public void PadTo(int column)
        {
            int target = _lineStart + column;
            if (_position >= target)
            {
                Byte((byte)' ');
                return;
            }

            while (_position < target && !Truncated)
            {
                Byte((byte)' ');
            }
        }

        /// <summary>A decimal number.</summary>
        public void Int(long value)
        {
            IntPadded(value, 0);
        }

        /// <summary>A decimal number right-aligned in <paramref name="width"/> characters.</summary>
        public void IntPadded(long value, int width)
        {
            int n = 0;
            bool negative = value < 0;
            ulong v = negative ? (ulong)(-(value + 1)) + 1 : (ulong)value;
            do
            {
                _digits[n++] = (byte)('0' + (int)(v % 10));
                v /= 10;
            }
            while (v != 0 && n < _digits.Length);

            int total = n + (negative ? 1 : 0);
            for (int i = total; i < width; i++)
            {
                Byte((byte)' ');
            }

            if (negative)
            {
                Byte((byte)'-');
            }

            while (n > 0)
            {
                Byte(_digits[--n]);
            }
        }

        /// <summary>Milliseconds as seconds with three decimals ("12.345").</summary>
        public void Seconds(long ms)
        {
            Int(ms / 1000);
            Byte((byte)'.');
            long frac = ms % 1000;
            if (frac < 0)
            {
                frac = -frac;
            }

            Byte((byte)('0' + (int)(frac / 100)));
            Byte((byte)('0' + (int)(frac / 10 % 10)));
            Byte((byte)('0' + (int)(frac % 10)));
        }

        /// <summary>A dotted-quad IPv4 address (host order).</summary>
        public void Ip(uint address)
        {
            Int((address >> 24) & 0xFF);
            Byte((byte)'.');
            Int((address >> 16) & 0xFF);
            Byte((byte)'.');
            Int((address >> 8) & 0xFF);
            Byte((byte)'.');
            Int(address & 0xFF);
        }

        /// <summary>"address:port".</summary>
        public void Endpoint(uint address, int port)
        {
            Ip(address);
            Byte((byte)':');
            Int(port);
        }

        /// <summary>A MAC address as six colon-separated hex pairs (nothing when the 6 bytes are not in <paramref name="mac"/>).</summary>
        public void Mac(byte[] mac, int offset)
        {
            if (!NetOrder.InBounds(mac, offset, 6))
            {
                return;
            }

            for (int i = 0; i < 6; i++)
            {
                if (i > 0)
                {
                    Byte((byte)':');
                }

                Hex(mac[offset + i] >> 4);
                Hex(mac[offset + i] & 0xF);
            }
        }

        /// <summary>Prefix length of a netmask (number of leading one bits).</summary>
        public static int PrefixLength(uint netmask)
        {
            int n = 0;
            while (n < 32 && (netmask & (0x80000000u >> n)) != 0)
            {
                n++;
            }

            return n;
        }

        private void Hex(int nibble)
        {
            Byte((byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10));
        }
    }
}
