using EmbeddedTcp.Boards.Esp32Enc28j60;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Ip;
using nanoFramework.TestFramework;

namespace EmbeddedTcp.DeviceTests
{
    /// <summary>
    /// The network stack and firmware on the real board (needs a LAN with a DHCP server and a router
    /// that answers ping). A hardware test: skipped where there is no board (<see cref="DeviceBoard.OpenOrSkip"/>), e.g. on nanoCLR in CI.
    /// </summary>
    [TestClass]
    public class StackDeviceTests
    {
        /// <summary>
        /// Starts the firmware with DHCP, waits (at most 30 s) for a lease, then pings the router
        /// the lease named and waits (at most 5 s) for its echo reply, counted by the stack.
        /// </summary>
        [TestMethod]
        public void TheStackGetsALease_AndPingsTheRouter()
        {
            DeviceBoard.OpenOrSkip();
            BoardRunner runner = DeviceBoard.NewRunner();
            Assert.IsTrue(runner.Initialize(), "the ENC28J60 did not initialise");
            runner.StartFirmware(new NetworkConfig { UseDhcp = true }, new FirmwareOptions(), new SystemRandomSource());
            long start = DeviceBoard.NowMs;
            while (runner.Stack.Address == 0 && DeviceBoard.NowMs - start < 30000)
            {
                System.Threading.Thread.Sleep(runner.RunOnce());
            }

            Assert.IsTrue(runner.Stack.Address != 0, "no DHCP lease within 30 s");
            Assert.IsTrue(runner.Stack.Gateway != 0, "the lease named no router");
            Assert.IsTrue(runner.Stack.Ping(runner.Stack.Gateway, 0x4554, 1, 56), "ping could not be sent");
            start = DeviceBoard.NowMs;
            while (runner.Stack.Counters.IcmpEchoRepliesIn == 0 && DeviceBoard.NowMs - start < 5000)
            {
                System.Threading.Thread.Sleep(runner.RunOnce());
            }

            Assert.AreEqual(1L, runner.Stack.Counters.IcmpEchoRepliesIn, "no echo reply from the router");
            OutputHelper.WriteLine("lease and ping ok; the board also answers ping and serves http://<address>/");
        }
    }
}
