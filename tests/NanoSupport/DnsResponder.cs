using System;
using EmbeddedTcp.Ip;

namespace EmbeddedTcp.NanoSupport
{
    /// <summary>
    /// A minimal DNS server on UDP port 53 of a <see cref="NetworkStack"/>, mscorlib only: every
    /// standard query with one question is answered with that question echoed and one A record
    /// (a compression pointer to the question's name, the configured TTL and address), built by
    /// hand. Enough for a resolver over a <see cref="MemoryLink"/> on nanoCLR. Allocation-free
    /// after construction.
    /// </summary>
    public sealed class DnsResponder
    {
        private const int HeaderLength = 12;

        private readonly NetworkStack _stack;
        private readonly int _socket;
        private readonly uint _address;
        private readonly uint _ttlSeconds;
        private readonly byte[] _rx = new byte[512];
        private readonly byte[] _tx = new byte[512];

        /// <summary>Answers sent.</summary>
        public int Answers;

        /// <summary>Opens port 53 on <paramref name="stack"/>; every name resolves to <paramref name="address"/>.</summary>
        public DnsResponder(NetworkStack stack, uint address, uint ttlSeconds)
        {
            _stack = stack;
            _address = address;
            _ttlSeconds = ttlSeconds;
            _socket = stack.UdpOpen(53);
        }

        /// <summary>True when port 53 could be opened.</summary>
        public bool Ready { get { return _socket > 0; } }

        /// <summary>Answers the queries waiting on port 53; call after the server stack's Poll.</summary>
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

                if (n <= _rx.Length && n > HeaderLength)
                {
                    Answer(n, source, port);
                }
            }
        }

        private void Answer(int length, uint source, int port)
        {
            // A query: QR = 0, opcode 0, one question.
            if ((_rx[2] & 0xF8) != 0 || FrameBytes.ReadU16(_rx, 4) != 1)
            {
                return;
            }

            int p = HeaderLength;
            while (p < length && _rx[p] != 0)
            {
                if ((_rx[p] & 0xC0) != 0)
                {
                    return; // no compression in a question we answer
                }

                p += 1 + _rx[p];
            }

            int questionEnd = p + 5; // the root label, QTYPE, QCLASS
            if (questionEnd > length || questionEnd + 16 > _tx.Length)
            {
                return;
            }

            byte[] t = _tx;
            Array.Copy(_rx, 0, t, 0, questionEnd);
            t[2] = (byte)(0x80 | (_rx[2] & 0x01)); // QR, RD copied
            t[3] = 0x80; // RA, RCODE 0
            FrameBytes.WriteU16(t, 6, 1); // ANCOUNT
            FrameBytes.WriteU16(t, 8, 0);
            FrameBytes.WriteU16(t, 10, 0);
            int a = questionEnd;
            t[a] = 0xC0; // the name: a pointer to the question's
            t[a + 1] = HeaderLength;
            FrameBytes.WriteU16(t, a + 2, 1); // A
            FrameBytes.WriteU16(t, a + 4, 1); // IN
            FrameBytes.WriteU32(t, a + 6, _ttlSeconds);
            FrameBytes.WriteU16(t, a + 10, 4);
            FrameBytes.WriteU32(t, a + 12, _address);
            _stack.UdpSendTo(_socket, source, port, t, 0, a + 16);
            Answers++;
        }
    }
}
