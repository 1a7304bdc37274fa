using System;
using System.IO;
using EmbeddedTcp.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Simulation
{
    public class SimulationAllocationTests
    {
        private readonly ITestOutputHelper _output;
        public SimulationAllocationTests(ITestOutputHelper output) { _output = output; }

        private long _traced;
        private void Trace(FrameDirection direction, long timeNs, byte[] frame, int offset, int length) => _traced += length;

        [Fact]
        public void FramesThroughSwitchFaultsPcapAndTracerAllocateNothing()
        {
            var clock = new VirtualClock();
            var net = new SimulatedSwitch(clock, new LinkOptions { JitterNs = 5_000 }, seed: 9);
            var portA = net.AddPort(SimFrames.MacA, 64);
            var portB = net.AddPort(SimFrames.MacB, 64);
            var faults = new FaultOptions { LossRate = 0.05, DuplicateRate = 0.05, ReorderRate = 0.05, CorruptRate = 0.05, JitterNs = 50_000 };
            portA.TransmitFaults = new FaultInjector(1, faults);
            portB.ReceiveFaults = new FaultInjector(2, faults);
            var writer = new PcapWriter(Stream.Null);
            var a = new Tracer(new PcapDevice(portA, writer, clock), Trace, clock);
            var b = new FaultInjectingDevice(new PcapDevice(portB, writer, clock),
                new FaultInjector(3, faults), new FaultInjector(4, faults), clock);
            var frame = new byte[1514];
            var rx = new byte[1514];
            long received = 0;

            void Run(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    int len = 60 + (i * 131) % 1400;
                    SimFrames.Fill(frame, SimFrames.MacB, SimFrames.MacA, len, i);
                    a.Send(frame, 0, len);
                    SimFrames.Fill(frame, SimFrames.MacA, SimFrames.MacB, 60, i);
                    b.Send(frame, 0, 60);
                    clock.AdvanceBy(1_400_000); // a 1460-byte frame takes 1.2 ms at 10 Mbit/s
                    b.Poll(clock.NowMs);
                    while (b.Receive(rx, 0, rx.Length) > 0)
                    {
                        received++;
                    }

                    while (a.Receive(rx, 0, rx.Length) > 0)
                    {
                        received++;
                    }
                }
            }

            Run(2000); // warm up: JIT, tiered compilation
            Run(2000);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run(10_000);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            _output.WriteLine("allocated " + allocated + " bytes over 10000 iterations; frames received " + received + ", pcap frames " + writer.FramesWritten);
            Assert.True(received > 20_000, "frames must actually flow: " + received);
            Assert.True(_traced > 0);
            Assert.Equal(0, allocated);
        }
    }
}
