using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Tcp;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Firmware
{
    /// <summary>
    /// The HTTP status page: the device's addresses, link and uptime, the stack's and the
    /// services' counters and a netstat-style connection list, as an HTTP/1.0 response with a
    /// text/plain body. Every buffer is made at start-up; building allocates nothing.
    /// </summary>
    internal sealed class StatusPage
    {
        /// <summary>Column where a line's values start, after its label.</summary>
        private const int ValueColumn = 12;

        /// <summary>Width of the Local Address and Foreign Address columns.</summary>
        private const int EndpointColumnWidth = 24;

        private readonly FirmwareApp _app;
        private readonly NetworkStack _stack;
        private readonly TcpStack _tcp;
        private readonly FirmwareOptions _options;
        private readonly AsciiWriter _writer;
        private readonly byte[] _body;
        private readonly byte[] _mac = new byte[6];
        private readonly byte[] _utc = new byte[20]; // the UTC line (SntpClient.FormatUtc)
        private readonly TcpEntryInfo _entry = new TcpEntryInfo();

        /// <summary>Makes the page's buffers: a body of <paramref name="bodySize"/> bytes; reads the MAC once.</summary>
        public StatusPage(FirmwareApp app, NetworkStack stack, FirmwareOptions options, AsciiWriter writer, int bodySize)
        {
            _app = app;
            _stack = stack;
            _tcp = stack.Tcp;
            _options = options;
            _writer = writer;
            _body = new byte[bodySize];
            _stack.GetMacAddress(_mac, 0);
        }

        /// <summary>
        /// Builds the page (HTTP/1.0 header and text body) into <paramref name="buffer"/> and
        /// returns its length; 0 when the range is not inside <paramref name="buffer"/>.
        /// </summary>
        public int Build(byte[] buffer, int offset, int capacity)
        {
            if (!NetOrder.InBounds(buffer, offset, capacity))
            {
                return 0;
            }

            AsciiWriter w = _writer;
            w.Reset(_body, 0, _body.Length);
            WriteDevice(w);
            WriteNetworkCounters(w);
            WriteTcpCounters(w);
            WriteServices(w);
            WriteConnections(w);
            return WriteResponse(w, buffer, offset, capacity);
        }

        /// <summary>Name, address and gateway, MAC and link, uptime, and the UTC time once SNTP has it.</summary>
        private void WriteDevice(AsciiWriter w)
        {
            w.Text(_options.DeviceName);
            w.Text(HttpTexts.FirmwareStatus);
            w.NewLine();
            w.Text(HttpTexts.Address);
            w.PadTo(ValueColumn);
            w.Ip(_stack.Address);
            w.Byte((byte)'/');
            w.Int(AsciiWriter.PrefixLength(_stack.Netmask));
            w.Text(HttpTexts.Gateway);
            w.Ip(_stack.Gateway);
            w.NewLine();
            w.Text(HttpTexts.Mac);
            w.PadTo(ValueColumn);
            w.Mac(_mac, 0);
            w.Text(_stack.LinkUp ? HttpTexts.LinkUp : HttpTexts.LinkDown);
            w.NewLine();
            w.Text(HttpTexts.Uptime);
            w.PadTo(ValueColumn);
            w.Seconds(_app.UptimeMs);
            w.Text(HttpTexts.SecondsUnit);
            w.NewLine();
            SntpClient sntp = _stack.Sntp;
            if (sntp != null && sntp.Synchronized)
            {
                w.Text(HttpTexts.Utc);
                w.PadTo(ValueColumn);
                int n = SntpClient.FormatUtc(sntp.UtcMs(_app.NowMs), _utc, 0);
                for (int i = 0; i < n; i++)
                {
                    w.Byte(_utc[i]);
                }

                w.NewLine();
            }
        }

        /// <summary>The frame and IP lines.</summary>
        private void WriteNetworkCounters(AsciiWriter w)
        {
            NetworkCounters nc = _stack.Counters;
            w.Text(HttpTexts.Frames);
            w.PadTo(ValueColumn);
            w.Text(HttpTexts.In);
            w.Int(nc.FramesIn);
            w.Text(HttpTexts.Out);
            w.Int(nc.FramesOut);
            w.Text(HttpTexts.Malformed);
            w.Int(nc.FramesMalformed);
            w.NewLine();
            w.Text(HttpTexts.Ip);
            w.PadTo(ValueColumn);
            w.Text(HttpTexts.In);
            w.Int(nc.IpIn);
            w.Text(HttpTexts.Out);
            w.Int(nc.IpOut);
            w.Text(HttpTexts.BadChecksum);
            w.Int(nc.IpBadChecksum);
            w.Text(HttpTexts.IcmpEchoReplies);
            w.Int(nc.IcmpEchoReplies);
            w.NewLine();
        }

        /// <summary>The two TCP lines: segments and resets, then opens and drops.</summary>
        private void WriteTcpCounters(AsciiWriter w)
        {
            TcpCounters tc = _tcp.Counters;
            w.Text(HttpTexts.Tcp);
            w.PadTo(ValueColumn);
            w.Text(HttpTexts.SegmentsIn);
            w.Int(tc.SegmentsIn);
            w.Text(HttpTexts.Out);
            w.Int(tc.SegmentsOut);
            w.Text(HttpTexts.Retransmitted);
            w.Int(tc.Retransmissions);
            w.Text(HttpTexts.ResetsIn);
            w.Int(tc.ResetsIn);
            w.Text(HttpTexts.Out);
            w.Int(tc.ResetsOut);
            w.NewLine();
            w.PadTo(ValueColumn);
            w.Text(HttpTexts.ActiveOpens);
            w.Int(tc.ActiveOpens);
            w.Text(HttpTexts.PassiveOpens);
            w.Int(tc.PassiveOpens);
            w.Text(HttpTexts.Dropped);
            w.Int(tc.Dropped);
            w.NewLine();
        }

        /// <summary>Connections/bytes per service; the HTTP count includes the response being built.</summary>
        private void WriteServices(AsciiWriter w)
        {
            FirmwareCounters fc = _app.Counters;
            w.Text(HttpTexts.Services);
            w.PadTo(ValueColumn);
            w.Text(HttpTexts.Echo);
            w.Int(fc.EchoConnections);
            w.Byte((byte)'/');
            w.Int(fc.EchoBytes);
            w.Text(HttpTexts.BytesDiscard);
            w.Int(fc.DiscardConnections);
            w.Byte((byte)'/');
            w.Int(fc.DiscardBytes);
            w.Text(HttpTexts.BytesChargen);
            w.Int(fc.ChargenConnections);
            w.Byte((byte)'/');
            w.Int(fc.ChargenBytes);
            w.Text(HttpTexts.BytesHttp);
            w.Int(fc.HttpResponses + 1);
            w.NewLine();
            w.NewLine();
        }

        /// <summary>The netstat view: one line per TCP connection-table entry in use.</summary>
        private void WriteConnections(AsciiWriter w)
        {
            w.Text(HttpTexts.ConnectionsTitle);
            w.NewLine();
            w.Text(HttpTexts.ConnectionsHeader);
            w.NewLine();
            for (int i = 0; i < _tcp.Capacity; i++)
            {
                _tcp.GetEntry(i, _entry);
                if (_entry.Free || _entry.State == TcpState.Closed)
                {
                    continue;
                }

                w.Text(HttpTexts.Tcp);
                w.IntPadded(_entry.ReceiveQueued, 9);
                w.IntPadded(_entry.SendQueued, 7);
                w.Byte((byte)' ');
                int col = w.Position;
                w.Endpoint(_entry.LocalIp == 0 ? _stack.Address : _entry.LocalIp, _entry.LocalPort);
                Spaces(EndpointColumnWidth - (w.Position - col));
                col = w.Position;
                w.Endpoint(_entry.RemoteIp, _entry.RemotePort);
                Spaces(EndpointColumnWidth - (w.Position - col));
                w.Text(TcpStateNames.Of(_entry.State));
                w.NewLine();
            }
        }

        /// <summary>
        /// Writes the HTTP header for the body built so far into <paramref name="buffer"/> and
        /// copies as much of the body after it as fits; returns the response's length.
        /// </summary>
        private int WriteResponse(AsciiWriter w, byte[] buffer, int offset, int capacity)
        {
            int bodyLength = w.Length;
            w.Reset(buffer, offset, capacity);
            w.Text(HttpTexts.Status200);
            w.NewLine();
            w.Text(HttpTexts.ContentType);
            w.NewLine();
            w.Text(HttpTexts.ContentLength);
            w.Int(bodyLength);
            w.NewLine();
            w.Text(HttpTexts.ConnectionClose);
            w.NewLine();
            w.NewLine();
            int headerLength = w.Length;
            int room = capacity - headerLength;
            if (bodyLength > room)
            {
                bodyLength = room;
            }

            System.Array.Copy(_body, 0, buffer, offset + headerLength, bodyLength);
            return headerLength + bodyLength;
        }

        private void Spaces(int n)
        {
            if (n < 1)
            {
                n = 1;
            }

            for (int i = 0; i < n; i++)
            {
                _writer.Byte((byte)' ');
            }
        }
    }
}
