using System.Collections.Generic;
using EmbeddedTcp.Simulation;
using Xunit;

namespace EmbeddedTcp.Tests.Simulation
{
    public class TracerTests
    {
        [Fact]
        public void TracerReportsDirectionTimeAndBytes()
        {
            var clock = new VirtualClock();
            var net = new SimulatedWire(clock);
            var a = net.AddPort(SimFrames.MacA);
            var b = net.AddPort(SimFrames.MacB);
            var log = new List<string>();
            var traced = new Tracer(a, (dir, t, frame, off, len) => log.Add(dir + "@" + t + ":" + len + ":" + SimFrames.Sequence(frame, off)), clock);
            var f = SimFrames.Make(SimFrames.MacB, SimFrames.MacA, 80, 5);
            var rx = new byte[1514];

            Assert.True(traced.Send(f, 0, 80));
            clock.AdvanceTo(net.NextDeliveryNs);
            Assert.Equal(80, b.Receive(rx, 0, rx.Length));
            var reply = SimFrames.Make(SimFrames.MacA, SimFrames.MacB, 64, 6);
            Assert.True(b.Send(reply, 0, 64));
            long due = net.NextDeliveryNs;
            clock.AdvanceTo(due);
            Assert.Equal(64, traced.Receive(rx, 0, rx.Length));
            a.SetLinkUp(false);
            Assert.False(traced.Send(f, 0, 80));

            Assert.Equal(new[] { "Sent@0:80:5", "Received@" + due + ":64:6", "SendRefused@" + due + ":80:5" }, log);
        }

        [Fact]
        public void WithoutAClockTheTracerUsesThePollTime()
        {
            var clock = new VirtualClock();
            var net = new SimulatedWire(clock);
            var a = net.AddPort(SimFrames.MacA);
            net.AddPort(SimFrames.MacB);
            long seen = -1;
            var traced = new Tracer(a, (dir, t, frame, off, len) => seen = t);
            traced.Poll(1234);
            var f = SimFrames.Make(SimFrames.MacB, SimFrames.MacA, 60);
            traced.Send(f, 0, 60);
            Assert.Equal(1234 * VirtualClock.NanosecondsPerMillisecond, seen);
        }
    }
}
