using System;
using System.Diagnostics;
using EmbeddedTcp.Apps.Mdns;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.NanoSupport;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.NanoMeter
{
    /// <summary>
    /// Multicast and mDNS on a third pair with its own clock: a board whose FirmwareApp runs the
    /// mDNS responder (FirmwareOptions.MdnsHostName "meter", announced before measuring) and a
    /// host joined to 224.0.0.251 on port 5353.
    /// igmp-query: the board's Poll with an IGMPv2 general query waiting (its report is scheduled);
    /// igmp-report: the board's Poll a second later, when the report goes out.
    /// mdns-a-query / mdns-ptr-query: the board's Poll and the firmware's turn with a query for
    /// meter.local (A) / _http._tcp.local (PTR) waiting: the answer out (PTR, SRV, TXT and A).
    /// </summary>
    public static partial class Program
    {
        private static MemoryLink s_mdnsLink;
        private static NetworkStack s_mdnsBoard;
        private static NetworkStack s_mdnsHost;
        private static FirmwareApp s_mdnsApp;
        private static int s_mdnsPeer;
        private static long s_mdnsNow;
        private static byte[] s_mdnsA;
        private static byte[] s_mdnsPtr;
        private static readonly byte[] s_igmpQuery = new byte[60];

        private static void MdnsScenarios()
        {
            if (s_mdnsLink == null)
            {
                MdnsSetup();
            }

            uint source;
            int port;
            MdnsResponder mdns = s_mdnsApp.Mdns;
            for (int r = 0; r < 4; r++)
            {
                s_mdnsLink.A.Inject(s_igmpQuery, 0, s_igmpQuery.Length);
                long reports = s_mdnsBoard.Counters.IgmpReportsOut;

                Debug.WriteLine(Ph.IgmpQuery);
                s_mdnsBoard.Poll(s_mdnsNow);
                Debug.WriteLine(Ph.None);
                Event(Ph.IgmpQuery);

                CheckEqual(0, s_mdnsLink.B.Waiting, "igmp-query: nothing sent yet");
                s_mdnsNow += 1000; // Max Resp Time 1 s: the report is due

                Debug.WriteLine(Ph.IgmpReport);
                s_mdnsBoard.Poll(s_mdnsNow);
                Debug.WriteLine(Ph.None);
                Event(Ph.IgmpReport);

                CheckEqual(reports + 1, s_mdnsBoard.Counters.IgmpReportsOut, "igmp-report: one report");
                CheckEqual(1, s_mdnsLink.B.Waiting, "igmp-report: one frame out");
                MdnsDrain();
            }

            for (int r = 0; r < 4; r++)
            {
                CheckEqual(s_mdnsA.Length, s_mdnsHost.UdpSendTo(s_mdnsPeer, MdnsResponder.Group, MdnsResponder.Port, s_mdnsA, 0, s_mdnsA.Length), "mdns-a-query: sent");
                long answers = mdns.AnswersOut;

                Debug.WriteLine(Ph.MdnsAQuery);
                s_mdnsBoard.Poll(s_mdnsNow);
                s_mdnsApp.Poll(s_mdnsNow);
                Debug.WriteLine(Ph.None);
                Event(Ph.MdnsAQuery);

                CheckEqual(answers + 1, mdns.AnswersOut, "mdns-a-query: answered");
                s_mdnsHost.Poll(s_mdnsNow);
                Check(s_mdnsHost.UdpReceiveFrom(s_mdnsPeer, s_in, 0, s_in.Length, out source, out port) > 12 && source == BoardIp, "mdns-a-query: the answer");

                CheckEqual(s_mdnsPtr.Length, s_mdnsHost.UdpSendTo(s_mdnsPeer, MdnsResponder.Group, MdnsResponder.Port, s_mdnsPtr, 0, s_mdnsPtr.Length), "mdns-ptr-query: sent");

                Debug.WriteLine(Ph.MdnsPtrQuery);
                s_mdnsBoard.Poll(s_mdnsNow);
                s_mdnsApp.Poll(s_mdnsNow);
                Debug.WriteLine(Ph.None);
                Event(Ph.MdnsPtrQuery);

                CheckEqual(answers + 2, mdns.AnswersOut, "mdns-ptr-query: answered");
                s_mdnsHost.Poll(s_mdnsNow);
                Check(s_mdnsHost.UdpReceiveFrom(s_mdnsPeer, s_in, 0, s_in.Length, out source, out port) > 100, "mdns-ptr-query: the answer with its additional records");
                CheckEqual(0, mdns.Malformed + mdns.RecordsTruncated, "mdns: nothing dropped");
                s_mdnsNow += 10;
            }
        }

        private static void MdnsSetup()
        {
            s_mdnsLink = new MemoryLink(8);
            var hc = new NetworkConfig();
            hc.Address = HostIp;
            hc.Netmask = Netmask;
            s_mdnsHost = new NetworkStack(hc, s_mdnsLink.B, new SeededRandom(6));
            var bc = new NetworkConfig();
            bc.Address = BoardIp;
            bc.Netmask = Netmask;
            s_mdnsBoard = new NetworkStack(bc, s_mdnsLink.A, new SeededRandom(5));
            var o = new FirmwareOptions();
            o.MdnsHostName = "meter";
            s_mdnsApp = new FirmwareApp(s_mdnsBoard, o);
            CheckEqual(0, s_mdnsHost.JoinGroup(MdnsResponder.Group), "mdns: host joins 224.0.0.251");
            s_mdnsPeer = s_mdnsHost.UdpOpen(MdnsResponder.Port);
            Check(s_mdnsPeer > 0 && s_mdnsApp.Mdns.Socket > 0, "mdns: sockets");
            s_mdnsA = MdnsQuery(Ascii("meter"), Ascii("local"), null, 1);
            s_mdnsPtr = MdnsQuery(Ascii("_http"), Ascii("_tcp"), Ascii("local"), 12);

            // An IGMPv2 general query (Max Resp Time 1 s) from the host to 224.0.0.1.
            byte[] f = s_igmpQuery;
            NetworkStack.WriteMulticastMac(f, 0, 0xE0000001);
            s_mdnsHost.GetMacAddress(f, 6);
            f[12] = 0x08;
            f[14] = 0x45;
            NetOrder.WriteU16(f, 16, 28);
            f[22] = 1;
            f[23] = 2;
            NetOrder.WriteU32(f, 26, HostIp);
            NetOrder.WriteU32(f, 30, 0xE0000001);
            NetOrder.WriteU16(f, 24, Checksum.Compute(f, 14, 20));
            f[34] = 0x11;
            f[35] = 10;
            NetOrder.WriteU16(f, 36, Checksum.Compute(f, 34, 8));

            // Probe (3 × 250 ms) and announce (2, 1 s apart); the board's IGMP reports go out too.
            for (int i = 0; i < 1200 && !s_mdnsApp.Mdns.IsAnnounced; i++)
            {
                s_mdnsNow += 10;
                MdnsDrain();
            }

            for (int i = 0; i < 200; i++)
            {
                s_mdnsNow += 100; // past the report's repetition (up to 10 s)
                MdnsDrain();
            }

            Check(s_mdnsApp.Mdns.IsAnnounced && s_mdnsApp.Mdns.Suffix == 0, "mdns: meter.local announced");
        }

        private static void MdnsDrain()
        {
            uint source;
            int port;
            s_mdnsBoard.Poll(s_mdnsNow);
            s_mdnsApp.Poll(s_mdnsNow);
            s_mdnsHost.Poll(s_mdnsNow);
            for (int i = 0; i < 16 && s_mdnsHost.UdpReceiveFrom(s_mdnsPeer, s_in, 0, s_in.Length, out source, out port) > 0; i++)
            {
            }
        }

        private static byte[] MdnsQuery(byte[] a, byte[] b, byte[] c, int type)
        {
            int n = 12 + 1 + a.Length + 1 + b.Length + (c == null ? 0 : 1 + c.Length) + 1 + 4;
            var q = new byte[n];
            q[5] = 1;
            int p = 12;
            q[p++] = (byte)a.Length;
            Array.Copy(a, 0, q, p, a.Length);
            p += a.Length;
            q[p++] = (byte)b.Length;
            Array.Copy(b, 0, q, p, b.Length);
            p += b.Length;
            if (c != null)
            {
                q[p++] = (byte)c.Length;
                Array.Copy(c, 0, q, p, c.Length);
                p += c.Length;
            }

            q[p++] = 0;
            q[p + 1] = (byte)type;
            q[p + 3] = 1;
            return q;
        }
    }
}
