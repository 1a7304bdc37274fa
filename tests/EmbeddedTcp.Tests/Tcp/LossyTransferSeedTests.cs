using System.Collections.Generic;
using EmbeddedTcp.Tcp;
using Xunit;

namespace EmbeddedTcp.Tests.Tcp
{
    /// <summary>
    /// Issue "TCP data transfer": 10 MB between two stacks over a lossy in-memory link (5% loss,
    /// 5% reordering, 2% duplication, fixed seeds) arrives byte-exact, for 100 seeds. Split in
    /// two classes so the two halves run in parallel.
    /// </summary>
    public static class LossyTransferSeeds
    {
        public static IEnumerable<object[]> Seeds(int parity)
        {
            for (uint s = 1; s <= 100; s++)
            {
                if (s % 2 == parity)
                {
                    yield return new object[] { s };
                }
            }
        }

        public static void Run(uint seed)
        {
            var link = new TcpLink(TransferTests.SmallConfig(), TransferTests.SmallConfig(), seed)
            {
                LossPercent = 5,
                ReorderPercent = 5,
                DuplicatePercent = 2,
                DelayMs = 2,
            };
            const long total = 10L << 20;
            var r = TransferTests.Transfer(link, total, 24L * 3600 * 1000);
            Assert.Equal(total, r.Received);
            Assert.Equal(0, r.Mismatches);
            Assert.Equal(0, r.ActiveA);
            Assert.Equal(0, r.ActiveB);
            Assert.Equal(0, link.A.Counters.ConnectionErrors);
        }
    }

    public class LossyTransferOddSeedTests
    {
        [Theory]
        [MemberData(nameof(LossyTransferSeeds.Seeds), 1, MemberType = typeof(LossyTransferSeeds))]
        public void TenMegabytes_LossyLink_ArrivesByteExact(uint seed) => LossyTransferSeeds.Run(seed);
    }

    public class LossyTransferEvenSeedTests
    {
        [Theory]
        [MemberData(nameof(LossyTransferSeeds.Seeds), 0, MemberType = typeof(LossyTransferSeeds))]
        public void TenMegabytes_LossyLink_ArrivesByteExact(uint seed) => LossyTransferSeeds.Run(seed);
    }
}
