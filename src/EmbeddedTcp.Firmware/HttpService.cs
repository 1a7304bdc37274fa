using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Firmware
{
    /// <summary>
    /// The HTTP/1.0 service (port 80 by default): reads a request up to its blank line, answers
    /// GET or HEAD of <c>/</c> or <c>/status</c> with the <see cref="StatusPage"/> and anything
    /// else with 404, 501 or 400, then closes (the device is the active closer). One response
    /// buffer, shared: a connection whose response is ready waits while another sends. A
    /// request that does not end within <see cref="FirmwareOptions.HttpRequestTimeoutMs"/> is
    /// aborted. Allocation-free after construction.
    /// </summary>
    internal sealed class HttpService
    {
        /// <summary><see cref="FirmwareSession.Phase"/>: reading the request.</summary>
        public const int Reading = 0;

        /// <summary><see cref="FirmwareSession.Phase"/>: the request is read; the shared response buffer is busy.</summary>
        public const int WaitingForBuffer = 1;

        /// <summary><see cref="FirmwareSession.Phase"/>: sending the response.</summary>
        public const int Sending = 2;

        private const byte Cr = 13;
        private const byte Lf = 10;

        private readonly FirmwareApp _app;
        private readonly TcpStack _tcp;
        private readonly FirmwareCounters _counters;
        private readonly FirmwareOptions _options;
        private readonly StatusPage _statusPage;
        private readonly AsciiWriter _writer;
        private readonly byte[] _scratch;
        private readonly byte[] _response;
        private int _responseOwner = -1;
        private int _responseLength;

        /// <summary>Makes the shared response buffer of <paramref name="responseSize"/> bytes.</summary>
        public HttpService(FirmwareApp app, TcpStack tcp, StatusPage statusPage, AsciiWriter writer, byte[] scratch, int responseSize)
        {
            _app = app;
            _tcp = tcp;
            _counters = app.Counters;
            _options = app.Options;
            _statusPage = statusPage;
            _writer = writer;
            _scratch = scratch;
            _response = new byte[responseSize];
        }

        /// <summary>Serves one HTTP connection: reads, waits for the response buffer, sends, closes.</summary>
        public void Serve(int slot, FirmwareSession s)
        {
            if (s.Phase == Reading)
            {
                if (!ReadRequest(slot, s))
                {
                    return;
                }

                s.Phase = WaitingForBuffer;
            }

            if (s.Phase == WaitingForBuffer)
            {
                if (_responseOwner >= 0)
                {
                    return; // another connection is still sending the shared response
                }

                _responseOwner = slot;
                _responseLength = BuildResponse(s);
                s.Position = 0;
                s.Phase = Sending;
            }

            SendResponse(slot, s);
        }

        /// <summary>
        /// Reads what arrived of the request; true once it is complete (its blank line, its FIN,
        /// or a full buffer). Aborts the connection when it fails or the request times out.
        /// </summary>
        private bool ReadRequest(int slot, FirmwareSession s)
        {
            bool complete = false;
            for (int guard = 0; guard < 16 && !complete; guard++)
            {
                int room = s.Buffer.Length - s.Filled;
                if (room == 0)
                {
                    complete = true; // a longer request: answer from what we have
                    break;
                }

                int n = _tcp.Receive(s.Handle, s.Buffer, s.Filled, room);
                if (n == 0)
                {
                    break;
                }

                if (n == NetError.EndOfStream)
                {
                    complete = true;
                    break;
                }

                if (n < 0)
                {
                    _app.Fail(slot);
                    return false;
                }

                int from = s.Filled < 3 ? 0 : s.Filled - 3;
                s.Filled += n;
                complete = HasHeaderEnd(s.Buffer, from, s.Filled);
            }

            if (!complete && _app.NowMs - s.StartedAt >= _options.HttpRequestTimeoutMs)
            {
                _counters.HttpTimeouts++;
                _app.Release(slot, true);
            }

            return complete;
        }

        /// <summary>Sends what the send ring takes of the response; when all of it is sent, closes.</summary>
        private void SendResponse(int slot, FirmwareSession s)
        {
            int sent = _tcp.Send(s.Handle, _response, s.Position, _responseLength - s.Position);
            if (sent < 0)
            {
                _responseOwner = -1;
                _app.Fail(slot);
                return;
            }

            s.Position += sent;
            if (s.Position < _responseLength)
            {
                return;
            }

            _counters.HttpResponses++;
            _responseOwner = -1;
            // Drain whatever else arrived so CLOSE sends FIN, not RST (RFC 2525 data-loss rule).
            for (int guard = 0; guard < 16; guard++)
            {
                int n = _tcp.Receive(s.Handle, _scratch, 0, _scratch.Length);
                if (n <= 0)
                {
                    break;
                }
            }

            _app.Release(slot, false); // the device is the active closer
        }

        private static bool HasHeaderEnd(byte[] b, int from, int end)
        {
            for (int i = from; i < end; i++)
            {
                if (b[i] != Lf)
                {
                    continue;
                }

                if (i >= 1 && b[i - 1] == Lf)
                {
                    return true;
                }

                if (i >= 3 && b[i - 1] == Cr && b[i - 2] == Lf && b[i - 3] == Cr)
                {
                    return true;
                }
            }

            return false;
        }

        private int BuildResponse(FirmwareSession s)
        {
            byte[] b = s.Buffer;
            int n = s.Filled;
            bool get = n >= 4 && b[0] == 'G' && b[1] == 'E' && b[2] == 'T' && b[3] == ' ';
            bool head = n >= 5 && b[0] == 'H' && b[1] == 'E' && b[2] == 'A' && b[3] == 'D' && b[4] == ' ';
            int pathAt = get ? 4 : 5;
            if (get || head)
            {
                bool root = n > pathAt + 1 && b[pathAt] == '/' && (b[pathAt + 1] == ' ' || b[pathAt + 1] == Cr || b[pathAt + 1] == Lf || b[pathAt + 1] == '?');
                bool status = n > pathAt + 7 && b[pathAt] == '/' && b[pathAt + 1] == 's' && b[pathAt + 2] == 't' && b[pathAt + 3] == 'a'
                    && b[pathAt + 4] == 't' && b[pathAt + 5] == 'u' && b[pathAt + 6] == 's' && (b[pathAt + 7] == ' ' || b[pathAt + 7] == '?');
                if (root || status)
                {
                    _counters.HttpOk++;
                    int len = _statusPage.Build(_response, 0, _response.Length);
                    if (head)
                    {
                        len = HeaderLength(_response, len);
                    }

                    return len;
                }

                _counters.HttpErrors++;
                return Error(HttpTexts.Status404, HttpTexts.NotFound);
            }

            _counters.HttpErrors++;
            bool looksLikeRequest = n > 0 && b[0] >= 'A' && b[0] <= 'Z';
            return looksLikeRequest ? Error(HttpTexts.Status501, HttpTexts.OnlyGetAndHead) : Error(HttpTexts.Status400, HttpTexts.BadRequest);
        }

        private static int HeaderLength(byte[] b, int length)
        {
            for (int i = 3; i < length; i++)
            {
                if (b[i] == Lf && b[i - 1] == Cr && b[i - 2] == Lf && b[i - 3] == Cr)
                {
                    return i + 1;
                }
            }

            return length;
        }

        private int Error(string statusLine, string message)
        {
            AsciiWriter w = _writer;
            w.Reset(_response, 0, _response.Length);
            w.Text(statusLine);
            w.NewLine();
            w.Text(HttpTexts.ContentType);
            w.NewLine();
            w.Text(HttpTexts.ContentLength);
            w.Int(message.Length + 2);
            w.NewLine();
            w.Text(HttpTexts.ConnectionClose);
            w.NewLine();
            w.NewLine();
            w.Text(message);
            w.NewLine();
            return w.Length;
        }
    }
}
