using System;
using EmbeddedTcp.Ip;

namespace EmbeddedTcp.NanoSupport
{
    /// <summary>
    /// A minimal DHCP server (RFC 2131) on UDP port 67 of a <see cref="NetworkStack"/>, mscorlib
    /// only, so a client stack can get, renew and rebind a lease over a <see cref="MemoryLink"/> on
    /// nanoCLR. It answers every DISCOVER with an OFFER and every REQUEST with an ACK, all for one
    /// fixed address, with hand-built bytes (lease time, T1, T2, mask, router, DNS server). Replies
    /// go to the client's ciaddr when it has one (renewing), else to the broadcast address. No
    /// checking beyond what it needs to answer: it serves the tests, not a network. Allocation-free
    /// after construction.
    /// </summary>
    public sealed class DhcpResponder
    {
        private const int ServerPort = 67;
        private const int ClientPort = 68;
        private const int OptionsOffset = 240;
        private const int ReplyLength = 300;

        private readonly NetworkStack _stack;
        private readonly int _socket;
        private readonly uint _offered;
        private readonly uint _netmask;
        private readonly uint _router;
        private readonly uint _dns;
        private readonly uint _leaseSeconds;
        private readonly uint _renewSeconds;
        private readonly uint _rebindSeconds;
        private readonly byte[] _rx = new byte[600];
        private readonly byte[] _tx = new byte[ReplyLength];

        /// <summary>OFFERs sent.</summary>
        public int Offers;
        /// <summary>ACKs sent.</summary>
        public int Acks;

        /// <summary>
        /// Opens port 67 on <paramref name="stack"/> (which must have its address) and will lease
        /// <paramref name="offered"/> for <paramref name="leaseSeconds"/>, renewing at
        /// <paramref name="renewSeconds"/> (option 58) and rebinding at <paramref name="rebindSeconds"/> (59).
        /// </summary>
        public DhcpResponder(NetworkStack stack, uint offered, uint netmask, uint router, uint dns, uint leaseSeconds, uint renewSeconds, uint rebindSeconds)
        {
            _stack = stack;
            _offered = offered;
            _netmask = netmask;
            _router = router;
            _dns = dns;
            _leaseSeconds = leaseSeconds;
            _renewSeconds = renewSeconds;
            _rebindSeconds = rebindSeconds;
            _socket = stack.UdpOpen(ServerPort);
        }

        /// <summary>True when port 67 could be opened.</summary>
        public bool Ready { get { return _socket > 0; } }

        /// <summary>Answers the requests waiting on port 67; call after the server stack's Poll.</summary>
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

                if (n <= _rx.Length && n > OptionsOffset && port == ClientPort && _rx[0] == 1)
                {
                    Answer(n);
                }
            }
        }

        private void Answer(int length)
        {
            int type = MessageType(length);
            byte reply;
            if (type == 1)
            {
                reply = 2; // DISCOVER -> OFFER
            }
            else if (type == 3)
            {
                reply = 5; // REQUEST -> ACK
            }
            else
            {
                return;
            }

            byte[] t = _tx;
            Array.Clear(t, 0, t.Length);
            t[0] = 2; // BOOTREPLY
            t[1] = 1;
            t[2] = 6;
            Array.Copy(_rx, 4, t, 4, 4); // xid
            Array.Copy(_rx, 10, t, 10, 2); // flags
            Array.Copy(_rx, 12, t, 12, 4); // ciaddr
            FrameBytes.WriteU32(t, 16, _offered); // yiaddr
            FrameBytes.WriteU32(t, 20, _stack.Address); // siaddr
            Array.Copy(_rx, 28, t, 28, 16); // chaddr
            FrameBytes.WriteU32(t, 236, 0x63825363);
            int p = OptionsOffset;
            t[p++] = 53;
            t[p++] = 1;
            t[p++] = reply;
            p = Option(t, p, 54, _stack.Address);
            p = Option(t, p, 51, _leaseSeconds);
            p = Option(t, p, 58, _renewSeconds);
            p = Option(t, p, 59, _rebindSeconds);
            p = Option(t, p, 1, _netmask);
            p = Option(t, p, 3, _router);
            p = Option(t, p, 6, _dns);
            t[p] = 255;
            uint ciaddr = FrameBytes.ReadU32(_rx, 12);
            _stack.UdpSendTo(_socket, ciaddr != 0 ? ciaddr : 0xFFFFFFFF, ClientPort, t, 0, ReplyLength);
            if (reply == 2)
            {
                Offers++;
            }
            else
            {
                Acks++;
            }
        }

        private static int Option(byte[] t, int p, byte code, uint value)
        {
            t[p] = code;
            t[p + 1] = 4;
            FrameBytes.WriteU32(t, p + 2, value);
            return p + 6;
        }

        private int MessageType(int length)
        {
            int p = OptionsOffset;
            while (p + 1 < length)
            {
                int code = _rx[p];
                if (code == 255)
                {
                    break;
                }

                if (code == 0)
                {
                    p++;
                    continue;
                }

                int len = _rx[p + 1];
                if (code == 53 && len == 1 && p + 2 < length)
                {
                    return _rx[p + 2];
                }

                p += 2 + len;
            }

            return 0;
        }
    }
}
