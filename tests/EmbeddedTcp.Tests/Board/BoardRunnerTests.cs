using System;
using EmbeddedTcp.Boards.Esp32Enc28j60;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Simulation.Enc28j60;
using Xunit;

namespace EmbeddedTcp.Tests.Board
{
    /// <summary>The board loop (BoardRunner, compiled from boards/esp32-enc28j60) over the register-level ENC28J60 model.</summary>
    public sealed class BoardRunnerTests
    {
        private static readonly byte[] Mac = { 0x02, 0x45, 0x54, 0x43, 0x50, 0x01 };

        private sealed class VirtualClock : IClock
        {
            public long Now;
            public long Reads;
            public long NowMs { get { Reads++; return Now; } }
        }

        /// <summary>Keeps copies of the frames the runner hands out (allocates; not used in the allocation test).</summary>
        private sealed class Recorder : IFrameHandler
        {
            public readonly System.Collections.Generic.List<byte[]> Frames = new System.Collections.Generic.List<byte[]>();
            public long LastNowMs = -1;
            public void OnFrame(byte[] frame, int offset, int length, long nowMs)
            {
                var copy = new byte[length];
                Array.Copy(frame, offset, copy, 0, length);
                Frames.Add(copy);
                LastNowMs = nowMs;
            }
        }

        private sealed class Counter : IFrameHandler
        {
            public long Frames;
            public long Bytes;
            public void OnFrame(byte[] frame, int offset, int length, long nowMs) { Frames++; Bytes += length; }
        }

        /// <summary>A bus with nothing on it: MISO floats high, every byte reads 0xFF.</summary>
        private sealed class DeadBus : ISpiBus
        {
            public void Transfer(byte[] w, int wo, int wl, byte[] r, int ro, int rl)
            {
                for (int i = 0; i < rl; i++) { r[ro + i] = 0xFF; }
            }
            public void Write(byte[] h, int ho, int hl, byte[] d, int dof, int dl) { }
        }

        private static (Enc28j60Model chip, VirtualClock clock, BoardRunner runner) Make(bool interruptPin)
        {
            var chip = new Enc28j60Model();
            var clock = new VirtualClock { Now = 1000 };
            var runner = new BoardRunner(chip, Mac, interruptPin ? chip : null, chip.ResetPin, chip, clock);
            return (chip, clock, runner);
        }

        private static byte[] Frame(int length, byte tag)
        {
            var f = new byte[length];
            for (int i = 0; i < length; i++) { f[i] = (byte)(tag + i * 7); }
            Array.Copy(Mac, 0, f, 0, 6);            // to us
            f[6] = 0x02; f[7] = 0x11; f[8] = tag;    // locally administered source
            f[12] = 0x08; f[13] = 0x00;
            return f;
        }

        [Fact]
        public void WithTheFirmware_TheBoardAnswersArpAndPing_ThroughTheChip()
        {
            var (chip, clock, runner) = Make(interruptPin: false);
            Assert.True(runner.Initialize());
            const uint board = 0xC0000232, host = 0xC0000201; // 192.0.2.50, 192.0.2.1
            byte[] hostMac = { 0x02, 0, 0, 0, 0, 0x01 };
            runner.StartFirmware(new EmbeddedTcp.NetworkConfig { Address = board }, new EmbeddedTcp.Firmware.FirmwareOptions(), new SeededRandom(3));
            runner.RunOnce();
            var frame = new byte[1514];
            int length;
            while (chip.TryTakeTransmitted(frame, 0, out length)) { } // the gratuitous ARP

            // The host asks who has 192.0.2.50...
            new EmbeddedTcp.Wire.EthernetFrame().Emit(frame, 0, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, 0, hostMac, 0, EmbeddedTcp.Wire.EtherType.Arp, 28);
            new EmbeddedTcp.Wire.ArpPacket().Emit(frame, 14, EmbeddedTcp.Wire.ArpOperation.Request, hostMac, 0, host, null, 0, board);
            chip.InjectFrame(frame, 0, 60);
            clock.Now += 1;
            runner.RunOnce();
            Assert.True(chip.TryTakeTransmitted(frame, 0, out length));
            var arp = new EmbeddedTcp.Wire.ArpPacket();
            Assert.Equal(EmbeddedTcp.Wire.WireResult.Ok, arp.TryParse(frame, 14, length - 14));
            Assert.Equal(EmbeddedTcp.Wire.ArpOperation.Reply, arp.Operation);
            Assert.True(EmbeddedTcp.Wire.EthernetFrame.MacEquals(frame, arp.SenderHardwareOffset, Mac, 0));

            // ...then pings it.
            new EmbeddedTcp.Wire.EthernetFrame().Emit(frame, 0, Mac, 0, hostMac, 0, EmbeddedTcp.Wire.EtherType.Ipv4, 20 + 8 + 56);
            new EmbeddedTcp.Wire.Ipv4Packet().Emit(frame, 14, host, board, EmbeddedTcp.Wire.IpProtocol.Icmp, 8 + 56, 7, 64, false);
            var echo = new EmbeddedTcp.Wire.IcmpPacket();
            echo.Emit(frame, 34, EmbeddedTcp.Wire.IcmpType.EchoRequest, 0, 0x12340001, 56);
            echo.FillChecksum();
            chip.InjectFrame(frame, 0, 14 + 20 + 8 + 56);
            clock.Now += 1;
            runner.RunOnce();
            Assert.True(chip.TryTakeTransmitted(frame, 0, out length));
            var ip = new EmbeddedTcp.Wire.Ipv4Packet();
            Assert.Equal(EmbeddedTcp.Wire.WireResult.Ok, ip.TryParse(frame, 14, length - 14));
            Assert.Equal(host, ip.DestinationAddress);
            Assert.Equal(EmbeddedTcp.Wire.IcmpType.EchoReply, frame[ip.PayloadOffset]);
            Assert.Equal(1, runner.Stack.Counters.IcmpEchoReplies);
        }

        [Fact]
        public void Initialize_ResetsAndConfiguresTheChip_AndReadsItsRevision()
        {
            var (chip, _, runner) = Make(interruptPin: true);
            chip.Revision = 0x06;
            long resetsBefore = chip.SystemResets;

            Assert.True(runner.Initialize());

            Assert.True(runner.Driver.IsInitialized);
            Assert.Equal(6, runner.Driver.Revision);
            Assert.True(chip.SystemResets > resetsBefore);
            Assert.NotEqual(0, chip.PeekRegister(EmbeddedTcp.Drivers.Enc28j60.Enc28j60Registers.ECON1) & EmbeddedTcp.Drivers.Enc28j60.Enc28j60Bits.ECON1_RXEN);
            Assert.True(runner.Device.LinkUp);
            Assert.Same(runner.Driver, runner.Device);
        }

        [Fact]
        public void RunOnce_InitialisesTheChipItself_WhenInitializeWasNotCalled()
        {
            var (_, clock, runner) = Make(interruptPin: false);
            Assert.False(runner.Driver.IsInitialized);

            int sleep = runner.RunOnce();

            Assert.True(runner.Driver.IsInitialized);
            Assert.Equal(BoardRunner.DefaultIdlePollIntervalMs, sleep);
            Assert.Equal(1, runner.Iterations);
            Assert.Equal(clock.Now, runner.LastNowMs);
            Assert.Equal(1, clock.Reads);
        }

        [Fact]
        public void RunOnce_WithNoChip_ReportsFailureAndAsksToComeBackInASecond()
        {
            var clock = new VirtualClock { Now = 5 };
            var runner = new BoardRunner(new DeadBus(), Mac, null, null, null, clock);

            Assert.False(runner.Initialize());
            Assert.Equal(1000, runner.RunOnce());
            Assert.False(runner.Driver.IsInitialized);
            Assert.True(runner.Driver.Counters.InitializationFailures >= 1);
            Assert.Equal(0, runner.FramesDrained);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void FramesInjectedIntoTheChip_ComeOutOfTheLoop_InOrderAndByteExact(bool interruptPin)
        {
            var (chip, clock, runner) = Make(interruptPin);
            var recorder = new Recorder();
            runner.FrameHandler = recorder;
            Assert.True(runner.Initialize());

            var sent = new[] { Frame(60, 1), Frame(1514, 2), Frame(342, 3) };
            foreach (var f in sent)
            {
                Assert.True(chip.InjectFrame(f, 0, f.Length));
            }
            clock.Now += 5;
            int sleep = runner.RunOnce();

            Assert.Equal(BoardRunner.DefaultIdlePollIntervalMs, sleep);
            Assert.Equal(3, recorder.Frames.Count);
            for (int i = 0; i < sent.Length; i++)
            {
                Assert.Equal(sent[i], recorder.Frames[i]);
            }
            Assert.Equal(clock.Now, recorder.LastNowMs);
            Assert.Equal(3, runner.FramesDrained);
            Assert.Equal(0, chip.PacketCount);

            // Nothing more: the next iteration hands out nothing.
            runner.RunOnce();
            Assert.Equal(3, recorder.Frames.Count);
        }

        [Fact]
        public void ABurstLargerThanOneIteration_IsDrainedOverSeveralIterations_WithNoSleepInBetween()
        {
            var (chip, _, runner) = Make(interruptPin: false);
            var recorder = new Recorder();
            runner.FrameHandler = recorder;
            runner.MaxFramesPerIteration = 4;
            Assert.True(runner.Initialize());
            for (int i = 0; i < 10; i++)
            {
                var f = Frame(100, (byte)i);
                Assert.True(chip.InjectFrame(f, 0, f.Length));
            }

            Assert.Equal(0, runner.RunOnce());
            Assert.Equal(4, recorder.Frames.Count);
            Assert.Equal(0, runner.RunOnce());
            Assert.Equal(8, recorder.Frames.Count);
            Assert.Equal(BoardRunner.DefaultIdlePollIntervalMs, runner.RunOnce());
            Assert.Equal(10, recorder.Frames.Count);
            for (int i = 0; i < 10; i++)
            {
                Assert.Equal((byte)i, recorder.Frames[i][8]);
            }
        }

        [Fact]
        public void FramesTheRunnerSends_ReachTheChipsWire()
        {
            var (chip, _, runner) = Make(interruptPin: true);
            Assert.True(runner.Initialize());
            var big = Frame(1514, 9);
            var small = Frame(42, 10);

            Assert.True(runner.SendFrame(big, 0, big.Length));
            runner.RunOnce();
            Assert.True(runner.SendFrame(small, 0, small.Length));
            runner.RunOnce();

            var wire = new byte[1536];
            Assert.True(chip.TryTakeTransmitted(wire, 0, out int n1));
            Assert.Equal(big, wire.AsSpan(0, n1).ToArray());
            Assert.True(chip.TryTakeTransmitted(wire, 0, out int n2));
            Assert.Equal(60, n2); // the MAC pads a short frame to 60 bytes
            Assert.Equal(small, wire.AsSpan(0, 42).ToArray());
            Assert.Equal(0, wire[59]);
            Assert.False(chip.TryTakeTransmitted(wire, 0, out _));
            Assert.Equal(2, runner.Driver.Counters.FramesSent);
        }

        [Fact]
        public void TheLoopFollowsTheLink_AndSendingWithTheLinkDownFails()
        {
            var (chip, clock, runner) = Make(interruptPin: true);
            Assert.True(runner.Initialize());
            var f = Frame(100, 1);

            chip.SetLink(false);
            clock.Now += 10;
            runner.RunOnce();
            Assert.False(runner.Device.LinkUp);
            Assert.False(runner.SendFrame(f, 0, f.Length));

            chip.SetLink(true);
            clock.Now += 10;
            runner.RunOnce();
            Assert.True(runner.Device.LinkUp);
            Assert.True(runner.SendFrame(f, 0, f.Length));
        }

        [Fact]
        public void RunOnce_AllocatesNothing_WhileFramesFlowBothWays()
        {
            var (chip, clock, runner) = Make(interruptPin: true);
            var counter = new Counter();
            runner.FrameHandler = counter;
            Assert.True(runner.Initialize());
            var rx = Frame(600, 1);
            var tx = Frame(600, 2);
            var wire = new byte[1536];

            void Iteration()
            {
                chip.InjectFrame(rx, 0, rx.Length);
                clock.Now += 1;
                runner.RunOnce();
                runner.SendFrame(tx, 0, tx.Length);
                chip.TryTakeTransmitted(wire, 0, out _);
            }

            for (int i = 0; i < 200; i++) { Iteration(); }
            long framesBefore = counter.Frames;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5000; i++) { Iteration(); }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.Equal(0, allocated);
            Assert.Equal(5000, counter.Frames - framesBefore);
        }
    }
}
