using System;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Services
{
    /// <summary>
    /// DHCP client (RFC 2131, options from RFC 2132) on UDP port 68 of its interface, seen through
    /// <see cref="IUdpService"/> and <see cref="IAddressSink"/> (the lease is written there):
    /// DISCOVER → OFFER → REQUEST → ACK, retransmission with RFC 2131 4.1 backoff (4 s, 8 s, ... 64 s,
    /// ±1 s from the injected random source), renewal at T1 (unicast to the server), rebinding at
    /// T2 (broadcast), the address dropped when the lease expires, NAK back to Init. Before a newly
    /// acknowledged address is used it is probed with ARP (RFC 5227 2.1.1, RFC 2131 3.1 step 5): a
    /// conflict sends a DHCPDECLINE and starts over after 10 s. INIT-REBOOT (RFC 2131 3.2) verifies
    /// a previous address (<see cref="SetPreviousAddress"/>, after a restart) or the held lease
    /// (after the link went down and up) with a broadcast REQUEST carrying option 50. NTP servers
    /// (option 42) are kept for the SNTP client; the host name goes out in option 12. The lease's DNS
    /// servers (option 6) are handed to the <see cref="DnsClient"/> it is given. Runs on the
    /// interface's poll loop; buffers are allocated at construction, nothing afterwards. Received
    /// messages are parsed without trusting any length: bad ones are dropped and counted.
    /// </summary>
    public sealed class DhcpClient : UdpServiceClient
    {
        /// <summary>The server's UDP port.</summary>
        public const int ServerPort = DhcpMessage.ServerPort;
        /// <summary>The client's UDP port.</summary>
        public const int ClientPort = DhcpMessage.ClientPort;
        /// <summary>Largest message accepted (and announced in option 57), bytes: the receive buffer.</summary>
        public const int MaxMessageLength = 576;

        private const int TransmitLength = 320;
        private const int MaxHostNameLength = 32;
        private const int RequestTries = 4; // REQUESTs in Requesting before starting over (4+8+16+32 s)
        private const long RenewRetryMinimumMs = 60000; // RFC 2131 4.4.5
        private const uint MinimumLeaseSeconds = 60; // shorter leases are taken as 60 s: no renew storm
        private const long FirstBackoffMs = 4000; // RFC 2131 4.1: 4 s, doubling to 64 s
        private const uint BackoffJitterMs = 1000; // RFC 2131 4.1: randomized by ±1 s
        private const long DeclineWaitMs = 10000; // RFC 2131 3.1 step 5: at least 10 s after a DHCPDECLINE

        private const int ReceiveBurst = 64; // messages taken per poll

        private readonly InterfaceConfig _config;
        private readonly DnsClient _dns;
        private readonly byte[] _mac = new byte[6];
        private readonly byte[] _tx = new byte[TransmitLength];
        private readonly byte[] _hostName;
        private readonly int _hostNameLength;
        private readonly bool _broadcastFlag;
        private readonly int _probes;
        private readonly int _probeIntervalMs;

        private DhcpState _state;
        private uint _xid;
        private long _next = long.MaxValue;
        private long _startMs;
        private long _requestSentMs;
        private int _tries;
        private int _naks;
        private bool _linkUp;
        private bool _declined; // the next Init waits DeclineWaitMs
        private uint _previous; // address to verify in INIT-REBOOT; 0 = none
        private uint _ntp0;
        private uint _ntp1;

        private uint _server;
        private uint _offered;
        private uint _address;
        private uint _netmask;
        private uint _router;
        private uint _dns0;
        private uint _dns1;
        private uint _leaseSeconds;
        private long _t1At = long.MaxValue;
        private long _t2At = long.MaxValue;
        private long _expiresAt = long.MaxValue;

        // Options of the message being parsed.
        private readonly DhcpOptions _o = new DhcpOptions();

        /// <summary>Counters (messages sent and accepted, drops by cause).</summary>
        public readonly DhcpCounters Counters = new DhcpCounters();

        /// <summary>
        /// Built by the interface's composition root (which starts it when
        /// <see cref="InterfaceConfig.UseDhcp"/> is set) over its UDP sockets and address; reads the
        /// DHCP settings and the netmask of <paramref name="config"/>; gives the lease's DNS servers
        /// to <paramref name="dns"/>.
        /// </summary>
        internal DhcpClient(IUdpService udp, IAddressSink host, InterfaceConfig config, IRandomSource random, DnsClient dns)
            : base(udp, host, random, MaxMessageLength)
        {
            _config = config;
            _dns = dns;
            host.GetMacAddress(_mac, 0);
            _broadcastFlag = config.DhcpBroadcastFlag;
            _probes = config.DhcpArpProbes < 0 ? 0 : config.DhcpArpProbes;
            _probeIntervalMs = config.DhcpArpProbeIntervalMs < 1 ? 1 : config.DhcpArpProbeIntervalMs;
            _hostName = new byte[MaxHostNameLength];
            string name = config.DhcpHostName;
            if (name != null)
            {
                for (int i = 0; i < name.Length && _hostNameLength < MaxHostNameLength; i++)
                {
                    char c = name[i];
                    if (c > ' ' && c < 127)
                    {
                        _hostName[_hostNameLength++] = (byte)c;
                    }
                }
            }
        }

        /// <summary>Bytes this client allocated (buffers), for the interface's <c>AllocatedBytes</c>.</summary>
        internal static int Footprint { get { return TransmitLength + MaxMessageLength + MaxHostNameLength + 6 + 200; } }

        /// <summary>Current state.</summary>
        public DhcpState State { get { return _state; } }

        /// <summary>The leased address (host order), 0 when none.</summary>
        public uint LeasedAddress { get { return _address; } }

        /// <summary>Subnet mask of the lease (option 1, else the configured mask).</summary>
        public uint Netmask { get { return _netmask; } }

        /// <summary>First router of the lease (option 3), 0 when none.</summary>
        public uint Router { get { return _router; } }

        /// <summary>DNS servers of the lease (option 6): index 0 or 1; 0 when absent.</summary>
        public uint GetDnsServer(int index)
        {
            return index == 0 ? _dns0 : index == 1 ? _dns1 : 0;
        }

        /// <summary>NTP servers of the lease (option 42): index 0 or 1; 0 when absent.</summary>
        public uint GetNtpServer(int index)
        {
            return index == 0 ? _ntp0 : index == 1 ? _ntp1 : 0;
        }

        /// <summary>
        /// Gives the client the address of its last lease (host order; e.g. kept by the application
        /// in persistent storage before a restart): the next acquisition starts in INIT-REBOOT (RFC
        /// 2131 3.2), asking for that address with a broadcast DHCPREQUEST (option 50, no server id)
        /// instead of a DISCOVER; a DHCPNAK or no answer falls back to DISCOVER. Takes effect while
        /// the client is stopped (at the next <see cref="Start"/>) or still discovering with no offer
        /// taken (at once: call it right after constructing the stack when
        /// <see cref="InterfaceConfig.UseDhcp"/> is set); returns false otherwise or for an address no
        /// lease can have. 0 forgets it.
        /// </summary>
        public bool SetPreviousAddress(uint address)
        {
            if ((_state != DhcpState.Stopped && _state != DhcpState.Init && _state != DhcpState.Selecting)
                || (address != 0 && !ValidAddress(address)))
            {
                return false;
            }

            _previous = address;
            if (address != 0 && _state == DhcpState.Selecting)
            {
                EnterRebooting(_host.Now, address); // the DISCOVER already sent is abandoned (a new xid)
            }

            return true;
        }

        /// <summary>The server identifier (option 54) of the current offer or lease.</summary>
        public uint Server { get { return _server; } }

        /// <summary>Lease duration granted, seconds (0xFFFFFFFF = infinite; under 60 s is used as 60 s); 0 when none.</summary>
        public uint LeaseSeconds { get { return _leaseSeconds; } }

        /// <summary>When renewing starts (T1), ms of the poll clock; long.MaxValue when none.</summary>
        public long RenewAtMs { get { return _t1At; } }

        /// <summary>When rebinding starts (T2), ms; long.MaxValue when none.</summary>
        public long RebindAtMs { get { return _t2At; } }

        /// <summary>When the lease expires, ms; long.MaxValue when none or infinite.</summary>
        public long ExpiresAtMs { get { return _expiresAt; } }

        /// <summary>Transaction id of the exchange in progress.</summary>
        public uint TransactionId { get { return _xid; } }

        /// <summary>
        /// Starts address acquisition when stopped: opens UDP port 68 and sends a DHCPDISCOVER on the
        /// next poll. A running client is left as it is (true). Returns false when the port cannot be
        /// opened (no free UDP socket, port taken).
        /// </summary>
        public bool Start()
        {
            if (_state != DhcpState.Stopped)
            {
                return true;
            }

            if (_socket <= 0)
            {
                int h = _udp.UdpOpen(ClientPort);
                if (h <= 0)
                {
                    return false;
                }

                _socket = h;
            }

            _naks = 0;
            _linkUp = _host.LinkUp;
            EnterInit(_host.Now);
            return true;
        }

        /// <summary>
        /// Stops the client: a held lease is released (DHCPRELEASE to the server) and the address
        /// cleared; port 68 is closed.
        /// </summary>
        public void Stop()
        {
            _host.ArpProbeEnd();
            if (_state == DhcpState.Bound || _state == DhcpState.Renewing || _state == DhcpState.Rebinding
                || (_state == DhcpState.Rebooting && _address != 0))
            {
                _xid = _random.NextUInt32();
                int n = Build(DhcpMessageType.Release, _address, 0, _server);
                Send(_server, n);
                Counters.ReleasesSent++;
                DropAddress();
            }

            if (_socket > 0)
            {
                _udp.UdpClose(_socket);
                _socket = 0;
            }

            _state = DhcpState.Stopped;
            _next = long.MaxValue;
        }

        /// <summary>When <see cref="Poll"/> must run next (ms); long.MaxValue when idle.</summary>
        internal long Deadline()
        {
            return _state == DhcpState.Stopped ? long.MaxValue : _next;
        }

        /// <summary>Takes waiting messages from port 68, then runs the timers.</summary>
        internal void Poll(long nowMs)
        {
            if (_state == DhcpState.Stopped)
            {
                return;
            }

            ReceiveAll(nowMs, ReceiveBurst);

            // The link came up while we were still looking for a server (a board boots before its
            // PHY has link): start over now rather than wait out the backoff.
            bool up = _host.LinkUp;
            if (up && !_linkUp)
            {
                if (_state == DhcpState.Selecting || _state == DhcpState.Requesting)
                {
                    Counters.LinkRestarts++;
                    _naks = 0;
                    EnterInit(nowMs);
                }
                else if (_state == DhcpState.Bound || _state == DhcpState.Renewing || _state == DhcpState.Rebinding)
                {
                    // RFC 2131 3.2: the link went down and up, we may be on another network: verify
                    // the lease with INIT-REBOOT, keeping the address meanwhile (it is unexpired).
                    Counters.LinkRestarts++;
                    EnterRebooting(nowMs, _address);
                }
            }

            if (_state == DhcpState.Checking && _host.ArpProbeConflict)
            {
                Decline(nowMs);
            }

            _linkUp = up;
            if (nowMs >= _next)
            {
                Timer(nowMs);
            }
        }

        /// <summary>One datagram on port 68: from a server's port 67, whole, it is a message to <see cref="Input"/>.</summary>
        protected override void OnDatagram(uint source, int port, int length, long nowMs)
        {
            if (length > _rx.Length)
            {
                Counters.DroppedOversize++;
                return;
            }

            if (port != ServerPort)
            {
                Counters.DroppedMalformed++;
                return;
            }

            Input(_rx, length, source, nowMs);
        }

        // ------------------------------------------------------------------ timers

        private void Timer(long now)
        {
            switch (_state)
            {
                case DhcpState.Init:
                    if (_previous != 0)
                    {
                        EnterRebooting(now, _previous);
                        break;
                    }

                    _xid = _random.NextUInt32();
                    _startMs = now;
                    _tries = 0;
                    _state = DhcpState.Selecting;
                    SendDiscover(now);
                    break;
                case DhcpState.Rebooting:
                    if (_tries + 1 >= RequestTries)
                    {
                        Counters.RequestTimeouts++;
                        RebootTimedOut(now);
                        break;
                    }

                    _tries++;
                    Counters.Retransmissions++;
                    SendRebootRequest(now);
                    break;
                case DhcpState.Checking:
                    ProbeTimer(now);
                    break;
                case DhcpState.Selecting:
                    _tries++;
                    Counters.Retransmissions++;
                    SendDiscover(now);
                    break;
                case DhcpState.Requesting:
                    if (_tries + 1 >= RequestTries)
                    {
                        Counters.RequestTimeouts++;
                        EnterInit(now);
                        break;
                    }

                    _tries++;
                    Counters.Retransmissions++;
                    SendSelectingRequest(now);
                    break;
                case DhcpState.Bound:
                case DhcpState.Renewing:
                case DhcpState.Rebinding:
                    LeaseTimer(now);
                    break;
            }
        }

        private void LeaseTimer(long now)
        {
            if (now >= _expiresAt)
            {
                Counters.LeasesExpired++;
                DropAddress();
                EnterInit(now);
                return;
            }

            bool retransmit = true;
            if (now >= _t2At && _state != DhcpState.Rebinding)
            {
                _state = DhcpState.Rebinding;
                Counters.Rebinds++;
                retransmit = false;
            }
            else if (now >= _t1At && _state == DhcpState.Bound)
            {
                _state = DhcpState.Renewing;
                Counters.Renewals++;
                _xid = _random.NextUInt32();
                _startMs = now;
                retransmit = false;
            }

            if (retransmit)
            {
                Counters.Retransmissions++;
            }

            _requestSentMs = now;
            bool renewing = _state == DhcpState.Renewing;
            int n = Build(DhcpMessageType.Request, _address, 0, 0);
            SetSecs(now);
            Send(renewing ? _server : Ipv4Address.Broadcast, n);
            Counters.RequestsSent++;

            // RFC 2131 4.4.5: wait half the time left until T2 (renewing) or expiry (rebinding), at least 60 s.
            long limit = renewing ? _t2At : _expiresAt;
            long wait = (limit - now) / 2;
            if (wait < RenewRetryMinimumMs)
            {
                wait = RenewRetryMinimumMs;
            }

            _next = wait >= limit - now ? limit : now + wait;
        }

        private void EnterInit(long now)
        {
            _state = DhcpState.Init;
            _server = 0;
            _offered = 0;
            long delay = 0;
            if (_naks > 1)
            {
                delay = Backoff(_naks - 2); // a server that keeps refusing is not asked in a tight loop
            }

            if (_declined)
            {
                _declined = false;
                delay = DeclineWaitMs;
            }

            _next = now + delay;
        }

        // ------------------------------------------------------------------ INIT-REBOOT

        /// <summary>
        /// RFC 2131 3.2: broadcast DHCPREQUEST with the address in option 50, ciaddr 0 and no server
        /// identifier. <paramref name="address"/> is the held lease (link flap: still in use) or the
        /// one given by <see cref="SetPreviousAddress"/> (restart: not in use).
        /// </summary>
        private void EnterRebooting(long now, uint address)
        {
            _state = DhcpState.Rebooting;
            _previous = address;
            _xid = _random.NextUInt32();
            _startMs = now;
            _tries = 0;
            _server = 0;
            Counters.Reboots++;
            SendRebootRequest(now);
        }

        private void SendRebootRequest(long now)
        {
            _requestSentMs = now;
            int n = Build(DhcpMessageType.Request, 0, _previous, 0);
            SetSecs(now);
            Send(Ipv4Address.Broadcast, n);
            Counters.RequestsSent++;
            _next = now + Backoff(_tries);
        }

        /// <summary>
        /// No server answered the INIT-REBOOT request. With an unexpired lease still held (link flap)
        /// RFC 2131 3.2 lets us keep using it: back to Bound on its own timers. Otherwise DISCOVER.
        /// </summary>
        private void RebootTimedOut(long now)
        {
            _previous = 0;
            if (_address != 0 && now < _expiresAt)
            {
                _state = DhcpState.Bound;
                _xid = _random.NextUInt32(); // late answers to the reboot request are not ours any more
                _next = now >= _t1At ? now : _t1At;
                return;
            }

            if (_address != 0)
            {
                DropAddress();
            }

            EnterInit(now);
        }

        // ------------------------------------------------------------------ conflict detection

        /// <summary>
        /// The DHCPACK's address is probed before it is used (RFC 2131 3.1 step 5, RFC 5227 2.1.1).
        /// RFC 5227's constants (PROBE_NUM 3 probes 1–2 s apart, then ANNOUNCE_WAIT 2 s: about 7 s)
        /// are scaled by configuration (<see cref="InterfaceConfig.DhcpArpProbes"/> probes every
        /// <see cref="InterfaceConfig.DhcpArpProbeIntervalMs"/>, default 2 × 500 ms, then one more
        /// interval): on a switched LAN a holder answers within milliseconds, and the server already
        /// checked the address (most ping it before offering), so the device comes up in 1 s
        /// instead of 7 s. The jitter RFC 5227 asks for comes from the random first delay.
        /// </summary>
        private void EnterChecking(long now, uint address)
        {
            _state = DhcpState.Checking;
            _offered = address;
            _tries = 0;
            _host.ArpProbeBegin(address);
            // PROBE_WAIT, scaled: a random delay up to half an interval, so boards powered up together do not probe in step.
            _next = now + (long)(_random.NextUInt32() % (uint)(_probeIntervalMs / 2 + 1));
        }

        private void ProbeTimer(long now)
        {
            if (_tries < _probes)
            {
                _tries++;
                Counters.ProbesSent++;
                _host.SendArpProbe();
                _next = now + _probeIntervalMs;
                return;
            }

            // The last interval passed without a conflict: the address is ours.
            _host.ArpProbeEnd();
            Apply(_offered);
        }

        /// <summary>RFC 2131 3.1 step 5 / 4.4.4: DHCPDECLINE (broadcast, option 50 and 54), then INIT after 10 s.</summary>
        private void Decline(long now)
        {
            _host.ArpProbeEnd();
            Counters.AddressConflicts++;
            int n = Build(DhcpMessageType.Decline, 0, _offered, _server);
            Send(Ipv4Address.Broadcast, n);
            Counters.DeclinesSent++;
            if (_address != 0)
            {
                DropAddress(); // never happens today (held addresses are not probed again); kept for safety
            }

            _previous = 0;
            _declined = true;
            EnterInit(now);
        }

        private long Backoff(int tries)
        {
            int shift = tries < 4 ? tries : 4;
            long jitter = (long)(_random.NextUInt32() % (2 * BackoffJitterMs + 1)) - BackoffJitterMs;
            return (FirstBackoffMs << shift) + jitter;
        }

        private void SendDiscover(long now)
        {
            int n = Build(DhcpMessageType.Discover, 0, 0, 0);
            SetSecs(now);
            Send(Ipv4Address.Broadcast, n);
            Counters.DiscoversSent++;
            _next = now + Backoff(_tries);
        }

        private void SendSelectingRequest(long now)
        {
            int n = Build(DhcpMessageType.Request, 0, _offered, _server);
            SetSecs(now);
            Send(Ipv4Address.Broadcast, n);
            Counters.RequestsSent++;
            _next = now + Backoff(_tries);
        }

        private void SetSecs(long now)
        {
            DhcpMessage.WriteSecs(_tx, (now - _startMs) / 1000);
        }

        private void DropAddress()
        {
            _address = 0;
            _leaseSeconds = 0;
            _t1At = long.MaxValue;
            _t2At = long.MaxValue;
            _expiresAt = long.MaxValue;
            _host.SetAddress(0, 0, 0, 0);
            _dns.UseConfiguredServers();
        }

        // ------------------------------------------------------------------ output

        /// <summary>Writes a BOOTREQUEST of <paramref name="type"/> into the transmit buffer; returns its length.</summary>
        private int Build(byte type, uint ciaddr, uint requested, uint serverId)
        {
            byte[] b = _tx;
            Array.Clear(b, 0, b.Length);
            int p = DhcpMessage.WriteRequestHeader(b, _xid, _broadcastFlag && ciaddr == 0, ciaddr, _mac);
            p = DhcpMessage.WriteTypeAndClientId(b, p, type, _mac);
            if (requested != 0)
            {
                p = DhcpMessage.WriteAddressOption(b, p, DhcpOptionCode.RequestedAddress, requested);
            }

            if (serverId != 0)
            {
                p = DhcpMessage.WriteAddressOption(b, p, DhcpOptionCode.ServerId, serverId);
            }

            // RFC 2131 table 5: only 50, 54, 61 (and 56) in a DHCPRELEASE or DHCPDECLINE.
            if (type != DhcpMessageType.Release && type != DhcpMessageType.Decline)
            {
                p = DhcpMessage.WriteRequestParameters(b, p, MaxMessageLength);
                if (_hostNameLength > 0)
                {
                    p = DhcpMessage.WriteBytesOption(b, p, DhcpOptionCode.HostName, _hostName, _hostNameLength);
                }
            }

            b[p++] = DhcpOptionCode.End;
            return p < DhcpMessage.MinimumLength ? DhcpMessage.MinimumLength : p;
        }

        private void Send(uint destination, int length)
        {
            if (_socket > 0)
            {
                _udp.UdpSendTo(_socket, destination, ServerPort, _tx, 0, length);
            }
        }

        // ------------------------------------------------------------------ input

        /// <summary>
        /// One DHCP message from a server (the UDP payload). Exposed for tests and fuzzing; never
        /// throws, whatever the bytes. Returns true when the message was accepted.
        /// </summary>
        internal bool Input(byte[] m, int length, uint source, long now)
        {
            if (m == null || length < DhcpMessage.OptionsOffset || length > m.Length)
            {
                Counters.DroppedMalformed++;
                return false;
            }

            if (!DhcpMessage.IsEthernetReply(m))
            {
                Counters.DroppedMalformed++;
                return false;
            }

            if (NetOrder.ReadU32(m, DhcpMessage.XidOffset) != _xid || _state == DhcpState.Stopped || _state == DhcpState.Init || _state == DhcpState.Bound
                || _state == DhcpState.Checking
                || !EthernetFrame.MacEquals(m, DhcpMessage.ClientHardwareOffset, _mac, 0))
            {
                Counters.DroppedWrongXid++;
                return false;
            }

            if (NetOrder.ReadU32(m, DhcpMessage.CookieOffset) != DhcpMessage.MagicCookie)
            {
                Counters.DroppedBadCookie++;
                return false;
            }

            DhcpOptions o = _o;
            WireResult parsed = o.Parse(m, length);
            if (o.Ignored != 0)
            {
                Counters.OptionsIgnored += o.Ignored;
            }

            if (parsed != WireResult.Ok)
            {
                Counters.DroppedTruncated++;
                return false;
            }

            if (o.MessageType == 0)
            {
                Counters.DroppedMalformed++;
                return false;
            }

            uint yiaddr = Ipv4Address.Read(m, DhcpMessage.YourAddressOffset);
            if (_state == DhcpState.Selecting)
            {
                return InputOffer(o, yiaddr, now);
            }

            return InputReply(o, yiaddr, source, now);
        }

        /// <summary>Selecting: a DHCPOFFER with a usable address and a server id is taken, and REQUESTed at once.</summary>
        private bool InputOffer(DhcpOptions o, uint yiaddr, long now)
        {
            if (o.MessageType != DhcpMessageType.Offer)
            {
                Counters.DroppedUnexpected++;
                return false;
            }

            if (!ValidAddress(yiaddr) || o.ServerId == 0)
            {
                Counters.DroppedMalformed++;
                return false;
            }

            Counters.OffersIn++;
            _offered = yiaddr;
            _server = o.ServerId;
            _state = DhcpState.Requesting;
            _tries = 0;
            _requestSentMs = now;
            SendSelectingRequest(now);
            return true;
        }

        /// <summary>Requesting, Rebooting, Renewing, Rebinding: a DHCPNAK starts over, a DHCPACK gives the lease (a new address is probed first).</summary>
        private bool InputReply(DhcpOptions o, uint yiaddr, uint source, long now)
        {
            if (_state == DhcpState.Requesting && o.ServerId != 0 && o.ServerId != _server)
            {
                Counters.DroppedUnexpected++; // another server answering the broadcast REQUEST
                return false;
            }

            if (o.MessageType == DhcpMessageType.Nak)
            {
                Counters.NaksIn++;
                _naks++;
                _previous = 0;
                if (_state != DhcpState.Requesting && _address != 0)
                {
                    DropAddress();
                }

                EnterInit(now);
                return true;
            }

            if (o.MessageType != DhcpMessageType.Ack)
            {
                Counters.DroppedUnexpected++;
                return false;
            }

            if (!ValidAddress(yiaddr) || !o.HasLease)
            {
                Counters.DroppedMalformed++;
                return false;
            }

            Counters.AcksIn++;
            TakeLease(source);
            if (yiaddr != _address && _probes > 0)
            {
                EnterChecking(now, yiaddr); // a new address: probe it first
            }
            else
            {
                Apply(yiaddr);
            }

            return true;
        }

        private static bool ValidAddress(uint a)
        {
            uint top = a >> 24;
            return a != 0 && a != Ipv4Address.Broadcast && top != 0 && top != 127 && top < 224;
        }

        /// <summary>Keeps the server identifier and the NTP servers of the DHCPACK just accepted.</summary>
        private void TakeLease(uint source)
        {
            if (_o.ServerId != 0)
            {
                _server = _o.ServerId;
            }
            else if (_server == 0)
            {
                _server = source;
            }

            _ntp0 = _o.Ntp0;
            _ntp1 = _o.Ntp1;
        }

        /// <summary>
        /// Uses the lease of the last DHCPACK (its options are still in the _o fields: while
        /// checking, every message is dropped before its options are parsed).
        /// </summary>
        private void Apply(uint yiaddr)
        {
            _naks = 0;
            _previous = 0;
            _address = yiaddr;
            DhcpOptions o = _o;
            _netmask = o.HasSubnetMask && o.SubnetMask != 0 ? o.SubnetMask : _config.Netmask;
            _router = o.Router;
            _dns0 = o.Dns0;
            _dns1 = o.Dns1;
            _leaseSeconds = o.LeaseSeconds;
            long start = _requestSentMs;
            if (o.LeaseSeconds == DhcpMessage.InfiniteSeconds)
            {
                _t1At = long.MaxValue;
                _t2At = long.MaxValue;
                _expiresAt = long.MaxValue;
            }
            else
            {
                long lease = (o.LeaseSeconds < MinimumLeaseSeconds ? MinimumLeaseSeconds : o.LeaseSeconds) * 1000L;
                long t1 = o.HasRenewal && o.RenewalSeconds != DhcpMessage.InfiniteSeconds ? o.RenewalSeconds * 1000L : lease / 2;
                long t2 = o.HasRebinding && o.RebindingSeconds != DhcpMessage.InfiniteSeconds ? o.RebindingSeconds * 1000L : lease * 7 / 8;
                if (t2 > lease)
                {
                    t2 = lease * 7 / 8;
                }

                if (t1 > t2)
                {
                    t1 = lease / 2 < t2 ? lease / 2 : t2;
                }

                _t1At = start + t1;
                _t2At = start + t2;
                _expiresAt = start + lease;
            }

            Counters.LeasesObtained++;
            _state = DhcpState.Bound;
            _next = _t1At;
            _host.SetAddress(_address, _netmask, _router, _dns0);
            if (_dns0 != 0)
            {
                _dns.SetServers(_dns0, _dns1);
            }
        }
    }
}
