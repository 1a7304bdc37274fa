namespace EmbeddedTcp.Apps.Mqtt
{
    /// <summary>UTF-8 without allocating (System.Text.Encoding would return new arrays).</summary>
    public static class Utf8
    {
        /// <summary>Bytes <paramref name="s"/> takes in UTF-8.</summary>
        public static int Length(string s)
        {
            int n = 0;
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (c < 0x80)
                {
                    n += 1;
                }
                else if (c < 0x800)
                {
                    n += 2;
                }
                else if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.Length)
                {
                    n += 4;
                    i++;
                }
                else
                {
                    n += 3;
                }
            }

            return n;
        }

        /// <summary>Writes <paramref name="s"/> at <paramref name="offset"/>; returns the bytes written, or -1 if they do not fit in <paramref name="max"/>.</summary>
        public static int Encode(string s, byte[] buffer, int offset, int max)
        {
            int p = offset;
            int end = offset + max;
            for (int i = 0; i < s.Length; i++)
            {
                int c = s[i];
                if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.Length)
                {
                    c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00);
                    i++;
                }

                if (c < 0x80)
                {
                    if (p + 1 > end)
                    {
                        return -1;
                    }

                    buffer[p++] = (byte)c;
                }
                else if (c < 0x800)
                {
                    if (p + 2 > end)
                    {
                        return -1;
                    }

                    buffer[p++] = (byte)(0xC0 | (c >> 6));
                    buffer[p++] = (byte)(0x80 | (c & 0x3F));
                }
                else if (c < 0x10000)
                {
                    if (p + 3 > end)
                    {
                        return -1;
                    }

                    buffer[p++] = (byte)(0xE0 | (c >> 12));
                    buffer[p++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                    buffer[p++] = (byte)(0x80 | (c & 0x3F));
                }
                else
                {
                    if (p + 4 > end)
                    {
                        return -1;
                    }

                    buffer[p++] = (byte)(0xF0 | (c >> 18));
                    buffer[p++] = (byte)(0x80 | ((c >> 12) & 0x3F));
                    buffer[p++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                    buffer[p++] = (byte)(0x80 | (c & 0x3F));
                }
            }

            return p - offset;
        }

        /// <summary>True when buffer[offset..offset+length) is <paramref name="s"/> in UTF-8.</summary>
        public static bool Equals(string s, byte[] buffer, int offset, int length)
        {
            if (s == null || buffer == null)
            {
                return false;
            }

            int p = offset;
            int end = offset + length;
            for (int i = 0; i < s.Length; i++)
            {
                int c = s[i];
                if (c >= 0x80)
                {
                    // Rare on this path (topics and commands are ASCII): compare the slow way, byte by byte.
                    return SlowEquals(s, buffer, offset, length);
                }

                if (p >= end || buffer[p] != c)
                {
                    return false;
                }

                p++;
            }

            return p == end;
        }

        private static bool SlowEquals(string s, byte[] buffer, int offset, int length)
        {
            if (Length(s) != length)
            {
                return false;
            }

            int p = offset;
            for (int i = 0; i < s.Length; i++)
            {
                int c = s[i];
                if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.Length)
                {
                    c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00);
                    i++;
                }

                if (c < 0x80)
                {
                    if (buffer[p++] != c)
                    {
                        return false;
                    }
                }
                else if (c < 0x800)
                {
                    if (buffer[p++] != (byte)(0xC0 | (c >> 6)) || buffer[p++] != (byte)(0x80 | (c & 0x3F)))
                    {
                        return false;
                    }
                }
                else if (c < 0x10000)
                {
                    if (buffer[p++] != (byte)(0xE0 | (c >> 12)) || buffer[p++] != (byte)(0x80 | ((c >> 6) & 0x3F))
                        || buffer[p++] != (byte)(0x80 | (c & 0x3F)))
                    {
                        return false;
                    }
                }
                else
                {
                    if (buffer[p++] != (byte)(0xF0 | (c >> 18)) || buffer[p++] != (byte)(0x80 | ((c >> 12) & 0x3F))
                        || buffer[p++] != (byte)(0x80 | ((c >> 6) & 0x3F)) || buffer[p++] != (byte)(0x80 | (c & 0x3F)))
                    {
                        return false;
                    }
                }
            }

            return true;
        }
    }
}
