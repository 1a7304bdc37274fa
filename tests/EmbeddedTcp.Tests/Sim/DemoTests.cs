using System.IO;
using EmbeddedTcp.Sim;
using Xunit;

namespace EmbeddedTcp.Tests.Sim
{
    public class DemoTests
    {
        [Fact]
        public void TheDemoRunsEveryPhaseAndPrintsASummary()
        {
            var o = new StringWriter();
            var e = new StringWriter();
            // Exactly what `dotnet run --project tools/EmbeddedTcp.Sim` does, with a smaller bulk transfer.
            int code = Program.Run(new[] { "--bulk-kib", "256" }, o, e);
            string text = o.ToString();
            Assert.True(code == 0, text + e);
            Assert.Contains("HTTP/1.0 200 OK", text);
            Assert.Contains("host's end is CLOSE_WAIT (the board closed first)", text);
            Assert.Contains("all 16384 bytes came back unchanged", text);
            Assert.Contains("the board discarded 262144 bytes", text);
            Assert.Contains("every byte matched the RFC 864 pattern", text);
            Assert.Contains("LISTEN -> SYN_RECEIVED", text);
            Assert.Contains("TIME_WAIT -> CLOSED", text);
            Assert.Contains("summary", text);
            Assert.Contains("board's connection table at", text);
            Assert.Equal("", e.ToString());
        }

        [Fact]
        public void ChargedCpuSlowsTheBoardByTheModelAndStaysDeterministic()
        {
            var free = new Demo(TextWriter.Null, 1, 128);
            var psram = new Demo(TextWriter.Null, 1, 128, cpu: EmbeddedTcp.Simulation.Cost.Esp32CostModel.Get("esp32-psram"));
            var plain = new Demo(TextWriter.Null, 1, 128, cpu: EmbeddedTcp.Simulation.Cost.Esp32CostModel.Get("esp32"));
            var again = new Demo(TextWriter.Null, 1, 128, cpu: EmbeddedTcp.Simulation.Cost.Esp32CostModel.Get("esp32-psram"));
            foreach (Demo d in new[] { free, psram, plain, again })
            {
                Assert.Equal(0, d.Run());
            }

            for (int bulk = 2; bulk <= 3; bulk++)
            {
                // ESP32_REV3's toggle loop ran 3x slower than ESP32_PSRAM_REV3's: its board is slower, both slower than an uncharged one.
                Assert.True(plain.Phases[bulk].Mbps < psram.Phases[bulk].Mbps && psram.Phases[bulk].Mbps < free.Phases[bulk].Mbps,
                    plain.Phases[bulk].Mbps + " < " + psram.Phases[bulk].Mbps + " < " + free.Phases[bulk].Mbps);
                Assert.Equal(psram.Phases[bulk].DurationNs, again.Phases[bulk].DurationNs);
                Assert.InRange(psram.Phases[bulk].WorkPercent, 50, 101);
            }

            Assert.True(psram.Board.CpuBusyNs > 0 && psram.Board.Turns > 0 && free.Board.CpuBusyNs == 0);
        }

        [Fact]
        public void DemoFiguresComeFromTheSimulatedBoard()
        {
            var demo = new Demo(TextWriter.Null, 1, 128);
            Assert.Equal(0, demo.Run());
            Assert.Equal(6, demo.Phases.Count);
            Assert.All(demo.Phases, p => Assert.True(p.Ok, p.Name));
            // Bulk throughput in simulated time is bounded by the 10 Mbit/s wire.
            Assert.InRange(demo.Phases[2].Mbps, 1, 10);
            Assert.InRange(demo.Phases[3].Mbps, 1, 10);
            Assert.True(demo.Board.SpiBytes > 2 * 128 * 1024, "every byte received by discard and sent by chargen crossed the modelled SPI bus");
            Assert.True(demo.Board.SpiBusyNs > 0);
            Assert.Equal(0, demo.Board.Stack.Tcp.ActiveCount);
        }

        [Fact]
        public void TheDemoCompletesOverALossyLink()
        {
            var demo = new Demo(TextWriter.Null, 2, 128, loss: 0.02);
            Assert.Equal(0, demo.Run());
            Assert.All(demo.Phases, p => Assert.True(p.Ok, p.Name));
            Assert.True(demo.Board.Port.TransmitFaults.Dropped + demo.Board.Port.ReceiveFaults.Dropped > 0);
        }

        [Fact]
        public void TheSameSeedGivesTheSameDemoOutputInSimulatedTime()
        {
            string Run()
            {
                var o = new StringWriter();
                Assert.Equal(0, new Demo(o, 3, 64).Run());
                // Drop the last line: it reports wall time.
                string s = o.ToString().TrimEnd();
                return s.Substring(0, s.LastIndexOf('\n'));
            }
            Assert.Equal(Run(), Run());
        }
    }
}
