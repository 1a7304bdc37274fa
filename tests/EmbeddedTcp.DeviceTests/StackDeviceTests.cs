using nanoFramework.TestFramework;

namespace EmbeddedTcp.DeviceTests
{
    /// <summary>The network stack on the real board. Placeholder until EmbeddedTcp.Ip.NetworkStack exists.</summary>
    [TestClass]
    public class StackDeviceTests
    {
        /// <summary>
        /// TODO(stack): run BoardRunner with EmbeddedTcp.Ip.NetworkStack wired in, a static
        /// address (or DHCP), and have the host ping it (the test prints the address and waits
        /// for N echo replies counted by the stack's ICMP counters).
        /// </summary>
        [TestMethod]
        public void TheStackAnswersPing()
        {
            Assert.SkipTest("EmbeddedTcp.Ip.NetworkStack is not wired into BoardRunner yet");
        }
    }
}
