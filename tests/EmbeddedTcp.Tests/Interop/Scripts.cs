namespace EmbeddedTcp.Tests.Interop
{
    /// <summary>The python3 programs the kernel side runs (inside the test's namespace).</summary>
    internal static class Scripts
    {
        /// <summary>argv: ip port bytes. Sends random bytes, half-closes, prints "sha count" then the server's answer.</summary>
        public const string SendAndHalfClose = @"
import socket, hashlib, os, sys
ip, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection((ip, port), timeout=60)
h = hashlib.sha256(); left = n
while left > 0:
    b = os.urandom(min(65536, left)); s.sendall(b); h.update(b); left -= len(b)
s.shutdown(socket.SHUT_WR)
r = b''
while True:
    d = s.recv(4096)
    if not d: break
    r += d
s.close()
print(h.hexdigest(), n)
print(r.decode().strip())
";

        /// <summary>argv: ip port bytes chunk. Echo round trips in chunks; prints "ok bytes" or a mismatch.</summary>
        public const string EchoClient = @"
import socket, os, sys
ip, port, n, chunk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.create_connection((ip, port), timeout=30)
done = 0
while done < n:
    b = os.urandom(min(chunk, n - done)); s.sendall(b)
    got = b''
    while len(got) < len(b):
        d = s.recv(len(b) - len(got))
        if not d: print('eof early'); sys.exit(1)
        got += d
    if got != b: print('mismatch at', done); sys.exit(1)
    done += len(b)
s.shutdown(socket.SHUT_WR)
if s.recv(10) != b'': print('data after echo'); sys.exit(1)
s.close()
print('ok', done)
";

        /// <summary>argv: ip port bytes. Reads chargen output, checks the RFC 864 pattern.</summary>
        public const string ChargenClient = @"
import socket, sys
ip, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection((ip, port), timeout=30)
got = bytearray()
while len(got) < n:
    d = s.recv(65536)
    if not d: print('eof early'); sys.exit(1)
    got += d
exp = bytearray(); i = 0
while len(exp) < len(got):
    exp += bytes(32 + (i + j) % 95 for j in range(72)) + b'\r\n'; i += 1
if bytes(got) != bytes(exp[:len(got)]): print('pattern mismatch'); sys.exit(1)
s.close()
print('ok', len(got))
";

        /// <summary>argv: ip port count. Sequential connections to echo: 1 byte each way, then close.</summary>
        public const string ManyConnections = @"
import socket, sys
ip, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ok = 0
for i in range(count):
    s = socket.create_connection((ip, port), timeout=10)
    b = bytes([i % 256]) * 16
    s.sendall(b)
    got = b''
    while len(got) < 16:
        d = s.recv(16)
        if not d: break
        got += d
    if got == b: ok += 1
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    s.close()
print('ok', ok)
";

        /// <summary>argv: ip port bytes. Connects, sends, then closes with SO_LINGER 0 (the kernel sends RST).</summary>
        public const string ResetClient = @"
import socket, struct, sys, time
ip, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection((ip, port), timeout=10)
s.sendall(b'x' * n)
time.sleep(0.2)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
s.close()
print('reset sent')
";

        /// <summary>
        /// argv: mode port bytes. A kernel server on 192.0.2.1: "sink" reads to end and answers
        /// "sha count"; "source" sends random bytes, half-closes, reads to end; "rst" reads a
        /// little, then closes with SO_LINGER 0. Prints "ready" once listening, then "sha count".
        /// </summary>
        public const string Server = @"
import socket, hashlib, os, struct, sys
mode, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(('192.0.2.1', port)); l.listen(16)
print('ready', flush=True)
c, _ = l.accept(); c.settimeout(60)
h = hashlib.sha256(); k = 0
if mode == 'sink':
    while True:
        d = c.recv(65536)
        if not d: break
        h.update(d); k += len(d)
    c.sendall(('%s %d\n' % (h.hexdigest(), k)).encode())
    c.close()
elif mode == 'source':
    left = n
    while left > 0:
        b = os.urandom(min(65536, left)); c.sendall(b); h.update(b); left -= len(b); k += len(b)
    c.shutdown(socket.SHUT_WR)
    while c.recv(65536): pass
    c.close()
elif mode == 'rst':
    while k < n:
        d = c.recv(65536)
        if not d: break
        k += len(d)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    c.close()
print(h.hexdigest(), k, flush=True)
";
    }
}
