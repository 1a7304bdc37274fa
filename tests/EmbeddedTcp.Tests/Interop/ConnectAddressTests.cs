using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Tcp;
using Xunit;

namespace EmbeddedTcp.Tests.Interop
{
    /// <summary>
    /// Regression: Connect(0, ...) used to create a connection whose SYNs left from 0.0.0.0 (the
    /// kernel never answered; the interop client sat in SYN_SENT until it timed out). Address 0 now
    /// means the interface's address; with no address yet the call is refused and takes no entry.
    /// </summary>
    public sealed class ConnectAddressTests
    {
        [Fact]
        public void ConnectFromZeroUsesTheInterfaceAddress_AndWithoutOneIsRefusedAndTakesNoEntry()
        {
            var lan = new SimulatedLan();
            NetworkStack a = lan.AddHost(new byte[] { 2, 0, 0, 0, 0, 1 }, new NetworkConfig(), 1);
            long segmentsBefore = a.Tcp.Counters.SegmentsOut;
            Assert.Equal(NetError.InvalidState, a.Tcp.Connect(0, 0xC0000202, 80, 0));
            Assert.Equal(0, a.Tcp.ActiveCount);
            Assert.Equal(segmentsBefore, a.Tcp.Counters.SegmentsOut);
            a.SetAddress(0xC0000201, 0xFFFFFF00, 0, 0);
            int h = a.Tcp.Connect(0, 0xC0000202, 80, 0);
            Assert.True(h > 0);
            var info = new TcpEntryInfo();
            a.Tcp.GetEntry(a.Tcp.IndexOf(h), info);
            Assert.Equal(0xC0000201u, info.LocalIp);
        }
    }
}
