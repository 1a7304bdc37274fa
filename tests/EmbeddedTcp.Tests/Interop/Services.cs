using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Tests.Interop
{
    /// <summary>
    /// The services the kernel talks to. By default echo (7), discard (9), chargen (19) and
    /// HTTP (80) are the firmware application itself (<see cref="FirmwareApp"/>, as flashed);
    /// the harness adds "sha" (5000: reads to end of stream, answers the SHA-256 hex of what
    /// it read plus the byte count, then closes — the kernel's half-close). With
    /// <c>firmware: false</c> the harness serves 7/9/19/80 itself (the stand-in written
    /// before the firmware landed; public TcpStack API only).
    /// </summary>
    public sealed class Services : IPollable
    {
        public const int Echo = 7, Discard = 9, Chargen = 19, Http = 80, Sha = 5000;
        public const string Page = "<html><body>EmbeddedTcp interop</body></html>\n";

        private enum Kind { Echo, Discard, Chargen, Http, Sha }

        private sealed class Session
        {
            public int Handle;
            public Kind Kind;
            public byte[] Pending = new byte[16384];
            public int PendingOff, PendingLen;
            public bool Eof;
            public bool Replied;
            public long Bytes;
            public IncrementalHash Hash;
            public StringBuilder Request;
            public int ChargenLine, ChargenCol;
        }

        private readonly int[] _listeners = new int[5];
        private readonly Kind[] _kinds = { Kind.Echo, Kind.Discard, Kind.Chargen, Kind.Http, Kind.Sha };
        private readonly List<Session> _sessions = new List<Session>();
        private readonly byte[] _buf = new byte[16384];

        public long Accepted, Completed, Resets, OtherErrors, DiscardBytes, EchoBytes, ChargenBytes, ShaBytes, HttpRequests;
        public readonly List<string> ShaResults = new List<string>();
        public readonly List<string> Errors = new List<string>();

        /// <summary>The firmware application serving 7/9/19/80 (null with firmware: false).</summary>
        public readonly FirmwareApp Firmware;
        public const string DeviceName = "etcp-interop";

        public Services(NetworkStack stack, bool firmware = true)
        {
            int[] ports = { Echo, Discard, Chargen, Http, Sha };
            if (firmware)
            {
                Firmware = new FirmwareApp(stack, new FirmwareOptions { DeviceName = DeviceName, Backlog = 8, SessionBufferSize = 2048 });
            }
            for (int i = firmware ? 4 : 0; i < ports.Length; i++)
            {
                _listeners[i] = stack.Tcp.Listen(0, ports[i], 8);
                if (_listeners[i] < 0)
                {
                    throw new InvalidOperationException("Listen " + ports[i] + " failed: " + _listeners[i]);
                }
            }
        }

        /// <summary>Open sessions (the harness's and the firmware's).</summary>
        public int Open => _sessions.Count + (Firmware != null ? Firmware.ActiveSessions : 0);

        /// <summary>Bytes the discard service read.</summary>
        public long DiscardTotal => Firmware != null ? Firmware.Counters.DiscardBytes : DiscardBytes;

        /// <summary>Connections that ended in an error (reset, timeout) on 7/9/19/80.</summary>
        public long ServiceErrors => Firmware != null ? Firmware.Counters.ConnectionErrors : Resets + OtherErrors;

        /// <summary>Echo connections accepted.</summary>
        public long EchoConnections => Firmware != null ? Firmware.Counters.EchoConnections : _echoAccepted;

        private long _echoAccepted;

        public void Poll(NetworkStack stack, long nowMs)
        {
            Firmware?.Poll(nowMs);
            TcpStack tcp = stack.Tcp;
            for (int i = 0; i < _listeners.Length; i++)
            {
                if (_listeners[i] == 0)
                {
                    continue;
                }

                int h;
                while ((h = tcp.Accept(_listeners[i])) > 0)
                {
                    Accepted++;
                    if (_kinds[i] == Kind.Echo)
                    {
                        _echoAccepted++;
                    }

                    var s = new Session { Handle = h, Kind = _kinds[i] };
                    if (s.Kind == Kind.Discard || s.Kind == Kind.Sha)
                    {
                        s.Hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    }

                    if (s.Kind == Kind.Http)
                    {
                        s.Request = new StringBuilder();
                    }

                    _sessions.Add(s);
                }
            }

            for (int i = _sessions.Count - 1; i >= 0; i--)
            {
                Session s = _sessions[i];
                if (Step(tcp, s))
                {
                    _sessions.RemoveAt(i);
                }
            }
        }

        /// <summary>Advances one session; true when it is finished (handle closed).</summary>
        private bool Step(TcpStack tcp, Session s)
        {
            // Flush what is pending first (echo, replies, chargen).
            while (s.PendingLen > 0)
            {
                int n = tcp.Send(s.Handle, s.Pending, s.PendingOff, s.PendingLen);
                if (n < 0)
                {
                    return Fail(tcp, s, n);
                }

                if (n == 0)
                {
                    break;
                }

                s.PendingOff += n;
                s.PendingLen -= n;
            }

            if (s.PendingLen == 0 && s.Replied)
            {
                tcp.Close(s.Handle);
                Completed++;
                return true;
            }

            if (s.Kind == Kind.Chargen)
            {
                if (s.PendingLen == 0)
                {
                    int len = FillChargen(s, s.Pending, 8192);
                    s.PendingOff = 0;
                    s.PendingLen = len;
                    ChargenBytes += len;
                }
                // Chargen ignores input; a FIN or RST from the peer ends it.
                int r = tcp.Receive(s.Handle, _buf, 0, _buf.Length);
                if (r == NetError.EndOfStream) { s.PendingLen = 0; s.Replied = true; return Step(tcp, s); }
                if (r < 0)
                {
                    return Fail(tcp, s, r);
                }

                return false;
            }

            while (!s.Eof && (s.Kind != Kind.Echo || s.PendingLen == 0))
            {
                int room = s.Kind == Kind.Echo ? s.Pending.Length : _buf.Length;
                byte[] into = s.Kind == Kind.Echo ? s.Pending : _buf;
                int r = tcp.Receive(s.Handle, into, 0, room);
                if (r == 0)
                {
                    break;
                }

                if (r == NetError.EndOfStream) { s.Eof = true; break; }
                if (r < 0)
                {
                    return Fail(tcp, s, r);
                }

                s.Bytes += r;
                switch (s.Kind)
                {
                    case Kind.Echo:
                        EchoBytes += r;
                        s.PendingOff = 0;
                        s.PendingLen = r;
                        int n = tcp.Send(s.Handle, s.Pending, 0, r);
                        if (n < 0)
                        {
                            return Fail(tcp, s, n);
                        }

                        s.PendingOff = n;
                        s.PendingLen = r - n;
                        break;
                    case Kind.Discard:
                        DiscardBytes += r;
                        s.Hash.AppendData(_buf, 0, r);
                        break;
                    case Kind.Sha:
                        ShaBytes += r;
                        s.Hash.AppendData(_buf, 0, r);
                        break;
                    case Kind.Http:
                        s.Request.Append(Encoding.ASCII.GetString(_buf, 0, r));
                        break;
                }
            }

            if (s.Kind == Kind.Http && !s.Replied && s.Request.ToString().Contains("\r\n\r\n"))
            {
                HttpRequests++;
                string req = s.Request.ToString();
                string body = req.StartsWith("GET / ", StringComparison.Ordinal) ? Page : "not found\n";
                string status = body == Page ? "200 OK" : "404 Not Found";
                Reply(s, "HTTP/1.0 " + status + "\r\nContent-Type: text/html\r\nContent-Length: " + body.Length
                    + "\r\nConnection: close\r\n\r\n" + body);
                return Step(tcp, s);
            }

            if (s.Eof && !s.Replied)
            {
                if (s.Kind == Kind.Sha)
                {
                    string hex = Convert.ToHexString(s.Hash.GetHashAndReset()).ToLowerInvariant() + " " + s.Bytes;
                    lock (ShaResults)
                    {
                        ShaResults.Add(hex);
                    }

                    Reply(s, hex + "\n");
                }
                else if (s.Kind == Kind.Echo && s.PendingLen > 0)
                {
                    return false; // finish echoing first
                }
                else
                {
                    s.Replied = true;
                }
                return Step(tcp, s);
            }

            return false;
        }

        private static void Reply(Session s, string text)
        {
            byte[] b = Encoding.ASCII.GetBytes(text);
            Array.Copy(b, 0, s.Pending, 0, b.Length);
            s.PendingOff = 0;
            s.PendingLen = b.Length;
            s.Replied = true;
        }

        private bool Fail(TcpStack tcp, Session s, int error)
        {
            if (error == NetError.ConnectionReset)
            {
                Resets++;
            }
            else { OtherErrors++; Errors.Add(s.Kind + ": error " + error); }
            tcp.Close(s.Handle);
            return true;
        }

        /// <summary>RFC 864 chargen: 72-character lines of the rotating 95 printable ASCII characters.</summary>
        private static int FillChargen(Session s, byte[] into, int max)
        {
            int n = 0;
            while (n < max)
            {
                if (s.ChargenCol == 72)
                {
                    into[n++] = (byte)'\r';
                    if (n == max) { s.ChargenCol = 73; break; }
                    into[n++] = (byte)'\n';
                    s.ChargenCol = 0;
                    s.ChargenLine++;
                    continue;
                }
                if (s.ChargenCol == 73)
                {
                    into[n++] = (byte)'\n';
                    s.ChargenCol = 0;
                    s.ChargenLine++;
                    continue;
                }
                into[n++] = (byte)(32 + (s.ChargenLine + s.ChargenCol) % 95);
                s.ChargenCol++;
            }
            return n;
        }
    }

    /// <summary>
    /// Our side as a client: connects, sends <see cref="ToSend"/> bytes of a seeded stream,
    /// half-closes, then reads until the peer's FIN, hashing both directions.
    /// </summary>
    public sealed class ClientJob : IPollable
    {
        private readonly uint _remoteIp;
        private readonly int _remotePort;
        private readonly long _toSend;
        private readonly byte[] _out = new byte[16384];
        private readonly byte[] _in = new byte[16384];
        private readonly IncrementalHash _sentHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly IncrementalHash _receivedHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly StringBuilder _text = new StringBuilder();
        private uint _rng;
        private int _outOff, _outLen;
        public int Handle;
        public long Sent, Received;
        public bool ShutdownDone, Done;
        public int Error;
        public string SentSha, ReceivedSha;

        public ClientJob(uint remoteIp, int remotePort, long toSend, uint seed)
        {
            _remoteIp = remoteIp;
            _remotePort = remotePort;
            _toSend = toSend;
            _rng = seed | 1;
        }

        /// <summary>The first 4 KB received, as ASCII.</summary>
        public string Text => _text.ToString();

        public void Poll(NetworkStack stack, long nowMs)
        {
            if (Done)
            {
                return;
            }

            TcpStack tcp = stack.Tcp;
            if (Handle == 0)
            {
                Handle = tcp.Connect(stack.Address, _remoteIp, _remotePort, 0);
                if (Handle < 0) { Error = Handle; Done = true; return; }
            }
            TcpState st = tcp.GetState(Handle);
            if (st == TcpState.SynSent || st == TcpState.SynReceived)
            {
                return;
            }

            while (Sent < _toSend || _outLen > 0)
            {
                if (_outLen == 0)
                {
                    int len = (int)Math.Min(_out.Length, _toSend - Sent);
                    for (int i = 0; i < len; i++)
                    {
                        _rng ^= _rng << 13; _rng ^= _rng >> 17; _rng ^= _rng << 5;
                        _out[i] = (byte)_rng;
                    }
                    _outOff = 0;
                    _outLen = len;
                    _sentHash.AppendData(_out, 0, len);
                    Sent += len;
                }
                int n = tcp.Send(Handle, _out, _outOff, _outLen);
                if (n < 0) { Finish(tcp, n); return; }
                if (n == 0)
                {
                    break;
                }

                _outOff += n;
                _outLen -= n;
            }
            if (Sent == _toSend && _outLen == 0 && !ShutdownDone)
            {
                int r = tcp.Shutdown(Handle);
                if (r < 0) { Finish(tcp, r); return; }
                ShutdownDone = true;
            }

            while (true)
            {
                int r = tcp.Receive(Handle, _in, 0, _in.Length);
                if (r == 0)
                {
                    break;
                }

                if (r == NetError.EndOfStream)
                {
                    if (ShutdownDone)
                    {
                        Finish(tcp, 0);
                    }

                    break;
                }
                if (r < 0) { Finish(tcp, r); return; }
                _receivedHash.AppendData(_in, 0, r);
                if (_text.Length < 4096)
                {
                    _text.Append(Encoding.ASCII.GetString(_in, 0, r));
                }

                Received += r;
            }
        }

        private void Finish(TcpStack tcp, int error)
        {
            Error = error;
            SentSha = Convert.ToHexString(_sentHash.GetHashAndReset()).ToLowerInvariant();
            ReceivedSha = Convert.ToHexString(_receivedHash.GetHashAndReset()).ToLowerInvariant();
            tcp.Close(Handle);
            Done = true;
        }
    }
}
