using System;
using EmbeddedTcp.Drivers.Enc28j60;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Simulation.Enc28j60;
using EmbeddedTcp.Tcp;
using nanoFramework.TestFramework;

namespace EmbeddedTcp.NanoTests
{
    /// <summary>
    /// Issue 20 part 2 on the interpreter that is flashed: a seeded sample of the desktop property
    /// test (Fuzz/HostileApiTests, CsCheck). Hundreds of public calls of TCP, UDP, DNS, DHCP, ICMP,
    /// the ENC28J60 driver and the firmware with hostile arguments (negative, int.MaxValue and
    /// int.MinValue offsets and counts, sums that overflow, null and short buffers, live, stale,
    /// forged and other-kind handles) between two stacks that really talk. On nanoCLR an unhandled
    /// exception ends the program without a word, so every call must return, and a handle of the
    /// wrong kind must be refused with InvalidHandle.
    /// </summary>
    [TestClass]
    public class HostileCallTests
    {
        private const int Calls = 600;

        private static readonly int[] Edges =
        {
            -1, 0, 1, 2, 6, 16, 1500, 65535, 65536, int.MaxValue, int.MaxValue - 1, int.MinValue, -1000,
        };

        private static readonly int[] Kinds =
        {
            Handles.TcpConnection, Handles.TcpListener, Handles.UdpSocket, Handles.DnsQuery, 5 << 28, 0,
        };

        private static uint _state;
        private static int[] _handles;
        private static int _handleCount;

        private static int NextRaw()
        {
            // xorshift32: small, seeded, the same sequence on every run.
            uint x = _state;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            _state = x;
            return (int)x;
        }

        private static int Hostile()
        {
            int r = NextRaw();
            uint pick = (uint)r % 4;
            if (pick == 0)
            {
                return Edges[(uint)NextRaw() % (uint)Edges.Length];
            }

            if (pick == 1)
            {
                return (int)((uint)NextRaw() % 40) - 2;
            }

            return pick == 2 ? (int)((uint)NextRaw() % 2000) : NextRaw();
        }

        private static int HandleArg()
        {
            uint pick = (uint)NextRaw() % 4;
            if (pick <= 1 && _handleCount > 0)
            {
                return _handles[(uint)NextRaw() % (uint)_handleCount];
            }

            if (pick == 2)
            {
                return Kinds[(uint)NextRaw() % (uint)Kinds.Length] | (int)(((uint)NextRaw() % 4) << Handles.IndexBits) | (int)((uint)NextRaw() % 6);
            }

            return Hostile();
        }

        private static void Keep(int result)
        {
            if (result > 0 && _handleCount < _handles.Length)
            {
                _handles[_handleCount++] = result;
            }
        }

        private static void ExpectKind(int handle, int kind, int result)
        {
            if ((handle & Handles.KindMask) != kind)
            {
                Assert.AreEqual(NetError.InvalidHandle, result, "a handle of another kind is refused");
            }
        }

        /// <summary>Seeded hostile call sequences never throw on nanoCLR.</summary>
        [TestMethod]
        public void HostileCallsNeverThrow()
        {
            for (uint seed = 1; seed <= 3; seed++)
            {
                _state = 0x9E3779B9u * seed;
                // Static state: the launcher may call a test method without an instance.
                _handles = new int[32];
                _handleCount = 0;
                Run();
            }
        }

        private static void Run()
        {
            StackPair net = new StackPair();
            net.AppB = new FirmwareApp(net.B, new FirmwareOptions());
            net.Settle();
            Enc28j60Model chip = new Enc28j60Model();
            byte[] mac = new byte[] { 2, 0, 0, 0, 0, 9 };
            Enc28j60Driver driver = new Enc28j60Driver(chip, mac, 0, chip, chip.ResetPin, chip);
            driver.Initialize();
            byte[][] buffers = new byte[][] { null, new byte[0], new byte[1], new byte[16], new byte[1600] };
            TcpStack tcp = net.A.Tcp;
            for (int step = 0; step < Calls; step++)
            {
                int op = (int)((uint)NextRaw() % 24);
                byte[] buf = buffers[(uint)NextRaw() % (uint)buffers.Length];
                int h = HandleArg();
                int a = Hostile();
                int b = Hostile();
                try
                {
                    Call(net, driver, tcp, buffers, buf, op, h, a, b);
                }
                catch (Exception e)
                {
                    // Name the call: the launcher only prints the exception's type.
                    Assert.IsTrue(false, "call " + op + " (handle " + h + ", " + a + ", " + b + ", buffer " + (buf == null ? -1 : buf.Length) + ") threw " + e.GetType().Name);
                }
            }
        }

        private static void Call(StackPair net, Enc28j60Driver driver, TcpStack tcp, byte[][] buffers, byte[] buf, int op, int h, int a, int b)
        {
            uint address;
            uint source;
            int port;
            {
                switch (op)
                {
                    case 0: Keep(tcp.Listen(0, a % 3 == 0 ? 6000 + (a & 3) : a, b)); break;
                    case 1: ExpectKind(h, Handles.TcpListener, tcp.Accept(h)); break;
                    case 2: ExpectKind(h, Handles.TcpListener, tcp.StopListening(h)); break;
                    case 3: Keep(tcp.Connect(0, a % 2 == 0 ? StackPair.IpB : (uint)a, b % 2 == 0 ? 7 : b, 0)); break;
                    case 4: ExpectKind(h, Handles.TcpConnection, tcp.Send(h, buf, a, b)); break;
                    case 5: ExpectKind(h, Handles.TcpConnection, tcp.Receive(h, buf, a, b)); break;
                    case 6: ExpectKind(h, Handles.TcpConnection, tcp.Shutdown(h)); break;
                    case 7: ExpectKind(h, Handles.TcpConnection, tcp.Close(h)); break;
                    case 8: ExpectKind(h, Handles.TcpConnection, tcp.Abort(h)); break;
                    case 9:
                        tcp.GetState(h);
                        tcp.GetError(h);
                        tcp.BytesToRead(h);
                        tcp.BytesQueued(h);
                        tcp.SendSpace(h);
                        tcp.CanSend(h);
                        tcp.CanReceive(h);
                        tcp.IndexOf(h);
                        ExpectKind(h, Handles.TcpConnection, tcp.SetNoDelay(h, a % 2 == 0));
                        ExpectKind(h, Handles.TcpConnection, tcp.SetKeepalive(h, b % 2 == 0));
                        break;
                    case 10: tcp.GetEntry(a % 2 == 0 ? a % 10 : a, b % 4 == 0 ? null : new TcpEntryInfo()); break;
                    case 11: Keep(net.A.UdpOpen(a % 2 == 0 ? 0 : a)); break;
                    case 12: ExpectKind(h, Handles.UdpSocket, net.A.UdpClose(h)); break;
                    case 13: ExpectKind(h, Handles.UdpSocket, net.A.UdpSendTo(h, StackPair.IpB, b % 2 == 0 ? 9 : b, buf, a, Hostile())); break;
                    case 14: ExpectKind(h, Handles.UdpSocket, net.A.UdpReceiveFrom(h, buf, a, b, out source, out port)); break;
                    case 15: Keep(net.A.Dns.Resolve(buf, a, b)); break;
                    case 16:
                        DnsStatus status = net.A.Dns.GetResult(h, out address);
                        bool cancelled = net.A.Dns.Cancel(h);
                        if ((h & Handles.KindMask) != Handles.DnsQuery)
                        {
                            Assert.AreEqual((int)DnsStatus.Error, (int)status, "GetResult of another kind's handle");
                            Assert.IsFalse(cancelled, "Cancel of another kind's handle");
                        }

                        break;
                    case 17:
                        if (a % 2 == 0)
                        {
                            net.A.Dhcp.Start();
                        }
                        else
                        {
                            net.A.Dhcp.Stop();
                        }

                        net.A.Dhcp.GetDnsServer(b);
                        break;
                    case 18: net.A.Ping(a % 2 == 0 ? StackPair.IpB : (uint)a, (ushort)b, 1, Hostile()); break;
                    case 19:
                        net.A.TryGetNeighbour((uint)a, buf, b);
                        net.A.GetMacAddress(buf, a);
                        net.A.Input(buf, b);
                        break;
                    case 20:
                        driver.Receive(buf, a, b);
                        driver.Send(buf, b, a);
                        driver.GetMacAddress(buf, a);
                        driver.Poll(a);
                        break;
                    case 21:
                        net.AppB.BuildStatusPage(buf, a, b);
                        net.AppB.ListenerOf((FirmwareService)(byte)a);
                        FirmwareApp.ChargenByte(a);
                        break;
                    case 22:
                        net.Now += (uint)a % 500;
                        net.Turn();
                        break;
                    default:
                        net.Step(long.MaxValue);
                        break;
                }
            }
        }
    }
}
