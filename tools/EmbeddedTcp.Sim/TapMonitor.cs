using System.IO;
using EmbeddedTcp.Diagnostics;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Tcp;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Sim
{
    /// <summary>
    /// What <see cref="TapRunner"/> prints while it runs: TCP state changes, DHCP, the address,
    /// the mDNS name, the SNTP time, a --resolve answer, and a progress line every 10 s. Each
    /// <see cref="Report"/> prints what changed since the last one.
    /// </summary>
    internal sealed class TapMonitor
    {
        private const long ProgressIntervalMs = 10000;

        private readonly NetworkStack _stack;
        private readonly FirmwareApp _app;
        private readonly string _resolve;
        private readonly TextWriter _out;
        private readonly TraceEvent _event = new TraceEvent();
        private readonly TcpEntryInfo _info = new TcpEntryInfo();
        private readonly byte[] _utc = new byte[20];
        private DhcpState _dhcpState;
        private uint _shownAddress;
        private string _shownMdns;
        private bool _timeShown;
        private int _query;
        private bool _resolveDone;
        private long _lastProgress;

        public TapMonitor(NetworkStack stack, FirmwareApp app, string resolve, TextWriter stdout)
        {
            _stack = stack;
            _app = app;
            _resolve = resolve;
            _out = stdout;
            _dhcpState = stack.Dhcp.State;
            _shownAddress = stack.Address;
            _resolveDone = resolve == null;
        }

        /// <summary>Prints what changed; call after each poll.</summary>
        public void Report(long now)
        {
            ReportStateChanges(now);
            ReportAddressing(now);
            ReportTime(now);
            if (!_resolveDone)
            {
                ReportResolve(now);
            }

            if (now - _lastProgress >= ProgressIntervalMs)
            {
                _lastProgress = now;
                if (now > 0)
                {
                    _out.WriteLine(Sec(now) + "  up: frames in " + _stack.Counters.FramesIn + " out " + _stack.Counters.FramesOut + ", http "
                        + _app.Counters.HttpResponses + ", echo " + _app.Counters.EchoBytes + " B, discard " + _app.Counters.DiscardBytes + " B, chargen "
                        + _app.Counters.ChargenBytes + " B, " + _app.ActiveSessions + " open");
                }
            }
        }

        private static string Sec(long ms) => TapRunner.Sec(ms);

        private void ReportStateChanges(long now)
        {
            while (_stack.Tcp.Trace.TryRead(_event))
            {
                if (_event.Kind != TraceKind.StateChange)
                {
                    continue;
                }

                _stack.Tcp.GetEntry(_event.Connection, _info);
                _out.WriteLine(Sec(now) + "  conn " + _event.Connection + "  " + (TcpStateNames.Of((TcpState)_event.A) + " -> " + TcpStateNames.Of((TcpState)_event.B)).PadRight(30)
                    + Ipv4Address.Format(_info.LocalIp) + ":" + _info.LocalPort + " <-> " + Ipv4Address.Format(_info.RemoteIp) + ":" + _info.RemotePort);
            }
        }

        /// <summary>DHCP state, the address, and the mDNS name once announced.</summary>
        private void ReportAddressing(long now)
        {
            NetworkStack stack = _stack;
            if (stack.Dhcp.State != _dhcpState)
            {
                _dhcpState = stack.Dhcp.State;
                _out.WriteLine(Sec(now) + "  dhcp " + _dhcpState);
            }
            if (stack.Address != _shownAddress)
            {
                _shownAddress = stack.Address;
                _out.WriteLine(Sec(now) + "  address " + Ipv4Address.Format(stack.Address) + "/" + AsciiWriter.PrefixLength(stack.Netmask)
                    + " gateway " + Ipv4Address.Format(stack.Gateway) + " dns " + Ipv4Address.Format(stack.DnsServer));
            }

            if (_app.Mdns != null && _app.Mdns.IsAnnounced && _app.Mdns.FullName() != _shownMdns)
            {
                _shownMdns = _app.Mdns.FullName();
                _out.WriteLine(Sec(now) + "  mdns " + _shownMdns + " announced" + (_app.Mdns.Conflicts > 0 ? " (renamed after " + _app.Mdns.Conflicts + " conflict(s))" : ""));
            }
        }

        /// <summary>"time ..." once, at the first SNTP synchronization.</summary>
        private void ReportTime(long now)
        {
            SntpClient sntp = _stack.Sntp;
            if (_timeShown || sntp == null || !sntp.Synchronized)
            {
                return;
            }

            _timeShown = true;
            int n = SntpClient.FormatUtc(sntp.UtcMs(now), _utc, 0);
            _out.WriteLine("time " + System.Text.Encoding.ASCII.GetString(_utc, 0, n));
            _out.WriteLine(Sec(now) + "  sntp: server " + Ipv4Address.Format(sntp.Server) + " stratum " + sntp.Stratum
                + ", round trip " + sntp.RoundTripMs + " ms");
        }

        /// <summary>--resolve: asks once there is an address (again while there is no DNS server), prints the answer.</summary>
        private void ReportResolve(long now)
        {
            if (_query <= 0 && _stack.Address != 0)
            {
                _query = _stack.Dns.Resolve(_resolve);
                if (_query == NetError.InvalidArgument)
                {
                    _out.WriteLine(Sec(now) + "  resolve " + _resolve + ": not a valid name");
                    _resolveDone = true;
                }
                else if (_query <= 0)
                {
                    _query = 0; // no DNS server yet (DHCP may bring one): try again later
                }
            }
            if (_query > 0)
            {
                DnsStatus st = _stack.Dns.GetResult(_query, out uint addr);
                if (st == DnsStatus.Resolved)
                {
                    _out.WriteLine("resolved " + _resolve + " " + Ipv4Address.Format(addr));
                    _resolveDone = true;
                }
                else if (st != DnsStatus.Pending)
                {
                    _out.WriteLine(Sec(now) + "  resolve " + _resolve + " failed: " + st);
                    _resolveDone = true;
                }
            }
        }
    }
}
