using System;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Tests.Ip
{
    /// <summary>
    /// An SNTP server for the tests on UDP port 123 of a stack: its UTC is the LAN's virtual time
    /// plus <see cref="UtcAtZeroMs"/>. It can answer with a Kiss-o'-Death code, an unsynchronized
    /// clock, a wrong origin, or not at all. Call <see cref="Poll"/> between LAN steps.
    /// </summary>
    internal sealed class SntpTestServer
    {
        public readonly NetworkStack Stack;
        private readonly int _socket;
        private readonly byte[] _rx = new byte[256];
        private readonly byte[] _tx = new byte[48];

        public long UtcAtZeroMs = 1_790_000_000_000L; // 2026-09-21
        public string Kiss;       // stratum 0 with this code when set
        public int Stratum = 2;
        public int Leap;
        public bool Silent;
        public bool WrongOrigin;
        public int HoldMs;        // T3 − T2: the server's processing time it reports

        public int Requests;
        public long[] RequestTimes = new long[64];
        public int LastVersion;
        public int LastMode;

        public SntpTestServer(NetworkStack stack)
        {
            Stack = stack;
            _socket = stack.UdpOpen(SntpClient.ServerPort);
            if (_socket <= 0)
            {
                throw new InvalidOperationException("port 123");
            }
        }

        public void Poll()
        {
            for (int i = 0; i < 16; i++)
            {
                int n = Stack.UdpReceiveFrom(_socket, _rx, 0, _rx.Length, out uint src, out int port);
                if (n <= 0)
                {
                    return;
                }

                if (n < 48)
                {
                    continue;
                }

                if (Requests < RequestTimes.Length)
                {
                    RequestTimes[Requests] = Stack.Now;
                }

                Requests++;
                LastVersion = (_rx[0] >> 3) & 7;
                LastMode = _rx[0] & 7;
                if (Silent)
                {
                    continue;
                }

                byte[] b = _tx;
                Array.Clear(b, 0, 48);
                b[0] = (byte)((Leap << 6) | (4 << 3) | 4);
                b[1] = (byte)(Kiss != null ? 0 : Stratum);
                b[2] = 6;
                if (Kiss != null)
                {
                    for (int k = 0; k < 4; k++)
                    {
                        b[12 + k] = (byte)Kiss[k];
                    }
                }
                else { b[12] = 192; b[13] = 0; b[14] = 2; b[15] = 99; }
                Array.Copy(_rx, 40, b, 24, 8); // origin = their transmit
                if (WrongOrigin)
                {
                    b[31] ^= 1;
                }

                long utc = UtcAtZeroMs + Stack.Now;
                Write(b, 16, utc - 1000);      // reference
                Write(b, 32, utc);             // receive
                Write(b, 40, utc + HoldMs);    // transmit
                Stack.UdpSendTo(_socket, src, port, b, 0, 48);
            }
        }

        public static void Write(byte[] b, int offset, long unixMs)
        {
            long ms = unixMs + SntpClient.NtpToUnixSeconds * 1000;
            long s = ms / 1000;
            NetOrder.WriteU32(b, offset, (uint)s);
            NetOrder.WriteU32(b, offset + 4, (uint)((((ulong)(ms % 1000) << 32) + 999) / 1000)); // rounded up: reads back as the same ms
        }
    }
}
