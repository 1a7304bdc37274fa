using System;
using System.Collections.Generic;
using System.Text;
using EmbeddedTcp.Apps.Mdns;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Tests.Ip;
using Xunit;

namespace EmbeddedTcp.Tests.Apps
{
    /// <summary>The mDNS responder (RFC 6762/6763) on a simulated LAN, against a hand-made peer on port 5353.</summary>
    public class MdnsResponderTests
    {
        private sealed class Rig
        {
            public readonly LanFixture Lan;
            public readonly MdnsResponder Responder;
            public readonly int Peer;       // B's socket on 5353, joined to 224.0.0.251
            public readonly List<(byte[] data, uint src)> Heard = new List<(byte[], uint)>();

            public Rig(string name = "sensor", int mtu = 1500, int httpPort = 80)
            {
                Lan = new LanFixture(new NetworkConfig { Mtu = mtu });
                Responder = new MdnsResponder(Lan.A, new MdnsOptions { HostName = name, HttpPort = httpPort });
                Assert.Equal(0, Lan.B.JoinGroup(MdnsResponder.Group));
                Peer = Lan.B.UdpOpen(5353);
            }

            public void Run(long ms)
            {
                long end = Lan.Lan.NowMs + ms;
                // 1 ms steps: the responder is polled after the stack, as the firmware's loop does.
                for (int i = 0; i < 100000 && Lan.Lan.NowMs < end; i++)
                {
                    Lan.Lan.Step(Lan.Lan.NowMs + 1);
                    Responder.Poll(Lan.Lan.NowMs);
                    Drain();
                }
            }

            public void Drain()
            {
                var buf = new byte[2000];
                for (int i = 0; i < 64; i++)
                {
                    int n = Lan.B.UdpReceiveFrom(Peer, buf, 0, buf.Length, out uint src, out _);
                    if (n <= 0)
                    {
                        break;
                    }

                    Heard.Add((buf[..n], src));
                }
            }

            public void Send(byte[] query, int srcPort = 5353, uint to = MdnsResponder.Group)
            {
                int h = srcPort == 5353 ? Peer : Lan.B.UdpOpen(srcPort);
                Assert.Equal(query.Length, Lan.B.UdpSendTo(h, to, 5353, query, 0, query.Length));
            }
        }

        internal static byte[] Name(string dotted)
        {
            var b = new List<byte>();
            foreach (var l in dotted.Split('.')) { b.Add((byte)l.Length); b.AddRange(Encoding.ASCII.GetBytes(l)); }
            b.Add(0);
            return b.ToArray();
        }

        internal static byte[] Query(string name, int type, bool qu = false, ushort id = 0)
        {
            var b = new List<byte> { (byte)(id >> 8), (byte)id, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
            b.AddRange(Name(name));
            b.AddRange(new byte[] { (byte)(type >> 8), (byte)type, (byte)(qu ? 0x80 : 0), 1 });
            return b.ToArray();
        }

        /// <summary>A minimal reader of the records of a response: (name, type, rdata offset, rdlength) per record.</summary>
        internal static List<(string name, int type, int rd, int rdLength)> Records(byte[] p, out int answers)
        {
            answers = (p[6] << 8) | p[7];
            int qd = (p[4] << 8) | p[5];
            int n = answers + ((p[8] << 8) | p[9]) + ((p[10] << 8) | p[11]);
            int pos = 12;
            for (int i = 0; i < qd; i++) { ReadName(p, ref pos); pos += 4; }
            var r = new List<(string, int, int, int)>();
            for (int i = 0; i < n; i++)
            {
                string name = ReadName(p, ref pos);
                int type = (p[pos] << 8) | p[pos + 1];
                int len = (p[pos + 8] << 8) | p[pos + 9];
                r.Add((name, type, pos + 10, len));
                pos += 10 + len;
            }
            Assert.Equal(p.Length, pos);
            return r;
        }

        internal static string ReadName(byte[] p, ref int pos)
        {
            var parts = new List<string>();
            int at = pos;
            bool jumped = false;
            for (int guard = 0; guard < 128; guard++)
            {
                int l = p[at];
                if (l >= 0xC0) { if (!jumped) { pos = at + 2; } jumped = true; at = ((l & 0x3F) << 8) | p[at + 1]; continue; }
                if (l == 0) { if (!jumped) { pos = at + 1; } break; }
                parts.Add(Encoding.ASCII.GetString(p, at + 1, l));
                at += 1 + l;
            }
            return string.Join(".", parts);
        }

        [Fact]
        public void ProbesThreeTimes_ThenAnnouncesTwice_WithTheHttpService()
        {
            var r = new Rig();
            r.Run(5000);
            Assert.Equal(3, r.Responder.ProbesOut);
            Assert.Equal(2, r.Responder.AnnouncementsOut);
            Assert.True(r.Responder.IsAnnounced);
            Assert.Equal("sensor.local", r.Responder.FullName());
            // Probes: one QU ANY question for the name, our A record in the authority section.
            byte[] probe = r.Heard[0].data;
            Assert.Equal(1, probe[5]);
            Assert.Equal(1, probe[9]);
            var announce = r.Heard[3].data;
            var recs = Records(announce, out int an);
            Assert.Contains(recs, x => x.name == "sensor.local" && x.type == 1);
            Assert.Contains(recs, x => x.name == "_http._tcp.local" && x.type == 12);
            var srv = recs.Find(x => x.type == 33);
            Assert.Equal("sensor._http._tcp.local", srv.name);
            Assert.Equal(80, (announce[srv.rd + 4] << 8) | announce[srv.rd + 5]);
            int at = srv.rd + 6;
            Assert.Equal("sensor.local", ReadName(announce, ref at));
        }

        [Fact]
        public void AQuery_IsAnsweredByMulticast_QuByUnicast_WithOurAddress()
        {
            var r = new Rig();
            r.Run(5000);
            r.Heard.Clear();
            r.Send(Query("SENSOR.local", 1));
            r.Run(200);
            var (data, src) = Assert.Single(r.Heard);
            var recs = Records(data, out int an);
            Assert.Equal(1, an);
            Assert.Equal(1, recs[0].type);
            Assert.Equal(LanFixture.IpA, (uint)(data[recs[0].rd] << 24 | data[recs[0].rd + 1] << 16 | data[recs[0].rd + 2] << 8 | data[recs[0].rd + 3]));
            Assert.Equal(0, r.Responder.UnicastAnswersOut);
            r.Send(Query("sensor.local", 1, qu: true));
            r.Run(200);
            Assert.Equal(1, r.Responder.UnicastAnswersOut);
            Assert.Equal(2, r.Responder.AnswersOut);
        }

        [Fact]
        public void PtrQuery_GetsSrvTxtAndAAsAdditionalRecords_AndLegacyQueriesKeepIdAndQuestion()
        {
            var r = new Rig();
            r.Run(5000);
            r.Heard.Clear();
            r.Send(Query("_http._tcp.local", 12));
            r.Run(200);
            var recs = Records(Assert.Single(r.Heard).data, out int an);
            Assert.Equal(1, an);
            Assert.Equal(new[] { 12, 33, 16, 1 }, recs.ConvertAll(x => x.type).ToArray());

            // Legacy unicast (source port not 5353): ID and question echoed, TTL at most 10 s.
            int legacy = r.Lan.B.UdpOpen(40000);
            byte[] q = Query("sensor.local", 1, id: 0x1234);
            r.Lan.B.UdpSendTo(legacy, MdnsResponder.Group, 5353, q, 0, q.Length);
            r.Run(200);
            var buf = new byte[600];
            int n = r.Lan.B.UdpReceiveFrom(legacy, buf, 0, buf.Length, out _, out _);
            Assert.True(n > 0);
            var ans = buf[..n];
            Assert.Equal(0x12, ans[0]);
            Assert.Equal(0x34, ans[1]);
            Assert.Equal(1, ans[5]);
            var lr = Records(ans, out _);
            int ttl = ans[lr[0].rd - 6] << 24 | ans[lr[0].rd - 5] << 16 | ans[lr[0].rd - 4] << 8 | ans[lr[0].rd - 3];
            Assert.Equal(10, ttl);
        }

        [Fact]
        public void AConflictingAnswer_RenamesToName2_AndProbesAndAnnouncesAgain()
        {
            var r = new Rig();
            r.Run(100); // inside the probing
            // Another host answers for sensor.local with its own address.
            var b = new List<byte> { 0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0 };
            b.AddRange(Name("sensor.local"));
            b.AddRange(new byte[] { 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, 192, 0, 2, 99 });
            r.Send(b.ToArray());
            r.Run(5000);
            Assert.Equal(1, r.Responder.Conflicts);
            Assert.Equal(2, r.Responder.Suffix);
            Assert.Equal("sensor-2.local", r.Responder.FullName());
            Assert.True(r.Responder.IsAnnounced);
            r.Heard.Clear();
            r.Send(Query("sensor-2.local", 1));
            r.Run(200);
            Assert.Single(r.Heard);
        }

        [Theory]
        [InlineData("loop")]
        [InlineData("forward")]
        [InlineData("counts")]
        [InlineData("long")]
        [InlineData("label")]
        public void HostileQueries_AreDroppedAndCounted_NeverAnswered(string kind)
        {
            var r = new Rig();
            r.Run(5000);
            r.Heard.Clear();
            byte[] q;
            switch (kind)
            {
                case "loop": q = new byte[] { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1 }; break;
                case "forward": q = new byte[] { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 20, 0, 1, 0, 1, 0, 0, 0 }; break;
                case "counts": q = Query("sensor.local", 1); q[5] = 200; break;
                case "label": q = Query("sensor.local", 1); q[12] = 0x46; break;
                default:
                    var b = new List<byte> { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
                    for (int i = 0; i < 5; i++) { b.Add(60); b.AddRange(new byte[60]); }
                    b.AddRange(new byte[] { 0, 0, 1, 0, 1 });
                    q = b.ToArray();
                    break;
            }
            r.Send(q);
            r.Run(200);
            Assert.Equal(1, r.Responder.Malformed);
            Assert.Empty(r.Heard);
        }

        [Fact]
        public void AnswersNeverExceedOneFrame_RecordsLeftOutAreCounted()
        {
            // MTU 100: 72 bytes of DNS message; a PTR answer with its additional records needs more.
            var r = new Rig(name: "abcdefghijklmnopqrst", mtu: 100);
            r.Run(5000);
            Assert.True(r.Responder.IsAnnounced);
            long before = r.Responder.RecordsTruncated; // the announcements did not fit whole either
            r.Heard.Clear();
            r.Send(Query("_http._tcp.local", 12));
            r.Run(200);
            var (data, _) = Assert.Single(r.Heard);
            Assert.True(data.Length <= 72);
            Assert.Equal(before + 3, r.Responder.RecordsTruncated); // SRV, TXT and A did not fit after the PTR
            Records(data, out int an); // well-formed: counts match the records present
            Assert.Equal(1, an);
        }
    }
}
