using System;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Tests.Ip
{
    /// <summary>
    /// A small DHCP server for the tests, on UDP port 67 of a <see cref="NetworkStack"/> with a static
    /// address. One client, one address at a time. Replies go broadcast to port 68, or unicast to
    /// ciaddr when the client has one (renewing). Allocation-free after construction, so it can run
    /// inside the zero-allocation measurements. Call <see cref="Poll"/> between LAN steps.
    /// </summary>
    internal sealed class DhcpTestServer
    {
        public readonly NetworkStack Stack;
        private readonly int _socket;
        private readonly byte[] _rx = new byte[1500];
        private readonly byte[] _tx = new byte[600];

        public uint Address = 0xC0000264; // 192.0.2.100
        public uint Netmask = 0xFFFFFF00;
        public uint Router = 0xC0000201;
        public uint Dns0 = 0xC0000235;
        public uint Dns1 = 0xC0000236;
        public uint LeaseSeconds = 3600;
        public uint T1Seconds; // 0 = option not sent
        public uint T2Seconds;
        public bool Silent;
        public int NakRequests; // NAK this many REQUESTs, then ACK again
        public uint AddressAfterNak; // when set, the next offers use this address
        public uint AddressAfterDecline; // when set, offers after a DECLINE use this address
        public uint Ntp0; // option 42 when set
        public uint Ntp1;
        public int Declines;
        public uint LastDeclined; // option 50 of the last DECLINE
        public uint LastDeclineServerId;
        public long LastDeclineMs;
        public bool LastAskedForNtp; // option 55 listed 42
        public int LastOptionCount; // options in the last message (53 included)

        public int Discovers;
        public int Requests;
        public int Releases;
        public int Acks;
        public int Naks;
        public int Offers;
        public uint LastCiaddr;
        public uint LastSource;
        public uint LastRequested;
        public uint LastServerIdOption;
        public int LastSecs;
        public int LastFlags;
        public bool LastHadClientId;
        public bool LastHadHostName;
        public long LastRequestMs;
        public long[] DiscoverTimes = new long[32];

        public DhcpTestServer(NetworkStack stack)
        {
            Stack = stack;
            _socket = stack.UdpOpen(DhcpClient.ServerPort);
            if (_socket <= 0)
            {
                throw new InvalidOperationException("port 67");
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

                Handle(n, src);
            }
        }

        private void Handle(int n, uint src)
        {
            if (n < 240 || _rx[0] != 1 || NetOrder.ReadU32(_rx, 236) != 0x63825363)
            {
                return;
            }

            int type = 0;
            uint requested = 0, serverId = 0;
            bool clientId = false, hostName = false, askedNtp = false;
            int options = 0;
            for (int p = 240; p + 1 < n;)
            {
                int code = _rx[p];
                if (code == 0) { p++; continue; }
                if (code == 255)
                {
                    break;
                }

                int len = _rx[p + 1];
                if (p + 2 + len > n)
                {
                    break;
                }

                if (code == 53 && len == 1)
                {
                    type = _rx[p + 2];
                }

                if (code == 50 && len == 4)
                {
                    requested = NetOrder.ReadU32(_rx, p + 2);
                }

                if (code == 54 && len == 4)
                {
                    serverId = NetOrder.ReadU32(_rx, p + 2);
                }

                if (code == 61 && len == 7 && _rx[p + 2] == 1)
                {
                    clientId = true;
                }

                if (code == 12 && len > 0)
                {
                    hostName = true;
                }

                if (code == 55)
                {
                    for (int k = 0; k < len; k++)
                    {
                        askedNtp |= _rx[p + 2 + k] == 42;
                    }
                }

                options++;
                p += 2 + len;
            }

            uint ciaddr = NetOrder.ReadU32(_rx, 12);
            LastCiaddr = ciaddr;
            LastSource = src;
            LastRequested = requested;
            LastServerIdOption = serverId;
            LastSecs = NetOrder.ReadU16(_rx, 8);
            LastFlags = NetOrder.ReadU16(_rx, 10);
            LastHadClientId = clientId;
            LastHadHostName = hostName;
            LastAskedForNtp = askedNtp;
            LastOptionCount = options;
            if (type == 1)
            {
                if (Discovers < DiscoverTimes.Length)
                {
                    DiscoverTimes[Discovers] = Stack.Now;
                }

                Discovers++;
                if (!Silent)
                {
                    Reply(2, Address, ciaddr);
                }
            }
            else if (type == 3)
            {
                Requests++;
                LastRequestMs = Stack.Now;
                if (Silent)
                {
                    return;
                }

                if (serverId != 0 && serverId != Stack.Address)
                {
                    return; // chose another server
                }

                if (NakRequests > 0)
                {
                    NakRequests--;
                    Naks++;
                    if (AddressAfterNak != 0)
                    {
                        Address = AddressAfterNak;
                    }

                    Reply(6, 0, ciaddr);
                    return;
                }

                uint yi = ciaddr != 0 ? ciaddr : requested;
                if (yi != Address)
                {
                    Naks++;
                    Reply(6, 0, ciaddr);
                    return;
                }

                Acks++;
                Reply(5, yi, ciaddr);
            }
            else if (type == 4)
            {
                Declines++;
                LastDeclined = requested;
                LastDeclineServerId = serverId;
                LastDeclineMs = Stack.Now;
                if (AddressAfterDecline != 0)
                {
                    Address = AddressAfterDecline;
                }
            }
            else if (type == 7)
            {
                Releases++;
            }
        }

        private void Reply(byte type, uint yiaddr, uint ciaddr)
        {
            byte[] b = _tx;
            Array.Clear(b, 0, b.Length);
            b[0] = 2;
            b[1] = 1;
            b[2] = 6;
            Array.Copy(_rx, 4, b, 4, 4); // xid
            Array.Copy(_rx, 10, b, 10, 2); // flags
            Array.Copy(_rx, 12, b, 12, 4); // ciaddr
            NetOrder.WriteU32(b, 16, yiaddr);
            Array.Copy(_rx, 28, b, 28, 16); // chaddr
            NetOrder.WriteU32(b, 236, 0x63825363);
            int p = 240;
            p = U8(b, p, 53, type);
            p = U32(b, p, 54, Stack.Address);
            if (type != 6)
            {
                p = U32(b, p, 51, LeaseSeconds);
                if (T1Seconds != 0)
                {
                    p = U32(b, p, 58, T1Seconds);
                }

                if (T2Seconds != 0)
                {
                    p = U32(b, p, 59, T2Seconds);
                }

                p = U32(b, p, 1, Netmask);
                if (Router != 0)
                {
                    p = U32(b, p, 3, Router);
                }

                if (Ntp0 != 0)
                {
                    b[p++] = 42;
                    b[p++] = (byte)(Ntp1 != 0 ? 8 : 4);
                    NetOrder.WriteU32(b, p, Ntp0);
                    p += 4;
                    if (Ntp1 != 0)
                    {
                        NetOrder.WriteU32(b, p, Ntp1);
                        p += 4;
                    }
                }

                if (Dns0 != 0)
                {
                    b[p++] = 6;
                    b[p++] = (byte)(Dns1 != 0 ? 8 : 4);
                    NetOrder.WriteU32(b, p, Dns0);
                    p += 4;
                    if (Dns1 != 0)
                    {
                        NetOrder.WriteU32(b, p, Dns1);
                        p += 4;
                    }
                }
            }

            b[p++] = 255;
            if (p < 300)
            {
                p = 300;
            }

            if (type == 2)
            {
                Offers++;
            }

            Stack.UdpSendTo(_socket, ciaddr != 0 ? ciaddr : Ipv4Address.Broadcast, DhcpClient.ClientPort, b, 0, p);
        }

        private static int U8(byte[] b, int p, byte code, byte v)
        {
            b[p] = code;
            b[p + 1] = 1;
            b[p + 2] = v;
            return p + 3;
        }

        private static int U32(byte[] b, int p, byte code, uint v)
        {
            b[p] = code;
            b[p + 1] = 4;
            NetOrder.WriteU32(b, p + 2, v);
            return p + 6;
        }
    }
}
