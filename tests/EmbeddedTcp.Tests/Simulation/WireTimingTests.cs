using EmbeddedTcp.Simulation;
using Xunit;

namespace EmbeddedTcp.Tests.Simulation
{
    public class WireTimingTests
    {
        [Theory]
        [InlineData(14, 84)]    // padded to 60 + FCS = 64, + 8 preamble/SFD + 12 IFG
        [InlineData(60, 84)]
        [InlineData(61, 85)]
        [InlineData(1514, 1538)]
        public void WireBytesFollowTheEthernetFraming(int frameLength, int expected)
        {
            Assert.Equal(expected, EthernetTiming.WireBytes(frameLength));
        }

        [Fact]
        public void SerializationDelayAt10MbitMatchesTheFormula()
        {
            // 84 byte times * 8 bits * 100 ns per bit.
            Assert.Equal(67_200, EthernetTiming.SerializationDelayNs(60, 10_000_000));
            Assert.Equal(1_230_400, EthernetTiming.SerializationDelayNs(1514, 10_000_000));
            Assert.Equal(123_040, EthernetTiming.SerializationDelayNs(1514, 100_000_000));
            for (int len = 14; len <= 1514; len += 37)
            {
                long bytes = 8 + System.Math.Max(len + 4, 64) + 12;
                Assert.Equal(bytes * 8 * 100, EthernetTiming.SerializationDelayNs(len, 10_000_000));
            }
        }

        [Fact]
        public void FrameArrivesAfterSerializationPlusPropagation()
        {
            var clock = new VirtualClock(1_000_000);
            var wire = new SimulatedWire(clock, new LinkOptions { PropagationDelayNs = 500 });
            var a = wire.AddPort(SimFrames.MacA);
            var b = wire.AddPort(SimFrames.MacB);
            var frame = SimFrames.Make(SimFrames.MacB, SimFrames.MacA, 1000, 7);
            var rx = new byte[1514];

            Assert.Equal(long.MaxValue, wire.NextDeliveryNs);
            Assert.True(a.Send(frame, 0, frame.Length));
            long due = 1_000_000 + (8 + 1004 + 12) * 8 * 100 + 500;
            Assert.Equal(due, wire.NextDeliveryNs);

            clock.AdvanceTo(due - 1);
            Assert.Equal(0, b.Receive(rx, 0, rx.Length));
            clock.AdvanceTo(due);
            Assert.Equal(1000, b.Receive(rx, 0, rx.Length));
            Assert.Equal(7, SimFrames.Sequence(rx));
            Assert.Equal(frame, rx[..1000]);
            Assert.Equal(0, a.Receive(rx, 0, rx.Length)); // a hub does not echo to the sender
            Assert.Equal(long.MaxValue, wire.NextDeliveryNs);
        }

        [Fact]
        public void BackToBackFramesFromOnePortAreSerializedOneAfterTheOther()
        {
            var clock = new VirtualClock();
            var wire = new SimulatedWire(clock, new LinkOptions { PropagationDelayNs = 0 });
            var a = wire.AddPort(SimFrames.MacA);
            var b = wire.AddPort(SimFrames.MacB);
            var rx = new byte[1514];
            long expected = 0;
            for (int i = 0; i < 5; i++)
            {
                var f = SimFrames.Make(SimFrames.MacB, SimFrames.MacA, 100 + i * 300, i);
                Assert.True(a.Send(f, 0, f.Length));
            }
            for (int i = 0; i < 5; i++)
            {
                expected += EthernetTiming.SerializationDelayNs(100 + i * 300, 10_000_000);
                Assert.Equal(expected, wire.NextDeliveryNs);
                clock.AdvanceTo(wire.NextDeliveryNs);
                Assert.Equal(100 + i * 300, b.Receive(rx, 0, rx.Length));
                Assert.Equal(i, SimFrames.Sequence(rx));
            }
        }

        [Fact]
        public void LinkJitterStaysWithinBoundsAndNeverReordersOneSender()
        {
            var clock = new VirtualClock();
            var wire = new SimulatedWire(clock, new LinkOptions { PropagationDelayNs = 1000, JitterNs = 500_000 }, seed: 42);
            var a = wire.AddPort(SimFrames.MacA);
            var b = wire.AddPort(SimFrames.MacB);
            var rx = new byte[1514];
            var f = SimFrames.Make(SimFrames.MacB, SimFrames.MacA, 60);
            long ser = EthernetTiming.SerializationDelayNs(60, 10_000_000);
            long maxExtra = 0;
            int last = -1;
            for (int i = 0; i < 200; i++)
            {
                SimFrames.Fill(f, SimFrames.MacB, SimFrames.MacA, 60, i);
                long sentAt = clock.NowNs;
                Assert.True(a.Send(f, 0, 60));
                long extra = wire.NextDeliveryNs - (sentAt + ser + 1000);
                Assert.InRange(extra, 0, 500_000);
                if (extra > maxExtra)
                {
                    maxExtra = extra;
                }

                clock.AdvanceTo(wire.NextDeliveryNs);
                while (b.Receive(rx, 0, rx.Length) > 0)
                {
                    Assert.Equal(last + 1, SimFrames.Sequence(rx));
                    last++;
                }
            }
            Assert.Equal(199, last);
            Assert.True(maxExtra > 250_000, "jitter should use its range");
        }

        [Fact]
        public void ReceiveQueueIsBoundedAndCountsOverflow()
        {
            var clock = new VirtualClock();
            var wire = new SimulatedWire(clock);
            var a = wire.AddPort(SimFrames.MacA);
            var b = wire.AddPort(SimFrames.MacB, receiveQueueFrames: 4);
            var f = SimFrames.Make(SimFrames.MacB, SimFrames.MacA, 60);
            for (int i = 0; i < 6; i++)
            {
                Assert.True(a.Send(f, 0, 60));
            }

            clock.AdvanceMs(10);
            Assert.Equal(6, wire.DeliverDue());
            Assert.Equal(4, b.ReceiveQueueCount);
            Assert.Equal(2, b.ReceiveOverflows);
            var small = new byte[59];
            Assert.Equal(0, b.Receive(small, 0, small.Length));
            Assert.True(b.ReceiveTooLong >= 1);
        }

        [Fact]
        public void LinkDownRefusesToSend()
        {
            var clock = new VirtualClock();
            var wire = new SimulatedWire(clock);
            var a = wire.AddPort(SimFrames.MacA);
            wire.AddPort(SimFrames.MacB);
            var f = SimFrames.Make(SimFrames.MacB, SimFrames.MacA, 60);
            a.SetLinkUp(false);
            Assert.False(a.LinkUp);
            Assert.False(a.Send(f, 0, 60));
            a.SetLinkUp(true);
            Assert.True(a.Send(f, 0, 60));
            Assert.False(a.Send(f, 0, 13));
        }
    }
}
