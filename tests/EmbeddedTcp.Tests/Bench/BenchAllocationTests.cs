using EmbeddedTcp.Bench.Harness;
using Xunit;

namespace EmbeddedTcp.Tests.Bench
{
    /// <summary>
    /// The allocation part of the benchmark report (tools/EmbeddedTcp.Bench, `report`), run in CI:
    /// the same measurement code, smaller sizes. No wall-clock assertions.
    /// </summary>
    public sealed class BenchAllocationTests
    {
        [Fact]
        public void Bulk_transfer_and_request_response_allocate_nothing_in_steady_state()
        {
            Measurements.Allocation(1 << 20, 200); // warm-up: JIT, statics
            AllocationResult r = Measurements.Allocation(2 << 20, 1000);

            Assert.True(r.Segments >= (2 << 20) / 1460, "the bulk transfer moved " + r.Segments + " segments");
            Assert.Equal(1000, r.Requests);
            Assert.Equal(0.0, r.PerSegmentRx);
            Assert.Equal(0.0, r.PerSegmentTx);
            Assert.Equal(0.0, r.PerRequest);
        }

        [Fact]
        public void Out_of_order_reception_allocates_nothing()
        {
            Assert.Equal(0.0, Measurements.OutOfOrderAllocationPerSegment(4, 200));
        }

        [Fact]
        public void Allocation_probe_sees_an_allocation()
        {
            // The probe the figures rest on must not be blind: a stack built during the
            // measured span is counted.
            long reported;
            long measured = Measurements.ConstructionBytes(new EmbeddedTcp.NetworkConfig(), out reported);
            Assert.True(reported > 0);
            Assert.True(measured >= reported, "measured " + measured + " < reported " + reported);
        }

        [Fact]
        public void Line_rate_through_the_enc28j60_model_stays_below_the_10base_t_limit()
        {
            // Simulated time, deterministic: the goodput cannot beat the wire, and a healthy
            // chain gets most of it.
            LineRateResult r = LineRate.Run(true, 512 << 10);
            Assert.True(r.Fraction <= 1.01, "fraction " + r.Fraction);
            Assert.True(r.Fraction > 0.5, "fraction " + r.Fraction);
            Assert.Equal(0, r.ChipDrops);
        }
    }
}
