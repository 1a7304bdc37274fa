using System;
using System.Diagnostics;
using EmbeddedTcp.Ip;
using EmbeddedTcp.NanoSupport;
using EmbeddedTcp.Services;

namespace EmbeddedTcp.NanoMeter
{
    /// <summary>ARP, ICMP, UDP, DNS and DHCP on the board.</summary>
    public static partial class Program
    {
        private static readonly byte[] s_name = Ascii("device.example");
        private static readonly byte[] s_craft = new byte[MemoryLink.MaxFrame];
        private static uint s_ghost = 0xC0000264; // 192.0.2.100 and up: neighbours never seen before
        private static ushort s_pingSequence = 100;

        private static void ArpScenarios()
        {
            NextScenario();

            // arp-request-in: the host's request for the board's address (a replay of the captured
            // one): the board refreshes the host's entry and replies.
            for (int r = 0; r < 4; r++)
            {
                s_link.A.Inject(s_arpRequest, 0, s_arpRequestLength);

                Debug.WriteLine(Ph.ArpRequestIn);
                s_board.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(Ph.ArpRequestIn);

                CheckEqual(1, FromBoard, "arp-request-in: reply out");
                Settle();
            }

            // arp-resolve: a datagram to a neighbour not in the cache: the datagram is held, a
            // request goes out. arp-reply-in: the neighbour's reply: cached, the datagram leaves.
            for (int r = 0; r < 2; r++)
            {
                uint ghost = s_ghost++;

                Debug.WriteLine(Ph.ArpResolve);
                int n = s_board.UdpSendTo(s_boardUdp, ghost, 9, s_data, 0, 32);
                Debug.WriteLine(Ph.None);
                Event(Ph.ArpResolve);

                CheckEqual(32, n, "arp-resolve: datagram taken");
                CheckEqual(1, FromBoard, "arp-resolve: request out");
                int length = s_link.B.CopyWaiting(0, s_craft, 0);
                Check(length >= 42 && s_craft[12] == 0x08 && s_craft[13] == 0x06 && FrameBytes.ReadU16(s_craft, 20) == 1, "arp-resolve: it is an ARP request");
                s_link.B.Flush();
                CraftArpReply(ghost);
                s_link.A.Inject(s_craft, 0, 60);

                Debug.WriteLine(Ph.ArpReplyIn);
                s_board.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(Ph.ArpReplyIn);

                CheckEqual(1, FromBoard, "arp-reply-in: the held datagram out");
                length = s_link.B.CopyWaiting(0, s_in, 0);
                Check(length > 34 && s_in[12] == 0x08 && s_in[13] == 0x00 && FrameBytes.ReadU32(s_in, FrameBytes.IpDestination) == ghost, "arp-reply-in: the datagram goes to the new neighbour");
                s_link.B.Flush();
            }
        }

        /// <summary>Turns the board's request (in s_craft) into the reply of <paramref name="ghost"/>, MAC 02:00:00:00:01:xx.</summary>
        private static void CraftArpReply(uint ghost)
        {
            // Ethernet: to the board (the request's source), from the ghost.
            Array.Copy(s_craft, 6, s_craft, 0, 6);
            s_craft[6] = 0x02;
            s_craft[7] = 0;
            s_craft[8] = 0;
            s_craft[9] = 0;
            s_craft[10] = 0x01;
            s_craft[11] = (byte)ghost;
            // ARP: target := the requester (its sender fields), sender := the ghost, op := reply.
            Array.Copy(s_craft, 22, s_craft, 32, 10);
            Array.Copy(s_craft, 6, s_craft, 22, 6);
            FrameBytes.WriteU32(s_craft, 28, ghost);
            FrameBytes.WriteU16(s_craft, 20, 2);
            Array.Clear(s_craft, 42, 18);
        }

        private static void IcmpScenarios()
        {
            NextScenario();

            // icmp-echo: the host's ping, the board's Poll: the echo reply out.
            for (int r = 0; r < 4; r++)
            {
                ushort seq = s_pingSequence++;
                Check(s_host.Ping(BoardIp, 7, seq, 56), "icmp-echo: host ping");
                CheckEqual(1, ToBoard, "icmp-echo: request waiting");

                Debug.WriteLine(Ph.IcmpEcho);
                s_board.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(Ph.IcmpEcho);

                CheckEqual(1, FromBoard, "icmp-echo: reply out");
                s_host.Poll(s_now);
                CheckEqual(seq, s_host.LastEchoReplySequence, "icmp-echo: the host got the reply");
            }

            // icmp-ping: the board's Ping (request out); icmp-echo-reply: the host's reply in.
            for (int r = 0; r < 4; r++)
            {
                ushort seq = s_pingSequence++;

                Debug.WriteLine(Ph.IcmpPing);
                bool sent = s_board.Ping(HostIp, 8, seq, 56);
                Debug.WriteLine(Ph.None);
                Event(Ph.IcmpPing);

                Check(sent, "icmp-ping: sent");
                CheckEqual(1, FromBoard, "icmp-ping: request out");
                s_host.Poll(s_now);
                CheckEqual(1, ToBoard, "icmp-echo-reply: reply waiting");

                Debug.WriteLine(Ph.IcmpEchoReply);
                s_board.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(Ph.IcmpEchoReply);

                CheckEqual(seq, s_board.LastEchoReplySequence, "icmp-echo-reply: seen");
                CheckEqual(0, FromBoard, "icmp-echo-reply: nothing sent");
            }
        }

        private static void UdpScenarios()
        {
            NextScenario();
            uint source;
            int port;

            // udp-send: the board's UdpSendTo of 64 bytes: one datagram out.
            for (int r = 0; r < 4; r++)
            {
                Debug.WriteLine(Ph.UdpSend);
                int n = s_board.UdpSendTo(s_boardUdp, HostIp, HostUdpPort, s_data, 0, 64);
                Debug.WriteLine(Ph.None);
                Event(Ph.UdpSend);

                CheckEqual(64, n, "udp-send: taken");
                CheckEqual(1, FromBoard, "udp-send: datagram out");
                s_host.Poll(s_now);
                CheckEqual(64, s_host.UdpReceiveFrom(s_hostUdp, s_in, 0, s_in.Length, out source, out port), "udp-send: the host got it");
            }

            // udp-receive: the board's Poll with the host's datagram waiting (into the socket's
            // ring); udp-receive-call: the application's UdpReceiveFrom.
            for (int r = 0; r < 4; r++)
            {
                CheckEqual(64, s_host.UdpSendTo(s_hostUdp, BoardIp, BoardUdpPort, s_data, 0, 64), "udp-receive: host send");
                CheckEqual(1, ToBoard, "udp-receive: datagram waiting");

                Debug.WriteLine(Ph.UdpReceive);
                s_board.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(Ph.UdpReceive);

                Debug.WriteLine(Ph.UdpReceiveCall);
                int n = s_board.UdpReceiveFrom(s_boardUdp, s_in, 0, s_in.Length, out source, out port);
                Debug.WriteLine(Ph.None);
                Event(Ph.UdpReceiveCall);

                CheckEqual(64, n, "udp-receive-call: the datagram");
                Check(source == HostIp && port == HostUdpPort, "udp-receive-call: from the host");
                CheckEqual(0, FromBoard, "udp-receive: nothing sent");
            }
        }

        /// <summary>
        /// dns-query: the application's Resolve of a name not cached: the query out (the socket is
        /// opened for the burst). dns-answer: the board's Poll with the answer waiting, and GetResult.
        /// </summary>
        private static void DnsScenarios()
        {
            NextScenario();
            for (int r = 0; r < 2; r++)
            {
                s_board.Dns.ClearCache();

                Debug.WriteLine(Ph.DnsQuery);
                int q = s_board.Dns.Resolve(s_name, 0, s_name.Length);
                Debug.WriteLine(Ph.None);
                Event(Ph.DnsQuery);

                Check(q > 0, "dns-query: started");
                CheckEqual(1, FromBoard, "dns-query: query out");
                s_host.Poll(s_now);
                s_dns.Poll();
                CheckEqual(1, ToBoard, "dns-answer: answer waiting");

                uint address;
                Debug.WriteLine(Ph.DnsAnswer);
                s_board.Poll(s_now);
                DnsStatus status = s_board.Dns.GetResult(q, out address);
                Debug.WriteLine(Ph.None);
                Event(Ph.DnsAnswer);

                Check(status == DnsStatus.Resolved && address == ResolvedIp, "dns-answer: resolved");
                CheckEqual(0, FromBoard, "dns-answer: nothing sent");
                Settle();
            }
        }

        /// <summary>
        /// sntp-request: the board's Poll when a request is due (RequestNow): the socket opened and
        /// the request out. sntp-reply: the board's Poll with the reply waiting: checked, the offset
        /// set, the socket closed; and the application's TrySyncedOffset.
        /// </summary>
        private static void SntpScenarios()
        {
            NextScenario();
            for (int r = 0; r < 2; r++)
            {
                s_board.Sntp.RequestNow();

                Debug.WriteLine(Ph.SntpRequest);
                s_board.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(Ph.SntpRequest);

                CheckEqual(1, FromBoard, "sntp-request: request out");
                s_host.Poll(s_now);
                s_sntp.Poll();
                CheckEqual(1, ToBoard, "sntp-reply: reply waiting");
                long syncs = s_board.Sntp.Counters.Synchronizations;

                long offset;
                Debug.WriteLine(Ph.SntpReply);
                s_board.Poll(s_now);
                bool synced = s_board.Sntp.TrySyncedOffset(out offset);
                Debug.WriteLine(Ph.None);
                Event(Ph.SntpReply);

                Check(synced && s_board.Sntp.Counters.Synchronizations == syncs + 1 && offset == 1790000000000L, "sntp-reply: synchronized");
                CheckEqual(0, FromBoard, "sntp-reply: nothing sent");
                Settle();
            }
        }

        /// <summary>
        /// dhcp-renew-request: the board's Poll at T1: the unicast REQUEST to the server.
        /// dhcp-renew-ack: the board's Poll with the server's ACK waiting: bound again.
        /// </summary>
        private static void DhcpScenarios()
        {
            NextScenario();
            long at = s_board.Dhcp.RenewAtMs;
            Check(at > s_now && at != long.MaxValue, "dhcp: a renewal time ahead");
            if (at - 2000 > s_now)
            {
                s_now = at - 2000;
                Refresh(); // neighbour entries fresh at T1, so the REQUEST leaves at once
            }

            s_now = at;

            Debug.WriteLine(Ph.DhcpRenewRequest);
            s_board.Poll(s_now);
            Debug.WriteLine(Ph.None);
            Event(Ph.DhcpRenewRequest);

            Check(s_board.Dhcp.State == DhcpState.Renewing, "dhcp: renewing");
            CheckEqual(1, FromBoard, "dhcp: request out");
            s_host.Poll(s_now);
            s_dhcp.Poll();
            CheckEqual(1, ToBoard, "dhcp: ACK waiting");

            Debug.WriteLine(Ph.DhcpRenewAck);
            s_board.Poll(s_now);
            Debug.WriteLine(Ph.None);
            Event(Ph.DhcpRenewAck);

            Check(s_board.Dhcp.State == DhcpState.Bound && s_board.Address == BoardIp, "dhcp: bound again");
            Check(s_board.Dhcp.RenewAtMs > s_now, "dhcp: next renewal ahead");
            CheckEqual(0, FromBoard, "dhcp-renew-ack: nothing sent");
            Settle();
        }
    }
}
