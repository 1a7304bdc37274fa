using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.NetworkInformation;
using EmbeddedTcp.Simulation;
using PacketDotNet;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Simulation
{
    public class PcapTests
    {
        private readonly ITestOutputHelper _output;
        public PcapTests(ITestOutputHelper output) { _output = output; }

        private static readonly PhysicalAddress Board = new PhysicalAddress(SimFrames.MacA);
        private static readonly PhysicalAddress Peer = new PhysicalAddress(SimFrames.MacB);

        /// <summary>Valid frames of several kinds and lengths, built with PacketDotNet.</summary>
        private static List<byte[]> SampleFrames()
        {
            var frames = new List<byte[]>();
            var arp = new EthernetPacket(Board, PhysicalAddress.Parse("FF-FF-FF-FF-FF-FF"), EthernetType.Arp)
            {
                PayloadPacket = new ArpPacket(ArpOperation.Request, PhysicalAddress.Parse("00-00-00-00-00-00"),
                    IPAddress.Parse("192.0.2.2"), Board, IPAddress.Parse("192.0.2.1")),
            };
            frames.Add(arp.Bytes);
            foreach (int payload in new[] { 0, 1, 100, 1472 })
            {
                var udp = new UdpPacket(5000, 7) { PayloadData = new byte[payload] };
                for (int i = 0; i < payload; i++)
                {
                    udp.PayloadData[i] = (byte)i;
                }

                var ip = new IPv4Packet(IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2")) { PayloadPacket = udp, TimeToLive = 64 };
                var eth = new EthernetPacket(Board, Peer, EthernetType.IPv4) { PayloadPacket = ip };
                udp.UpdateUdpChecksum();
                ip.UpdateIPChecksum();
                frames.Add(eth.Bytes);
            }
            var tcp = new TcpPacket(49152, 80) { Synchronize = true, SequenceNumber = 1000, WindowSize = 2048 };
            var ip4 = new IPv4Packet(IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2")) { PayloadPacket = tcp, TimeToLive = 64 };
            var eth4 = new EthernetPacket(Board, Peer, EthernetType.IPv4) { PayloadPacket = ip4 };
            tcp.UpdateTcpChecksum();
            ip4.UpdateIPChecksum();
            frames.Add(eth4.Bytes);
            return frames;
        }

        private static long TimeOf(int i) => 1_000_000_000L * i + 123_456_789L * (i % 3);

        private string WriteSample(bool nanoseconds, List<byte[]> frames)
        {
            string path = Path.Combine(Path.GetTempPath(), "etcp-pcap-" + Environment.ProcessId + "-" + (nanoseconds ? "ns" : "us") + ".pcap");
            using (var writer = PcapWriter.Create(path, nanoseconds))
            {
                for (int i = 0; i < frames.Count; i++)
                {
                    writer.WriteFrame(TimeOf(i), frames[i], 0, frames[i].Length);
                }

                Assert.Equal(frames.Count, writer.FramesWritten);
            }
            return path;
        }

        [Fact]
        public void FileHasTheClassicPcapLayout()
        {
            var stream = new MemoryStream();
            var writer = new PcapWriter(stream, leaveOpen: true);
            var frame = SimFrames.Make(SimFrames.MacB, SimFrames.MacA, 60, 1);
            writer.WriteFrame(3_000_250_999L, frame, 0, 60);
            writer.Dispose();
            byte[] b = stream.ToArray();
            Assert.Equal(24 + 16 + 60, b.Length);
            Assert.Equal(0xA1B2C3D4u, BitConverter.ToUInt32(b, 0));
            Assert.Equal(2, BitConverter.ToUInt16(b, 4));
            Assert.Equal(4, BitConverter.ToUInt16(b, 6));
            Assert.Equal(65535u, BitConverter.ToUInt32(b, 16));
            Assert.Equal(1u, BitConverter.ToUInt32(b, 20));       // LINKTYPE_ETHERNET
            Assert.Equal(3u, BitConverter.ToUInt32(b, 24));       // seconds
            Assert.Equal(250u, BitConverter.ToUInt32(b, 28));     // microseconds
            Assert.Equal(60u, BitConverter.ToUInt32(b, 32));
            Assert.Equal(60u, BitConverter.ToUInt32(b, 36));
            Assert.Equal(frame, b[40..]);
        }

        [SkippableTheory]
        [InlineData(false)]
        [InlineData(true)]
        public void TsharkDecodesTheCapture(bool nanoseconds)
        {
            string tshark = Prerequisites.Tool("tshark");
            var frames = SampleFrames();
            string path = WriteSample(nanoseconds, frames);
            try
            {
                var fields = ExternalTool.Run(60_000, tshark, "-r", path, "-T", "fields", "-e", "frame.len", "-e", "frame.time_epoch", "-e", "frame.protocols");
                Assert.True(fields.ExitCode == 0, fields.ToString());
                string[] lines = fields.Stdout.Trim().Split('\n');
                Assert.Equal(frames.Count, lines.Length);
                for (int i = 0; i < frames.Count; i++)
                {
                    string[] cols = lines[i].Trim().Split('\t');
                    Assert.Equal(frames[i].Length.ToString(CultureInfo.InvariantCulture), cols[0]);
                    decimal epoch = decimal.Parse(cols[1], CultureInfo.InvariantCulture);
                    decimal expected = TimeOf(i) / 1_000_000_000m;
                    if (!nanoseconds)
                    {
                        expected = Math.Floor(TimeOf(i) / 1000m) / 1_000_000m;
                    }

                    Assert.Equal(expected, epoch);
                    Assert.StartsWith("eth:ethertype:", cols[2]);
                }
                Assert.Contains("arp", lines[0]);
                Assert.Contains("udp", lines[1]);
                Assert.Contains("tcp", lines[^1]);

                var verbose = ExternalTool.Run(60_000, tshark, "-r", path, "-V");
                Assert.True(verbose.ExitCode == 0, verbose.ToString());
                Assert.DoesNotContain("Malformed", verbose.Stdout);
                Assert.Contains("Encapsulation type: Ethernet", verbose.Stdout);
                _output.WriteLine("tshark decoded " + lines.Length + " frames: " + string.Join(" | ", lines));
            }
            finally
            {
                File.Delete(path);
            }
        }

        [SkippableFact]
        public void TsharkFlagsATruncatedFrameAsMalformed()
        {
            // Negative control: the "no Malformed" check above would catch a broken frame.
            string tshark = Prerequisites.Tool("tshark");
            byte[] frame =
            {
                0x02, 0, 0, 0, 0, 0x0B, 0x02, 0, 0, 0, 0, 0x0A, 0x08, 0x00,
                0x45, 0, 0, 48, 0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2, // IPv4 says 48 bytes
                0x13, 0x88, 0, 53, 0, 28, 0, 0, 0, 5,                                 // UDP to DNS, cut short
            };
            string path = Path.Combine(Path.GetTempPath(), "etcp-pcap-bad-" + Environment.ProcessId + ".pcap");
            try
            {
                using (var writer = PcapWriter.Create(path))
                {
                    writer.WriteFrame(0, frame, 0, frame.Length);
                }

                var verbose = ExternalTool.Run(60_000, tshark, "-r", path, "-V");
                Assert.True(verbose.ExitCode == 0, verbose.ToString());
                Assert.Contains("Malformed", verbose.Stdout);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void PcapDeviceRecordsFramesInBothDirectionsWithVirtualTime()
        {
            var clock = new VirtualClock();
            var net = new SimulatedSwitch(clock, new LinkOptions { PropagationDelayNs = 0 });
            var a = net.AddPort(SimFrames.MacA);
            var b = net.AddPort(SimFrames.MacB);
            var stream = new MemoryStream();
            var writer = new PcapWriter(stream, nanosecondResolution: true, leaveOpen: true);
            var captured = new PcapDevice(a, writer, clock);
            var f = SimFrames.Make(SimFrames.MacB, SimFrames.MacA, 100, 1);
            var rx = new byte[1514];

            Assert.True(captured.Send(f, 0, 100));                     // out at t = 0
            clock.AdvanceTo(net.NextDeliveryNs);
            Assert.Equal(100, b.Receive(rx, 0, rx.Length));
            var reply = SimFrames.Make(SimFrames.MacA, SimFrames.MacB, 70, 2);
            Assert.True(b.Send(reply, 0, 70));
            long replyDue = net.NextDeliveryNs;
            clock.AdvanceTo(replyDue);
            Assert.Equal(70, captured.Receive(rx, 0, rx.Length));      // in at replyDue
            Assert.Equal(0, captured.Receive(rx, 0, rx.Length));       // nothing recorded for an empty receive
            writer.Flush();

            byte[] file = stream.ToArray();
            Assert.Equal(24 + 16 + 100 + 16 + 70, file.Length);
            Assert.Equal(0u, BitConverter.ToUInt32(file, 24 + 4));
            int second = 24 + 16 + 100;
            long ts = BitConverter.ToUInt32(file, second) * 1_000_000_000L + BitConverter.ToUInt32(file, second + 4);
            Assert.Equal(replyDue, ts);
            Assert.Equal(70u, BitConverter.ToUInt32(file, second + 8));
            Assert.Equal(reply, file[(second + 16)..]);
        }
    }
}
