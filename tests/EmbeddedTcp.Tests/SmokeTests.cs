using Xunit;

namespace EmbeddedTcp.Tests
{
    public class SolutionSmokeTests
    {
        [Fact]
        public void CoreAssemblyLoads()
        {
            Assert.Equal("EmbeddedTcp", typeof(EmbeddedTcp.Hal.INetworkDevice).Assembly.GetName().Name);
        }
    }
}
