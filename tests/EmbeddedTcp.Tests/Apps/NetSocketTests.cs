using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using EmbeddedTcp.Apps.Sockets;
using EmbeddedTcp.Tests.Interop;
using EmbeddedTcp.Tests.Simulation;
using Xunit;

namespace EmbeddedTcp.Tests.Apps
{
    /// <summary>An echo service on a stack, driven from a host's loop (the simulated peer).</summary>
    internal sealed class EchoService : IHostPollable
    {
        private readonly EmbeddedTcp.NetworkStack _stack;
        private readonly int _listener;
        private readonly int[] _conns = new int[16];
        private readonly byte[] _buf = new byte[4096];
        public EchoService(EmbeddedTcp.NetworkStack stack, int port) { _stack = stack; _listener = stack.Tcp.Listen(0, port, 8); }
        public void Poll(long nowMs)
        {
            int h;
            while ((h = _stack.Tcp.Accept(_listener)) > 0)
            {
                int i = Array.IndexOf(_conns, 0);
                if (i < 0) { _stack.Tcp.Abort(h); continue; }
                _conns[i] = h;
            }
            for (int i = 0; i < _conns.Length; i++)
            {
                if (_conns[i] == 0)
                {
                    continue;
                }

                int room = _stack.Tcp.CanSend(_conns[i]) ? Math.Min(_buf.Length, _stack.Config.Tcp.SendBufferSize - _stack.Tcp.BytesQueued(_conns[i])) : 0;
                int n = room > 0 ? _stack.Tcp.Receive(_conns[i], _buf, 0, room) : (_stack.Tcp.CanReceive(_conns[i]) && _stack.Tcp.BytesToRead(_conns[i]) == 0 ? _stack.Tcp.Receive(_conns[i], _buf, 0, 0) : 0);
                if (n > 0)
                {
                    _stack.Tcp.Send(_conns[i], _buf, 0, n);
                }
                else if (n < 0) { _stack.Tcp.Close(_conns[i]); _conns[i] = 0; }
            }
        }
    }

    /// <summary>
    /// The blocking socket API from several application threads: against a simulated peer
    /// (a second stack on a MemoryLink, polled by the same host thread) and against the Linux
    /// kernel over TAP. Echo from four threads at once, timeouts, refused connects, Accept,
    /// Close from another thread waking a blocked Receive, UDP SendTo/ReceiveFrom.
    /// </summary>
    [Collection("Interop")]
    public sealed class NetSocketTests
    {
        private static void EchoFromThreads(NetHost host, uint server, int port, int threads, int bytes)
        {
            var errors = new string[threads];
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                try
                {
                    NetSocket s = host.CreateTcp();
                    if (s == null) { errors[t] = "no socket"; return; }
                    SocketError e = s.Connect(server, port, 10_000);
                    if (e != SocketError.Success) { errors[t] = "connect " + e; return; }
                    var data = new byte[bytes];
                    new Random(t).NextBytes(data);
                    var back = new byte[bytes];
                    int got = 0, sent = 0;
                    for (int round = 0; round < 100_000 && got < bytes; round++)
                    {
                        if (sent < bytes)
                        {
                            int n = s.Send(data, sent, Math.Min(1000, bytes - sent), 10_000, out e);
                            if (e != SocketError.Success) { errors[t] = "send " + e; return; }
                            sent += n;
                        }
                        int r = s.Receive(back, got, bytes - got, sent < bytes ? 0 : 10_000, out e);
                        if (e != SocketError.Success && e != SocketError.WouldBlock) { errors[t] = "receive " + e; return; }
                        got += r;
                    }
                    if (!data.SequenceEqual(back))
                    {
                        errors[t] = "echo differs";
                    }

                    s.Close();
                }
                catch (Exception x) { errors[t] = x.ToString(); }
            })).ToArray();
            foreach (Thread w in workers)
            {
                w.Start();
            }

            foreach (Thread w in workers)
            {
                Assert.True(w.Join(60_000), "a worker hung");
            }

            Assert.All(errors, e => Assert.Null(e));
        }

        private static (NetHost host, MemoryPair pair) SimulatedHost()
        {
            var pair = new MemoryPair(16384);
            var host = new NetHost(pair.A, new StopwatchClock(), 8, 1, 4);
            host.Add(new StackPollable(pair.B, new EchoService(pair.B, 7)));
            host.Start();
            return (host, pair);
        }

        [Fact]
        public void FourThreadsEchoAgainstTheSimulatedPeer()
        {
            var (host, _) = SimulatedHost();
            try
            {
                EchoFromThreads(host, MemoryPair.AddressB, 7, 4, 100_000);
                Assert.Equal(0, host.OpenSockets);
            }
            finally { host.Stop(5000); }
        }

        [Fact]
        public void TimeoutsRefusalAndCloseFromAnotherThreadNeverHang()
        {
            var (host, pair) = SimulatedHost();
            try
            {
                NetSocket refused = host.CreateTcp();
                Assert.Equal(SocketError.ConnectionRefused, refused.Connect(MemoryPair.AddressB, 8, 5000));
                refused.Close();

                NetSocket s = host.CreateTcp();
                Assert.Equal(SocketError.Success, s.Connect(MemoryPair.AddressB, 7, 5000));
                Assert.Equal(SocketError.IsConnected, s.Connect(MemoryPair.AddressB, 7, 5000));
                var buf = new byte[16];
                Assert.Equal(0, s.Receive(buf, 0, 16, 0, out SocketError e));
                Assert.Equal(SocketError.WouldBlock, e);
                Assert.Equal(0, s.Receive(buf, 0, 16, 100, out e));
                Assert.Equal(SocketError.TimedOut, e);
                Assert.False(s.Poll(50_000, SelectMode.SelectRead));
                Assert.True(s.Poll(1_000_000, SelectMode.SelectWrite));

                // A Receive with no time limit, ended by Close from another thread.
                SocketError blocked = SocketError.Success;
                var t = new Thread(() => s.Receive(buf, 0, 16, -1, out blocked));
                t.Start();
                Thread.Sleep(100);
                s.Close();
                Assert.True(t.Join(5000), "Close did not wake the blocked Receive");
                Assert.Equal(SocketError.OperationAborted, blocked);
                Assert.Equal(0, host.OpenSockets);

                // Listen / Accept on the host side, the peer stack connecting.
                NetSocket listener = host.CreateTcp();
                Assert.Equal(SocketError.Success, listener.Bind(5000));
                Assert.Equal(SocketError.Success, listener.Listen(2));
                Assert.Null(listener.Accept(50, out e));
                Assert.Equal(SocketError.TimedOut, e);
                NetSocket accepted = null;
                var acceptor = new Thread(() => accepted = listener.Accept(10_000, out e));
                acceptor.Start();
                lock (host.Gate)
                {
                    Assert.True(pair.B.Tcp.Connect(0, MemoryPair.AddressA, 5000, 0) > 0);
                }

                Assert.True(acceptor.Join(15_000), "Accept hung");
                Assert.NotNull(accepted);
                Assert.True(accepted.Connected);
                accepted.Close();
                listener.Close();
                Assert.Equal(0, host.OpenSockets);
            }
            finally { host.Stop(5000); }
        }

        [SkippableFact]
        public void KernelEchoUdpAndAcceptFromSeveralThreadsOverTap()
        {
            string socat = Prerequisites.Tool("socat");
            KernelPeer peer = KernelPeer.Create();
            NetHost host = null;
            try
            {
                peer.Runner.Dispose();
                host = new NetHost(peer.Stack, new StopwatchClock(), 8, 1, 2);
                host.Start();
                peer.Start(socat, "TCP-LISTEN:7000,bind=" + KernelPeer.KernelAddress + ",fork,reuseaddr", "EXEC:cat");
                peer.Start(socat, "UDP-RECVFROM:7001,bind=" + KernelPeer.KernelAddress + ",fork", "EXEC:cat");
                // Wait until socat listens (a connect that is refused is retried).
                var sw = Stopwatch.StartNew();
                while (true)
                {
                    NetSocket probe = host.CreateTcp();
                    SocketError pe = probe.Connect(KernelPeer.KernelIp, 7000, 2000);
                    probe.Close();
                    if (pe == SocketError.Success)
                    {
                        break;
                    }

                    Assert.True(sw.ElapsedMilliseconds < 10_000, "socat not listening: " + pe);
                    Thread.Sleep(50);
                }

                EchoFromThreads(host, KernelPeer.KernelIp, 7000, 4, 200_000);

                NetSocket closed = host.CreateTcp();
                Assert.Equal(SocketError.ConnectionRefused, closed.Connect(KernelPeer.KernelIp, 7999, 5000));
                closed.Close();

                NetSocket udp = host.CreateUdp();
                Assert.Equal(SocketError.Success, udp.Bind(6000));
                var msg = System.Text.Encoding.ASCII.GetBytes("datagram");
                var back = new byte[64];
                Assert.Equal(msg.Length, udp.SendTo(msg, 0, msg.Length, KernelPeer.KernelIp, 7001, out SocketError e));
                Assert.Equal(SocketError.Success, e);
                int n = udp.ReceiveFrom(back, 0, back.Length, 5000, out uint from, out int fromPort, out e);
                Assert.Equal(SocketError.Success, e);
                Assert.Equal("datagram", System.Text.Encoding.ASCII.GetString(back, 0, n));
                Assert.Equal(KernelPeer.KernelIp, from);
                Assert.Equal(7001, fromPort);
                udp.Close();

                NetSocket listener = host.CreateTcp();
                Assert.Equal(SocketError.Success, listener.Bind(8080));
                Assert.Equal(SocketError.Success, listener.Listen(4));
                var client = peer.StartPython3("import socket,sys\ns=socket.create_connection(('192.0.2.2',8080),5)\ns.sendall(b'hello from the kernel')\ns.shutdown(1)\nprint(s.recv(100).decode())");
                NetSocket conn = listener.Accept(10_000, out e);
                Assert.Equal(SocketError.Success, e);
                var req = new byte[64];
                int got = 0;
                for (int i = 0; i < 100; i++)
                {
                    int r = conn.Receive(req, got, req.Length - got, 5000, out e);
                    Assert.Equal(SocketError.Success, e);
                    if (r == 0)
                    {
                        break; // end of stream
                    }

                    got += r;
                }
                Assert.Equal("hello from the kernel", System.Text.Encoding.ASCII.GetString(req, 0, got));
                var reply = System.Text.Encoding.ASCII.GetBytes("hello from the board");
                Assert.Equal(reply.Length, conn.Send(reply, 0, reply.Length, 5000));
                Assert.Equal(SocketError.Success, conn.Shutdown(SocketShutdown.Send));
                string outText = KernelPeer.Finish(client, 10_000, out int code);
                Assert.True(code == 0, outText);
                Assert.Contains("hello from the board", outText);
                conn.Close();
                listener.Close();
            }
            finally
            {
                host?.Stop(5000);
                peer.Dispose();
            }
        }
    }
}
