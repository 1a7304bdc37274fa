namespace EmbeddedTcp.NanoMeter
{
    /// <summary>
    /// The meter's commands (kit README, "The meter"), each in a static readonly string: an executed
    /// string literal makes a new string object on nanoCLR, which would be charged to the phase.
    /// A phase named here is charged only with the event it names; <see cref="Program"/> counts its
    /// events. <see cref="All"/> is the list printed at the end ("nanometer events NAME N").
    /// </summary>
    internal static class Ph
    {
        internal const string Prefix = "@@nanoclr phase ";

        internal static readonly string None = "@@nanoclr phase -";
        internal static readonly string Report = "@@nanoclr report";
        internal static readonly string Reset = "@@nanoclr reset";
        internal static readonly string SitesOn = "@@nanoclr sites on";
        internal static readonly string SitesOff = "@@nanoclr sites off";
        internal static readonly string Sites = "@@nanoclr sites";

        // Start-up: the default NetworkStack + FirmwareApp (once, first thing, sites recorded).
        internal static readonly string ConstructDefault = "@@nanoclr phase construct-default";

        // Start-up of the board's firmware (SpiBusAdapter, BoardRunner + driver, NetworkStack, FirmwareApp) per memory preset.
        internal static readonly string ConstructEsp32 = "@@nanoclr phase construct-esp32";
        internal static readonly string ConstructPsram = "@@nanoclr phase construct-psram";

        // What a phase switch itself costs (an empty phase): subtracted per enter.
        internal static readonly string Overhead = "@@nanoclr phase meter-overhead";

        // TCP (the board's connection to the host).
        internal static readonly string TcpRx = "@@nanoclr phase tcp-rx-segment";
        internal static readonly string TcpReceiveCall = "@@nanoclr phase tcp-receive-call";
        internal static readonly string TcpTx = "@@nanoclr phase tcp-tx-segment";
        internal static readonly string TcpPureAck = "@@nanoclr phase tcp-pure-ack";
        internal static readonly string TcpRequest = "@@nanoclr phase tcp-request-response";
        internal static readonly string TcpOutOfOrder = "@@nanoclr phase tcp-out-of-order";
        internal static readonly string TcpFillHole = "@@nanoclr phase tcp-fill-hole";
        internal static readonly string TcpRto = "@@nanoclr phase tcp-rto";
        internal static readonly string TcpZeroWindowProbe = "@@nanoclr phase tcp-zero-window-probe";
        internal static readonly string TcpKeepalive = "@@nanoclr phase tcp-keepalive";
        internal static readonly string TcpTimeWait = "@@nanoclr phase tcp-time-wait-expiry";

        // The same full-size segments on a board whose device does not offload checksums.
        internal static readonly string TcpRxSoft = "@@nanoclr phase tcp-rx-segment-softcsum";
        internal static readonly string TcpTxSoft = "@@nanoclr phase tcp-tx-segment-softcsum";

        // The poll loop with nothing to do.
        internal static readonly string IdlePoll = "@@nanoclr phase idle-poll";
        internal static readonly string StackIdlePoll = "@@nanoclr phase stack-idle-poll";

        // The firmware application.
        internal static readonly string FirmwareEcho = "@@nanoclr phase firmware-echo";
        internal static readonly string HttpStatusPage = "@@nanoclr phase http-status-page";
        internal static readonly string HttpNotFound = "@@nanoclr phase http-not-found";
        internal static readonly string FirmwareChargenBlocked = "@@nanoclr phase firmware-chargen-blocked";

        // Below TCP.
        internal static readonly string ArpRequestIn = "@@nanoclr phase arp-request-in";
        internal static readonly string ArpResolve = "@@nanoclr phase arp-resolve";
        internal static readonly string ArpReplyIn = "@@nanoclr phase arp-reply-in";
        internal static readonly string IcmpEcho = "@@nanoclr phase icmp-echo";
        internal static readonly string IcmpPing = "@@nanoclr phase icmp-ping";
        internal static readonly string IcmpEchoReply = "@@nanoclr phase icmp-echo-reply";
        internal static readonly string UdpSend = "@@nanoclr phase udp-send";
        internal static readonly string UdpReceive = "@@nanoclr phase udp-receive";
        internal static readonly string UdpReceiveCall = "@@nanoclr phase udp-receive-call";
        internal static readonly string DhcpRenewRequest = "@@nanoclr phase dhcp-renew-request";
        internal static readonly string DhcpRenewAck = "@@nanoclr phase dhcp-renew-ack";
        internal static readonly string DnsQuery = "@@nanoclr phase dns-query";
        internal static readonly string DnsAnswer = "@@nanoclr phase dns-answer";
        internal static readonly string SntpRequest = "@@nanoclr phase sntp-request";
        internal static readonly string SntpReply = "@@nanoclr phase sntp-reply";

        // Rejected input (crafted from captured frames).
        internal static readonly string RejectTcpChecksum = "@@nanoclr phase reject-tcp-checksum";
        internal static readonly string RejectIpChecksum = "@@nanoclr phase reject-ip-checksum";
        internal static readonly string RejectTruncatedIp = "@@nanoclr phase reject-truncated-ip";
        internal static readonly string RejectTruncatedTcp = "@@nanoclr phase reject-truncated-tcp";
        internal static readonly string RejectUnknownProtocol = "@@nanoclr phase reject-unknown-protocol";
        internal static readonly string RejectOutOfWindow = "@@nanoclr phase reject-out-of-window";
        internal static readonly string RejectRstChallenge = "@@nanoclr phase reject-rst-challenge";
        internal static readonly string RejectSynChallenge = "@@nanoclr phase reject-syn-challenge";

        // The board's SPI adapter over the SpiDevice stand-in.
        internal static readonly string SpiRegisterWrite = "@@nanoclr phase spi-register-write";
        internal static readonly string SpiRegisterRead = "@@nanoclr phase spi-register-read";
        internal static readonly string SpiBufferRead = "@@nanoclr phase spi-buffer-read";
        internal static readonly string SpiBufferWrite = "@@nanoclr phase spi-buffer-write";

        // The real Enc28j60Driver over a chip stand-in (ChipStandIn): its own IL per full-size frame.
        internal static readonly string DriverRx = "@@nanoclr phase driver-rx";
        internal static readonly string DriverTx = "@@nanoclr phase driver-tx";
        // Multicast and mDNS (a third pair: the board's FirmwareApp with its mDNS responder).
        internal static readonly string IgmpQuery = "@@nanoclr phase igmp-query";
        internal static readonly string IgmpReport = "@@nanoclr phase igmp-report";
        internal static readonly string MdnsAQuery = "@@nanoclr phase mdns-a-query";
        internal static readonly string MdnsPtrQuery = "@@nanoclr phase mdns-ptr-query";
        // src/EmbeddedTcp.Apps (Program.Apps.cs): NetSocket over a caller-driven NetHost, the MQTT client.
        internal static readonly string SockTcpSend = "@@nanoclr phase sock-tcp-send";
        internal static readonly string SockRunOnce = "@@nanoclr phase sock-run-once";
        internal static readonly string SockAvailable = "@@nanoclr phase sock-available";
        internal static readonly string SockPoll = "@@nanoclr phase sock-poll";
        internal static readonly string SockTcpReceive = "@@nanoclr phase sock-tcp-receive";
        internal static readonly string SockTcpReceiveWait = "@@nanoclr phase sock-tcp-receive-wait";
        internal static readonly string SockUdpSendTo = "@@nanoclr phase sock-udp-sendto";
        internal static readonly string SockUdpReceiveFrom = "@@nanoclr phase sock-udp-receivefrom";
        internal static readonly string MqttPublishQos0 = "@@nanoclr phase mqtt-publish-qos0";
        internal static readonly string MqttPublishQos1 = "@@nanoclr phase mqtt-publish-qos1";
        internal static readonly string MqttPubAckIn = "@@nanoclr phase mqtt-puback-in";
        internal static readonly string MqttPublishInQos0 = "@@nanoclr phase mqtt-publish-in-qos0";
        internal static readonly string MqttPublishInQos1 = "@@nanoclr phase mqtt-publish-in-qos1";
        internal static readonly string MqttPingReq = "@@nanoclr phase mqtt-pingreq";
        internal static readonly string MqttPingResp = "@@nanoclr phase mqtt-pingresp";

        /// <summary>Every counted phase (after the strings: static initialisers run in textual order).</summary>
        internal static readonly string[] All =
        {
            ConstructDefault, ConstructEsp32, ConstructPsram, Overhead,
            TcpRx, TcpReceiveCall, TcpTx, TcpPureAck, TcpRequest, TcpOutOfOrder, TcpFillHole, TcpRto,
            TcpZeroWindowProbe, TcpKeepalive, TcpTimeWait, TcpRxSoft, TcpTxSoft, IdlePoll, StackIdlePoll,
            FirmwareEcho, HttpStatusPage, HttpNotFound, FirmwareChargenBlocked,
            ArpRequestIn, ArpResolve, ArpReplyIn, IcmpEcho, IcmpPing, IcmpEchoReply,
            UdpSend, UdpReceive, UdpReceiveCall, DhcpRenewRequest, DhcpRenewAck, DnsQuery, DnsAnswer, SntpRequest, SntpReply,
            RejectTcpChecksum, RejectIpChecksum, RejectTruncatedIp, RejectTruncatedTcp, RejectUnknownProtocol,
            RejectOutOfWindow, RejectRstChallenge, RejectSynChallenge,
            IgmpQuery, IgmpReport, MdnsAQuery, MdnsPtrQuery,
            SpiRegisterWrite, SpiRegisterRead, SpiBufferRead, SpiBufferWrite, DriverRx, DriverTx,
            SockTcpSend, SockRunOnce, SockAvailable, SockPoll, SockTcpReceive, SockTcpReceiveWait, SockUdpSendTo, SockUdpReceiveFrom,
            MqttPublishQos0, MqttPublishQos1, MqttPubAckIn, MqttPublishInQos0, MqttPublishInQos1, MqttPingReq, MqttPingResp,
        };

        /// <summary>Events counted per phase of <see cref="All"/> in the measured pass.</summary>
        internal static readonly int[] Events = new int[All.Length];
    }
}
