using System;
using System.Collections.Generic;
using CsCheck;
using EmbeddedTcp.Drivers.Enc28j60;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Tcp;
using EmbeddedTcp.Tests.Enc28j60;
using Xunit;

namespace EmbeddedTcp.Tests.Fuzz
{
    /// <summary>
    /// Issue 20 part 2: hostile calls never throw. CsCheck draws random sequences of every public
    /// call of the flashed code — TCP, UDP, DNS, DHCP, ICMP/ARP, the ENC28J60 driver and the
    /// firmware — with hostile arguments (negative, zero, int.MaxValue/MinValue offsets and counts,
    /// sums that overflow, null and short buffers, live, stale, forged and other-kind handles), in
    /// whatever state the earlier calls and the traffic between two simulated hosts left, and also
    /// from inside the frame trace callback (re-entrant). After each step: no exception, an error
    /// code where the call is certainly invalid, and both stacks' TcpStack.CheckInvariants hold.
    /// </summary>
    public sealed class HostileApiTests
    {
        private const int Ops = 34;

        /// <summary>One world per sequence: two hosts on a LAN (A runs the firmware), a driver on the chip model.</summary>
        internal sealed class World
        {
            public readonly SimulatedLan Lan = new SimulatedLan(new LinkOptions(), 3);
            public NetworkStack A;
            public NetworkStack B;
            public FirmwareApp App;
            public Rig Chip = new Rig(7);
            public readonly List<int> Handles = new List<int>();
            public readonly byte[][] Buffers = { null, Array.Empty<byte>(), new byte[1], new byte[16], new byte[1600] };
            public int[] Reentrant; // one op replayed from the trace callback, then cleared
            public int Steps;
            public bool InCallback;

            public World()
            {
                var cfg = new NetworkConfig();
                cfg.Address = 0xC0000202;
                cfg.Netmask = 0xFFFFFF00;
                cfg.DnsServer = 0xC0000201;
                cfg.Tcp.MaxListeners = 8; // the firmware's five services and the test's own
                var tracer = new Tracer(Lan.AddPort(new byte[] { 2, 0, 0, 0, 0, 2 }), OnFrame);
                A = Lan.AddStack(tracer, cfg, 11, null);
                var cfgB = new NetworkConfig();
                cfgB.Address = 0xC0000201;
                cfgB.Netmask = 0xFFFFFF00;
                B = Lan.AddHost(new byte[] { 2, 0, 0, 0, 0, 1 }, cfgB, 12);
                App = new FirmwareApp(A, new FirmwareOptions());
                Chip.Driver.Initialize();
            }

            private void OnFrame(FrameDirection direction, long timeNs, byte[] frame, int offset, int length)
            {
                // Re-entrant: an API call from inside the stack's own output or input path.
                if (Reentrant == null || InCallback)
                {
                    return;
                }

                int[] op = Reentrant;
                Reentrant = null;
                InCallback = true;
                try { Apply(this, op); }
                finally { InCallback = false; }
            }
        }

        private static readonly Gen<int> Hostile = Gen.OneOf(
            Gen.Int[-2, 20], Gen.Int[0, 2000], Gen.Int[60000, 70000], Gen.Int,
            Gen.Const(int.MaxValue), Gen.Const(int.MinValue), Gen.Const(int.MaxValue - 1), Gen.Const(-1));

        private static readonly Gen<int[]> Op = Gen.Select(Gen.Int[0, Ops - 1], Hostile.Array[6], (k, a) =>
        {
            var r = new int[7];
            r[0] = k;
            Array.Copy(a, 0, r, 1, 6);
            return r;
        });

        [Fact]
        public void RandomHostileCallSequencesNeverThrowAndKeepTheInvariants()
        {
            int iter = int.TryParse(Environment.GetEnvironmentVariable("EMBEDDEDTCP_HOSTILE_ITER"), out int n) ? n : 150;
            Op.Array[1, 80].Sample(ops =>
            {
                var w = new World();
                foreach (int[] op in ops)
                {
                    Apply(w, op);
                    Check(w, op);
                }
            }, iter: iter, seed: Environment.GetEnvironmentVariable("EMBEDDEDTCP_HOSTILE_SEED"));
        }

        private static void Check(World w, int[] op)
        {
            string a = w.A.Tcp.CheckInvariants();
            Assert.True(a == null, "A after op " + string.Join(",", op) + ": " + a);
            string b = w.B.Tcp.CheckInvariants();
            Assert.True(b == null, "B after op " + string.Join(",", op) + ": " + b);
        }

        /// <summary>A handle argument: a live or stale one of any kind, a forged one, or a raw hostile int.</summary>
        private static int HandleArg(World w, int v)
        {
            uint u = (uint)v;
            switch (u % 5)
            {
                case 0:
                case 1:
                    return w.Handles.Count == 0 ? v : w.Handles[(int)(u / 5 % (uint)w.Handles.Count)];
                case 2:
                    int[] kinds = { EmbeddedTcp.Handles.TcpConnection, EmbeddedTcp.Handles.TcpListener, EmbeddedTcp.Handles.UdpSocket, EmbeddedTcp.Handles.DnsQuery, 5 << 28, 0 };
                    return kinds[(u / 5) % 6] | (int)((u / 30 % 4) << EmbeddedTcp.Handles.IndexBits) | (int)(u / 120 % 6);
                default:
                    return v;
            }
        }

        private static int KindOf(int handle) => handle & EmbeddedTcp.Handles.KindMask;

        private static void Record(World w, int result)
        {
            if (result > 0 && w.Handles.Count < 64)
            {
                w.Handles.Add(result);
            }
        }

        /// <summary>
        /// Asserts the error code of a call that is certainly invalid: a handle whose kind tag is
        /// not the call's kind is InvalidHandle, whatever slot and generation it names.
        /// </summary>
        private static void ExpectKind(int handle, int kind, int result)
        {
            if (KindOf(handle) != kind)
            {
                Assert.Equal(NetError.InvalidHandle, result);
            }
        }

        private static bool BadRange(byte[] b, int offset, int length) =>
            b == null || offset < 0 || length < 0 || (long)offset + length > b.Length;

        internal static void Apply(World w, int[] op)
        {
            int k = op[0];
            int a1 = op[1], a2 = op[2], a3 = op[3], a4 = op[4], a5 = op[5], a6 = op[6];
            byte[] buf = w.Buffers[(uint)a6 % (uint)w.Buffers.Length];
            TcpStack tcp = w.A.Tcp;
            int h, r;
            switch (k)
            {
                case 0: Record(w, tcp.Listen((uint)a1, a2 % 3 == 0 ? 5000 + (a2 & 7) : a2, a3)); break;
                case 1: h = HandleArg(w, a1); r = tcp.Accept(h); ExpectKind(h, EmbeddedTcp.Handles.TcpListener, r); Record(w, r); break;
                case 2: h = HandleArg(w, a1); r = tcp.StopListening(h); ExpectKind(h, EmbeddedTcp.Handles.TcpListener, r); break;
                case 3:
                    Record(w, tcp.Connect(a1 % 4 == 0 ? 0 : (uint)a1, a2 % 2 == 0 ? 0xC0000201 : (uint)a2, a3 % 3 == 0 ? 7 : a3, a4 % 2 == 0 ? 0 : a4));
                    break;
                case 4:
                    h = HandleArg(w, a1); r = tcp.Send(h, buf, a2, a3);
                    ExpectKind(h, EmbeddedTcp.Handles.TcpConnection, r);
                    if (BadRange(buf, a2, a3))
                    {
                        Assert.True(r < 0, "Send with a bad range returned " + r);
                    }

                    break;
                case 5:
                    h = HandleArg(w, a1); r = tcp.Receive(h, buf, a2, a3);
                    ExpectKind(h, EmbeddedTcp.Handles.TcpConnection, r);
                    if (BadRange(buf, a2, a3))
                    {
                        Assert.True(r < 0, "Receive with a bad range returned " + r);
                    }

                    break;
                case 6: h = HandleArg(w, a1); ExpectKind(h, EmbeddedTcp.Handles.TcpConnection, tcp.Shutdown(h)); break;
                case 7: h = HandleArg(w, a1); ExpectKind(h, EmbeddedTcp.Handles.TcpConnection, tcp.Close(h)); break;
                case 8: h = HandleArg(w, a1); ExpectKind(h, EmbeddedTcp.Handles.TcpConnection, tcp.Abort(h)); break;
                case 9:
                    h = HandleArg(w, a1);
                    tcp.GetState(h); tcp.IsValid(h); tcp.GetError(h); tcp.BytesToRead(h); tcp.BytesQueued(h);
                    tcp.CanSend(h); tcp.CanReceive(h); tcp.IndexOf(h);
                    // SendSpace answers 0 (takes nothing), its documented value for any handle it cannot use.
                    r = tcp.SendSpace(h); Assert.True(r >= 0);
                    if (KindOf(h) != EmbeddedTcp.Handles.TcpConnection)
                    {
                        Assert.Equal(0, r);
                    }

                    if (KindOf(h) != EmbeddedTcp.Handles.TcpConnection)
                    {
                        Assert.False(tcp.IsValid(h));
                    }

                    break;
                case 10: h = HandleArg(w, a1); ExpectKind(h, EmbeddedTcp.Handles.TcpConnection, tcp.SetNoDelay(h, a2 % 2 == 0)); break;
                case 11: h = HandleArg(w, a1); ExpectKind(h, EmbeddedTcp.Handles.TcpConnection, tcp.SetKeepalive(h, a2 % 2 == 0)); break;
                case 12: tcp.GetEntry(a1 % 3 == 0 ? a1 % 10 : a1, a2 % 5 == 0 ? null : new TcpEntryInfo()); break;
                case 13: Record(w, w.A.UdpOpen(a1 % 2 == 0 ? 0 : a1)); break;
                case 14: h = HandleArg(w, a1); ExpectKind(h, EmbeddedTcp.Handles.UdpSocket, w.A.UdpClose(h)); break;
                case 15: h = HandleArg(w, a1); r = w.A.UdpLocalPort(h); ExpectKind(h, EmbeddedTcp.Handles.UdpSocket, r); break;
                case 16:
                    h = HandleArg(w, a1); r = w.A.UdpSendTo(h, a2 % 2 == 0 ? 0xC0000201 : (uint)a2, a3 % 2 == 0 ? 9 : a3, buf, a4, a5);
                    ExpectKind(h, EmbeddedTcp.Handles.UdpSocket, r);
                    if (BadRange(buf, a4, a5))
                    {
                        Assert.True(r < 0, "UdpSendTo with a bad range returned " + r);
                    }

                    break;
                case 17:
                    h = HandleArg(w, a1); r = w.A.UdpReceiveFrom(h, buf, a2, a3, out _, out _);
                    ExpectKind(h, EmbeddedTcp.Handles.UdpSocket, r);
                    if (BadRange(buf, a2, a3))
                    {
                        Assert.True(r < 0, "UdpReceiveFrom with a bad range returned " + r);
                    }

                    w.A.UdpCanReceive(h);
                    break;
                case 18: Record(w, w.A.Dns.Resolve(a1 % 3 == 0 ? null : a1 % 3 == 1 ? "board.test" : "1.2.3." + (a1 & 0xFF))); break;
                case 19: Record(w, w.A.Dns.Resolve(buf, a1, a2)); break;
                case 20:
                    h = HandleArg(w, a1);
                    DnsStatus st = w.A.Dns.GetResult(h, out _);
                    if (KindOf(h) != EmbeddedTcp.Handles.DnsQuery)
                    {
                        Assert.Equal(DnsStatus.Error, st);
                    }

                    bool cancelled = w.A.Dns.Cancel(h);
                    if (KindOf(h) != EmbeddedTcp.Handles.DnsQuery)
                    {
                        Assert.False(cancelled);
                    }

                    break;
                case 21: w.A.Dns.SetServers((uint)a1, (uint)a2); w.A.Dns.GetServer(a3); _ = w.A.Dns.PendingCount; if (a4 % 4 == 0) { w.A.Dns.ClearCache(); } break;
                case 22:
                    if (a1 % 2 == 0)
                    {
                        w.A.Dhcp.Start();
                    }
                    else
                    {
                        w.A.Dhcp.Stop();
                    }
                    w.A.Dhcp.GetDnsServer(a2); break;
                case 23: w.A.Ping(a1 % 2 == 0 ? 0xC0000201 : (uint)a1, (ushort)a2, (ushort)a3, a4); break;
                case 24: w.A.TryGetNeighbour((uint)a1, buf, a2); w.A.GetMacAddress(buf, a3); break;
                case 25: if (!w.InCallback) { w.A.SetAddress(a1 % 2 == 0 ? 0xC0000202 : (uint)a1, a2 % 2 == 0 ? 0xFFFFFF00 : (uint)a2, (uint)a3, (uint)a4); } break;
                case 26:
                    if (buf != null)
                    {
                        w.A.Input(buf, a1);
                    }
                    else
                    {
                        w.A.Input(null, a1);
                    }
                    break;
                case 27: if (!w.InCallback) { w.Lan.RunFor((uint)a1 % 3000); } break;
                case 28:
                    w.Chip.Driver.Receive(buf, a1, a2);
                    w.Chip.Driver.Send(buf, a3, a4);
                    w.Chip.Driver.GetMacAddress(buf, a5);
                    break;
                case 29: w.Chip.Driver.Poll(a1); if (a2 % 8 == 0) { w.Chip.Driver.Reinitialize(); } break;
                case 30: w.App.ListenerOf((FirmwareService)(byte)a1); FirmwareApp.ChargenByte(a2 % 2 == 0 ? a2 : (long)a2 * a3); break;
                case 31: w.App.BuildStatusPage(buf, a1, a2); break;
                case 32: if (!w.InCallback) { w.App.Poll(w.Lan.NowMs); w.A.Poll(a1 % 2 == 0 ? w.Lan.NowMs : a1); } break;
                case 33: if (!w.InCallback) { w.Reentrant = new[] { (int)((uint)a1 % (Ops - 1)), a2, a3, a4, a5, a6, a1 }; } break;
            }
            w.Steps++;
        }

        // ------------------------------------------------------------------ regressions

        [Fact]
        public void OffsetsAndCountsWhoseSumOverflowsAreRefusedNotThrown()
        {
            var w = new World();
            int listener = w.B.Tcp.Listen(0, 7, 2);
            Assert.True(listener > 0);
            int h = w.A.Tcp.Connect(0, 0xC0000201, 7, 0);
            w.Lan.RunFor(100);
            Assert.Equal(TcpState.Established, w.A.Tcp.GetState(h));
            var buf = new byte[16];
            foreach (var (offset, length) in new[] { (int.MaxValue, 1), (1, int.MaxValue), (int.MaxValue, int.MaxValue), (16, 1), (-1, 1), (0, -1), (int.MinValue, 1) })
            {
                Assert.Equal(NetError.InvalidArgument, w.A.Tcp.Send(h, buf, offset, length));
                Assert.Equal(NetError.InvalidArgument, w.A.Tcp.Receive(h, buf, offset, length));
            }
            int u = w.A.UdpOpen(0);
            foreach (var (offset, length) in new[] { (int.MaxValue, 1), (1, int.MaxValue), (int.MaxValue, int.MaxValue), (-1, 1) })
            {
                Assert.Equal(NetError.InvalidArgument, w.A.UdpSendTo(u, 0xC0000201, 9, buf, offset, length));
                Assert.Equal(NetError.InvalidArgument, w.A.UdpReceiveFrom(u, buf, offset, length, out _, out _));
                Assert.True(w.A.Dns.Resolve(buf, offset, length) < 0);
            }
            Assert.Equal(NetError.InvalidArgument, w.A.Tcp.Send(h, null, 0, 0));
            Assert.Equal(NetError.InvalidArgument, w.A.UdpSendTo(u, 0xC0000201, 9, null, 0, 0));
        }

        [Fact]
        public void EveryHandleKindHasItsOwnTagAndIsRefusedByEveryOtherKindsCalls()
        {
            var w = new World();
            int listener = w.A.Tcp.Listen(0, 6000, 2);
            int conn = w.A.Tcp.Connect(0, 0xC0000201, 7, 0);
            int udp = w.A.UdpOpen(0);
            int dns = w.A.Dns.Resolve("board.test");
            int[] all = { listener, conn, udp, dns };
            foreach (int x in all)
            {
                Assert.True(x > 0, "handles " + string.Join(", ", all));
            }

            Assert.Equal(EmbeddedTcp.Handles.TcpListener, KindOf(listener));
            Assert.Equal(EmbeddedTcp.Handles.TcpConnection, KindOf(conn));
            Assert.Equal(EmbeddedTcp.Handles.UdpSocket, KindOf(udp));
            Assert.Equal(EmbeddedTcp.Handles.DnsQuery, KindOf(dns));

            // The collision this fixes: a DNS query handle in slot 0, generation 1 was bit for bit the
            // listener handle of slot 0, generation 1 (both tagged 0x40000000), so StopListening(dns) stopped the listener.
            Assert.Equal(NetError.InvalidHandle, w.A.Tcp.StopListening(dns));
            Assert.Equal(NetError.InvalidHandle, w.A.Tcp.Accept(dns));
            Assert.False(w.A.Dns.Cancel(listener));
            Assert.Equal(DnsStatus.Error, w.A.Dns.GetResult(listener, out _));

            foreach (int x in new[] { listener, udp, dns })
            {
                Assert.Equal(NetError.InvalidHandle, w.A.Tcp.Send(x, new byte[1], 0, 1));
                Assert.Equal(NetError.InvalidHandle, w.A.Tcp.Close(x));
                Assert.Equal(NetError.InvalidHandle, w.A.Tcp.Abort(x));
                Assert.False(w.A.Tcp.IsValid(x));
            }
            foreach (int x in new[] { conn, udp, dns })
            {
                Assert.Equal(NetError.InvalidHandle, w.A.Tcp.StopListening(x));
            }

            foreach (int x in new[] { listener, conn, dns })
            {
                Assert.Equal(NetError.InvalidHandle, w.A.UdpClose(x));
            }

            foreach (int x in new[] { listener, conn, udp })
            {
                Assert.False(w.A.Dns.Cancel(x));
            }

            // Each still works with its own calls.
            Assert.Equal(NetError.Ok, w.A.Tcp.StopListening(listener));
            Assert.Equal(NetError.Ok, w.A.UdpClose(udp));
            Assert.True(w.A.Dns.Cancel(dns));
            Assert.Equal(NetError.Ok, w.A.Tcp.Abort(conn));
            // ... and, released, is stale.
            Assert.Equal(NetError.InvalidHandle, w.A.Tcp.StopListening(listener));
            Assert.Equal(NetError.InvalidHandle, w.A.UdpClose(udp));
            Assert.False(w.A.Dns.Cancel(dns));
            Assert.Equal(NetError.InvalidHandle, w.A.Tcp.Abort(conn));
        }
    }
}
