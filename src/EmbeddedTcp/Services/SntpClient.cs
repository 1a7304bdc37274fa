using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Services
{
    /// <summary>
    /// SNTP client (RFC 4330; RFC 5905 client mode) on an ephemeral UDP port of its interface
    /// (<see cref="IUdpService"/>, <see cref="IAddressSink"/>). The server comes from
    /// <see cref="InterfaceConfig.SntpServer"/> or, when that is 0, from DHCP option 42 (asked of the
    /// <see cref="DhcpClient"/> it is given). The result is the offset between the poll clock (the
    /// <c>nowMs</c> given to the interface's <c>Poll</c>) and UTC, which the application reads
    /// (<see cref="TrySyncedOffset"/>, <see cref="UtcMs"/>): the core still reads no clock. Each reply
    /// is checked as RFC 4330 section 5 and RFC 5905 8 ask: it must come from the server's port 123,
    /// in server mode, answer our request (its origin timestamp is our transmit timestamp, a random
    /// nonce, so stale, duplicated and forged replies are dropped), from a synchronized server
    /// (leap indicator not 3, stratum 1..15). Kiss-o'-Death (stratum 0): RATE doubles the wait,
    /// DENY and RSTR stop the client. Without an answer the client retries after
    /// <see cref="InterfaceConfig.SntpMinimumIntervalMs"/>, doubling up to the poll interval.
    /// Buffers are allocated at construction; nothing afterwards.
    /// </summary>
    public sealed class SntpClient : UdpServiceClient
    {
        /// <summary>The server's UDP port.</summary>
        public const int ServerPort = SntpMessage.ServerPort;
        /// <summary>Length of an SNTP message without extensions or MAC.</summary>
        public const int MessageLength = SntpMessage.Length;
        /// <summary>Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01).</summary>
        public const long NtpToUnixSeconds = SntpMessage.NtpToUnixSeconds;

        private const int RetryAfterNoServerMs = 1000;
        private const int ReceiveBurst = 8; // datagrams taken per poll

        private readonly DhcpClient _dhcp;
        private readonly byte[] _tx = new byte[MessageLength];
        private readonly uint _configuredServer;
        private readonly long _pollIntervalMs;
        private readonly long _minimumIntervalMs;

        private SntpState _state;
        private uint _server;
        private long _next;
        private long _wait;
        private long _sentAt;
        private uint _nonceHigh;
        private uint _nonceLow;
        private bool _heldForArp; // the request waited for ARP: its send time is not T1

        private bool _synced;
        private long _offset;
        private long _delay;
        private long _lastSync;
        private int _stratum;
        private int _leap;

        /// <summary>Counters (requests, synchronizations, drops by cause, Kiss-o'-Death codes).</summary>
        public readonly SntpCounters Counters = new SntpCounters();

        /// <summary>
        /// Built by the interface's composition root when <see cref="InterfaceConfig.UseSntp"/> is set,
        /// over its UDP sockets and address; reads the SNTP settings of <paramref name="config"/>; asks
        /// <paramref name="dhcp"/> for the lease's NTP server when none is configured.
        /// </summary>
        internal SntpClient(IUdpService udp, IAddressSink host, InterfaceConfig config, IRandomSource random, DhcpClient dhcp)
            : base(udp, host, random, MessageLength)
        {
            _dhcp = dhcp;
            _configuredServer = config.SntpServer;
            _minimumIntervalMs = config.SntpMinimumIntervalMs < 1 ? 1 : config.SntpMinimumIntervalMs;
            _pollIntervalMs = config.SntpPollIntervalMs < _minimumIntervalMs ? _minimumIntervalMs : config.SntpPollIntervalMs;
            _wait = _minimumIntervalMs;
            _state = SntpState.NoServer;
        }

        /// <summary>Bytes this client allocated (buffers), for the interface's <c>AllocatedBytes</c>.</summary>
        internal static int Footprint { get { return 2 * MessageLength + 120; } }

        /// <summary>Current state.</summary>
        public SntpState State { get { return _state; } }

        /// <summary>True once a reply set the offset.</summary>
        public bool Synchronized { get { return _synced; } }

        /// <summary>
        /// The offset of the last synchronization: UTC in ms since 1970-01-01 = poll clock ms + offset.
        /// False (and 0) before the first one.
        /// </summary>
        public bool TrySyncedOffset(out long offsetMs)
        {
            offsetMs = _offset;
            return _synced;
        }

        /// <summary>UTC at poll time <paramref name="nowMs"/>, ms since 1970-01-01; 0 when not synchronized.</summary>
        public long UtcMs(long nowMs)
        {
            return _synced ? nowMs + _offset : 0;
        }

        /// <summary>The server asked (or the last one), host order; 0 when none.</summary>
        public uint Server { get { return _server; } }

        /// <summary>Stratum of the server at the last synchronization.</summary>
        public int Stratum { get { return _stratum; } }

        /// <summary>Leap indicator of the last synchronization (0 none, 1 last minute has 61 s, 2 it has 59 s).</summary>
        public int LeapIndicator { get { return _leap; } }

        /// <summary>Round-trip delay of the last synchronization, ms (RFC 4330 5: (T4 − T1) − (T3 − T2)).</summary>
        public long RoundTripMs { get { return _delay; } }

        /// <summary>Poll time of the last synchronization, ms.</summary>
        public long LastSyncMs { get { return _lastSync; } }

        /// <summary>The wait before a retry (doubles after a timeout or RATE, back to the minimum after a reply), ms.</summary>
        public long RetryWaitMs { get { return _wait; } }

        /// <summary>When the next request goes out, ms of the poll clock.</summary>
        public long NextRequestMs { get { return _next; } }

        /// <summary>
        /// Asks for a request at the next poll instead of waiting for the poll interval (e.g. after
        /// the application learned the clock may be off). Ignored while denied or while a request is out.
        /// </summary>
        public void RequestNow()
        {
            if (_state == SntpState.Idle || _state == SntpState.NoServer)
            {
                _next = _host.Now;
            }
        }

        /// <summary>Starts again after a Kiss-o'-Death DENY or RSTR (the next poll sends a request).</summary>
        public void Start()
        {
            if (_state == SntpState.Denied)
            {
                _state = SntpState.NoServer;
                _wait = _minimumIntervalMs;
                _next = _host.Now;
            }
        }

        /// <summary>When <see cref="Poll"/> must run next (ms); long.MaxValue when denied.</summary>
        internal long Deadline()
        {
            return _state == SntpState.Denied ? long.MaxValue : _next;
        }

        /// <summary>Takes a waiting reply, then sends a request when one is due.</summary>
        internal void Poll(long nowMs)
        {
            if (_state == SntpState.Denied)
            {
                return;
            }

            if (_socket > 0)
            {
                ReceiveAll(nowMs, ReceiveBurst);
            }

            if (nowMs >= _next && _state != SntpState.Denied)
            {
                Timer(nowMs);
            }
        }

        /// <summary>One datagram on the exchange's port, to <see cref="Input"/> (which checks where it came from).</summary>
        protected override void OnDatagram(uint source, int port, int length, long nowMs)
        {
            Input(_rx, length, source, port, nowMs);
        }

        private void Timer(long now)
        {
            uint server = _configuredServer != 0 ? _configuredServer : _dhcp.GetNtpServer(0);
            if (server == 0 || _host.Address == 0)
            {
                _state = SntpState.NoServer;
                _next = now + RetryAfterNoServerMs;
                return;
            }

            if (_state == SntpState.Waiting)
            {
                // No usable answer: back off (RFC 4330 10: never faster than the minimum, here 15 s by default).
                Counters.Timeouts++;
                _wait = _wait * 2 > _pollIntervalMs ? _pollIntervalMs : _wait * 2;
            }

            if (_socket <= 0)
            {
                int h = _udp.UdpOpen(0); // a fresh random port per exchange: a late or forged reply finds nobody
                if (h <= 0)
                {
                    _next = now + _minimumIntervalMs; // no free socket now
                    return;
                }

                _socket = h;
            }

            _server = server;
            // The transmit timestamp is a random nonce (RFC 5905 9.1 does the same to keep the
            // origin check strong); the server echoes it as the origin timestamp.
            _nonceHigh = _random.NextUInt32();
            _nonceLow = _random.NextUInt32();
            SntpMessage.WriteClientRequest(_tx, _nonceHigh, _nonceLow);
            _sentAt = now;
            _heldForArp = !_host.NextHopResolved(server);
            _state = SntpState.Waiting;
            _next = now + _wait;
            Counters.RequestsSent++;
            _udp.UdpSendTo(_socket, server, ServerPort, _tx, 0, MessageLength);
        }

        /// <summary>
        /// One datagram from the client's port (exposed for tests and fuzzing; never throws).
        /// Returns true when it synchronized the clock or was a Kiss-o'-Death acted on.
        /// </summary>
        internal bool Input(byte[] m, int length, uint source, int port, long now)
        {
            if (_state != SntpState.Waiting || source != _server || port != ServerPort)
            {
                Counters.DroppedUnexpected++;
                return false;
            }

            if (m == null || length < MessageLength || m.Length < MessageLength)
            {
                Counters.DroppedMalformed++;
                return false;
            }

            int version = SntpMessage.Version(m);
            if (SntpMessage.Mode(m) != SntpMessage.ModeServer || version < 1 || version > 4)
            {
                Counters.DroppedMalformed++;
                return false;
            }

            if (NetOrder.ReadU32(m, SntpMessage.OriginateOffset) != _nonceHigh || NetOrder.ReadU32(m, SntpMessage.OriginateOffset + 4) != _nonceLow)
            {
                Counters.DroppedBogus++; // not an answer to our request
                return false;
            }

            int stratum = m[SntpMessage.StratumOffset];
            if (stratum == 0)
            {
                return Kiss(m, now);
            }

            int leap = SntpMessage.Leap(m);
            if (leap == SntpMessage.LeapUnsynchronized || stratum > SntpMessage.MaxStratum)
            {
                Counters.DroppedUnsynchronized++;
                return false;
            }

            const int Receive = SntpMessage.ReceiveOffset;
            const int Transmit = SntpMessage.TransmitOffset;
            if ((NetOrder.ReadU32(m, Receive) | NetOrder.ReadU32(m, Receive + 4)) == 0 || (NetOrder.ReadU32(m, Transmit) | NetOrder.ReadU32(m, Transmit + 4)) == 0)
            {
                Counters.DroppedMalformed++;
                return false;
            }

            if (_heldForArp)
            {
                // The request left when ARP answered, not at T1: the sample is skewed by that wait.
                // Ask again at once (the neighbour is known now), as an NTP client's first burst does.
                Counters.SamplesDiscarded++;
                Finish(now);
                return false;
            }

            TakeSample(m, stratum, leap, now);
            return true;
        }

        /// <summary>
        /// A usable reply: RFC 4330 5: offset = ((T2 − T1) + (T3 − T4)) / 2, delay = (T4 − T1) − (T3 − T2),
        /// with T1 and T4 on the poll clock and T2, T3 the server's UTC, all in ms. The next request
        /// goes out after the poll interval.
        /// </summary>
        private void TakeSample(byte[] m, int stratum, int leap, long now)
        {
            long t2 = SntpMessage.NtpToUnixMs(m, SntpMessage.ReceiveOffset);
            long t3 = SntpMessage.NtpToUnixMs(m, SntpMessage.TransmitOffset);
            long t1 = _sentAt;
            _offset = ((t2 - t1) + (t3 - now)) / 2;
            _delay = (now - t1) - (t3 - t2);
            _synced = true;
            _lastSync = now;
            _stratum = stratum;
            _leap = leap;
            Counters.Synchronizations++;
            _wait = _minimumIntervalMs;
            Finish(now + _pollIntervalMs);
        }

        private bool Kiss(byte[] m, long now)
        {
            // The kiss code is four ASCII letters in the reference identifier (RFC 5905 7.4).
            uint code = NetOrder.ReadU32(m, SntpMessage.ReferenceIdOffset);
            if (code == SntpMessage.KissRate)
            {
                Counters.KissRate++;
                _wait = _wait * 2 > _pollIntervalMs ? _pollIntervalMs : _wait * 2;
                Finish(now + _wait);
                return true;
            }

            if (code == SntpMessage.KissDeny || code == SntpMessage.KissRestrict)
            {
                Counters.KissDeny++;
                Finish(long.MaxValue);
                _state = SntpState.Denied;
                return true;
            }

            Counters.KissOther++; // RFC 4330 8: any other kiss is an unusable reply; the retry stands
            return false;
        }

        private void Finish(long next)
        {
            _state = SntpState.Idle;
            _next = next;
            if (_socket > 0)
            {
                _udp.UdpClose(_socket);
                _socket = 0;
            }
        }

        /// <summary>An NTP timestamp (64 bits at <paramref name="offset"/>) as ms since 1970 (see <see cref="SntpMessage.NtpToUnixMs"/>).</summary>
        public static long NtpToUnixMs(byte[] m, int offset)
        {
            return SntpMessage.NtpToUnixMs(m, offset);
        }

        /// <summary>
        /// Writes <paramref name="unixMs"/> as ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ" (20 ASCII bytes,
        /// years 1970..9999); returns 20, or 0 when it does not fit or is out of range. Allocation-free,
        /// for status pages.
        /// </summary>
        public static int FormatUtc(long unixMs, byte[] b, int offset)
        {
            if (b == null || offset < 0 || offset > b.Length - 20 || unixMs < 0 || unixMs >= 253402300800000L)
            {
                return 0;
            }

            long secs = unixMs / 1000;
            long days = secs / 86400;
            int sod = (int)(secs - days * 86400);
            // Civil date from days since 1970 (H. Hinnant's days_from_civil inverse; eras of 400 years).
            long z = days + 719468;
            long era = z / 146097;
            long doe = z - era * 146097;
            long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
            long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            long mp = (5 * doy + 2) / 153;
            int day = (int)(doy - (153 * mp + 2) / 5 + 1);
            int month = (int)(mp < 10 ? mp + 3 : mp - 9);
            int year = (int)(yoe + era * 400 + (month <= 2 ? 1 : 0));
            Digits(b, offset, year, 4);
            b[offset + 4] = (byte)'-';
            Digits(b, offset + 5, month, 2);
            b[offset + 7] = (byte)'-';
            Digits(b, offset + 8, day, 2);
            b[offset + 10] = (byte)'T';
            Digits(b, offset + 11, sod / 3600, 2);
            b[offset + 13] = (byte)':';
            Digits(b, offset + 14, (sod / 60) % 60, 2);
            b[offset + 16] = (byte)':';
            Digits(b, offset + 17, sod % 60, 2);
            b[offset + 19] = (byte)'Z';
            return 20;
        }

        private static void Digits(byte[] b, int offset, int value, int count)
        {
            for (int i = count - 1; i >= 0; i--)
            {
                b[offset + i] = (byte)('0' + value % 10);
                value /= 10;
            }
        }
    }
}
