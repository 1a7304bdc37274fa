using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using EmbeddedTcp.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Simulation
{
    /// <summary>
    /// Talks to the real Linux kernel through a TAP interface inside a network namespace the
    /// test creates (192.0.2.0/24): the kernel pings 192.0.2.2, the test plays 192.0.2.2 by
    /// hand — answers the ARP request and the ICMP echo request — and ping must succeed.
    /// </summary>
    public class TapDeviceTests
    {
        private static int _counter;
        private readonly ITestOutputHelper _output;
        public TapDeviceTests(ITestOutputHelper output) { _output = output; }

        private static readonly byte[] BoardMac = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
        private static readonly byte[] BoardIp = { 192, 0, 2, 2 };
        private static readonly byte[] KernelIp = { 192, 0, 2, 1 };

        private static void Must(ExternalTool.Result r, string what)
        {
            if (r.ExitCode != 0)
            {
                throw new InvalidOperationException(what + " failed: " + r);
            }
        }

        [Fact]
        public void AnInterfaceNameThatIsTooLongIsRefusedBeforeAnySystemCall()
        {
            var e = Assert.Throws<ArgumentException>(() => new TapDevice("a-name-longer-than-15", BoardMac));
            Assert.DoesNotContain("\n", e.Message);
        }

        [SkippableFact]
        public void OpeningAMissingDeviceOrWithoutPermissionGivesAOneLineMessage()
        {
            Prerequisites.Linux();
            // Without /dev/net/tun or root the open itself fails; as root with the device present the
            // same failure is provoked on a thread that dropped all capabilities, so the check always runs.
            Exception caught = null;
            int capsetResult = 0;
            bool privileged = Prerequisites.HasTun && Prerequisites.IsRoot;
            var thread = new Thread(() =>
            {
                if (privileged)
                {
                    capsetResult = capset(new uint[] { 0x20080522, 0 }, new uint[6]);
                    if (capsetResult != 0)
                    {
                        return;
                    }
                }
                try { new TapDevice("etcpnoperm", BoardMac).Dispose(); }
                catch (Exception e) { caught = e; }
            });
            thread.Start();
            Assert.True(thread.Join(10_000));
            Assert.Equal(0, capsetResult);
            var tapError = Assert.IsType<TapDeviceException>(caught);
            Assert.DoesNotContain("\n", tapError.Message);
            _output.WriteLine(tapError.Message);
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int capset(uint[] header, uint[] data);

        [SkippableFact]
        public void CreatingATapWithoutCapNetAdminFailsWithAOneLineMessage()
        {
            Prerequisites.Tun(); // root, to drop CAP_NET_ADMIN on one thread
            // Linux capabilities belong to a thread: drop all effective ones on a thread of our
            // own, which then ends, and try to create a TAP from it.
            Exception caught = null;
            int capsetResult = 0;
            var thread = new Thread(() =>
            {
                var header = new uint[] { 0x20080522, 0 }; // _LINUX_CAPABILITY_VERSION_3, this thread
                var data = new uint[6];                     // effective, permitted, inheritable x 2: none
                capsetResult = capset(header, data);
                if (capsetResult != 0)
                {
                    return;
                }

                try { new TapDevice("etcpnp" + (Environment.ProcessId % 100000), BoardMac).Dispose(); }
                catch (Exception e) { caught = e; }
            });
            thread.Start();
            Assert.True(thread.Join(10_000));
            Assert.Equal(0, capsetResult);
            var tapError = Assert.IsType<TapDeviceException>(caught);
            Assert.Equal(1, tapError.Errno); // EPERM
            Assert.Contains("no permission", tapError.Message);
            Assert.DoesNotContain("\n", tapError.Message);
            _output.WriteLine(tapError.Message);
        }

        [SkippableFact]
        public void AttachingToAnInterfaceThatIsNotATapFailsWithAOneLineMessage()
        {
            Prerequisites.Tun();
            // "lo" exists but is no TAP: TUNSETIFF fails with EINVAL.
            var e = Assert.Throws<TapDeviceException>(() => new TapDevice("lo", BoardMac));
            Assert.Equal(22, e.Errno);
            Assert.Contains("'lo'", e.Message);
            Assert.DoesNotContain("\n", e.Message);
            _output.WriteLine(e.Message);
        }

        [SkippableFact]
        public void ATapTheDeviceCreatesDisappearsWhenDisposed()
        {
            Prerequisites.Tun();
            string ip = Prerequisites.Tool("ip", "iproute2");
            string name = "etcpx" + (Environment.ProcessId % 100000) + Interlocked.Increment(ref _counter);
            var tap = new TapDevice(name, BoardMac);
            try
            {
                Assert.Equal(0, ExternalTool.Run(10_000, ip, "link", "show", name).ExitCode);
                var mac = new byte[8];
                tap.GetMacAddress(mac, 1);
                Assert.Equal(BoardMac, mac[1..7]);
                var frame = new byte[1514];
                Assert.Equal(0, tap.Receive(frame, 0, frame.Length)); // interface down: nothing, no blocking
                Assert.False(tap.WaitForFrame(0));
            }
            finally
            {
                tap.Dispose();
            }
            Assert.False(tap.LinkUp);
            Assert.NotEqual(0, ExternalTool.Run(10_000, ip, "link", "show", name).ExitCode);
        }

        [SkippableFact]
        public void KernelPingsTheTapAndTheTestAnswersByHand()
        {
            string ip = Prerequisites.Netns();
            string ping = Prerequisites.Tool("ping", "iputils-ping");
            int n = Interlocked.Increment(ref _counter);
            string tapName = "etcpt" + (Environment.ProcessId % 100000) + n;
            string ns = "etcp-test-" + Environment.ProcessId + "-" + n;
            Must(ExternalTool.Run(10_000, ip, "netns", "add", ns), "ip netns add");
            TapDevice tap = null;
            Process pinger = null;
            var captureStream = new MemoryStream();
            var capture = new PcapWriter(captureStream, leaveOpen: true);
            try
            {
                Must(ExternalTool.Run(10_000, ip, "tuntap", "add", "dev", tapName, "mode", "tap"), "ip tuntap add");
                tap = new TapDevice(tapName, BoardMac);
                Assert.Equal(tapName, tap.InterfaceName);
                Assert.True(tap.LinkUp);
                var device = new PcapDevice(tap, capture); // composes with the real device too
                Must(ExternalTool.Run(10_000, ip, "link", "set", tapName, "netns", ns), "ip link set netns");
                ExternalTool.Run(10_000, ip, "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
                Must(ExternalTool.Run(10_000, ip, "-n", ns, "addr", "add", "192.0.2.1/24", "dev", tapName), "ip addr add");
                Must(ExternalTool.Run(10_000, ip, "-n", ns, "link", "set", tapName, "up"), "ip link set up");
                Must(ExternalTool.Run(10_000, ip, "-n", ns, "link", "set", "lo", "up"), "ip link set lo up");

                pinger = ExternalTool.Start(ip, "netns", "exec", ns, ping, "-c", "1", "-W", "2", "192.0.2.2");
                var frame = new byte[1514];
                byte[] kernelMac = null;
                bool sawArp = false, sawEcho = false;
                var deadline = Stopwatch.StartNew();
                while (deadline.ElapsedMilliseconds < 5000 && !(sawArp && sawEcho))
                {
                    if (!tap.WaitForFrame(100))
                    {
                        continue;
                    }

                    int len;
                    device.Poll(deadline.ElapsedMilliseconds);
                    while ((len = device.Receive(frame, 0, frame.Length)) > 0)
                    {
                        if (!sawArp && IsArpRequestFor(frame, len, BoardIp))
                        {
                            sawArp = true;
                            kernelMac = frame[22..28];
                            Assert.Equal(KernelIp, frame[28..32]);
                            byte[] reply = ArpReply(kernelMac);
                            Assert.True(device.Send(reply, 0, reply.Length), "TAP write failed, errno " + tap.LastErrno);
                        }
                        else if (sawArp && IsEchoRequestTo(frame, len, BoardMac, BoardIp))
                        {
                            sawEcho = true;
                            Assert.Equal(kernelMac, frame[6..12]);
                            byte[] reply = EchoReply(frame, len);
                            Assert.True(device.Send(reply, 0, reply.Length), "TAP write failed, errno " + tap.LastErrno);
                        }
                    }
                }
                Assert.True(sawArp, "no ARP request for 192.0.2.2 arrived on the TAP");
                Assert.True(sawEcho, "no ICMP echo request to 192.0.2.2 arrived after the ARP reply");
                Assert.True(pinger.WaitForExit(5000), "ping did not finish");
                string pingOut = pinger.StandardOutput.ReadToEnd();
                _output.WriteLine(pingOut);
                Assert.True(pinger.ExitCode == 0, "ping failed: " + pingOut + pinger.StandardError.ReadToEnd());
                Assert.Contains("1 received", pingOut);
                Assert.True(tap.FramesReceived >= 2 && tap.FramesSent == 2);
                Assert.Equal(tap.FramesReceived + tap.FramesSent, capture.FramesWritten);
            }
            finally
            {
                if (pinger != null)
                {
                    if (!pinger.HasExited) { try { pinger.Kill(true); } catch (InvalidOperationException) { } pinger.WaitForExit(2000); }
                    pinger.Dispose();
                }
                tap?.Dispose();
                ExternalTool.Run(10_000, ip, "-n", ns, "link", "del", tapName);
                ExternalTool.Run(10_000, ip, "netns", "del", ns);
                ExternalTool.Run(10_000, ip, "link", "del", tapName);
            }
            Assert.NotEqual(0, ExternalTool.Run(10_000, ip, "link", "show", tapName).ExitCode);
        }

        private static bool IsArpRequestFor(byte[] f, int len, byte[] targetIp) =>
            len >= 42 && f[12] == 0x08 && f[13] == 0x06        // EtherType ARP
            && f[14] == 0 && f[15] == 1 && f[16] == 0x08 && f[17] == 0x00 && f[18] == 6 && f[19] == 4
            && f[20] == 0 && f[21] == 1                         // request
            && f[38] == targetIp[0] && f[39] == targetIp[1] && f[40] == targetIp[2] && f[41] == targetIp[3];

        private static byte[] ArpReply(byte[] kernelMac)
        {
            var r = new byte[42];
            Array.Copy(kernelMac, 0, r, 0, 6);
            Array.Copy(BoardMac, 0, r, 6, 6);
            r[12] = 0x08; r[13] = 0x06;
            r[14] = 0; r[15] = 1; r[16] = 0x08; r[17] = 0; r[18] = 6; r[19] = 4;
            r[20] = 0; r[21] = 2;                               // reply
            Array.Copy(BoardMac, 0, r, 22, 6);
            Array.Copy(BoardIp, 0, r, 28, 4);
            Array.Copy(kernelMac, 0, r, 32, 6);
            Array.Copy(KernelIp, 0, r, 38, 4);
            return r;
        }

        private static bool IsEchoRequestTo(byte[] f, int len, byte[] mac, byte[] ip)
        {
            if (len < 42 || f[12] != 0x08 || f[13] != 0x00)
            {
                return false;
            }

            for (int i = 0; i < 6; i++)
            {
                if (f[i] != mac[i])
                {
                    return false;
                }
            }

            int ihl = (f[14] & 0x0F) * 4;
            return f[23] == 1 && f[30] == ip[0] && f[31] == ip[1] && f[32] == ip[2] && f[33] == ip[3]
                && len >= 14 + ihl + 8 && f[14 + ihl] == 8;    // ICMP echo request
        }

        private static byte[] EchoReply(byte[] request, int len)
        {
            var r = request[..len];
            Array.Copy(request, 6, r, 0, 6);                    // swap MACs
            Array.Copy(request, 0, r, 6, 6);
            Array.Copy(request, 30, r, 26, 4);                  // swap IPs (header checksum unchanged)
            Array.Copy(request, 26, r, 30, 4);
            int icmp = 14 + (request[14] & 0x0F) * 4;
            r[icmp] = 0;                                        // echo reply
            r[icmp + 2] = 0; r[icmp + 3] = 0;
            int totalLength = (request[16] << 8) | request[17];
            int icmpLength = totalLength - (icmp - 14);
            uint sum = 0;
            for (int i = 0; i < icmpLength; i += 2)
            {
                sum += (uint)((r[icmp + i] << 8) | (i + 1 < icmpLength ? r[icmp + i + 1] : 0));
            }

            while ((sum >> 16) != 0)
            {
                sum = (sum & 0xFFFF) + (sum >> 16);
            }

            ushort checksum = (ushort)~sum;
            r[icmp + 2] = (byte)(checksum >> 8);
            r[icmp + 3] = (byte)checksum;
            return r;
        }
    }
}
