using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Tcp;
using Xunit;

namespace EmbeddedTcp.Tests.Interop
{
    /// <summary>
    /// Regression: Connect(0, ...) used to create a connection whose SYNs left from 0.0.0.0 (the
    /// kernel never answered; the interop client sat in SYN_SENT until it timed out). It is refused now.
    /// </summary>
    public sealed class ConnectAddressTests
    {
        [Fact]
        public void ConnectWithoutALocalAddressIsRefusedAndTakesNoEntry()
        {
            var lan = new SimulatedLan();
            NetworkStack a = lan.AddHost(new byte[] { 2, 0, 0, 0, 0, 1 }, new NetworkConfig { Address = 0xC0000201 }, 1);
            long segmentsBefore = a.Tcp.Counters.SegmentsOut;
            Assert.Equal(TcpError.InvalidArgument, a.Tcp.Connect(0, 0xC0000202, 80, 0));
            Assert.Equal(0, a.Tcp.ActiveCount);
            Assert.Equal(segmentsBefore, a.Tcp.Counters.SegmentsOut);
            Assert.True(a.Tcp.Connect(a.Address, 0xC0000202, 80, 0) > 0);
        }
    }
}
