using System;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Services
{
    /// <summary>
    /// Non-blocking DNS stub resolver for A records (RFC 1035) over UDP. Start a query with
    /// <see cref="Resolve(string)"/> (or the byte[] overload), then poll <see cref="GetResult"/>.
    /// Up to <see cref="InterfaceConfig.DnsMaxQueries"/> queries run at once; each is tried
    /// <see cref="InterfaceConfig.DnsTries"/> times, alternating between up to two servers (the DHCP
    /// lease's, else <see cref="InterfaceConfig.DnsServer"/> and <see cref="InterfaceConfig.SecondaryDnsServer"/>),
    /// the timeout doubling after each round. Answers are checked (id, QR, opcode, the question
    /// echoed, RCODE, source), compression pointers must point backwards and are bounded, records
    /// that run past the end reject the whole answer, CNAME chains inside the answer are
    /// followed. Results are cached for their TTL in a small fixed cache. Each burst of queries uses
    /// a fresh random source port (the socket is closed when no query is pending). Nothing is
    /// allocated after construction.
    /// </summary>
    public sealed class DnsClient : UdpServiceClient
    {
        /// <summary>The server port.</summary>
        public const int Port = DnsMessage.Port;
        /// <summary>Longest name accepted, bytes (dotted text, without a trailing dot).</summary>
        public const int MaxNameLength = 64;
        /// <summary>Largest response accepted, bytes (UDP DNS without EDNS).</summary>
        public const int MaxMessageLength = 512;
        /// <summary>TTLs longer than this (seconds) are shortened to it in the cache (one day).</summary>
        public const uint MaxTtlSeconds = 86400;

        private const int MaxCnameHops = 8;
        private const int HeaderLength = DnsMessage.HeaderLength;
        private const int MaxBackoffDoublings = 6;
        private const int SlotFree = 0;
        private const int SlotPending = 1;
        private const int SlotDone = 2;

        private const int ReceiveBurst = 64; // responses taken per poll

        private readonly uint _configured0;
        private readonly uint _configured1;
        private readonly int _timeoutMs;
        private readonly int _tries;
        private readonly byte[] _tx = new byte[HeaderLength + MaxNameLength + 2 + 4];
        private readonly byte[] _scratch = new byte[MaxNameLength + 1];

        // Queries.
        private readonly int[] _qState;
        private readonly DnsStatus[] _qStatus;
        private readonly int[] _qGeneration;
        private readonly byte[] _qName;
        private readonly int[] _qLength;
        private readonly ushort[] _qId;
        private readonly int[] _qTry;
        private readonly long[] _qDeadline;
        private readonly uint[] _qAddress;
        private readonly uint[] _qServer;
        private readonly bool[] _qFailed;

        // Cache.
        private readonly byte[] _cName;
        private readonly int[] _cLength;
        private readonly uint[] _cAddress;
        private readonly long[] _cExpires;
        private readonly long[] _cUsed;
        private long _useTick;

        private uint _server0;
        private uint _server1;

        /// <summary>Counters (queries, cache hits, outcomes, drops by cause).</summary>
        public readonly DnsCounters Counters = new DnsCounters();

        /// <summary>
        /// Built by the interface's composition root over its UDP sockets and address; sized from the
        /// DNS settings of <paramref name="config"/>.
        /// </summary>
        internal DnsClient(IUdpService udp, IAddressSink host, InterfaceConfig config, IRandomSource random)
            : base(udp, host, random, MaxMessageLength)
        {
            _configured0 = config.DnsServer;
            _configured1 = config.SecondaryDnsServer;
            _server0 = _configured0;
            _server1 = _configured1;
            _timeoutMs = config.DnsTimeoutMs > 0 ? config.DnsTimeoutMs : 1;
            _tries = config.DnsTries > 0 ? config.DnsTries : 1;
            int q = config.DnsMaxQueries > 0 ? config.DnsMaxQueries : 1;
            _qState = new int[q];
            _qStatus = new DnsStatus[q];
            _qGeneration = new int[q];
            _qName = new byte[q * MaxNameLength];
            _qLength = new int[q];
            _qId = new ushort[q];
            _qTry = new int[q];
            _qDeadline = new long[q];
            _qAddress = new uint[q];
            _qServer = new uint[q];
            _qFailed = new bool[q];
            for (int i = 0; i < q; i++)
            {
                _qGeneration[i] = 1;
            }

            int c = config.DnsCacheEntries > 0 ? config.DnsCacheEntries : 0;
            _cName = new byte[c * MaxNameLength];
            _cLength = new int[c];
            _cAddress = new uint[c];
            _cExpires = new long[c];
            _cUsed = new long[c];
        }

        /// <summary>Bytes a client of this configuration allocates, for the interface's <c>AllocatedBytes</c>.</summary>
        internal static long Footprint(InterfaceConfig config)
        {
            long q = config.DnsMaxQueries > 0 ? config.DnsMaxQueries : 1;
            long c = config.DnsCacheEntries > 0 ? config.DnsCacheEntries : 0;
            return HeaderLength + MaxNameLength + 6 + MaxMessageLength + MaxNameLength + 1
                + q * (MaxNameLength + 42) + c * (MaxNameLength + 28) + 200;
        }

        /// <summary>The DNS servers in use: index 0 or 1; 0 when absent.</summary>
        public uint GetServer(int index)
        {
            return index == 0 ? _server0 : index == 1 ? _server1 : 0;
        }

        /// <summary>
        /// Sets the servers queries go to (0 = none). DHCP calls this with the lease's servers;
        /// with no server at all the interface's <see cref="IAddressSink.DnsServer"/> is used.
        /// </summary>
        public void SetServers(uint primary, uint secondary)
        {
            _server0 = primary;
            _server1 = secondary;
        }

        /// <summary>Back to the configured servers (DHCP calls this when its lease ends).</summary>
        internal void UseConfiguredServers()
        {
            _server0 = _configured0;
            _server1 = _configured1;
        }

        /// <summary>Forgets every cached name.</summary>
        public void ClearCache()
        {
            for (int i = 0; i < _cLength.Length; i++)
            {
                _cLength[i] = 0;
            }
        }

        /// <summary>Queries started and not yet finished.</summary>
        public int PendingCount
        {
            get
            {
                int n = 0;
                for (int i = 0; i < _qState.Length; i++)
                {
                    if (_qState[i] == SlotPending)
                    {
                        n++;
                    }
                }

                return n;
            }
        }

        /// <summary>
        /// Starts resolving <paramref name="name"/> (ASCII, at most 64 bytes, a trailing dot allowed)
        /// to an IPv4 address; a dotted-quad literal resolves at once, without a server. Returns a query handle (&gt; 0) for <see cref="GetResult"/>, or
        /// <see cref="NetError.InvalidArgument"/> (bad name), <see cref="NetError.NoResources"/>
        /// (all query slots busy, or no free UDP socket), <see cref="NetError.InvalidState"/> (no DNS
        /// server known). The string is only read: nothing is allocated.
        /// </summary>
        public int Resolve(string name)
        {
            if (name == null || name.Length == 0 || name.Length > MaxNameLength + 1)
            {
                return NetError.InvalidArgument;
            }

            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                if (c > 126)
                {
                    return NetError.InvalidArgument;
                }

                _scratch[i] = (byte)c;
            }

            return Resolve(_scratch, 0, name.Length);
        }

        /// <summary>As <see cref="Resolve(string)"/>, with the name as ASCII bytes.</summary>
        public int Resolve(byte[] name, int offset, int length)
        {
            if (!NetOrder.InBounds(name, offset, length))
            {
                return NetError.InvalidArgument;
            }

            if (length > 0 && name[offset + length - 1] == '.')
            {
                length--;
            }

            if (length == 0 || length > MaxNameLength)
            {
                return NetError.InvalidArgument;
            }

            int slot = -1;
            for (int i = 0; i < _qState.Length; i++)
            {
                if (_qState[i] == SlotFree)
                {
                    slot = i;
                    break;
                }
            }

            if (slot < 0)
            {
                return NetError.NoResources;
            }

            if (!CopyName(slot, name, offset, length))
            {
                return NetError.InvalidArgument;
            }

            _qLength[slot] = length;
            _qFailed[slot] = false;
            _qTry[slot] = 0;
            _qAddress[slot] = 0;
            long now = _host.Now;
            int handle = Handles.DnsQuery | (_qGeneration[slot] << Handles.IndexBits) | slot;
            uint literal;
            if (TryParseLiteral(name, offset, length, out literal))
            {
                _qAddress[slot] = literal; // "192.0.2.7" needs no server
                _qStatus[slot] = DnsStatus.Resolved;
                _qState[slot] = SlotDone;
                return handle;
            }

            int hit = CacheFind(slot, now);
            if (hit >= 0)
            {
                Counters.CacheHits++;
                _cUsed[hit] = ++_useTick;
                _qAddress[slot] = _cAddress[hit];
                _qStatus[slot] = DnsStatus.Resolved;
                _qState[slot] = SlotDone;
                return handle;
            }

            int error = StartQuery(slot, now);
            return error < 0 ? error : handle;
        }

        /// <summary>
        /// Copies the name into the query's slot, lower-cased, checking the labels: 1..63 printable
        /// bytes between dots. False for a bad name.
        /// </summary>
        private bool CopyName(int slot, byte[] name, int offset, int length)
        {
            int b = slot * MaxNameLength;
            int label = 0;
            for (int i = 0; i < length; i++)
            {
                byte c = name[offset + i];
                if (c == '.')
                {
                    if (label == 0)
                    {
                        return false;
                    }

                    label = 0;
                }
                else
                {
                    if (c <= ' ' || c > 126 || ++label > DnsMessage.MaxLabelLength)
                    {
                        return false;
                    }
                }

                _qName[b + i] = DnsMessage.Lower(c);
            }

            return true;
        }

        /// <summary>Sends the first query of the slot's name (opening the socket when none is); <see cref="NetError.Ok"/> or an error.</summary>
        private int StartQuery(int slot, long now)
        {
            uint s0;
            uint s1;
            if (Servers(out s0, out s1) == 0)
            {
                return NetError.InvalidState;
            }

            if (_socket <= 0)
            {
                int h = _udp.UdpOpen(0);
                if (h <= 0)
                {
                    return NetError.NoResources;
                }

                _socket = h;
            }

            _qId[slot] = NewId(slot);
            _qStatus[slot] = DnsStatus.Pending;
            _qState[slot] = SlotPending;
            Counters.QueriesSent++;
            Send(slot, now);
            return NetError.Ok;
        }

        /// <summary>
        /// The state of a query. While <see cref="DnsStatus.Pending"/> the handle stays valid; a final
        /// result (Resolved with <paramref name="address"/>, NotFound, Timeout, Error) is returned
        /// once and the handle is released. An unknown or released handle gives Error.
        /// </summary>
        public DnsStatus GetResult(int query, out uint address)
        {
            address = 0;
            int i = Index(query);
            if (i < 0)
            {
                return DnsStatus.Error;
            }

            if (_qState[i] == SlotPending)
            {
                return DnsStatus.Pending;
            }

            address = _qAddress[i];
            DnsStatus s = _qStatus[i];
            Release(i);
            return s;
        }

        /// <summary>Abandons a query (its answer, if one comes, is dropped). Returns false for an unknown handle.</summary>
        public bool Cancel(int query)
        {
            int i = Index(query);
            if (i < 0)
            {
                return false;
            }

            Release(i);
            CloseIfIdle();
            return true;
        }

        /// <summary>The DNS id of a pending query, or -1 (for tests that forge answers).</summary>
        internal int QueryId(int query)
        {
            int i = Index(query);
            return i < 0 ? -1 : _qId[i];
        }

        /// <summary>When <see cref="Poll"/> must run next (ms); long.MaxValue when no query is pending.</summary>
        internal long Deadline()
        {
            long next = long.MaxValue;
            for (int i = 0; i < _qState.Length; i++)
            {
                if (_qState[i] == SlotPending && _qDeadline[i] < next)
                {
                    next = _qDeadline[i];
                }
            }

            return next;
        }

        /// <summary>Takes waiting responses, then retries or ends the queries whose timeout passed.</summary>
        internal void Poll(long nowMs)
        {
            if (_socket <= 0)
            {
                return;
            }

            ReceiveAll(nowMs, ReceiveBurst);

            for (int i = 0; i < _qState.Length; i++)
            {
                if (_qState[i] == SlotPending && nowMs >= _qDeadline[i])
                {
                    NextTry(i, nowMs);
                }
            }

            CloseIfIdle();
        }

        /// <summary>One datagram on the query port: from a server's port 53, whole, it is a response to <see cref="Input"/>.</summary>
        protected override void OnDatagram(uint source, int port, int length, long nowMs)
        {
            if (length > _rx.Length)
            {
                Counters.DroppedOversize++;
                return;
            }

            if (port != Port)
            {
                Counters.DroppedWrongSource++;
                return;
            }

            Input(_rx, length, source, nowMs);
        }

        // ------------------------------------------------------------------ queries

        /// <summary>A random id no other pending query uses (answers are matched by id first).</summary>
        private ushort NewId(int slot)
        {
            while (true)
            {
                ushort id = (ushort)_random.NextUInt32();
                bool used = false;
                for (int i = 0; i < _qState.Length; i++)
                {
                    if (i != slot && _qState[i] == SlotPending && _qId[i] == id)
                    {
                        used = true;
                    }
                }

                if (!used)
                {
                    return id;
                }
            }
        }

        /// <summary>Parses exactly four dot-separated decimal parts 0..255.</summary>
        private static bool TryParseLiteral(byte[] name, int offset, int length, out uint address)
        {
            address = 0;
            uint result = 0;
            int parts = 0;
            int value = 0;
            int digits = 0;
            for (int i = 0; i <= length; i++)
            {
                if (i == length || name[offset + i] == '.')
                {
                    if (digits == 0 || parts == 4)
                    {
                        return false;
                    }

                    result = (result << 8) | (uint)value;
                    parts++;
                    value = 0;
                    digits = 0;
                    continue;
                }

                int c = name[offset + i];
                if (c < '0' || c > '9' || digits == 3)
                {
                    return false;
                }

                value = value * 10 + (c - '0');
                if (value > 255)
                {
                    return false;
                }

                digits++;
            }

            if (parts != 4)
            {
                return false;
            }

            address = result;
            return true;
        }

        private int Index(int handle)
        {
            if ((handle & Handles.KindMask) != Handles.DnsQuery)
            {
                return -1;
            }

            int i = handle & Handles.IndexMask;
            if (i >= _qState.Length || _qState[i] == SlotFree || ((handle >> Handles.IndexBits) & Handles.MaxGeneration) != _qGeneration[i])
            {
                return -1;
            }

            return i;
        }

        private void Release(int i)
        {
            _qState[i] = SlotFree;
            _qGeneration[i] = _qGeneration[i] >= Handles.MaxGeneration ? 1 : _qGeneration[i] + 1;
        }

        private void CloseIfIdle()
        {
            if (_socket > 0 && PendingCount == 0)
            {
                _udp.UdpClose(_socket);
                _socket = 0;
            }
        }

        private int Servers(out uint s0, out uint s1)
        {
            s0 = _server0;
            s1 = _server1;
            if (s0 == 0)
            {
                s0 = s1;
                s1 = 0;
            }

            if (s0 == 0)
            {
                s0 = _host.DnsServer;
            }

            if (s1 == s0)
            {
                s1 = 0;
            }

            return s0 == 0 ? 0 : s1 == 0 ? 1 : 2;
        }

        private void NextTry(int slot, long now)
        {
            _qTry[slot]++;
            if (_qTry[slot] >= _tries)
            {
                Finish(slot, _qFailed[slot] ? DnsStatus.Error : DnsStatus.Timeout, 0);
                return;
            }

            Counters.Retransmissions++;
            Send(slot, now);
        }

        private void Finish(int slot, DnsStatus status, uint address)
        {
            _qStatus[slot] = status;
            _qAddress[slot] = address;
            _qState[slot] = SlotDone;
            if (status == DnsStatus.Resolved)
            {
                Counters.Resolved++;
            }
            else if (status == DnsStatus.NotFound)
            {
                Counters.NotFound++;
            }
            else if (status == DnsStatus.Timeout)
            {
                Counters.Timeouts++;
            }
            else
            {
                Counters.Errors++;
            }
        }

        /// <summary>Sends try number _qTry[slot]: server k mod count, timeout doubled each round.</summary>
        private void Send(int slot, long now)
        {
            uint s0;
            uint s1;
            int count = Servers(out s0, out s1);
            int k = _qTry[slot];
            int round = count == 0 ? k : k / count;
            if (round > MaxBackoffDoublings)
            {
                round = MaxBackoffDoublings;
            }

            _qDeadline[slot] = now + ((long)_timeoutMs << round);
            if (count == 0)
            {
                return; // servers vanished (lease lost): the try times out
            }

            uint server = (k % count) == 0 ? s0 : s1;
            _qServer[slot] = server;
            int n = DnsMessage.WriteQuery(_tx, _qId[slot], _qName, slot * MaxNameLength, _qLength[slot]);
            _udp.UdpSendTo(_socket, server, Port, _tx, 0, n);
        }

        // ------------------------------------------------------------------ input

        /// <summary>
        /// One DNS response (the UDP payload) from <paramref name="source"/>. Exposed for tests and
        /// fuzzing; never throws, whatever the bytes. Returns true when it settled or advanced a query.
        /// </summary>
        internal bool Input(byte[] m, int length, uint source, long now)
        {
            if (m == null || length < HeaderLength || length > m.Length)
            {
                Counters.DroppedMalformed++;
                return false;
            }

            int slot = MatchQuery(m, source);
            if (slot < 0)
            {
                return false;
            }

            int flags = NetOrder.ReadU16(m, DnsMessage.FlagsOffset);
            if ((flags & DnsMessage.FlagResponse) == 0 || DnsMessage.Opcode(flags) != 0)
            {
                Counters.DroppedMalformed++;
                return false;
            }

            int first = MatchQuestion(m, length, slot);
            if (first < 0)
            {
                return false;
            }

            // Every answer record must lie inside the message, or the whole answer is rejected.
            int answers = NetOrder.ReadU16(m, DnsMessage.AnswerCountOffset);
            if (!DnsMessage.RecordsInBounds(m, length, first, answers))
            {
                Counters.DroppedMalformed++;
                return false;
            }

            Counters.ResponsesIn++;
            int rcode = flags & DnsMessage.RcodeMask;
            if ((flags & DnsMessage.FlagTruncated) != 0 || (rcode != DnsMessage.RcodeNoError && rcode != DnsMessage.RcodeNameError))
            {
                Counters.ServerFailures++;
                _qFailed[slot] = true;
                NextTry(slot, now); // SERVFAIL, REFUSED, truncated: ask the next server now
                return true;
            }

            uint address;
            uint ttl;
            if (rcode == DnsMessage.RcodeNameError || !FindAddress(m, length, first, answers, out address, out ttl))
            {
                Finish(slot, DnsStatus.NotFound, 0);
                return true;
            }

            CacheStore(slot, address, ttl, now);
            Finish(slot, DnsStatus.Resolved, address);
            return true;
        }

        /// <summary>
        /// The pending query the response's id names, if it came from a server that query may have
        /// asked; -1 (counted) otherwise.
        /// </summary>
        private int MatchQuery(byte[] m, uint source)
        {
            ushort id = NetOrder.ReadU16(m, DnsMessage.IdOffset);
            int slot = -1;
            for (int i = 0; i < _qState.Length; i++)
            {
                if (_qState[i] == SlotPending && _qId[i] == id)
                {
                    slot = i;
                    break;
                }
            }

            if (slot < 0)
            {
                Counters.DroppedWrongId++;
                return -1;
            }

            uint s0;
            uint s1;
            Servers(out s0, out s1);
            if (source == 0 || (source != s0 && source != s1 && source != _qServer[slot]))
            {
                Counters.DroppedWrongSource++;
                return -1;
            }

            return slot;
        }

        /// <summary>
        /// Checks that the response echoes the query's one question (its name, type A, class IN);
        /// returns the offset of the first answer record, or -1 (counted).
        /// </summary>
        private int MatchQuestion(byte[] m, int length, int slot)
        {
            int questionEnd = DnsMessage.SkipName(m, length, HeaderLength);
            if (questionEnd < 0 || questionEnd + DnsMessage.QuestionFixedLength > length)
            {
                Counters.DroppedMalformed++;
                return -1;
            }

            if (NetOrder.ReadU16(m, DnsMessage.QuestionCountOffset) != 1
                || !DnsMessage.NameEquals(m, length, HeaderLength, _qName, slot * MaxNameLength, _qLength[slot])
                || NetOrder.ReadU16(m, questionEnd) != DnsMessage.TypeA
                || NetOrder.ReadU16(m, questionEnd + 2) != DnsMessage.ClassInternet)
            {
                Counters.DroppedWrongQuestion++;
                return -1;
            }

            return questionEnd + DnsMessage.QuestionFixedLength;
        }

        /// <summary>
        /// Follows the chain from the question name through the <paramref name="answers"/> records
        /// at <paramref name="first"/> (already checked to lie inside the message): CNAMEs move it (at
        /// most <see cref="MaxCnameHops"/>), an A record ends it. The TTL is the smallest on the way.
        /// </summary>
        private static bool FindAddress(byte[] m, int length, int first, int answers, out uint address, out uint ttl)
        {
            int current = HeaderLength;
            ttl = MaxTtlSeconds;
            address = 0;
            int hops = 0;
            for (int pass = 0; pass <= MaxCnameHops; pass++)
            {
                bool moved = false;
                int p = first;
                for (int i = 0; i < answers; i++)
                {
                    int e = DnsMessage.SkipName(m, length, p);
                    int type = NetOrder.ReadU16(m, e);
                    int cls = NetOrder.ReadU16(m, e + DnsMessage.RecordClassOffset);
                    uint rrTtl = NetOrder.ReadU32(m, e + DnsMessage.RecordTtlOffset);
                    int rdLength = NetOrder.ReadU16(m, e + DnsMessage.RecordDataLengthOffset);
                    int rd = e + DnsMessage.RecordFixedLength;
                    if (rrTtl >= 0x80000000)
                    {
                        rrTtl = 0; // RFC 2181 8
                    }

                    if (cls == DnsMessage.ClassInternet && (type == DnsMessage.TypeA || type == DnsMessage.TypeCname)
                        && DnsMessage.NamesEqual(m, length, p, current))
                    {
                        if (type == DnsMessage.TypeA && rdLength == 4)
                        {
                            address = NetOrder.ReadU32(m, rd);
                            if (rrTtl < ttl)
                            {
                                ttl = rrTtl;
                            }

                            return true;
                        }

                        if (type == DnsMessage.TypeCname && hops < MaxCnameHops)
                        {
                            int targetEnd = DnsMessage.SkipName(m, length, rd);
                            if (targetEnd > 0 && targetEnd <= rd + rdLength && !DnsMessage.NamesEqual(m, length, rd, current))
                            {
                                current = rd;
                                hops++;
                                moved = true;
                                if (rrTtl < ttl)
                                {
                                    ttl = rrTtl;
                                }
                            }
                        }
                    }

                    p = rd + rdLength;
                }

                if (!moved)
                {
                    break;
                }
            }

            return false;
        }

        // ------------------------------------------------------------------ cache

        private int CacheFind(int slot, long now)
        {
            int length = _qLength[slot];
            int q = slot * MaxNameLength;
            for (int i = 0; i < _cLength.Length; i++)
            {
                if (_cLength[i] == length && _cExpires[i] > now && SameName(i * MaxNameLength, q, length))
                {
                    return i;
                }
            }

            return -1;
        }

        private bool SameName(int cacheOffset, int queryOffset, int length)
        {
            for (int k = 0; k < length; k++)
            {
                if (_cName[cacheOffset + k] != _qName[queryOffset + k])
                {
                    return false;
                }
            }

            return true;
        }

        private void CacheStore(int slot, uint address, uint ttlSeconds, long now)
        {
            if (ttlSeconds == 0 || _cLength.Length == 0)
            {
                return;
            }

            int length = _qLength[slot];
            int q = slot * MaxNameLength;
            int victim = -1;
            for (int i = 0; i < _cLength.Length; i++)
            {
                if (_cLength[i] == length && SameName(i * MaxNameLength, q, length))
                {
                    victim = i;
                    break;
                }
            }

            if (victim < 0)
            {
                long oldest = long.MaxValue;
                for (int i = 0; i < _cLength.Length; i++)
                {
                    if (_cLength[i] == 0 || _cExpires[i] <= now)
                    {
                        victim = i;
                        break;
                    }

                    if (_cUsed[i] < oldest)
                    {
                        oldest = _cUsed[i];
                        victim = i;
                    }
                }
            }

            Array.Copy(_qName, q, _cName, victim * MaxNameLength, length);
            _cLength[victim] = length;
            _cAddress[victim] = address;
            _cExpires[victim] = now + ttlSeconds * 1000L;
            _cUsed[victim] = ++_useTick;
        }
    }
}
