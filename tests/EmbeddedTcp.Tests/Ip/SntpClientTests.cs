using System;
using System.Globalization;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using Xunit;

namespace EmbeddedTcp.Tests.Ip
{
    /// <summary>The SNTP client against a test server on the simulated LAN, in virtual time.</summary>
    public class SntpClientTests
    {
        private static (DhcpLan d, SntpTestServer t) Lan(Action<SntpTestServer> setup = null, Action<NetworkConfig> config = null, bool fromDhcp = true)
        {
            var c = new NetworkConfig { UseSntp = true };
            config?.Invoke(c);
            if (!fromDhcp)
            {
                c.SntpServer = DhcpLan.ServerIp;
            }

            var d = new DhcpLan(s => { if (fromDhcp) { s.Ntp0 = DhcpLan.ServerIp; } }, c);
            var t = new SntpTestServer(d.S);
            setup?.Invoke(t);
            d.AfterStep = t.Poll;
            return (d, t);
        }

        private static long[] Gaps(SntpTestServer t, int count)
        {
            var g = new long[count];
            for (int i = 0; i < count; i++)
            {
                g[i] = t.RequestTimes[i + 1] - t.RequestTimes[i];
            }

            return g;
        }

        [Fact]
        public void Synchronizes_WithTheServerFromDhcpOption42_AndTheOffsetGivesItsUtc()
        {
            var (d, t) = Lan();
            SntpClient s = d.C.Sntp;
            Assert.NotNull(s);
            Assert.False(s.TrySyncedOffset(out _));
            Assert.Equal(0, s.UtcMs(d.Lan.NowMs));
            Assert.True(d.RunUntil(() => s.Synchronized, 10000));
            Assert.True(s.TrySyncedOffset(out long offset));
            Assert.InRange(offset - t.UtcAtZeroMs, -1, 1); // symmetric LAN: the offset is the server's clock
            Assert.InRange(s.UtcMs(d.Lan.NowMs) - (t.UtcAtZeroMs + d.Lan.NowMs), -1, 1);
            Assert.Equal(DhcpLan.ServerIp, s.Server);
            Assert.Equal(2, s.Stratum);
            Assert.Equal(0, s.LeapIndicator);
            Assert.InRange(s.RoundTripMs, 0, 50);
            // The first request waited for ARP (the server's MAC was unknown): its sample was not used, a second went out at once.
            Assert.Equal(2, t.Requests);
            Assert.Equal(1, s.Counters.SamplesDiscarded);
            Assert.InRange(t.RequestTimes[1] - t.RequestTimes[0], 0, 1100);
            Assert.Equal(3, t.LastMode);    // client
            Assert.Equal(4, t.LastVersion);
            Assert.Equal(SntpState.Idle, s.State);
            Assert.Equal(s.LastSyncMs + 3600000, s.NextRequestMs);
            Assert.Equal(1, s.Counters.Synchronizations);

            // The next poll an hour later; the offset follows the server if it stepped.
            t.UtcAtZeroMs += 5000;
            d.RunTo(s.LastSyncMs + 3600000 + 100);
            Assert.Equal(3, t.Requests);
            Assert.Equal(1, s.Counters.SamplesDiscarded); // the neighbour is known (refreshed while in use)
            Assert.True(s.TrySyncedOffset(out offset));
            Assert.InRange(offset - t.UtcAtZeroMs, -1, 1);
        }

        [Fact]
        public void ServerProcessingTime_IsTakenOutOfTheRoundTrip()
        {
            var (d, t) = Lan(x => x.HoldMs = 400, fromDhcp: false);
            SntpClient s = d.C.Sntp;
            Assert.True(d.RunUntil(() => s.Synchronized, 10000));
            Assert.True(s.TrySyncedOffset(out long offset));
            // T3 = T2 + 400 but the reply leaves at once: the client sees a 400 ms skew, half of it in the offset.
            Assert.InRange(offset - (t.UtcAtZeroMs + 200), -1, 1);
            Assert.InRange(s.RoundTripMs, -400, -350);
        }

        [Fact]
        public void NoServer_NoRequest_UntilDhcpGivesOne()
        {
            var c = new NetworkConfig { UseSntp = true };
            var d = new DhcpLan(null, c);
            var t = new SntpTestServer(d.S);
            d.AfterStep = t.Poll;
            d.RunTo(60000);
            Assert.Equal(0, t.Requests);
            Assert.Equal(SntpState.NoServer, d.C.Sntp.State);
            Assert.Null(new DhcpLan().C.Sntp); // off by default: nothing allocated
        }

        [Fact]
        public void Unanswered_Requests_BackOff_From15s_Doubling_UpToThePollInterval()
        {
            var (d, t) = Lan(x => x.Silent = true, c => c.SntpPollIntervalMs = 120000);
            d.RunTo(600000);
            Assert.Equal(new long[] { 15000, 30000, 60000, 120000, 120000 }, Gaps(t, 5));
            Assert.False(d.C.Sntp.Synchronized);
            Assert.True(d.C.Sntp.Counters.Timeouts >= 5);
        }

        [Fact]
        public void KissOfDeathRate_DoublesTheWait_ThenAReplyResetsIt()
        {
            var (d, t) = Lan(x => x.Kiss = "RATE");
            SntpClient s = d.C.Sntp;
            Assert.True(d.RunUntil(() => s.Counters.KissRate == 4, 600000));
            Assert.Equal(new long[] { 30000, 60000, 120000 }, Gaps(t, 3));
            Assert.Equal(4, s.Counters.KissRate);
            Assert.False(s.Synchronized);
            Assert.Equal(0, s.Counters.Timeouts);
            t.Kiss = null;
            Assert.True(d.RunUntil(() => s.Synchronized, 600000));
            Assert.Equal(15000, s.RetryWaitMs);
        }

        [Theory]
        [InlineData("DENY")]
        [InlineData("RSTR")]
        public void KissOfDeathDenyOrRestrict_StopsTheClient(string code)
        {
            var (d, t) = Lan(x => x.Kiss = code);
            SntpClient s = d.C.Sntp;
            Assert.True(d.RunUntil(() => s.State == SntpState.Denied, 10000));
            d.RunTo(d.Lan.NowMs + 3L * 3600 * 1000);
            Assert.Equal(1, t.Requests); // never again
            Assert.Equal(1, s.Counters.KissDeny);
            Assert.Equal(long.MaxValue, s.NextRequestMs);
            t.Kiss = null;
            s.Start(); // the application may try again (another server, or much later)
            Assert.True(d.RunUntil(() => s.Synchronized, 10000));
        }

        [Fact]
        public void OtherKissCodes_AreUnusableReplies()
        {
            var (d, t) = Lan(x => x.Kiss = "ACST");
            d.RunTo(20000);
            Assert.Equal(2, t.Requests); // retried after 15 s, not backed off like RATE
            Assert.Equal(2, d.C.Sntp.Counters.KissOther);
            Assert.Equal(0, d.C.Sntp.Counters.KissRate);
            Assert.False(d.C.Sntp.Synchronized);
        }

        [Fact]
        public void RepliesThatDoNotAnswerOurRequest_AreIgnored()
        {
            var (d, t) = Lan(x => x.WrongOrigin = true);
            d.RunTo(20000);
            Assert.Equal(2, d.C.Sntp.Counters.DroppedBogus);
            Assert.False(d.C.Sntp.Synchronized);
            Assert.Equal(1, d.C.Sntp.Counters.Timeouts);
        }

        [Theory]
        [InlineData(3, 2)]  // leap indicator 3: the server's clock is not synchronized
        [InlineData(0, 16)] // stratum 16: unsynchronized
        public void UnsynchronizedServers_AreNotUsed(int leap, int stratum)
        {
            var (d, t) = Lan(x => { x.Leap = leap; x.Stratum = stratum; });
            d.RunTo(20000);
            Assert.Equal(2, d.C.Sntp.Counters.DroppedUnsynchronized);
            Assert.False(d.C.Sntp.Synchronized);
        }

        [Fact]
        public void LeapWarnings_AreReported()
        {
            var (d, t) = Lan(x => x.Leap = 1);
            Assert.True(d.RunUntil(() => d.C.Sntp.Synchronized, 10000));
            Assert.Equal(1, d.C.Sntp.LeapIndicator);
        }

        [Fact]
        public void HostileInput_IsDropped_NeverThrows()
        {
            var (d, t) = Lan(x => x.Silent = true);
            SntpClient s = d.C.Sntp;
            Assert.True(d.RunUntil(() => s.State == SntpState.Waiting, 10000));
            long now = d.Lan.NowMs;
            Assert.False(s.Input(null, 48, DhcpLan.ServerIp, 123, now));
            Assert.False(s.Input(new byte[10], 10, DhcpLan.ServerIp, 123, now));
            Assert.False(s.Input(new byte[10], 48, DhcpLan.ServerIp, 123, now));
            Assert.Equal(3, s.Counters.DroppedMalformed);
            Assert.False(s.Input(new byte[48], 48, DhcpLan.ServerIp + 1, 123, now));
            Assert.False(s.Input(new byte[48], 48, DhcpLan.ServerIp, 124, now));
            Assert.Equal(2, s.Counters.DroppedUnexpected);
            var rnd = new Random(5);
            var m = new byte[48];
            for (int i = 0; i < 20000; i++)
            {
                rnd.NextBytes(m);
                s.Input(m, 48, DhcpLan.ServerIp, 123, now);
            }

            Assert.False(s.Synchronized);
        }

        [Fact]
        public void FormatUtc_WritesIso8601_LikeDotNet()
        {
            var b = new byte[24];
            var rnd = new Random(3);
            long[] fixedValues = { 0, 951782400000, 951868799999, 2085978496000, 4102444800000, 253402300799999 };
            for (int i = 0; i < 20000; i++)
            {
                long ms = i < fixedValues.Length ? fixedValues[i] : (long)(rnd.NextDouble() * 253402300799999);
                Assert.Equal(20, SntpClient.FormatUtc(ms, b, 2));
                string expected = DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(b, 2, 20));
            }

            Assert.Equal(0, SntpClient.FormatUtc(-1, b, 0));
            Assert.Equal(0, SntpClient.FormatUtc(0, b, 5));
            Assert.Equal(0, SntpClient.FormatUtc(253402300800000, b, 0));
        }

        [Fact]
        public void NtpTimestamps_OfEra1_AreAfter2036()
        {
            var b = new byte[8];
            b[3] = 1; // 1 s into era 1
            Assert.Equal(new DateTimeOffset(2036, 2, 7, 6, 28, 17, TimeSpan.Zero).ToUnixTimeMilliseconds(), SntpClient.NtpToUnixMs(b, 0));
            SntpTestServer.Write(b, 0, 1_790_000_000_123L);
            Assert.Equal(1_790_000_000_123L, SntpClient.NtpToUnixMs(b, 0));
        }
    }
}
