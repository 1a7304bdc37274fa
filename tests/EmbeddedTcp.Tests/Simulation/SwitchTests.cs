using EmbeddedTcp.Simulation;
using Xunit;

namespace EmbeddedTcp.Tests.Simulation
{
    public class SwitchTests
    {
        private readonly VirtualClock _clock = new VirtualClock();
        private readonly SimulatedSwitch _switch;
        private readonly SimulatedPort _a, _b, _c;
        private readonly byte[] _rx = new byte[1514];

        public SwitchTests()
        {
            _switch = new SimulatedSwitch(_clock);
            _a = _switch.AddPort(SimFrames.MacA);
            _b = _switch.AddPort(SimFrames.MacB);
            _c = _switch.AddPort(SimFrames.MacC);
            _c.Promiscuous = true; // c would see anything the switch sends its way
        }

        private void Send(SimulatedPort from, byte[] dst, byte[] src, int seq)
        {
            var f = SimFrames.Make(dst, src, 64, seq);
            Assert.True(from.Send(f, 0, f.Length));
            _clock.AdvanceMs(1);
            _switch.DeliverDue();
        }

        [Fact]
        public void UnicastGoesOnlyToTheLearnedPort()
        {
            // a -> b before b is known: flooded to b and c.
            Send(_a, SimFrames.MacB, SimFrames.MacA, 1);
            Assert.Equal(1, _switch.Flooded);
            Assert.Equal(1, _b.ReceiveQueueCount);
            Assert.Equal(1, _c.ReceiveQueueCount);
            Assert.Equal(0, _switch.LookupPort(SimFrames.MacA, 0));
            Assert.Equal(-1, _switch.LookupPort(SimFrames.MacB, 0));

            // b -> a: a was learned on port 0, so only a gets it.
            Send(_b, SimFrames.MacA, SimFrames.MacB, 2);
            Assert.Equal(1, _switch.Forwarded);
            Assert.Equal(1, _a.ReceiveQueueCount);
            Assert.Equal(1, _c.ReceiveQueueCount);
            Assert.Equal(1, _switch.LookupPort(SimFrames.MacB, 0));

            // a -> b again: only b.
            Send(_a, SimFrames.MacB, SimFrames.MacA, 3);
            Assert.Equal(2, _switch.Forwarded);
            Assert.Equal(2, _b.ReceiveQueueCount);
            Assert.Equal(1, _c.ReceiveQueueCount);

            // What c saw was the flooded first frame only.
            Assert.Equal(64, _c.Receive(_rx, 0, _rx.Length));
            Assert.Equal(1, SimFrames.Sequence(_rx));
            Assert.Equal(0, _c.Receive(_rx, 0, _rx.Length));
            Assert.Equal(2, _switch.LearnedCount);
        }

        [Fact]
        public void BroadcastGoesToAllOtherPorts()
        {
            Send(_a, SimFrames.Broadcast, SimFrames.MacA, 9);
            Assert.Equal(0, _a.ReceiveQueueCount);
            Assert.Equal(1, _b.ReceiveQueueCount);
            Assert.Equal(1, _c.ReceiveQueueCount);
            Assert.Equal(1, _switch.Flooded);
        }

        [Fact]
        public void NonPromiscuousPortFiltersFloodedFramesForOthers()
        {
            _c.Promiscuous = false;
            Send(_a, SimFrames.MacB, SimFrames.MacA, 1);
            Assert.Equal(1, _b.ReceiveQueueCount);
            Assert.Equal(0, _c.ReceiveQueueCount);
            Assert.Equal(1, _c.FilteredOut);
        }

        [Fact]
        public void FrameForAMacOnTheSendersOwnPortIsFiltered()
        {
            Send(_a, SimFrames.Broadcast, SimFrames.MacA, 1);
            // b sends "to a" but from a's port: the switch drops it.
            Send(_a, SimFrames.MacA, SimFrames.MacB, 2);
            Assert.Equal(1, _switch.Filtered);
            Assert.Equal(1, _b.ReceiveQueueCount);
        }

        [Fact]
        public void HubDeliversEveryFrameToEveryOtherPort()
        {
            var clock = new VirtualClock();
            var hub = new SimulatedWire(clock);
            var a = hub.AddPort(SimFrames.MacA);
            var b = hub.AddPort(SimFrames.MacB);
            var c = hub.AddPort(SimFrames.MacC);
            c.Promiscuous = true;
            for (int i = 0; i < 3; i++)
            {
                var f = SimFrames.Make(SimFrames.MacB, SimFrames.MacA, 64, i);
                Assert.True(a.Send(f, 0, f.Length));
            }
            clock.AdvanceMs(1);
            Assert.Equal(6, hub.DeliverDue());
            Assert.Equal(3, b.ReceiveQueueCount);
            Assert.Equal(3, c.ReceiveQueueCount);
        }
    }
}
