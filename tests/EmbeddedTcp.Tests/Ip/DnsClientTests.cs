using System;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Tcp;
using EmbeddedTcp.Wire;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Ip
{
    /// <summary>The DNS client against test servers on a simulated LAN, in virtual time, and against forged answers.</summary>
    public class DnsClientTests
    {
        private const uint Web = 0xC6336407; // 198.51.100.7
        private readonly ITestOutputHelper _log;

        public DnsClientTests(ITestOutputHelper log)
        {
            _log = log;
        }

        [Fact]
        public void Resolves_AnARecord_ThroughTheServer()
        {
            var d = new DnsLan();
            d.ServerB.Add("www.example.com", Web, 300);
            int q = d.A.Dns.Resolve("WWW.Example.com.");
            Assert.True(q > 0);
            Assert.Equal(DnsStatus.Pending, d.A.Dns.GetResult(q, out _));
            Assert.Equal(DnsStatus.Resolved, d.Wait(q, out uint address));
            Assert.Equal(Web, address);
            Assert.Equal(1, d.ServerB.Queries);
            Assert.Equal(1, d.A.Dns.Counters.Resolved);
            Assert.Equal(DnsStatus.Error, d.A.Dns.GetResult(q, out _)); // a final result is given once
            Assert.Equal(0, d.A.Dns.PendingCount);
        }

        [Fact]
        public void Cache_AnswersWithinTtl_AndRequeriesAfterIt()
        {
            var d = new DnsLan();
            d.ServerB.Add("a.test", Web, 30);
            Assert.Equal(DnsStatus.Resolved, d.Wait(d.A.Dns.Resolve("a.test"), out _));
            d.RunFor(29000);
            int q = d.A.Dns.Resolve("A.TEST");
            Assert.Equal(DnsStatus.Resolved, d.A.Dns.GetResult(q, out uint address)); // at once, no poll
            Assert.Equal(Web, address);
            Assert.Equal(1, d.A.Dns.Counters.CacheHits);
            Assert.Equal(1, d.ServerB.Queries);

            d.RunFor(1500); // TTL (30 s from the answer) has passed
            q = d.A.Dns.Resolve("a.test");
            Assert.Equal(DnsStatus.Pending, d.A.Dns.GetResult(q, out _));
            Assert.Equal(DnsStatus.Resolved, d.Wait(q, out address));
            Assert.Equal(2, d.ServerB.Queries);
            Assert.Equal(1, d.A.Dns.Counters.CacheHits);
        }

        [Fact]
        public void Cache_IsFixedSize_LeastRecentlyUsedGoes()
        {
            var d = new DnsLan();
            for (int i = 0; i < 6; i++)
            {
                d.ServerB.Add("h" + i + ".test", Web + (uint)i, 600);
            }

            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(DnsStatus.Resolved, d.Wait(d.A.Dns.Resolve("h" + i + ".test"), out _));
            }

            Assert.Equal(DnsStatus.Resolved, d.Wait(d.A.Dns.Resolve("h0.test"), out _)); // hit: h0 is now the newest
            Assert.Equal(DnsStatus.Resolved, d.Wait(d.A.Dns.Resolve("h4.test"), out _)); // evicts h1
            Assert.Equal(5, d.ServerB.Queries);
            Assert.Equal(DnsStatus.Resolved, d.Wait(d.A.Dns.Resolve("h0.test"), out uint a0));
            Assert.Equal(Web, a0);
            Assert.Equal(5, d.ServerB.Queries);
            Assert.Equal(DnsStatus.Resolved, d.Wait(d.A.Dns.Resolve("h1.test"), out _));
            Assert.Equal(6, d.ServerB.Queries);
        }

        [Fact]
        public void FallsBack_ToTheSecondServer_WhenTheFirstIsSilent()
        {
            var d = new DnsLan(LanFixture.IpC, LanFixture.IpB);
            d.ServerC.Silent = true;
            d.ServerB.Add("b.test", Web, 60);
            long start = d.Lan.NowMs;
            int q = d.A.Dns.Resolve("b.test");
            Assert.Equal(DnsStatus.Resolved, d.Wait(q, out uint address));
            Assert.Equal(Web, address);
            Assert.Equal(1, d.ServerC.Queries);
            Assert.Equal(1, d.ServerB.Queries);
            Assert.InRange(d.ServerB.LastQueryMs - start, 2000, 2020); // after the first 2 s timeout
            Assert.Equal(1, d.A.Dns.Counters.Retransmissions);
        }

        [Fact]
        public void ServerFailure_AsksTheOtherServerAtOnce()
        {
            var d = new DnsLan(LanFixture.IpC, LanFixture.IpB);
            d.ServerC.ForcedRcode = 2; // SERVFAIL
            d.ServerB.Add("b.test", Web, 60);
            long start = d.Lan.NowMs;
            Assert.Equal(DnsStatus.Resolved, d.Wait(d.A.Dns.Resolve("b.test"), out uint address));
            Assert.Equal(Web, address);
            Assert.InRange(d.Lan.NowMs - start, 0, 50);
            Assert.Equal(1, d.A.Dns.Counters.ServerFailures);
        }

        [Fact]
        public void ReturnsTimeout_AfterAllTries_OnBothServers()
        {
            var d = new DnsLan(LanFixture.IpB, LanFixture.IpC);
            d.ServerB.Silent = true;
            d.ServerC.Silent = true;
            long start = d.Lan.NowMs;
            int q = d.A.Dns.Resolve("gone.test");
            Assert.Equal(DnsStatus.Timeout, d.Wait(q, out _));
            long took = d.Lan.NowMs - start;
            _log.WriteLine("timeout after " + took + " ms");
            Assert.InRange(took, 12000, 12050); // 2 s, 2 s, 4 s, 4 s
            Assert.Equal(2, d.ServerB.Queries);
            Assert.Equal(2, d.ServerC.Queries);
            Assert.Equal(1, d.A.Dns.Counters.Timeouts);
            Assert.Equal(0, d.A.Dns.PendingCount);
        }

        [Fact]
        public void AllServersFailing_GivesError_NotTimeout()
        {
            var d = new DnsLan(LanFixture.IpB);
            d.ServerB.ForcedRcode = 5; // REFUSED
            Assert.Equal(DnsStatus.Error, d.Wait(d.A.Dns.Resolve("x.test"), out _));
            Assert.Equal(4, d.ServerB.Queries);
        }

        [Fact]
        public void NxDomain_IsNotFound_AndCnameChainsAreFollowed()
        {
            var d = new DnsLan();
            d.ServerB.Add("alias.test", 0, 100, "mid.test").Add("mid.test", 0, 50, "real.test").Add("real.test", Web, 200);
            Assert.Equal(DnsStatus.NotFound, d.Wait(d.A.Dns.Resolve("nothing.test"), out _));
            Assert.Equal(DnsStatus.Resolved, d.Wait(d.A.Dns.Resolve("alias.test"), out uint address));
            Assert.Equal(Web, address);
            // Cached for the shortest TTL in the chain (50 s).
            d.RunFor(49000);
            Assert.Equal(DnsStatus.Resolved, d.A.Dns.GetResult(d.A.Dns.Resolve("alias.test"), out _));
            d.RunFor(2000);
            Assert.Equal(DnsStatus.Pending, d.A.Dns.GetResult(d.A.Dns.Resolve("alias.test"), out _));
        }

        [Fact]
        public void Resolve_RejectsBadNames_FullTables_AndNoServer()
        {
            var d = new DnsLan();
            DnsClient dns = d.A.Dns;
            Assert.Equal(NetError.InvalidArgument, dns.Resolve(""));
            Assert.Equal(NetError.InvalidArgument, dns.Resolve((string)null));
            Assert.Equal(NetError.InvalidArgument, dns.Resolve("."));
            Assert.Equal(NetError.InvalidArgument, dns.Resolve("a..b"));
            Assert.Equal(NetError.InvalidArgument, dns.Resolve(".a"));
            Assert.Equal(NetError.InvalidArgument, dns.Resolve("a b.test"));
            Assert.Equal(NetError.InvalidArgument, dns.Resolve("caf\u00e9.test"));
            Assert.Equal(NetError.InvalidArgument, dns.Resolve(new string('a', 64) + ".b"));
            Assert.Equal(NetError.InvalidArgument, dns.Resolve(new string('a', 30) + "." + new string('b', 34))); // 65 bytes
            Assert.Equal(NetError.InvalidArgument, dns.Resolve(new byte[4], 2, 5));
            Assert.True(dns.Resolve(new string('a', 30) + "." + new string('b', 33) + ".") > 0); // 64 bytes + dot
            Assert.True(dns.Resolve(new byte[] { (byte)'x', (byte)'.', (byte)'t' }, 0, 3) > 0);
            Assert.Equal(NetError.NoResources, dns.Resolve("third.test")); // 2 queries at once
            Assert.Equal(2, dns.PendingCount);
            Assert.False(dns.Cancel(12345));
            Assert.Equal(DnsStatus.Error, dns.GetResult(0x40000F00, out _));

            var none = new DnsLan(0, 0);
            Assert.Equal(NetError.InvalidState, none.A.Dns.Resolve("x.test"));
        }

        [Fact]
        public void DottedQuadLiterals_ResolveWithoutAServer()
        {
            var d = new DnsLan(0, 0);
            Assert.Equal(DnsStatus.Resolved, d.A.Dns.GetResult(d.A.Dns.Resolve("192.0.2.77"), out uint address));
            Assert.Equal(0xC000024Du, address);
            Assert.Equal(NetError.InvalidState, d.A.Dns.Resolve("192.0.2.256")); // a name, and no server to ask
            Assert.Equal(NetError.InvalidState, d.A.Dns.Resolve("1.2.3"));
        }

        [Fact]
        public void UsesTheDnsServers_LearnedByDhcp()
        {
            var d = new DhcpLan(s => { s.Dns0 = DhcpLan.ObserverIp; s.Dns1 = DhcpLan.ServerIp; });
            var silent = new DnsTestServer(d.O) { Silent = true };
            var dns = new DnsTestServer(d.S).Add("dhcp.test", Web, 60);
            Assert.True(d.RunUntil(() => d.C.Dhcp.State == DhcpState.Bound, 10000));
            int q = d.C.Dns.Resolve("dhcp.test");
            Assert.True(q > 0);
            DnsStatus s = DnsStatus.Pending;
            uint address = 0;
            Assert.True(d.RunUntil(() =>
            {
                silent.Poll();
                dns.Poll();
                return (s = d.C.Dns.GetResult(q, out address)) != DnsStatus.Pending;
            }, 20000));
            Assert.Equal(DnsStatus.Resolved, s);
            Assert.Equal(Web, address);
            Assert.Equal(1, silent.Queries);
            Assert.Equal(1, dns.Queries);
        }

        [Fact]
        public void Queries_AllocateNothing_AfterWarmUp()
        {
            var d = new DnsLan(LanFixture.IpC, LanFixture.IpB);
            d.ServerB.Add("alias.test", 0, 100, "real.test").Add("real.test", Web, 200).Add("q.test", Web, 0);
            d.ServerC.ForcedRcode = 2;
            Exercise(d, 3); // warm-up
            long before = GC.GetAllocatedBytesForCurrentThread();
            Exercise(d, 50);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            _log.WriteLine("50 rounds of queries (server failure + fallback, CNAME, cache hit, NXDOMAIN): " + allocated + " bytes allocated");
            Assert.True(d.A.Dns.Counters.Resolved >= 100);
            Assert.True(d.A.Dns.Counters.CacheHits >= 50);
            Assert.Equal(0, allocated);
        }

        private static void Exercise(DnsLan d, int rounds)
        {
            DnsClient dns = d.A.Dns;
            for (int r = 0; r < rounds; r++)
            {
                dns.ClearCache();
                int q1 = dns.Resolve("alias.test");
                int q2 = dns.Resolve("q.test");
                Finish(d, q1, DnsStatus.Resolved);
                Finish(d, q2, DnsStatus.Resolved);
                Finish(d, dns.Resolve("ALIAS.test"), DnsStatus.Resolved); // cache hit
                Finish(d, dns.Resolve("missing.test"), DnsStatus.NotFound);
            }
        }

        private static void Finish(DnsLan d, int q, DnsStatus expected)
        {
            long end = d.Lan.NowMs + 30000;
            DnsStatus s;
            uint address;
            while ((s = d.A.Dns.GetResult(q, out address)) == DnsStatus.Pending && d.Lan.NowMs < end)
            {
                d.Step(end);
            }

            if (s != expected)
            {
                throw new Xunit.Sdk.XunitException("expected " + expected + ", got " + s); // Assert.Equal boxes enums
            }
        }

        // ------------------------------------------------------------------ forged answers

        /// <summary>A pending query for "www.example.com" on a client whose server never answers, and its id.</summary>
        private static DnsLan Pending(out int query, out int id)
        {
            var d = new DnsLan();
            d.ServerB.Silent = true;
            query = d.A.Dns.Resolve("www.example.com");
            id = d.A.Dns.QueryId(query);
            Assert.True(id >= 0);
            return d;
        }

        /// <summary>A response: header, the question for www.example.com, then <paramref name="answers"/> (raw bytes).</summary>
        private static byte[] Response(int id, int flags, int qd, int an, params byte[][] answers)
        {
            var m = new System.Collections.Generic.List<byte>();
            m.Add((byte)(id >> 8)); m.Add((byte)id);
            m.Add((byte)(flags >> 8)); m.Add((byte)flags);
            m.Add((byte)(qd >> 8)); m.Add((byte)qd);
            m.Add((byte)(an >> 8)); m.Add((byte)an);
            m.AddRange(new byte[4]);
            m.AddRange(Question);
            foreach (byte[] a in answers)
            {
                m.AddRange(a);
            }

            return m.ToArray();
        }

        private static readonly byte[] Question =
        {
            3, (byte)'w', (byte)'w', (byte)'w', 7, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e',
            3, (byte)'c', (byte)'o', (byte)'m', 0, 0, 1, 0, 1,
        };

        /// <summary>An RR with the given owner bytes: type, class IN, TTL 60, rdata.</summary>
        private static byte[] Rr(byte[] owner, int type, params byte[] rdata)
        {
            var r = new System.Collections.Generic.List<byte>(owner);
            r.Add(0); r.Add((byte)type); r.Add(0); r.Add(1);
            r.Add(0); r.Add(0); r.Add(0); r.Add(60);
            r.Add((byte)(rdata.Length >> 8)); r.Add((byte)rdata.Length);
            r.AddRange(rdata);
            return r.ToArray();
        }

        private static readonly byte[] ToQuestion = { 0xC0, 12 };
        private static readonly byte[] AddressRdata = { 198, 51, 100, 7 };

        [Fact]
        public void ForgedAnswers_AreDroppedAndCounted_ThenTheRealOneResolves()
        {
            DnsLan d = Pending(out int q, out int id);
            DnsClient c = d.A.Dns;
            DnsCounters k = c.Counters;
            uint sv = LanFixture.IpB;
            long now = d.Lan.NowMs;
            byte[] good = Response(id, 0x8180, 1, 1, Rr(ToQuestion, 1, AddressRdata));

            Assert.False(c.Input(good, 11, sv, now)); // shorter than a header
            Assert.False(c.Input(null, 0, sv, now));
            Assert.Equal(2, k.DroppedMalformed);

            byte[] m = Response(id ^ 1, 0x8180, 1, 1, Rr(ToQuestion, 1, AddressRdata));
            Assert.False(c.Input(m, m.Length, sv, now));
            Assert.Equal(1, k.DroppedWrongId);

            Assert.False(c.Input(good, good.Length, LanFixture.IpC, now)); // not our server
            Assert.Equal(1, k.DroppedWrongSource);

            m = Response(id, 0x0180, 1, 1, Rr(ToQuestion, 1, AddressRdata)); // QR clear
            Assert.False(c.Input(m, m.Length, sv, now));
            m = Response(id, 0x8980, 1, 1, Rr(ToQuestion, 1, AddressRdata)); // opcode 1
            Assert.False(c.Input(m, m.Length, sv, now));
            Assert.Equal(4, k.DroppedMalformed);

            // The question must be echoed: count, name, type, class.
            foreach (int qd in new[] { 0, 2 })
            {
                m = Response(id, 0x8180, qd, 1, Rr(ToQuestion, 1, AddressRdata));
                Assert.False(c.Input(m, m.Length, sv, now));
            }

            m = (byte[])good.Clone();
            m[13] = (byte)'x'; // wxw.example.com
            Assert.False(c.Input(m, m.Length, sv, now));
            m = (byte[])good.Clone();
            m[12 + 17 + 1] = 28; // AAAA
            Assert.False(c.Input(m, m.Length, sv, now));
            Assert.Equal(4, k.DroppedWrongQuestion);

            // Truncated records; huge counts.
            Assert.False(c.Input(good, good.Length - 1, sv, now)); // rdata cut short
            Assert.False(c.Input(good, good.Length - 8, sv, now)); // RR header cut short
            m = Response(id, 0x8180, 1, 65535, Rr(ToQuestion, 1, AddressRdata));
            Assert.False(c.Input(m, m.Length, sv, now));
            m = Response(id, 0x8180, 1, 1, Rr(ToQuestion, 1, AddressRdata));
            m[m.Length - 5] = 0xFF; // rdlength 255, past the end
            Assert.False(c.Input(m, m.Length, sv, now));
            Assert.Equal(8, k.DroppedMalformed);

            // Bad compression: forward pointer, pointer to itself, a pointer into the header,
            // reserved label type, two pointers that point at each other.
            int rr = 12 + Question.Length;
            foreach (byte[] owner in new[]
                     {
                         new byte[] { 0xC0, (byte)(rr + 2) },
                         new byte[] { 0xC0, (byte)rr },
                         new byte[] { 0xC0, 2 },
                         new byte[] { 0x40, 1, (byte)'a', 0 },
                         new byte[] { 0x80, 0 },
                         new byte[] { 1, (byte)'a', 0xC0, (byte)rr }, // a.<itself>
                     })
            {
                m = Response(id, 0x8180, 1, 1, Rr(owner, 1, AddressRdata));
                Assert.False(c.Input(m, m.Length, sv, now));
            }

            Assert.Equal(14, k.DroppedMalformed);
            Assert.Equal(DnsStatus.Pending, c.GetResult(q, out _));

            Assert.True(c.Input(good, good.Length, sv, now));
            Assert.Equal(DnsStatus.Resolved, c.GetResult(q, out uint address));
            Assert.Equal(Web, address);
        }

        [Fact]
        public void HostileAnswers_AllocateNothing()
        {
            DnsLan d = Pending(out int q, out int id);
            DnsClient c = d.A.Dns;
            int rr = 12 + Question.Length;
            byte[][] bad =
            {
                Response(id ^ 1, 0x8180, 1, 1, Rr(ToQuestion, 1, AddressRdata)),
                Response(id, 0x8180, 1, 65535, Rr(ToQuestion, 1, AddressRdata)),
                Response(id, 0x8180, 1, 1, Rr(new byte[] { 0xC0, (byte)(rr + 2) }, 1, AddressRdata)),
                Response(id, 0x8180, 1, 1, Rr(new byte[] { 1, (byte)'a', 0xC0, (byte)rr }, 1, AddressRdata)),
                Response(id, 0x8180, 2, 1, Rr(ToQuestion, 1, AddressRdata)),
                new byte[5],
            };
            for (int i = 0; i < bad.Length; i++)
            {
                Assert.False(c.Input(bad[i], bad[i].Length, LanFixture.IpB, 0));
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int r = 0; r < 1000; r++)
            {
                for (int i = 0; i < bad.Length; i++)
                {
                    c.Input(bad[i], bad[i].Length, LanFixture.IpB, 0);
                }
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(c.GetResult(q, out _) == DnsStatus.Pending);
            Assert.Equal(1001, c.Counters.DroppedWrongId);
            Assert.Equal(4004, c.Counters.DroppedMalformed);
            Assert.Equal(0, allocated);
        }

        [Fact]
        public void LoopingCnames_EndNotFound_WithoutHanging()
        {
            DnsLan d = Pending(out int q, out int id);
            DnsClient c = d.A.Dns;
            int rr1 = 12 + Question.Length;
            // www.example.com CNAME a.<q>; a.<q> CNAME <q>: a loop of two names.
            byte[] cname1 = Rr(ToQuestion, 5, 1, (byte)'a', 0xC0, 12);
            int rdata1 = rr1 + 2 + 10;
            byte[] cname2 = Rr(new byte[] { 0xC0, (byte)rdata1 }, 5, 0xC0, 12);
            byte[] m = Response(id, 0x8180, 1, 2, cname1, cname2);
            Assert.True(c.Input(m, m.Length, LanFixture.IpB, d.Lan.NowMs));
            Assert.Equal(DnsStatus.NotFound, c.GetResult(q, out _));
        }

        [Fact]
        public void AnswerOrder_DoesNotMatter_AndOtherRecordsAreSkipped()
        {
            DnsLan d = Pending(out int q, out int id);
            DnsClient c = d.A.Dns;
            int rr1 = 12 + Question.Length;
            // 1: TXT for the question (skipped); 2: A for x.example.com; 3: CNAME question -> x.<example.com>
            byte[] txt = Rr(ToQuestion, 16, 3, (byte)'a', (byte)'b', (byte)'c');
            int rr2 = rr1 + txt.Length;
            byte[] a = Rr(new byte[] { 1, (byte)'X', 0xC0, 16 }, 1, AddressRdata);
            byte[] cname = Rr(ToQuestion, 5, 0xC0, (byte)rr2);
            byte[] m = Response(id, 0x8180, 1, 3, txt, a, cname);
            Assert.True(c.Input(m, m.Length, LanFixture.IpB, d.Lan.NowMs));
            Assert.Equal(DnsStatus.Resolved, c.GetResult(q, out uint address));
            Assert.Equal(Web, address);
        }

        [Fact]
        public void Fuzz_MutatedAnswers_NeverThrow()
        {
            var rng = new Random(7);
            DnsLan d = Pending(out int q, out int id);
            DnsClient c = d.A.Dns;
            int rr1 = 12 + Question.Length;
            byte[] cname = Rr(ToQuestion, 5, 1, (byte)'x', 0xC0, 16);
            byte[] a = Rr(new byte[] { 0xC0, (byte)(rr1 + 12) }, 1, AddressRdata);
            var buf = new byte[600];
            int settled = 0;
            for (int i = 0; i < 100000; i++)
            {
                if (c.GetResult(q, out _) != DnsStatus.Pending)
                {
                    settled++;
                    c.ClearCache();
                    q = c.Resolve("www.example.com");
                    id = c.QueryId(q);
                }

                byte[] m = Response(id, 0x8180, 1, 2, cname, a);
                Array.Copy(m, buf, m.Length);
                int len = rng.Next(4) == 0 ? m.Length : rng.Next(0, m.Length + 1);
                int flips = rng.Next(1, 5);
                for (int f = 0; f < flips; f++)
                {
                    int at = rng.Next(2, Math.Max(3, len));
                    buf[at] = (byte)rng.Next(256);
                }

                c.Input(buf, len, LanFixture.IpB, d.Lan.NowMs);
            }

            DnsCounters k = c.Counters;
            _log.WriteLine("settled " + settled + ", resolved " + k.Resolved + ", not found " + k.NotFound + ", failures " + k.ServerFailures
                + ", errors " + k.Errors + ", timeouts " + k.Timeouts + ", malformed " + k.DroppedMalformed + ", wrong question " + k.DroppedWrongQuestion);
            Assert.True(settled > 1000);
            Assert.True(k.Resolved > 1000);
            Assert.True(k.DroppedMalformed > 1000);
        }
    }
}
