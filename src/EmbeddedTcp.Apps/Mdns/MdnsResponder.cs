using System;
using EmbeddedTcp.Ip;

namespace EmbeddedTcp.Apps.Mdns
{
    /// <summary>
    /// A Multicast DNS responder (RFC 6762) for one host name, <c>&lt;name&gt;.local</c>, with its
    /// HTTP page advertised by DNS-SD (RFC 6763) as <c>&lt;name&gt;._http._tcp.local</c> (PTR, SRV,
    /// TXT; the service enumeration PTR too). It joins 224.0.0.251 (the stack's IGMP), holds UDP
    /// port 5353, probes its name three times 250 ms apart once the stack has an address
    /// (RFC 6762 8.1, QU questions with our A record in the authority section), then announces
    /// twice 1 s apart (8.3). A conflicting answer (another host's A record for the name) or a
    /// lost simultaneous-probe tie-break (8.2) renames it <c>name-2</c>, <c>name-3</c>... and it
    /// probes and announces again (section 9). Questions are answered by multicast, by unicast
    /// when they ask for it (QU, 5.4), and as legacy unicast (6.7: ID and questions echoed, TTL 10)
    /// when they come from a port other than 5353. Every answer fits one frame (records that do
    /// not fit are left out and counted, additional records first). Hostile packets (compression
    /// loops or forward pointers, counts past the end, names over 255 bytes, bad label types) are
    /// dropped and counted. Everything is allocated in the constructor; polling allocates nothing.
    /// Not done: known-answer suppression (7.1), the 20-120 ms delay of shared answers (6),
    /// probing the service instance name separately (it is the host name, renamed with it), goodbyes.
    /// </summary>
    public sealed class MdnsResponder
    {
        /// <summary>The mDNS group, 224.0.0.251.</summary>
        public const uint Group = 0xE00000FB;

        /// <summary>The mDNS port.</summary>
        public const int Port = 5353;

        private const int TypeA = 1, TypePtr = 12, TypeTxt = 16, TypeSrv = 33, TypeAny = 255;
        private const int WantA = 1, WantPtr = 2, WantSrv = 4, WantTxt = 8, WantEnum = 16;
        private const int WantUnicast = 64; // ReadQuestions: a question for one of ours asked for a unicast reply
        private const int HeaderLength = 12; // DNS header (RFC 1035 4.1.1)
        private const int FlagResponse = 0x8000; // QR
        private const int ClassIn = 1, ClassAny = 255;
        private const int ClassMask = 0x7FFF; // the class without the QU / cache-flush bit
        private const int UnicastResponseBit = 0x8000; // QU in a question's class (RFC 6762 5.4)
        private const int StateWaiting = 0, StateProbing = 1, StateAnnouncing = 2, StateRunning = 3;
        private const int ProbeCount = 3, ProbeIntervalMs = 250, AnnouncementCount = 2, AnnouncementIntervalMs = 1000;
        private const int MaxLabel = 56; // room for "-NNN" in a 63-byte label

        // "_http._tcp.local" and "_services._dns-sd._udp.local" in wire form, made once at start-up.
        private static readonly byte[] ServiceName = Encode("_http._tcp.local");
        private static readonly byte[] EnumName = Encode("_services._dns-sd._udp.local");
        private static readonly string DefaultPrefix = "embeddedtcp-";

        private readonly NetworkStack _stack;
        private readonly MdnsOptions _options;
        private readonly byte[] _base = new byte[MaxLabel];
        private readonly int _baseLength;
        private readonly byte[] _host = new byte[1 + 63 + 7];      // <label>.local in wire form
        private readonly byte[] _instance = new byte[1 + 63 + 18]; // <label>._http._tcp.local
        private readonly byte[] _txt;
        private readonly byte[] _rx;
        private readonly byte[] _tx;
        private readonly int _capacity;
        private readonly byte[] _name = new byte[256];              // the name being read, lowercase wire form
        private int _nameLength;
        private int _hostLength;
        private int _instanceLength;
        private int _socket;
        private int _state;
        private int _step;
        private long _nextAt;
        private uint _announcedAddress;
        private int _suffix;
        private uint _seed;
        private int _hostAt, _serviceAt, _instanceAt; // compression targets in the answer being built
        private int _ttlCap;

        /// <summary>Queries received (well-formed ones).</summary>
        public long QueriesIn;
        /// <summary>Responses from other responders received.</summary>
        public long ResponsesIn;
        /// <summary>Answers sent (multicast and unicast).</summary>
        public long AnswersOut;
        /// <summary>Answers sent by unicast (QU questions and legacy queries).</summary>
        public long UnicastAnswersOut;
        /// <summary>Probes sent.</summary>
        public long ProbesOut;
        /// <summary>Announcements sent.</summary>
        public long AnnouncementsOut;
        /// <summary>Malformed or hostile packets dropped (loops, counts past the end, long names, bad labels).</summary>
        public long Malformed;
        /// <summary>Datagrams longer than the receive buffer, dropped.</summary>
        public long Oversize;
        /// <summary>Records left out of an answer because the frame was full.</summary>
        public long RecordsTruncated;
        /// <summary>Name conflicts (each renames the host: name-2, name-3, ...).</summary>
        public long Conflicts;

        /// <summary>
        /// Creates the responder over <paramref name="stack"/> (its configuration needs one free
        /// multicast group and one UDP socket): joins 224.0.0.251, opens port 5353, and allocates
        /// one frame's worth of receive and transmit buffer. Probing starts at the first poll with an address.
        /// </summary>
        public MdnsResponder(NetworkStack stack, MdnsOptions options)
        {
            _stack = stack;
            _options = options;
            var mac = new byte[6];
            stack.GetMacAddress(mac, 0);
            string name = options.HostName;
            if (name == null || name.Length == 0)
            {
                name = DefaultPrefix + Hex(mac[3]) + Hex(mac[4]) + Hex(mac[5]);
            }

            int n = 0;
            for (int i = 0; i < name.Length && n < MaxLabel; i++)
            {
                char c = name[i];
                if (c >= 'A' && c <= 'Z')
                {
                    c = (char)(c + 32);
                }

                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
                {
                    _base[n++] = (byte)c;
                }
            }

            if (n == 0)
            {
                _base[n++] = (byte)'e';
            }

            _baseLength = n;
            string txt = options.HttpTxt == null ? "" : options.HttpTxt;
            _txt = new byte[txt.Length == 0 ? 1 : txt.Length + 1];
            _txt[0] = (byte)txt.Length; // one string (RFC 6763 6.1); an empty TXT is one zero byte
            for (int i = 0; i < txt.Length; i++)
            {
                _txt[1 + i] = (byte)txt[i];
            }

            // One frame: the UDP payload of an MTU-sized datagram, and never above 1472 (RFC 6762 17).
            int mtu = stack.Config.Mtu;
            _capacity = mtu - 28 > 1472 ? 1472 : mtu - 28;
            _rx = new byte[_capacity];
            _tx = new byte[_capacity + 300]; // slack: a record is written, then kept only if it fits
            _seed = (uint)(mac[2] << 24 | mac[3] << 16 | mac[4] << 8 | mac[5]) | 1;
            BuildNames();
            stack.JoinGroup(Group);
            _socket = stack.UdpOpen(Port);
        }

        /// <summary>The UDP socket handle (negative: port 5353 was not available; the responder then does nothing).</summary>
        public int Socket { get { return _socket; } }

        /// <summary>True once the name was probed and announced (and answers are given).</summary>
        public bool IsAnnounced { get { return _state == StateRunning || (_state == StateAnnouncing && _step > 0); } }

        /// <summary>The rename suffix in use: 0 for the configured name, 2 for name-2, ...</summary>
        public int Suffix { get { return _suffix; } }

        /// <summary>Copies the host name (without ".local", ASCII) into <paramref name="destination"/>; returns its length (0 when it does not fit).</summary>
        public int CopyHostName(byte[] destination, int offset)
        {
            int l = _host[0];
            if (destination == null || offset < 0 || offset > destination.Length - l)
            {
                return 0;
            }

            Array.Copy(_host, 1, destination, offset, l);
            return l;
        }

        /// <summary>The host name with ".local" (desktop and start-up use: allocates a string).</summary>
        public string FullName()
        {
            var chars = new char[_host[0]];
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)_host[1 + i];
            }

            return new string(chars) + ".local";
        }

        /// <summary>Probes, announces and answers; call after each <see cref="EmbeddedTcp.Ip.IpInterface.Poll"/>.</summary>
        public void Poll(long nowMs)
        {
            if (_socket < 0)
            {
                return;
            }

            uint address = _stack.Address;
            if (address != _announcedAddress)
            {
                // A new address (DHCP) is probed and announced afresh; none: wait for one.
                _announcedAddress = address;
                StartProbing(nowMs, address == 0 ? StateWaiting : StateProbing);
            }

            for (int k = 0; k < _options.MaxQueriesPerPoll; k++)
            {
                uint source;
                int sourcePort;
                int n = _stack.UdpReceiveFrom(_socket, _rx, 0, _rx.Length, out source, out sourcePort);
                if (n <= 0)
                {
                    break;
                }

                if (n > _rx.Length)
                {
                    Oversize++;
                    continue;
                }

                Input(n, source, sourcePort, nowMs);
            }

            if (_state == StateWaiting || _state == StateRunning || nowMs < _nextAt)
            {
                return;
            }

            ProbeOrAnnounce(nowMs);
        }

        /// <summary>The next step of start-up, when due: three probes 250 ms apart (RFC 6762 8.1), then two announcements a second apart (8.3).</summary>
        private void ProbeOrAnnounce(long nowMs)
        {
            if (_state == StateProbing)
            {
                if (_step < ProbeCount)
                {
                    SendProbe();
                    _step++;
                    _nextAt = nowMs + ProbeIntervalMs;
                    return;
                }

                _state = StateAnnouncing;
                _step = 0;
            }

            SendAnnouncement();
            _step++;
            if (_step >= AnnouncementCount)
            {
                _state = StateRunning;
            }
            else
            {
                _nextAt = nowMs + AnnouncementIntervalMs;
            }
        }

        /// <summary>The latest time by which <see cref="Poll"/> must run again for the probe and announcement timers.</summary>
        public long NextDeadline()
        {
            return _state == StateProbing || _state == StateAnnouncing ? _nextAt : long.MaxValue;
        }

        private void StartProbing(long nowMs, int state)
        {
            _state = state;
            _step = 0;
            _nextAt = nowMs + (long)(NextRandom() % 250); // 0-250 ms before the first probe (8.1)
            if (Conflicts > 15)
            {
                _nextAt += 5000; // many conflicts: slow down (8.1)
            }
        }

        private uint NextRandom()
        {
            uint x = _seed;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            _seed = x;
            return x;
        }

        // ------------------------------------------------------------------ names

        private void BuildNames()
        {
            int l = _baseLength;
            Array.Copy(_base, 0, _host, 1, l);
            if (_suffix > 0)
            {
                _host[1 + l++] = (byte)'-';
                int s = _suffix;
                int digits = s >= 100 ? 3 : (s >= 10 ? 2 : 1);
                for (int d = digits - 1; d >= 0; d--)
                {
                    _host[1 + l + d] = (byte)('0' + s % 10);
                    s /= 10;
                }

                l += digits;
            }

            _host[0] = (byte)l;
            int p = 1 + l;
            Array.Copy(ServiceName, ServiceName.Length - 7, _host, p, 7); // "\x05local\0"
            _hostLength = p + 7;
            Array.Copy(_host, 0, _instance, 0, 1 + l);
            Array.Copy(ServiceName, 0, _instance, 1 + l, ServiceName.Length);
            _instanceLength = 1 + l + ServiceName.Length;
        }

        private void Rename(long nowMs)
        {
            Conflicts++;
            _suffix = _suffix == 0 ? 2 : (_suffix >= 999 ? 2 : _suffix + 1);
            BuildNames();
            StartProbing(nowMs, _stack.Address == 0 ? StateWaiting : StateProbing);
        }

        /// <summary>
        /// Reads the name at <paramref name="pos"/> into _name (lowercase, uncompressed). Returns the
        /// offset after the name's in-place part, or -1 for a hostile or malformed name: a pointer
        /// that does not go strictly backwards from the previous one (so loops cannot exist), a
        /// reserved label type, a name over 255 bytes, or one running past the packet.
        /// </summary>
        private int ReadName(int length, int pos)
        {
            byte[] p = _rx;
            int end = -1;
            int limit = pos;
            int n = 0;
            for (int guard = 0; guard < 256; guard++)
            {
                if (pos >= length)
                {
                    return -1;
                }

                int l = p[pos];
                if (l >= 0xC0)
                {
                    if (pos + 1 >= length)
                    {
                        return -1;
                    }

                    int target = ((l & 0x3F) << 8) | p[pos + 1];
                    if (end < 0)
                    {
                        end = pos + 2;
                    }

                    if (target >= limit)
                    {
                        return -1; // a loop or a forward pointer
                    }

                    limit = target;
                    pos = target;
                    continue;
                }

                if (l >= 0x40 || n + l + 1 > 255 || pos + 1 + l > length)
                {
                    return -1;
                }

                _name[n++] = (byte)l;
                if (l == 0)
                {
                    _nameLength = n;
                    return end < 0 ? pos + 1 : end;
                }

                for (int i = 1; i <= l; i++)
                {
                    int c = p[pos + i];
                    _name[n++] = (byte)(c >= 'A' && c <= 'Z' ? c + 32 : c);
                }

                pos += 1 + l;
            }

            return -1;
        }

        /// <summary>
        /// Reads the resource record at <paramref name="pos"/> (its name into _name, as ReadName):
        /// its type and where its RDATA starts and how long it is. Returns the offset after the
        /// record, or -1 (counted in Malformed) when it runs past the packet.
        /// </summary>
        private int ReadRecord(int length, int pos, out int type, out int rdata, out int rdLength)
        {
            type = 0;
            rdata = 0;
            rdLength = 0;
            pos = ReadName(length, pos);
            if (pos < 0 || pos + 10 > length)
            {
                Malformed++;
                return -1;
            }

            type = (_rx[pos] << 8) | _rx[pos + 1];
            rdLength = (_rx[pos + 8] << 8) | _rx[pos + 9];
            rdata = pos + 10;
            pos = rdata + rdLength;
            if (pos > length)
            {
                Malformed++;
                return -1;
            }

            return pos;
        }

        private bool NameIs(byte[] name, int length)
        {
            if (_nameLength != length)
            {
                return false;
            }

            for (int i = 0; i < length; i++)
            {
                if (_name[i] != name[i])
                {
                    return false;
                }
            }

            return true;
        }

        // ------------------------------------------------------------------ input

        private void Input(int length, uint source, int sourcePort, long nowMs)
        {
            byte[] p = _rx;
            if (length < HeaderLength)
            {
                Malformed++;
                return;
            }

            int flags = (p[2] << 8) | p[3];
            int qd = (p[4] << 8) | p[5];
            int records = ((p[6] << 8) | p[7]) + ((p[8] << 8) | p[9]) + ((p[10] << 8) | p[11]);
            int ns = (p[8] << 8) | p[9];
            // Counts past the packet: a question takes at least 5 bytes, a record at least 11.
            if (qd * 5 + records * 11 > length - HeaderLength)
            {
                Malformed++;
                return;
            }

            if (((flags >> 11) & 0xF) != 0)
            {
                return; // not a standard query or response (RFC 6762 18.3: silently ignored)
            }

            if ((flags & FlagResponse) != 0)
            {
                ResponsesIn++;
                InputResponse(length, qd, records, nowMs);
                return;
            }

            int questionsEnd = HeaderLength;
            int want = ReadQuestions(length, qd, ref questionsEnd);
            if (want < 0)
            {
                Malformed++;
                return;
            }

            QueriesIn++;
            if (_state == StateProbing && ns > 0)
            {
                ProbeTieBreak(length, questionsEnd, records, nowMs);
                return;
            }

            bool unicast = (want & WantUnicast) != 0;
            want &= ~WantUnicast;
            if (want == 0 || _state == StateWaiting || _state == StateProbing)
            {
                return;
            }

            Answer(want, unicast, questionsEnd, qd, source, sourcePort);
        }

        /// <summary>
        /// Sends the wanted records: to the group, or straight back when the query asked for a
        /// unicast reply or came from a port other than 5353 (a legacy resolver, RFC 6762 6.7).
        /// </summary>
        private void Answer(int want, bool unicast, int questionsEnd, int qd, uint source, int sourcePort)
        {
            bool legacy = sourcePort != Port;
            int n = BuildAnswer(want, legacy, legacy ? questionsEnd : HeaderLength, legacy ? qd : 0);
            if (legacy || unicast)
            {
                UnicastAnswersOut++;
                AnswersOut++;
                _stack.UdpSendTo(_socket, source, sourcePort, _tx, 0, n);
            }
            else
            {
                AnswersOut++;
                _stack.UdpSendTo(_socket, Group, Port, _tx, 0, n);
            }
        }

        /// <summary>
        /// Reads the <paramref name="qd"/> questions from <paramref name="pos"/> (left after them):
        /// the Want bits of the records of ours they ask for, with <see cref="WantUnicast"/> when one
        /// of those questions has the QU bit; -1 when a question runs past the packet.
        /// </summary>
        private int ReadQuestions(int length, int qd, ref int pos)
        {
            byte[] p = _rx;
            int want = 0;
            int at = pos;
            for (int i = 0; i < qd; i++)
            {
                at = ReadName(length, at);
                if (at < 0 || at + 4 > length)
                {
                    return -1;
                }

                int type = (p[at] << 8) | p[at + 1];
                int cls = (p[at + 2] << 8) | p[at + 3];
                at += 4;
                if ((cls & ClassMask) != ClassIn && (cls & ClassMask) != ClassAny)
                {
                    continue;
                }

                int before = want;
                bool any = type == TypeAny;
                if (NameIs(_host, _hostLength))
                {
                    if (type == TypeA || any)
                    {
                        want |= WantA;
                    }
                }
                else if (_options.HttpPort > 0 && NameIs(ServiceName, ServiceName.Length))
                {
                    if (type == TypePtr || any)
                    {
                        want |= WantPtr;
                    }
                }
                else if (_options.HttpPort > 0 && NameIs(_instance, _instanceLength))
                {
                    if (type == TypeSrv || any)
                    {
                        want |= WantSrv;
                    }

                    if (type == TypeTxt || any)
                    {
                        want |= WantTxt;
                    }
                }
                else if (_options.HttpPort > 0 && NameIs(EnumName, EnumName.Length))
                {
                    if (type == TypePtr || any)
                    {
                        want |= WantEnum;
                    }
                }

                if (want != before && (cls & UnicastResponseBit) != 0)
                {
                    want |= WantUnicast;
                }
            }

            pos = at;
            return want;
        }

        /// <summary>Another responder's answers: a record for our name that is not ours is a conflict (RFC 6762 9).</summary>
        private void InputResponse(int length, int qd, int records, long nowMs)
        {
            int pos = HeaderLength;
            for (int i = 0; i < qd; i++)
            {
                pos = ReadName(length, pos);
                if (pos < 0 || pos + 4 > length)
                {
                    Malformed++;
                    return;
                }

                pos += 4;
            }

            for (int i = 0; i < records; i++)
            {
                int type;
                int rdata;
                int rdLength;
                pos = ReadRecord(length, pos, out type, out rdata, out rdLength);
                if (pos < 0)
                {
                    return;
                }

                if (_state == StateWaiting || !NameIs(_host, _hostLength))
                {
                    continue;
                }

                // While probing any record with the name is a conflict (8.1); afterwards an A
                // record with another address (9). Our own address in it is no conflict.
                if (type == TypeA && rdLength == 4 && ReadAddress(rdata) == _stack.Address)
                {
                    continue;
                }

                if (_state == StateProbing || type == TypeA)
                {
                    Rename(nowMs);
                    return;
                }
            }
        }

        /// <summary>
        /// A probe for our name from another host while we probe (RFC 6762 8.2): the lexicographically
        /// later A record wins; when theirs is later we wait one second and probe again.
        /// </summary>
        private void ProbeTieBreak(int length, int pos, int records, long nowMs)
        {
            int answers = (_rx[6] << 8) | _rx[7];
            for (int i = 0; i < records; i++)
            {
                int type;
                int rdata;
                int rdLength;
                pos = ReadRecord(length, pos, out type, out rdata, out rdLength);
                if (pos < 0)
                {
                    return;
                }

                if (i < answers || !NameIs(_host, _hostLength) || type != TypeA || rdLength != 4)
                {
                    continue;
                }

                uint theirs = ReadAddress(rdata);
                if (theirs > _stack.Address)
                {
                    _step = 0;
                    _nextAt = nowMs + 1000;
                    return;
                }
            }
        }

        private uint ReadAddress(int offset)
        {
            return (uint)(_rx[offset] << 24 | _rx[offset + 1] << 16 | _rx[offset + 2] << 8 | _rx[offset + 3]);
        }

        // ------------------------------------------------------------------ output

        private void SendProbe()
        {
            byte[] t = _tx;
            Array.Clear(t, 0, HeaderLength);
            t[5] = 1;  // one question
            t[9] = 1;  // one authority record
            _hostAt = -1;
            _serviceAt = -1;
            _instanceAt = -1;
            _ttlCap = int.MaxValue;
            int pos = WriteHost(HeaderLength);
            pos = WriteU16(t, pos, TypeAny);
            pos = WriteU16(t, pos, 0x8001); // QU (8.1)
            pos = WriteA(pos, 1);
            ProbesOut++;
            _stack.UdpSendTo(_socket, Group, Port, t, 0, pos);
        }

        private void SendAnnouncement()
        {
            int want = WantA;
            if (_options.HttpPort > 0)
            {
                want |= WantPtr | WantSrv | WantTxt;
            }

            int n = BuildAnswer(want, false, HeaderLength, 0);
            AnnouncementsOut++;
            _stack.UdpSendTo(_socket, Group, Port, _tx, 0, n);
        }

        /// <summary>
        /// Writes a response with the wanted records as answers and, for a PTR, its SRV, TXT and A
        /// as additional records (RFC 6763 12). Legacy answers keep the query's ID and questions
        /// (already at the same offsets in _rx, so their pointers stay valid) and cap TTLs at 10 s.
        /// </summary>
        private int BuildAnswer(int want, bool legacy, int start, int questions)
        {
            byte[] t = _tx;
            Array.Clear(t, 0, HeaderLength);
            if (legacy)
            {
                t[0] = _rx[0];
                t[1] = _rx[1];
                t[4] = (byte)(questions >> 8);
                t[5] = (byte)questions;
                Array.Copy(_rx, HeaderLength, t, HeaderLength, start - HeaderLength);
            }

            t[2] = 0x84; // response, authoritative
            _hostAt = -1;
            _serviceAt = -1;
            _instanceAt = -1;
            _ttlCap = legacy ? 10 : int.MaxValue;
            int cacheFlush = legacy ? 1 : 0x8001; // no cache-flush bit in legacy answers (6.7)
            int pos = start;
            int answers = 0;
            int additional = 0;
            int e;
            if ((want & WantA) != 0 && Fits(pos, e = WriteA(pos, cacheFlush))) { pos = e; answers++; }
            if ((want & WantPtr) != 0 && Fits(pos, e = WritePtr(pos))) { pos = e; answers++; }
            if ((want & WantEnum) != 0 && Fits(pos, e = WriteEnum(pos))) { pos = e; answers++; }
            if ((want & WantSrv) != 0 && Fits(pos, e = WriteSrv(pos, cacheFlush))) { pos = e; answers++; }
            if ((want & WantTxt) != 0 && Fits(pos, e = WriteTxt(pos, cacheFlush))) { pos = e; answers++; }
            // Additional records for a PTR answer (RFC 6763 12.1) and an SRV's target (12.2).
            if ((want & WantPtr) != 0 && (want & WantSrv) == 0 && Fits(pos, e = WriteSrv(pos, cacheFlush))) { pos = e; additional++; }
            if ((want & WantPtr) != 0 && (want & WantTxt) == 0 && Fits(pos, e = WriteTxt(pos, cacheFlush))) { pos = e; additional++; }
            if ((want & (WantPtr | WantSrv)) != 0 && (want & WantA) == 0 && Fits(pos, e = WriteA(pos, cacheFlush))) { pos = e; additional++; }
            t[6] = (byte)(answers >> 8);
            t[7] = (byte)answers;
            t[10] = (byte)(additional >> 8);
            t[11] = (byte)additional;
            return pos;
        }

        // Each record is written where it would go; Fits says whether it ended within one frame. A
        // record that did not fit is counted and overwritten (its name offsets forgotten) by the next.
        private bool Fits(int start, int end)
        {
            if (end <= _capacity)
            {
                return true;
            }

            RecordsTruncated++;
            if (_hostAt >= start)
            {
                _hostAt = -1;
            }

            if (_serviceAt >= start)
            {
                _serviceAt = -1;
            }

            if (_instanceAt >= start)
            {
                _instanceAt = -1;
            }

            return false;
        }

        private int WriteA(int pos, int cls)
        {
            pos = WriteHost(pos);
            pos = WriteHeader(pos, TypeA, cls, _options.HostTtl, 4);
            uint a = _stack.Address;
            _tx[pos] = (byte)(a >> 24);
            _tx[pos + 1] = (byte)(a >> 16);
            _tx[pos + 2] = (byte)(a >> 8);
            _tx[pos + 3] = (byte)a;
            return pos + 4;
        }

        private int WritePtr(int pos)
        {
            pos = WriteService(pos);
            int rd = WriteHeader(pos, TypePtr, 1, _options.OtherTtl, 0);
            int end = WriteInstance(rd);
            WriteU16(_tx, rd - 2, end - rd);
            return end;
        }

        private int WriteEnum(int pos)
        {
            Array.Copy(EnumName, 0, _tx, pos, EnumName.Length);
            int rd = WriteHeader(pos + EnumName.Length, TypePtr, 1, _options.OtherTtl, 0);
            int end = WriteService(rd);
            WriteU16(_tx, rd - 2, end - rd);
            return end;
        }

        private int WriteSrv(int pos, int cls)
        {
            pos = WriteInstance(pos);
            int rd = WriteHeader(pos, TypeSrv, cls, _options.HostTtl, 0);
            WriteU16(_tx, rd, 0);     // priority
            WriteU16(_tx, rd + 2, 0); // weight
            WriteU16(_tx, rd + 4, _options.HttpPort);
            int end = WriteHost(rd + 6);
            WriteU16(_tx, rd - 2, end - rd);
            return end;
        }

        private int WriteTxt(int pos, int cls)
        {
            pos = WriteInstance(pos);
            pos = WriteHeader(pos, TypeTxt, cls, _options.OtherTtl, _txt.Length);
            Array.Copy(_txt, 0, _tx, pos, _txt.Length);
            return pos + _txt.Length;
        }

        private int WriteHeader(int pos, int type, int cls, int ttl, int rdLength)
        {
            if (ttl > _ttlCap)
            {
                ttl = _ttlCap;
            }

            byte[] t = _tx;
            t[pos] = (byte)(type >> 8);
            t[pos + 1] = (byte)type;
            t[pos + 2] = (byte)(cls >> 8);
            t[pos + 3] = (byte)cls;
            t[pos + 4] = (byte)(ttl >> 24);
            t[pos + 5] = (byte)(ttl >> 16);
            t[pos + 6] = (byte)(ttl >> 8);
            t[pos + 7] = (byte)ttl;
            t[pos + 8] = (byte)(rdLength >> 8);
            t[pos + 9] = (byte)rdLength;
            return pos + 10;
        }

        private int WriteHost(int pos)
        {
            if (_hostAt >= 0)
            {
                return WritePointer(pos, _hostAt);
            }

            _hostAt = pos;
            Array.Copy(_host, 0, _tx, pos, _hostLength);
            return pos + _hostLength;
        }

        private int WriteService(int pos)
        {
            if (_serviceAt >= 0)
            {
                return WritePointer(pos, _serviceAt);
            }

            _serviceAt = pos;
            Array.Copy(ServiceName, 0, _tx, pos, ServiceName.Length);
            return pos + ServiceName.Length;
        }

        private int WriteInstance(int pos)
        {
            if (_instanceAt >= 0)
            {
                return WritePointer(pos, _instanceAt);
            }

            _instanceAt = pos;
            int label = 1 + _instance[0];
            Array.Copy(_instance, 0, _tx, pos, label);
            return WriteService(pos + label);
        }

        private int WritePointer(int pos, int target)
        {
            _tx[pos] = (byte)(0xC0 | (target >> 8));
            _tx[pos + 1] = (byte)target;
            return pos + 2;
        }

        private static int WriteU16(byte[] b, int pos, int value)
        {
            b[pos] = (byte)(value >> 8);
            b[pos + 1] = (byte)value;
            return pos + 2;
        }

        // Start-up only: a dotted name in wire form.
        private static byte[] Encode(string dotted)
        {
            var b = new byte[dotted.Length + 2];
            int lengthAt = 0;
            int n = 1;
            for (int i = 0; i < dotted.Length; i++)
            {
                if (dotted[i] == '.')
                {
                    b[lengthAt] = (byte)(n - lengthAt - 1);
                    lengthAt = n++;
                }
                else
                {
                    b[n++] = (byte)dotted[i];
                }
            }

            b[lengthAt] = (byte)(n - lengthAt - 1);
            b[n] = 0;
            return b;
        }

        private static string Hex(byte b)
        {
            const string digits = "0123456789abcdef";
            return digits.Substring(b >> 4, 1) + digits.Substring(b & 0xF, 1);
        }
    }
}
