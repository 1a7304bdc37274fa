using System;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.NanoSupport
{
    /// <summary>
    /// A minimal SNTP server on UDP port 123 of a <see cref="NetworkStack"/>, mscorlib only: every
    /// client-mode request gets a stratum-2 server reply whose UTC is <c>utcAtZeroMs</c> plus the
    /// stack's poll time, with the request's transmit timestamp as origin. Enough for the SNTP
    /// client over a <see cref="MemoryLink"/> on nanoCLR. Allocation-free after construction.
    /// </summary>
    public sealed class SntpResponder
    {
        private readonly NetworkStack _stack;
        private readonly int _socket;
        private readonly long _utcAtZeroMs;
        private readonly byte[] _rx = new byte[64];
        private readonly byte[] _tx = new byte[SntpClient.MessageLength];

        /// <summary>Replies sent.</summary>
        public int Replies;

        /// <summary>Opens port 123 on <paramref name="stack"/>.</summary>
        public SntpResponder(NetworkStack stack, long utcAtZeroMs)
        {
            _stack = stack;
            _utcAtZeroMs = utcAtZeroMs;
            _socket = stack.UdpOpen(SntpClient.ServerPort);
        }

        /// <summary>True when port 123 could be opened.</summary>
        public bool Ready { get { return _socket > 0; } }

        /// <summary>Answers the requests waiting on port 123; call after the server stack's Poll.</summary>
        public void Poll()
        {
            for (int guard = 0; guard < 8; guard++)
            {
                uint source;
                int port;
                int n = _stack.UdpReceiveFrom(_socket, _rx, 0, _rx.Length, out source, out port);
                if (n <= 0)
                {
                    return;
                }

                if (n >= SntpClient.MessageLength && (_rx[0] & 7) == 3)
                {
                    byte[] b = _tx;
                    Array.Clear(b, 0, b.Length);
                    b[0] = 0x24; // LI 0, version 4, mode 4 (server)
                    b[1] = 2;
                    b[2] = 6;
                    Array.Copy(_rx, 40, b, 24, 8);
                    long utc = _utcAtZeroMs + _stack.Now;
                    Write(b, 16, utc);
                    Write(b, 32, utc);
                    Write(b, 40, utc);
                    _stack.UdpSendTo(_socket, source, port, b, 0, b.Length);
                    Replies++;
                }
            }
        }

        private static void Write(byte[] b, int offset, long unixMs)
        {
            long ms = unixMs + SntpClient.NtpToUnixSeconds * 1000;
            NetOrder.WriteU32(b, offset, (uint)(ms / 1000));
            NetOrder.WriteU32(b, offset + 4, (uint)((((ulong)(ms % 1000) << 32) + 999) / 1000));
        }
    }
}
