namespace EmbeddedTcp.Wire
{
    /// <summary>
    /// The DNS message (RFC 1035 4.1) read and written in place in <c>byte[]</c> at offset 0 (the UDP
    /// payload): header offsets and flags, record types and class, the standard query a stub
    /// resolver sends, and names: labels, compression pointers (which must point backwards, into
    /// the message after the header, at most <see cref="MaxPointerJumps"/> of them per name) and
    /// case-insensitive comparison. Every reader takes the message's length and never reads past
    /// it, whatever the bytes; none throws.
    /// </summary>
    public static class DnsMessage
    {
        /// <summary>The server port.</summary>
        public const int Port = 53;
        /// <summary>Length of the header.</summary>
        public const int HeaderLength = 12;
        /// <summary>ID (2 bytes).</summary>
        public const int IdOffset = 0;
        /// <summary>Flags: QR, opcode, AA, TC, RD, RA, RCODE (2 bytes).</summary>
        public const int FlagsOffset = 2;
        /// <summary>QDCOUNT (2 bytes).</summary>
        public const int QuestionCountOffset = 4;
        /// <summary>ANCOUNT (2 bytes).</summary>
        public const int AnswerCountOffset = 6;
        /// <summary>A resource record's fixed part after its name: type, class, TTL, RDLENGTH.</summary>
        public const int RecordFixedLength = 10;
        /// <summary>In a record's fixed part: the class (2 bytes; the type is at 0).</summary>
        public const int RecordClassOffset = 2;
        /// <summary>In a record's fixed part: the TTL, seconds (4 bytes).</summary>
        public const int RecordTtlOffset = 4;
        /// <summary>In a record's fixed part: RDLENGTH (2 bytes).</summary>
        public const int RecordDataLengthOffset = 8;
        /// <summary>A question's fixed part after its name: type, class.</summary>
        public const int QuestionFixedLength = 4;
        /// <summary>Longest name in its wire form (RFC 1035 3.1), bytes.</summary>
        public const int MaxWireNameLength = 255;
        /// <summary>Longest label, bytes.</summary>
        public const int MaxLabelLength = 63;
        /// <summary>Compression pointers followed per name before it is rejected.</summary>
        public const int MaxPointerJumps = 16;

        /// <summary>QR: the message is a response.</summary>
        public const int FlagResponse = 0x8000;
        /// <summary>TC: the response was truncated.</summary>
        public const int FlagTruncated = 0x0200;
        /// <summary>The flags of a standard query with recursion desired (QR 0, opcode 0, RD 1).</summary>
        public const ushort FlagsRecursiveQuery = 0x0100;
        /// <summary>RCODE mask (the low four bits of the flags).</summary>
        public const int RcodeMask = 0xF;
        /// <summary>RCODE 0: no error.</summary>
        public const int RcodeNoError = 0;
        /// <summary>RCODE 3: the name does not exist (NXDOMAIN).</summary>
        public const int RcodeNameError = 3;

        /// <summary>Record type A (an IPv4 address).</summary>
        public const int TypeA = 1;
        /// <summary>Record type CNAME (an alias).</summary>
        public const int TypeCname = 5;
        /// <summary>Class IN.</summary>
        public const int ClassInternet = 1;

        /// <summary>The opcode of the flags (0 = standard query).</summary>
        public static int Opcode(int flags)
        {
            return (flags >> 11) & 0xF;
        }

        /// <summary>
        /// Writes a standard recursive query with <paramref name="id"/> for the A record of the dotted
        /// name of <paramref name="nameLength"/> bytes at <paramref name="nameOffset"/> of
        /// <paramref name="name"/> (labels of 1..63 bytes, checked by the caller) into
        /// <paramref name="t"/> from offset 0; returns its length.
        /// </summary>
        public static int WriteQuery(byte[] t, ushort id, byte[] name, int nameOffset, int nameLength)
        {
            NetOrder.WriteU16(t, IdOffset, id);
            NetOrder.WriteU16(t, FlagsOffset, FlagsRecursiveQuery);
            NetOrder.WriteU16(t, QuestionCountOffset, 1);
            NetOrder.WriteU16(t, AnswerCountOffset, 0);
            NetOrder.WriteU16(t, AnswerCountOffset + 2, 0); // NSCOUNT
            NetOrder.WriteU16(t, AnswerCountOffset + 4, 0); // ARCOUNT
            int p = HeaderLength;
            int end = nameOffset + nameLength;
            int start = nameOffset;
            for (int i = nameOffset; i <= end; i++)
            {
                if (i == end || name[i] == '.')
                {
                    int n = i - start;
                    t[p++] = (byte)n;
                    System.Array.Copy(name, start, t, p, n);
                    p += n;
                    start = i + 1;
                }
            }

            t[p++] = 0;
            NetOrder.WriteU16(t, p, TypeA);
            NetOrder.WriteU16(t, p + 2, ClassInternet);
            return p + QuestionFixedLength;
        }

        /// <summary>
        /// True when the <paramref name="count"/> resource records from <paramref name="offset"/> all
        /// lie inside the message (names valid, fixed part and RDATA within <paramref name="length"/>).
        /// </summary>
        public static bool RecordsInBounds(byte[] m, int length, int offset, int count)
        {
            int p = offset;
            for (int i = 0; i < count; i++)
            {
                int e = SkipName(m, length, p);
                if (e < 0 || e + RecordFixedLength > length)
                {
                    return false;
                }

                p = e + RecordFixedLength + NetOrder.ReadU16(m, e + RecordDataLengthOffset);
                if (p > length)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>ASCII lower case of <paramref name="c"/>.</summary>
        public static byte Lower(byte c)
        {
            return c >= 'A' && c <= 'Z' ? (byte)(c + 32) : c;
        }

        /// <summary>
        /// Moves <paramref name="pos"/> through compression pointers to the next label's length
        /// byte and returns the label length (0 = the root, end of name), or -1 when the name is
        /// bad: past the end, a reserved label type, a pointer that does not point backwards
        /// (into the message after the header), more than 16 jumps.
        /// </summary>
        public static int NextLabel(byte[] m, int length, ref int pos, ref int jumps)
        {
            while (true)
            {
                if (pos < 0 || pos >= length)
                {
                    return -1;
                }

                int b = m[pos];
                if ((b & 0xC0) == 0xC0)
                {
                    if (pos + 1 >= length)
                    {
                        return -1;
                    }

                    int target = ((b & 0x3F) << 8) | m[pos + 1];
                    if (target >= pos || target < HeaderLength || ++jumps > MaxPointerJumps)
                    {
                        return -1;
                    }

                    pos = target;
                    continue;
                }

                if ((b & 0xC0) != 0 || pos + 1 + b > length)
                {
                    return -1;
                }

                return b;
            }
        }

        /// <summary>Validates the name at <paramref name="offset"/> (pointers followed) and returns the offset just past its in-place encoding, or -1.</summary>
        public static int SkipName(byte[] m, int length, int offset)
        {
            int pos = offset;
            int end = -1;
            int jumps = 0;
            int total = 0;
            while (true)
            {
                if (pos < 0 || pos >= length)
                {
                    return -1;
                }

                if (end < 0 && (m[pos] & 0xC0) == 0xC0)
                {
                    end = pos + 2;
                }

                int l = NextLabel(m, length, ref pos, ref jumps);
                if (l < 0)
                {
                    return -1;
                }

                if (l == 0)
                {
                    return end < 0 ? pos + 1 : end;
                }

                total += l + 1;
                if (total > MaxWireNameLength)
                {
                    return -1;
                }

                pos += 1 + l;
            }
        }

        /// <summary>True when the two names in the message are equal (ASCII case-insensitive).</summary>
        public static bool NamesEqual(byte[] m, int length, int a, int b)
        {
            int ja = 0;
            int jb = 0;
            int total = 0;
            while (true)
            {
                int la = NextLabel(m, length, ref a, ref ja);
                int lb = NextLabel(m, length, ref b, ref jb);
                if (la < 0 || lb < 0 || la != lb)
                {
                    return false;
                }

                if (la == 0)
                {
                    return true;
                }

                for (int k = 1; k <= la; k++)
                {
                    if (Lower(m[a + k]) != Lower(m[b + k]))
                    {
                        return false;
                    }
                }

                total += la + 1;
                if (total > MaxWireNameLength)
                {
                    return false;
                }

                a += 1 + la;
                b += 1 + lb;
            }
        }

        /// <summary>
        /// True when the name at <paramref name="offset"/> in the message equals the dotted name of
        /// <paramref name="nameLength"/> lower-case bytes at <paramref name="nameOffset"/> of
        /// <paramref name="name"/> (the message's side compared case-insensitively).
        /// </summary>
        public static bool NameEquals(byte[] m, int length, int offset, byte[] name, int nameOffset, int nameLength)
        {
            int q = nameOffset;
            int end = q + nameLength;
            int jumps = 0;
            while (true)
            {
                int l = NextLabel(m, length, ref offset, ref jumps);
                if (l < 0)
                {
                    return false;
                }

                if (l == 0)
                {
                    return q > end;
                }

                if (q > end)
                {
                    return false;
                }

                int s = q;
                while (s < end && name[s] != '.')
                {
                    s++;
                }

                if (s - q != l)
                {
                    return false;
                }

                for (int k = 0; k < l; k++)
                {
                    if (Lower(m[offset + 1 + k]) != name[q + k])
                    {
                        return false;
                    }
                }

                offset += 1 + l;
                q = s + 1;
            }
        }
    }
}
