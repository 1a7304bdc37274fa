using System;
using System.Diagnostics;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Tcp;
using EmbeddedTcp.Tests.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Interop
{
    [CollectionDefinition("Interop", DisableParallelization = true)]
    public sealed class InteropCollection { }

    /// <summary>
    /// The Linux kernel as client and server of our stack over TAP, in a namespace per test:
    /// services, 10 MB each way with SHA-256 at both ends, half-closes, kernel RSTs, 1,000
    /// sequential connections, ping and ARP, the same transfers under fault injection, and
    /// tshark over the captures.
    /// </summary>
    [Collection("Interop")]
    public sealed class KernelInteropTests
    {
        private const int TenMb = 10 * 1024 * 1024;
        private readonly ITestOutputHelper _output;
        public KernelInteropTests(ITestOutputHelper output) { _output = output; }

        internal KernelPeer Setup(bool capture = false, FaultOptions faults = null, string name = "run")
        {
            // The capture check is part of the test: without tshark the whole test is skipped, up front.
            if (capture)
            {
                Prerequisites.Tool("tshark");
            }

            return KernelPeer.Create(null, faults, 7, capture, name);
        }

        internal Services StartServices(KernelPeer peer)
        {
            Services services = peer.Runner.Do(s => new Services(s));
            peer.Runner.Add(services);
            return services;
        }

        internal void AssertNoLeak(KernelPeer peer, Services services)
        {
            bool drained = peer.Runner.WaitUntil(s => s.Tcp.ActiveCount == 0 && services.Open == 0, 10_000);
            Assert.True(drained, "table not empty: ActiveCount " + peer.Runner.Do(s => s.Tcp.ActiveCount) + ", sessions " + services.Open);
            Assert.Empty(services.Errors);
        }

        [SkippableFact]
        public void KernelIsClientOfEchoDiscardChargenAndHttp()
        {
            string curl = Prerequisites.Tool("curl");
            using KernelPeer peer = Setup();
            Services services = StartServices(peer);

            var echo = peer.Python3(60_000, Scripts.EchoClient, KernelPeer.BoardAddress, "7", (1024 * 1024).ToString(), "8192");
            _output.WriteLine("echo: " + echo);
            Assert.True(echo.ExitCode == 0, echo.ToString());
            Assert.Contains("ok 1048576", echo.Stdout);

            var discard = peer.Python3(60_000, Scripts.SendAndHalfClose, KernelPeer.BoardAddress, "9", (2 * 1024 * 1024).ToString());
            Assert.True(discard.ExitCode == 0, discard.ToString());
            Assert.True(peer.Runner.WaitUntil(_ => services.DiscardTotal == 2 * 1024 * 1024, 5000), "discard got " + services.DiscardTotal);

            var chargen = peer.Python3(60_000, Scripts.ChargenClient, KernelPeer.BoardAddress, "19", "200000");
            _output.WriteLine("chargen: " + chargen);
            Assert.True(chargen.ExitCode == 0, chargen.ToString());

            var http = peer.Exec(20_000, curl, "-sS", "-i", "-m", "10", "http://" + KernelPeer.BoardAddress + "/");
            _output.WriteLine("http: " + http);
            Assert.True(http.ExitCode == 0, http.ToString());
            Assert.Contains("200", http.Stdout);
            Assert.Contains(Services.DeviceName + " firmware status", http.Stdout);
            var missing = peer.Exec(20_000, curl, "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-m", "10", "http://" + KernelPeer.BoardAddress + "/nope");
            Assert.Equal("404", missing.Stdout.Trim());

            AssertNoLeak(peer, services);
            var fc = services.Firmware.Counters;
            _output.WriteLine("firmware: echo " + fc.EchoBytes + " B, discard " + fc.DiscardBytes + " B, chargen " + fc.ChargenBytes
                + " B, http responses " + fc.HttpResponses + " (ok " + fc.HttpOk + ", errors " + fc.HttpErrors + ")");
        }

        /// <summary>10 MB each way; returns a summary line.</summary>
        internal string TenMegabytesEachWay(KernelPeer peer, Services services, int bytes)
        {
            var sw = Stopwatch.StartNew();
            // Kernel -> us: the kernel sends, half-closes; our "sha" service answers the hash and closes.
            var up = peer.Python3(180_000, Scripts.SendAndHalfClose, KernelPeer.BoardAddress, Services.Sha.ToString(), bytes.ToString());
            Assert.True(up.ExitCode == 0, up.ToString());
            string[] lines = up.Stdout.Trim().Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.Equal(lines[0].Trim(), lines[1].Trim()); // the kernel's hash of what it sent == ours of what we received
            Assert.EndsWith(" " + bytes, lines[0].Trim());
            long upMs = sw.ElapsedMilliseconds;

            // Us -> kernel: our client sends and half-closes; the kernel answers its hash and closes.
            var sink = peer.StartPython3(Scripts.Server, "sink", "6001", "0");
            Assert.Equal("ready", KernelPeer.ReadLine(sink, 10_000));
            var client = new ClientJob(KernelPeer.KernelIp, 6001, bytes, 12345);
            peer.Runner.Add(client);
            Assert.True(peer.Runner.WaitUntil(_ => client.Done, 180_000), "our 10 MB send did not finish: sent " + client.Sent);
            Assert.Equal(0, client.Error);
            Assert.Equal(client.SentSha + " " + bytes, client.Text.Trim());
            KernelPeer.Finish(sink, 10_000, out int sinkExit);
            Assert.Equal(0, sinkExit);
            long downMs = sw.ElapsedMilliseconds - upMs;

            // Kernel as server sending to us: the kernel half-closes first, we read to the end, then close.
            var source = peer.StartPython3(Scripts.Server, "source", "6002", bytes.ToString());
            Assert.Equal("ready", KernelPeer.ReadLine(source, 10_000));
            var reader = new ClientJob(KernelPeer.KernelIp, 6002, 0, 1);
            peer.Runner.Add(reader);
            Assert.True(peer.Runner.WaitUntil(_ => reader.Done, 180_000), "our 10 MB receive did not finish: got " + reader.Received);
            Assert.Equal(0, reader.Error);
            string sourceOut = KernelPeer.Finish(source, 10_000, out int sourceExit);
            Assert.Equal(0, sourceExit);
            Assert.Equal(reader.ReceivedSha + " " + bytes, sourceOut.Trim());
            AssertNoLeak(peer, services);
            return "3 x " + bytes + " bytes (kernel client->us, our client->kernel, kernel server->us), SHA-256 equal; "
                + sw.ElapsedMilliseconds + " ms; retransmissions " + peer.Stack.Tcp.Counters.Retransmissions;
        }

        [SkippableFact]
        public void TenMegabytesEachWayWithHalfClosesAndCleanCapture()
        {
            using KernelPeer peer = Setup(capture: true, name: "clean");
            Services services = StartServices(peer);
            _output.WriteLine(TenMegabytesEachWay(peer, services, TenMb));
            peer.Runner.Dispose();
            int frames = peer.CheckCaptureWithTshark(out string problems);
            _output.WriteLine("tshark checked " + frames + " frames" + (problems == null ? ", none malformed, no bad checksum" : ": " + problems));
            Assert.Null(problems);
            Assert.True(frames > 14000, "capture has only " + frames + " frames");
        }

        [SkippableFact]
        public void TransfersStayByteExactUnderTapSideLossDuplicationAndReordering()
        {
            var faults = new FaultOptions { LossRate = 0.05, DuplicateRate = 0.02, ReorderRate = 0.02 };
            using KernelPeer peer = Setup(capture: true, faults: faults, name: "faults");
            Services services = StartServices(peer);
            int bytes = FaultBytes();
            _output.WriteLine(TenMegabytesEachWay(peer, services, bytes));
            var tx = peer.Faults.TransmitFaults;
            var rx = peer.Faults.ReceiveFaults;
            _output.WriteLine("faults out: " + tx.FramesIn + " frames, " + tx.Dropped + " lost, " + tx.Duplicated + " duplicated, " + tx.Reordered + " reordered");
            _output.WriteLine("faults in:  " + rx.FramesIn + " frames, " + rx.Dropped + " lost, " + rx.Duplicated + " duplicated, " + rx.Reordered + " reordered");
            Assert.True(tx.Dropped > 0 && tx.Duplicated > 0 && tx.Reordered > 0);
            Assert.True(rx.Dropped > 0 && rx.Duplicated > 0 && rx.Reordered > 0);
            peer.Runner.Dispose();
            int frames = peer.CheckCaptureWithTshark(out string problems);
            _output.WriteLine("tshark checked " + frames + " frames" + (problems == null ? ", none malformed, no bad checksum" : ": " + problems));
            Assert.Null(problems);
        }

        /// <summary>
        /// Bytes per transfer under faults: 1 MB in CI (about 20 s; 10 MB takes about 3 minutes
        /// because 5% loss each way costs the kernel's 200 ms minimum RTO often), or
        /// EMBEDDEDTCP_INTEROP_FAULT_BYTES (e.g. 10485760).
        /// </summary>
        private static int FaultBytes()
        {
            string v = Environment.GetEnvironmentVariable("EMBEDDEDTCP_INTEROP_FAULT_BYTES");
            return v != null ? int.Parse(v) : 1024 * 1024;
        }

        [SkippableFact]
        public void KernelResetsAreHonouredInBothRoles()
        {
            using KernelPeer peer = Setup();
            Services services = StartServices(peer);
            long resetsBefore = peer.Runner.Do(s => s.Tcp.Counters.ResetsIn);

            // The kernel as client aborts (SO_LINGER 0) a connection to our echo service.
            var r = peer.Python3(20_000, Scripts.ResetClient, KernelPeer.BoardAddress, "9", "1000");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.True(peer.Runner.WaitUntil(_ => services.ServiceErrors == 1, 5000), "our discard service did not see the RST");

            // The kernel as server aborts while our client is still sending.
            var server = peer.StartPython3(Scripts.Server, "rst", "6003", "20000");
            Assert.Equal("ready", KernelPeer.ReadLine(server, 10_000));
            var client = new ClientJob(KernelPeer.KernelIp, 6003, 1024 * 1024, 3);
            peer.Runner.Add(client);
            Assert.True(peer.Runner.WaitUntil(_ => client.Done, 20_000), "our client never saw the reset");
            Assert.Equal(NetError.ConnectionReset, client.Error);
            KernelPeer.Finish(server, 10_000, out _);
            long resets = peer.Runner.Do(s => s.Tcp.Counters.ResetsIn) - resetsBefore;
            Assert.True(resets >= 2, "ResetsIn grew by " + resets);
            AssertNoLeak(peer, services);
            _output.WriteLine("kernel RSTs honoured: as client (service saw ConnectionReset) and as server (client saw ConnectionReset); ResetsIn +" + resets);
        }

        [SkippableFact]
        public void AThousandSequentialConnectionsLeakNoTableEntry()
        {
            using KernelPeer peer = Setup();
            Services services = StartServices(peer);
            var sw = Stopwatch.StartNew();
            var r = peer.Python3(240_000, Scripts.ManyConnections, KernelPeer.BoardAddress, "7", "1000");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal("ok 1000", r.Stdout.Trim());
            AssertNoLeak(peer, services);
            Assert.Equal(1000, services.EchoConnections);
            Assert.Equal(0, services.ServiceErrors);

            // And 200 sequential connections of our client to a kernel server (we close first: TIME_WAIT on our side).
            var server = peer.StartPython3(@"
import socket
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(('192.0.2.1', 6004)); l.listen(16); print('ready', flush=True)
for i in range(200):
    c, _ = l.accept(); c.sendall(b'hello\n')
    while c.recv(4096): pass
    c.close()
print('served 200', flush=True)
");
            Assert.Equal("ready", KernelPeer.ReadLine(server, 10_000));
            for (int i = 0; i < 200; i++)
            {
                var job = new ClientJob(KernelPeer.KernelIp, 6004, 16, (uint)i + 1);
                peer.Runner.Add(job);
                Assert.True(peer.Runner.WaitUntil(_ => job.Done, 10_000), "connection " + i + " did not finish");
                peer.Runner.Remove(job);
                Assert.Equal(0, job.Error);
                Assert.Equal("hello", job.Text.Trim());
            }
            Assert.Contains("served 200", KernelPeer.Finish(server, 10_000, out _));
            AssertNoLeak(peer, services);
            _output.WriteLine("1,000 kernel->us + 200 us->kernel sequential connections in " + sw.ElapsedMilliseconds
                + " ms; ActiveCount back to 0; TIME_WAIT reused " + peer.Stack.Tcp.Counters.TimeWaitReused);
        }

        [SkippableFact]
        public void PingOfSeveralSizesAndArpBothWays()
        {
            string ping = Prerequisites.Tool("ping", "iputils-ping");
            using KernelPeer peer = Setup();
            byte[] kernelMac = peer.KernelMac();

            // Our ARP request, the kernel's reply; then our pings of several sizes.
            ushort seq = 1;
            foreach (int size in new[] { 0, 56, 1000, 1472 })
            {
                ushort s = seq++;
                bool sent = false;
                Assert.True(peer.Runner.WaitUntil(st =>
                {
                    if (!sent)
                    {
                        sent = st.Ping(KernelPeer.KernelIp, 0x4242, s, size);
                    }

                    return st.LastEchoReplySequence == s;
                }, 5000), "no echo reply to our ping of " + size + " bytes");
            }
            var mac = new byte[6];
            Assert.True(peer.Runner.Do(st => st.TryGetNeighbour(KernelPeer.KernelIp, mac, 0)));
            Assert.Equal(kernelMac, mac);
            Assert.True(peer.Runner.Do(st => st.Counters.ArpRequestsOut) >= 1);
            Assert.True(peer.Runner.Do(st => st.Counters.ArpRepliesIn) >= 1);

            // The kernel forgets us, asks (its ARP request, our reply), then pings with several sizes.
            peer.Exec(10_000, peer.Ip, "neigh", "flush", "dev", peer.TapName);
            long repliesOut = peer.Runner.Do(st => st.Counters.ArpRepliesOut);
            foreach (int size in new[] { 0, 56, 1000, 1472 })
            {
                var r = peer.Exec(15_000, ping, "-c", "3", "-i", "0.2", "-W", "2", "-s", size.ToString(), KernelPeer.BoardAddress);
                _output.WriteLine("ping -s " + size + ": " + r.Stdout.Split('\n')[^3]);
                Assert.True(r.ExitCode == 0, r.ToString());
                Assert.Contains("3 received", r.Stdout);
            }
            Assert.True(peer.Runner.Do(st => st.Counters.ArpRepliesOut) > repliesOut, "we never answered the kernel's ARP request");
            var neigh = peer.Exec(10_000, peer.Ip, "neigh", "show", KernelPeer.BoardAddress, "dev", peer.TapName);
            _output.WriteLine("kernel neighbour: " + neigh.Stdout.Trim());
            Assert.Contains("02:00:00:00:00:02", neigh.Stdout);
            long echoes = peer.Runner.Do(st => st.Counters.IcmpEchoReplies);
            Assert.True(echoes >= 12, "echo replies sent: " + echoes);
        }

        [SkippableFact]
        public void TsharkCheckCatchesABadTcpChecksum()
        {
            // Negative control for the capture check: one TCP segment with a wrong checksum.
            Prerequisites.Tool("tshark");
            byte[] f =
            {
                0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
                0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0xF7, 0x7E, 192, 0, 2, 1, 192, 0, 2, 2,
                0x13, 0x88, 0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x20, 0, 0xDE, 0xAD, 0, 0,
            };
            // Fix the IP header checksum so only TCP is wrong.
            f[24] = 0; f[25] = 0;
            uint sum = 0;
            for (int i = 14; i < 34; i += 2)
            {
                sum += (uint)((f[i] << 8) | f[i + 1]);
            }

            while ((sum >> 16) != 0)
            {
                sum = (sum & 0xFFFF) + (sum >> 16);
            }

            f[24] = (byte)(~sum >> 8); f[25] = (byte)~sum;
            string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "etcp-badsum-" + Environment.ProcessId + ".pcap");
            try
            {
                using (var w = PcapWriter.Create(path))
                {
                    w.WriteFrame(0, f, 0, f.Length);
                }

                int frames = TsharkCheck.Check(path, out string problems);
                Assert.Equal(1, frames);
                Assert.NotNull(problems);
                _output.WriteLine("flagged: " + problems);
            }
            finally
            {
                System.IO.File.Delete(path);
            }
        }
    }
}
