namespace EmbeddedTcp.Wire
{
    /// <summary>
    /// The parsed meaning of a TCP header's options, in fixed storage (no arrays). Filled by <see cref="Parse"/>;
    /// written back by the static writers or <see cref="Emit"/>. A class its owner allocates once and refills
    /// for each segment: nanoCLR keeps structs on its heap, so a struct here would allocate per segment.
    /// </summary>
    public sealed class TcpOptions
    {
        /// <summary>Largest window scale shift (RFC 7323 2.3).</summary>
        public const int MaxWindowScale = 14;
        /// <summary>Most SACK blocks that fit in 40 option bytes.</summary>
        public const int MaxSackBlocks = 4;

        /// <summary>Maximum segment size; 0 = absent.</summary>
        public int Mss;
        /// <summary>Window scale shift; -1 = absent; values above 14 are clamped to 14.</summary>
        public int WindowScale;
        /// <summary>SACK-permitted option present.</summary>
        public bool SackPermitted;
        /// <summary>Timestamps option present.</summary>
        public bool HasTimestamps;
        /// <summary>Timestamp value.</summary>
        public uint TsVal;
        /// <summary>Timestamp echo reply.</summary>
        public uint TsEcr;
        /// <summary>Number of SACK blocks (0..4).</summary>
        public int SackBlockCount;
        /// <summary>SACK block 0 left edge.</summary>
        public uint SackLeft0;
        /// <summary>SACK block 0 right edge.</summary>
        public uint SackRight0;
        /// <summary>SACK block 1 left edge.</summary>
        public uint SackLeft1;
        /// <summary>SACK block 1 right edge.</summary>
        public uint SackRight1;
        /// <summary>SACK block 2 left edge.</summary>
        public uint SackLeft2;
        /// <summary>SACK block 2 right edge.</summary>
        public uint SackRight2;
        /// <summary>SACK block 3 left edge.</summary>
        public uint SackLeft3;
        /// <summary>SACK block 3 right edge.</summary>
        public uint SackRight3;

        /// <summary>Creates the holder with every option absent (see <see cref="Clear"/>).</summary>
        public TcpOptions()
        {
            Clear();
        }

        /// <summary>Sets every option to absent (Mss 0, WindowScale -1, no SACK, no timestamps).</summary>
        public void Clear()
        {
            Mss = 0;
            WindowScale = -1;
            SackPermitted = false;
            HasTimestamps = false;
            TsVal = 0;
            TsEcr = 0;
            SackBlockCount = 0;
            SackLeft0 = 0; SackRight0 = 0; SackLeft1 = 0; SackRight1 = 0;
            SackLeft2 = 0; SackRight2 = 0; SackLeft3 = 0; SackRight3 = 0;
        }

        /// <summary>
        /// Parses <paramref name="length"/> option bytes at <paramref name="offset"/> (normally
        /// <see cref="TcpHeader.OptionsOffset"/>/<see cref="TcpHeader.OptionsLength"/>) into this holder, which is
        /// cleared first. EOL ends the list; NOPs and unknown options are skipped. An option whose length byte is
        /// missing, below 2, past the end, or wrong for its kind gives Malformed (options then hold what was
        /// parsed before it). Never throws.
        /// </summary>
        public WireResult Parse(byte[] buffer, int offset, int length)
        {
            Clear();
            if (!NetOrder.InBounds(buffer, offset, length))
            {
                return WireResult.Truncated;
            }

            int i = offset;
            int end = offset + length;
            while (i < end)
            {
                int kind = buffer[i];
                if (kind == TcpOptionKind.EndOfList)
                {
                    break;
                }

                if (kind == TcpOptionKind.NoOperation)
                {
                    i++;
                    continue;
                }
                if (i + 1 >= end)
                {
                    return WireResult.Malformed;
                }

                int len = buffer[i + 1];
                if (len < 2 || len > end - i)
                {
                    return WireResult.Malformed;
                }

                switch (kind)
                {
                    case TcpOptionKind.Mss:
                        if (len != 4)
                        {
                            return WireResult.Malformed;
                        }

                        Mss = (buffer[i + 2] << 8) | buffer[i + 3];
                        break;
                    case TcpOptionKind.WindowScale:
                        if (len != 3)
                        {
                            return WireResult.Malformed;
                        }

                        int shift = buffer[i + 2];
                        WindowScale = shift > MaxWindowScale ? MaxWindowScale : shift;
                        break;
                    case TcpOptionKind.SackPermitted:
                        if (len != 2)
                        {
                            return WireResult.Malformed;
                        }

                        SackPermitted = true;
                        break;
                    case TcpOptionKind.Timestamps:
                        if (len != 10)
                        {
                            return WireResult.Malformed;
                        }

                        HasTimestamps = true;
                        TsVal = NetOrder.ReadU32(buffer, i + 2);
                        TsEcr = NetOrder.ReadU32(buffer, i + 6);
                        break;
                    case TcpOptionKind.Sack:
                        int blocks = (len - 2) >> 3;
                        if (((len - 2) & 7) != 0 || blocks < 1 || blocks > MaxSackBlocks)
                        {
                            return WireResult.Malformed;
                        }

                        SackBlockCount = blocks;
                        SackLeft0 = NetOrder.ReadU32(buffer, i + 2);
                        SackRight0 = NetOrder.ReadU32(buffer, i + 6);
                        if (blocks > 1)
                        {
                            SackLeft1 = NetOrder.ReadU32(buffer, i + 10);
                            SackRight1 = NetOrder.ReadU32(buffer, i + 14);
                        }
                        if (blocks > 2)
                        {
                            SackLeft2 = NetOrder.ReadU32(buffer, i + 18);
                            SackRight2 = NetOrder.ReadU32(buffer, i + 22);
                        }
                        if (blocks > 3)
                        {
                            SackLeft3 = NetOrder.ReadU32(buffer, i + 26);
                            SackRight3 = NetOrder.ReadU32(buffer, i + 30);
                        }
                        break;
                }
                i += len;
            }
            return WireResult.Ok;
        }

        /// <summary>Left edge of SACK block <paramref name="index"/> (0..3).</summary>
        public uint GetSackLeft(int index)
        {
            if (index == 0)
            {
                return SackLeft0;
            }

            if (index == 1)
            {
                return SackLeft1;
            }

            if (index == 2)
            {
                return SackLeft2;
            }

            return SackLeft3;
        }

        /// <summary>Right edge of SACK block <paramref name="index"/> (0..3).</summary>
        public uint GetSackRight(int index)
        {
            if (index == 0)
            {
                return SackRight0;
            }

            if (index == 1)
            {
                return SackRight1;
            }

            if (index == 2)
            {
                return SackRight2;
            }

            return SackRight3;
        }

        /// <summary>Sets SACK block <paramref name="index"/> (0..3); does not change <see cref="SackBlockCount"/>.</summary>
        public void SetSackBlock(int index, uint left, uint right)
        {
            if (index == 0) { SackLeft0 = left; SackRight0 = right; }
            else if (index == 1) { SackLeft1 = left; SackRight1 = right; }
            else if (index == 2) { SackLeft2 = left; SackRight2 = right; }
            else { SackLeft3 = left; SackRight3 = right; }
        }

        /// <summary>Writes MSS (kind 2, length 4). Returns 4.</summary>
        public static int WriteMss(byte[] buffer, int offset, int mss)
        {
            buffer[offset] = TcpOptionKind.Mss;
            buffer[offset + 1] = 4;
            buffer[offset + 2] = (byte)(mss >> 8);
            buffer[offset + 3] = (byte)mss;
            return 4;
        }

        /// <summary>Writes NOP + window scale (kind 3, length 3); a shift above 14 is written as 14. Returns 4.</summary>
        public static int WriteWindowScale(byte[] buffer, int offset, int shift)
        {
            if (shift > MaxWindowScale)
            {
                shift = MaxWindowScale;
            }

            if (shift < 0)
            {
                shift = 0;
            }

            buffer[offset] = TcpOptionKind.NoOperation;
            buffer[offset + 1] = TcpOptionKind.WindowScale;
            buffer[offset + 2] = 3;
            buffer[offset + 3] = (byte)shift;
            return 4;
        }

        /// <summary>Writes NOP, NOP, SACK-permitted (kind 4, length 2). Returns 4.</summary>
        public static int WriteSackPermitted(byte[] buffer, int offset)
        {
            buffer[offset] = TcpOptionKind.NoOperation;
            buffer[offset + 1] = TcpOptionKind.NoOperation;
            buffer[offset + 2] = TcpOptionKind.SackPermitted;
            buffer[offset + 3] = 2;
            return 4;
        }

        /// <summary>Writes NOP, NOP, timestamps (kind 8, length 10). Returns 12.</summary>
        public static int WriteTimestamps(byte[] buffer, int offset, uint tsVal, uint tsEcr)
        {
            buffer[offset] = TcpOptionKind.NoOperation;
            buffer[offset + 1] = TcpOptionKind.NoOperation;
            buffer[offset + 2] = TcpOptionKind.Timestamps;
            buffer[offset + 3] = 10;
            NetOrder.WriteU32(buffer, offset + 4, tsVal);
            NetOrder.WriteU32(buffer, offset + 8, tsEcr);
            return 12;
        }

        /// <summary>
        /// Writes NOP, NOP, SACK (kind 5) with <paramref name="blockCount"/> blocks (clamped to 0..4) from
        /// <paramref name="edges"/> = left0, right0, left1, right1... Returns 4 + 8 * blocks, or 0 for no blocks.
        /// </summary>
        public static int WriteSackBlocks(byte[] buffer, int offset, uint[] edges, int blockCount)
        {
            if (blockCount > MaxSackBlocks)
            {
                blockCount = MaxSackBlocks;
            }

            if (blockCount <= 0 || edges == null)
            {
                return 0;
            }

            buffer[offset] = TcpOptionKind.NoOperation;
            buffer[offset + 1] = TcpOptionKind.NoOperation;
            buffer[offset + 2] = TcpOptionKind.Sack;
            buffer[offset + 3] = (byte)(2 + 8 * blockCount);
            int o = offset + 4;
            for (int b = 0; b < blockCount * 2; b++)
            {
                NetOrder.WriteU32(buffer, o, edges[b]);
                o += 4;
            }
            return o - offset;
        }

        /// <summary>
        /// Bytes <see cref="Emit"/> would write for these options (a multiple of 4; may exceed 40 if the caller
        /// asked for more than fits — check before emitting).
        /// </summary>
        public int EmitLength
        {
            get
            {
                int n = 0;
                if (Mss > 0)
                {
                    n += 4;
                }

                if (WindowScale >= 0)
                {
                    n += 4;
                }

                if (SackPermitted)
                {
                    n += 4;
                }

                if (HasTimestamps)
                {
                    n += 12;
                }

                if (SackBlockCount > 0)
                {
                    n += 4 + 8 * (SackBlockCount > MaxSackBlocks ? MaxSackBlocks : SackBlockCount);
                }

                return n;
            }
        }

        /// <summary>
        /// Writes the present options in the order MSS, SACK-permitted, timestamps, window scale, SACK blocks,
        /// NOP-aligned to 32 bits. Returns the bytes written (<see cref="EmitLength"/>).
        /// </summary>
        public int Emit(byte[] buffer, int offset)
        {
            int o = offset;
            if (Mss > 0)
            {
                o += WriteMss(buffer, o, Mss);
            }

            if (SackPermitted)
            {
                o += WriteSackPermitted(buffer, o);
            }

            if (HasTimestamps)
            {
                o += WriteTimestamps(buffer, o, TsVal, TsEcr);
            }

            if (WindowScale >= 0)
            {
                o += WriteWindowScale(buffer, o, WindowScale);
            }

            int blocks = SackBlockCount > MaxSackBlocks ? MaxSackBlocks : SackBlockCount;
            if (blocks > 0)
            {
                buffer[o] = TcpOptionKind.NoOperation;
                buffer[o + 1] = TcpOptionKind.NoOperation;
                buffer[o + 2] = TcpOptionKind.Sack;
                buffer[o + 3] = (byte)(2 + 8 * blocks);
                o += 4;
                for (int b = 0; b < blocks; b++)
                {
                    NetOrder.WriteU32(buffer, o, GetSackLeft(b));
                    NetOrder.WriteU32(buffer, o + 4, GetSackRight(b));
                    o += 8;
                }
            }
            return o - offset;
        }
    }
}
