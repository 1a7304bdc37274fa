using System;
using System.Collections.Generic;
using System.IO;
using EmbeddedTcp.Simulation;
using Xunit;

namespace EmbeddedTcp.Tests.Simulation
{
    public class FaultInjectorTests
    {
        /// <summary>Records what comes out of an injector.</summary>
        private sealed class RecordingSink : IFrameSink
        {
            public readonly List<byte[]> Frames = new List<byte[]>();
            public readonly List<long> Delays = new List<long>();
            public void Accept(byte[] frame, int offset, int length, long extraDelayNs)
            {
                Frames.Add(frame.AsSpan(offset, length).ToArray());
                Delays.Add(extraDelayNs);
            }
        }

        private static void AssertRate(long count, int n, double p, string what)
        {
            double expected = n * p;
            double sigma = Math.Sqrt(n * p * (1 - p));
            Assert.True(Math.Abs(count - expected) <= 5 * sigma,
                what + ": " + count + " of " + n + ", expected " + expected + " +- " + (5 * sigma));
        }

        [Fact]
        public void RatesAreWithinToleranceOverManyFrames()
        {
            const int n = 100_000;
            // Corruption starts after the sequence number (bytes 14..17) so the test can rebuild the original.
            var options = new FaultOptions { LossRate = 0.10, DuplicateRate = 0.05, ReorderRate = 0.02, CorruptRate = 0.03, JitterNs = 1000, CorruptFromOffset = 18 };
            var injector = new FaultInjector(12345, options);
            var sink = new RecordingSink();
            var frame = SimFrames.Make(SimFrames.MacB, SimFrames.MacA, 100);
            long corruptedSeen = 0, flippedBitsOk = 0;
            for (int i = 0; i < n; i++)
            {
                SimFrames.Fill(frame, SimFrames.MacB, SimFrames.MacA, 100, i);
                var before = (byte[])frame.Clone();
                int start = sink.Frames.Count;
                injector.Process(frame, 0, frame.Length, sink);
                Assert.Equal(before, frame); // the caller's frame is never modified
                for (int k = start; k < sink.Frames.Count; k++)
                {
                    var outFrame = sink.Frames[k];
                    int seq = SimFrames.Sequence(outFrame);
                    byte[] original = SimFrames.Make(SimFrames.MacB, SimFrames.MacA, 100, seq);
                    int bits = 0, firstByte = -1;
                    for (int j = 0; j < 100; j++)
                    {
                        int diff = original[j] ^ outFrame[j];
                        if (diff != 0 && firstByte < 0)
                        {
                            firstByte = j;
                        }

                        while (diff != 0) { bits += diff & 1; diff >>= 1; }
                    }
                    if (bits > 0)
                    {
                        corruptedSeen++;
                        if (bits == 1 && firstByte >= 18)
                        {
                            flippedBitsOk++;
                        }
                    }
                }
            }
            injector.Flush(sink);

            Assert.Equal(n, injector.FramesIn);
            AssertRate(injector.Dropped, n, 0.10, "lost");
            long kept = n - injector.Dropped;
            AssertRate(injector.Duplicated, (int)kept, 0.05 * (1 - 0.02), "duplicated");
            AssertRate(injector.Reordered, (int)kept, 0.02, "reordered");
            AssertRate(injector.Corrupted, (int)kept, 0.03, "corrupted");
            Assert.Equal(kept + injector.Duplicated, injector.FramesOut);
            Assert.Equal(injector.FramesOut, sink.Frames.Count);
            // A corrupted frame differs in exactly one bit, outside the Ethernet header.
            Assert.Equal(corruptedSeen, flippedBitsOk);
            Assert.True(corruptedSeen >= injector.Corrupted, "every corrupted frame was delivered at least once");
            Assert.All(sink.Delays, d => Assert.InRange(d, 0, 1000));
        }

        [Fact]
        public void CorruptionFlipsOneBitOutsideTheEthernetHeaderByDefault()
        {
            var injector = new FaultInjector(99, new FaultOptions { CorruptRate = 1.0 });
            var sink = new RecordingSink();
            var f = SimFrames.Make(SimFrames.MacB, SimFrames.MacA, 60, 1);
            var positions = new HashSet<int>();
            for (int i = 0; i < 2000; i++)
            {
                injector.Process(f, 0, f.Length, sink);
            }

            foreach (var x in sink.Frames)
            {
                int bits = 0;
                for (int j = 0; j < 60; j++)
                {
                    int diff = x[j] ^ f[j];
                    if (diff != 0) { Assert.True(j >= 14, "header byte " + j + " corrupted"); positions.Add(j); }
                    while (diff != 0) { bits += diff & 1; diff >>= 1; }
                }
                Assert.Equal(1, bits);
            }
            Assert.Equal(2000, injector.Corrupted);
            Assert.Equal(46, positions.Count); // every byte 14..59 gets hit in 2000 draws
        }

        [Fact]
        public void ReorderHoldsAFrameUntilTheNextOnePasses()
        {
            var injector = new FaultInjector(1, new FaultOptions { ReorderRate = 1.0 });
            var sink = new RecordingSink();
            for (int i = 1; i <= 6; i++)
            {
                var f = SimFrames.Make(SimFrames.MacB, SimFrames.MacA, 60, i);
                injector.Process(f, 0, f.Length, sink);
            }
            var order = sink.Frames.ConvertAll(f => SimFrames.Sequence(f));
            Assert.Equal(new[] { 2, 1, 4, 3, 6, 5 }, order);
            Assert.Equal(3, injector.Reordered);
        }

        [Fact]
        public void NoFaultsPassesEverythingUnchanged()
        {
            var injector = new FaultInjector(7, new FaultOptions());
            var sink = new RecordingSink();
            var f = SimFrames.Make(SimFrames.MacB, SimFrames.MacA, 300, 5);
            for (int i = 0; i < 1000; i++)
            {
                injector.Process(f, 0, f.Length, sink);
            }

            Assert.Equal(1000, sink.Frames.Count);
            Assert.All(sink.Frames, x => Assert.Equal(f, x));
            Assert.All(sink.Delays, d => Assert.Equal(0, d));
        }

        [Fact]
        public void FullLossDropsEverything()
        {
            var injector = new FaultInjector(7, new FaultOptions { LossRate = 1.0 });
            var sink = new RecordingSink();
            var f = SimFrames.Make(SimFrames.MacB, SimFrames.MacA, 60);
            for (int i = 0; i < 100; i++)
            {
                injector.Process(f, 0, f.Length, sink);
            }

            Assert.Empty(sink.Frames);
            Assert.Equal(100, injector.Dropped);
        }

        /// <summary>
        /// Sends 3000 numbered frames a -> b through a switch with faults in both directions and
        /// returns the byte stream b received: for each frame its arrival time and its bytes.
        /// </summary>
        private static byte[] RunLossyTransfer(ulong seed)
        {
            var clock = new VirtualClock();
            var net = new SimulatedSwitch(clock, new LinkOptions { BitsPerSecond = 100_000_000, JitterNs = 20_000 }, seed: seed);
            var a = net.AddPort(SimFrames.MacA);
            var b = net.AddPort(SimFrames.MacB, receiveQueueFrames: 64);
            var faults = new FaultOptions { LossRate = 0.05, DuplicateRate = 0.03, ReorderRate = 0.05, CorruptRate = 0.05, JitterNs = 300_000 };
            a.TransmitFaults = new FaultInjector(seed, faults);
            b.ReceiveFaults = new FaultInjector(seed * 31 + 1, faults);
            var output = new MemoryStream();
            var rx = new byte[1514];
            var f = new byte[1514];
            for (int i = 0; i < 3000; i++)
            {
                int len = 60 + (i * 97) % 1400;
                SimFrames.Fill(f, SimFrames.MacB, SimFrames.MacA, len, i);
                Assert.True(a.Send(f, 0, len));
                clock.AdvanceBy(200_000); // longer than a 1514-byte frame takes at 100 Mbit/s
                int n;
                while ((n = b.Receive(rx, 0, rx.Length)) > 0)
                {
                    output.Write(BitConverter.GetBytes(clock.NowNs));
                    output.Write(rx, 0, n);
                }
            }
            clock.AdvanceMs(100);
            int m;
            while ((m = b.Receive(rx, 0, rx.Length)) > 0)
            {
                output.Write(rx, 0, m);
            }

            Assert.True(a.TransmitFaults.Dropped > 0 && a.TransmitFaults.Reordered > 0 && b.ReceiveFaults.Corrupted > 0);
            return output.ToArray();
        }

        [Fact]
        public void SameSeedGivesTheSameRunByteForByte()
        {
            byte[] first = RunLossyTransfer(2024);
            byte[] second = RunLossyTransfer(2024);
            Assert.True(first.Length > 1_000_000);
            Assert.True(first.AsSpan().SequenceEqual(second), "same seed must give identical output");
        }

        [Fact]
        public void DifferentSeedGivesADifferentRun()
        {
            byte[] first = RunLossyTransfer(2024);
            byte[] other = RunLossyTransfer(2025);
            Assert.False(first.AsSpan().SequenceEqual(other), "a different seed should change the run");
        }

        [Fact]
        public void DeviceWrapperPassesTheInnerDevicesRefusalThrough()
        {
            var clock = new VirtualClock();
            var net = new SimulatedWire(clock);
            var a = net.AddPort(SimFrames.MacA);
            net.AddPort(SimFrames.MacB);
            var wrapped = new FaultInjectingDevice(a, new FaultInjector(5, new FaultOptions { DuplicateRate = 1.0 }), null, clock);
            var f = SimFrames.Make(SimFrames.MacB, SimFrames.MacA, 60);
            Assert.True(wrapped.Send(f, 0, 60));
            Assert.Equal(2, a.FramesSent);               // duplicated straight through
            a.SetLinkUp(false);
            Assert.False(wrapped.Send(f, 0, 60));        // refusal is reported, not hidden
            Assert.False(wrapped.LinkUp);
        }

        [Fact]
        public void Pcg32MatchesTheReferenceSequence()
        {
            // pcg32_srandom(42, 54) reference output from the PCG paper's pcg32-demo.
            var rng = new Pcg32(42, 54);
            uint[] expected = { 0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e };
            foreach (uint e in expected)
            {
                Assert.Equal(e, rng.NextUInt32());
            }
        }

        [Fact]
        public void DeviceWrapperDelaysFramesUntilTheyAreDue()
        {
            var clock = new VirtualClock();
            var net = new SimulatedWire(clock, new LinkOptions { PropagationDelayNs = 0 });
            var a = net.AddPort(SimFrames.MacA);
            var b = net.AddPort(SimFrames.MacB);
            var lossy = new FaultInjectingDevice(a,
                new FaultInjector(3, new FaultOptions { DelayNs = 5_000_000 }),
                new FaultInjector(4, new FaultOptions { LossRate = 1.0 }), clock);
            var f = SimFrames.Make(SimFrames.MacB, SimFrames.MacA, 60, 77);
            var rx = new byte[1514];

            Assert.True(lossy.Send(f, 0, f.Length));
            Assert.Equal(0, a.FramesSent);
            Assert.Equal(5_000_000, lossy.NextDueNs);
            clock.AdvanceMs(4);
            lossy.Poll(clock.NowMs);
            Assert.Equal(0, a.FramesSent);
            clock.AdvanceMs(1);
            lossy.Poll(clock.NowMs);
            Assert.Equal(1, a.FramesSent);
            clock.AdvanceMs(1);
            Assert.Equal(60, b.Receive(rx, 0, rx.Length));
            Assert.Equal(77, SimFrames.Sequence(rx));

            // Everything received through the wrapper is lost.
            var back = SimFrames.Make(SimFrames.MacA, SimFrames.MacB, 60, 78);
            Assert.True(b.Send(back, 0, back.Length));
            clock.AdvanceMs(1);
            Assert.Equal(0, lossy.Receive(rx, 0, rx.Length));
            Assert.Equal(1, lossy.ReceiveFaults.Dropped);
        }
    }
}
