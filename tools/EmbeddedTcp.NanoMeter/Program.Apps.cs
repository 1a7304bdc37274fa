using System.Diagnostics;
using EmbeddedTcp.Apps.Mqtt;
using EmbeddedTcp.Apps.Sockets;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.NanoSupport;

namespace EmbeddedTcp.NanoMeter
{
    /// <summary>
    /// src/EmbeddedTcp.Apps on its own pair of stacks (a third MemoryLink, static addresses, the
    /// board's device offloading checksums like the ENC28J60, a clock of its own): the blocking
    /// sockets of a caller-driven <see cref="NetHost"/> (no threads: <see cref="NetHost.RunOnce"/>)
    /// and a single-threaded <see cref="MqttClient"/> (board stack Poll + client Poll) talking to
    /// <see cref="MqttBrokerStandIn"/> on the host stack. Set up on the first (warm-up) pass.
    /// </summary>
    public static partial class Program
    {
        private const int AppsTcpPort = 5002;
        private const int AppsBoardUdpPort = 7100;
        private const int AppsHostUdpPort = 7101;
        private const int AppsChunk = 512;
        private const int MqttPayload = 32;
        private const int MqttKeepAliveSeconds = 10;

        private static readonly string MqttTopic = "meter/t";
        private static readonly byte[] s_mqttTopicBytes = { (byte)'m', (byte)'/', (byte)'x' };

        private static MemoryLink s_appLink;
        private static NetworkStack s_appBoard;
        private static NetworkStack s_appHost;
        private static NetHost s_netHost;
        private static NetSocket s_sock;
        private static NetSocket s_udpSock;
        private static int s_appHostConn;
        private static int s_appHostUdp;
        private static MqttBrokerStandIn s_broker;
        private static MqttClient s_mqtt;
        private static AppsHandler s_mqttHandler;
        private static long s_appNow;

        /// <summary>The host's clock: the pair's own virtual time.</summary>
        private sealed class AppsClock : IHostClock
        {
            public long NowMs { get { return s_appNow; } }
        }

        /// <summary>Counts the messages the client hands over (allocates nothing).</summary>
        private sealed class AppsHandler : IMqttHandler
        {
            public int Messages;
            public int LastPayloadLength;
            public int LastQos;

            public void OnMessage(MqttClient client, MqttMessage message)
            {
                Messages++;
                LastPayloadLength = message.PayloadLength;
                LastQos = message.Qos;
            }
        }

        /// <summary>During set-up only: the peer's turn inside the host's loop, so blocking calls complete (time moves 1 ms a turn).</summary>
        private sealed class AppsPeer : IHostPollable
        {
            public void Poll(long nowMs)
            {
                s_appNow++;
                s_appHost.Poll(nowMs);
                s_broker.Poll();
            }
        }

        private static void AppsScenarios()
        {
            if (s_appBoard == null)
            {
                AppsSetup();
            }

            SocketScenarios();
            MqttScenarios();
        }

        private static void AppsSetup()
        {
            s_appLink = new MemoryLink(16);
            var hc = new NetworkConfig();
            hc.Address = HostIp;
            hc.Netmask = Netmask;
            s_appHost = new NetworkStack(hc, s_appLink.B, new SeededRandom(6));
            var bc = new NetworkConfig();
            bc.Address = BoardIp;
            bc.Netmask = Netmask;
            s_appBoard = new NetworkStack(bc, new MemoryLink.OffloadingEnd(s_appLink.A, EmbeddedTcp.Drivers.Enc28j60.Enc28j60Driver.ChecksumOffloadMinimum), new SeededRandom(5));
            int listener = s_appHost.Tcp.Listen(0, AppsTcpPort, 2);
            s_broker = new MqttBrokerStandIn(s_appHost, 1883);
            s_appHostUdp = s_appHost.UdpOpen(AppsHostUdpPort);
            Check(listener > 0 && s_broker.Ready && s_appHostUdp > 0, "apps: host listens");

            s_netHost = new NetHost(s_appBoard, new AppsClock(), 4, 10, 2);
            var peer = new AppsPeer();
            s_netHost.Add(peer);
            s_sock = s_netHost.CreateTcp();
            SocketError e = s_sock.Connect(HostIp, AppsTcpPort, 5000);
            Check(e == SocketError.Success, "apps: NetSocket connects");
            s_netHost.Remove(peer);
            AppsSettle();
            s_appHostConn = s_appHost.Tcp.Accept(listener);
            Check(s_appHostConn > 0, "apps: host accepted");

            s_udpSock = s_netHost.CreateUdp();
            Check(s_udpSock.Bind(AppsBoardUdpPort) == SocketError.Success, "apps: UDP socket bound");

            var o = new MqttOptions();
            o.BrokerAddress = HostIp;
            o.BrokerPort = s_broker.Port;
            o.ClientId = "meter";
            o.KeepAliveSeconds = MqttKeepAliveSeconds;
            o.Random = new SeededRandom(9);
            s_mqttHandler = new AppsHandler();
            s_mqtt = new MqttClient(s_appBoard, o);
            s_mqtt.Handler = s_mqttHandler;
            CheckEqual(0, s_mqtt.Subscribe("meter/cmd", 1), "apps: subscribe queued");
            s_mqtt.Start();
            for (int i = 0; i < 200 && !(s_mqtt.IsConnected && s_broker.Subscribes > 0); i++)
            {
                s_appNow++;
                AppsPollAll();
            }

            Check(s_mqtt.IsConnected && s_broker.Connects == 1 && s_broker.Subscribes == 1, "apps: MQTT connected and subscribed");
            AppsSettle();
            CheckEqual(1, s_mqtt.Counters.SubAcks, "apps: SUBACK taken");
        }

        /// <summary>One turn of both sides: the board's caller-driven host (stack, sockets), its MQTT client; the peer stack, the broker.</summary>
        private static void AppsPollAll()
        {
            s_netHost.RunOnce();
            if (s_mqtt != null)
            {
                s_mqtt.Poll(s_appNow);
            }

            s_appHost.Poll(s_appNow);
            s_broker.Poll();
        }

        private static void AppsSettle()
        {
            int quiet = 0;
            for (int i = 0; i < 200 && quiet < 2; i++)
            {
                AppsPollAll();
                quiet = s_appLink.InFlight == 0 ? quiet + 1 : 0;
            }

            Check(quiet >= 2, "apps: the link settles");
        }

        private static int ToAppBoard { get { return s_appLink.A.Waiting; } }

        private static int FromAppBoard { get { return s_appLink.B.Waiting; } }

        /// <summary>
        /// sock-tcp-send: NetSocket.Send of 512 bytes with room (one segment out).
        /// sock-run-once: NetHost.RunOnce with the host's 512 bytes waiting (taken, the ACK delayed, sockets checked).
        /// sock-available, sock-poll: Available and Poll(0, SelectRead) with them in the ring.
        /// sock-tcp-receive: NetSocket.Receive of them. sock-tcp-receive-wait: a Receive that waits
        /// for the chunk (one RunOnce inside it, the event already set). sock-udp-sendto: SendTo of 64 bytes (one
        /// datagram out). sock-udp-receivefrom: ReceiveFrom of a 64-byte datagram taken by RunOnce.
        /// </summary>
        private static void SocketScenarios()
        {
            AppsSettle();
            SocketError err;
            for (int r = 0; r < Rounds; r++)
            {
                Debug.WriteLine(Ph.SockTcpSend);
                int n = s_sock.Send(s_data, 0, AppsChunk, 1000, out err);
                Debug.WriteLine(Ph.None);
                Event(Ph.SockTcpSend);

                Check(n == AppsChunk && err == SocketError.Success, "sock-tcp-send: taken");
                CheckEqual(1, FromAppBoard, "sock-tcp-send: one segment out");
                s_appHost.Poll(s_appNow);
                CheckEqual(AppsChunk, s_appHost.Tcp.Receive(s_appHostConn, s_in, 0, s_in.Length), "sock-tcp-send: the host got it");
                AppsSettle();
            }

            for (int r = 0; r < Rounds; r++)
            {
                CheckEqual(AppsChunk, s_appHost.Tcp.Send(s_appHostConn, s_data, 0, AppsChunk), "sock-run-once: host send");
                CheckEqual(1, ToAppBoard, "sock-run-once: one segment waiting");

                Debug.WriteLine(Ph.SockRunOnce);
                s_netHost.RunOnce();
                Debug.WriteLine(Ph.None);
                Event(Ph.SockRunOnce);

                CheckEqual(0, ToAppBoard, "sock-run-once: segment taken");
                CheckEqual(0, FromAppBoard, "sock-run-once: its ACK delayed to the next turn");

                Debug.WriteLine(Ph.SockAvailable);
                int available = s_sock.Available;
                Debug.WriteLine(Ph.None);
                Event(Ph.SockAvailable);

                CheckEqual(AppsChunk, available, "sock-available");

                Debug.WriteLine(Ph.SockPoll);
                bool readable = s_sock.Poll(0, SelectMode.SelectRead);
                Debug.WriteLine(Ph.None);
                Event(Ph.SockPoll);

                Check(readable, "sock-poll: readable");

                Debug.WriteLine(Ph.SockTcpReceive);
                int n = s_sock.Receive(s_in, 0, AppsChunk, 1000, out err);
                Debug.WriteLine(Ph.None);
                Event(Ph.SockTcpReceive);

                Check(n == AppsChunk && err == SocketError.Success, "sock-tcp-receive: the chunk");
                AppsSettle();
            }

            // A Receive that blocks: the chunk is still on the link, so the call waits, runs the
            // host's loop itself (no poll thread), the segment arrives, its socket is signalled.
            for (int r = 0; r < Rounds / 2; r++)
            {
                CheckEqual(AppsChunk, s_appHost.Tcp.Send(s_appHostConn, s_data, 0, AppsChunk), "sock-tcp-receive-wait: host send");
                CheckEqual(1, ToAppBoard, "sock-tcp-receive-wait: one segment waiting");
                long polls = s_netHost.Polls;

                Debug.WriteLine(Ph.SockTcpReceiveWait);
                int n = s_sock.Receive(s_in, 0, AppsChunk, 1000, out err);
                Debug.WriteLine(Ph.None);
                Event(Ph.SockTcpReceiveWait);

                Check(n == AppsChunk && err == SocketError.Success, "sock-tcp-receive-wait: the chunk");
                CheckEqual(polls + 1, s_netHost.Polls, "sock-tcp-receive-wait: one turn of the loop");
                CheckEqual(0, ToAppBoard, "sock-tcp-receive-wait: segment taken");
                AppsSettle();
            }

            uint source;
            int port;
            for (int r = 0; r < Rounds / 2; r++)
            {
                Debug.WriteLine(Ph.SockUdpSendTo);
                int n = s_udpSock.SendTo(s_data, 0, 64, HostIp, AppsHostUdpPort, out err);
                Debug.WriteLine(Ph.None);
                Event(Ph.SockUdpSendTo);

                Check(n == 64 && err == SocketError.Success, "sock-udp-sendto: taken");
                CheckEqual(1, FromAppBoard, "sock-udp-sendto: datagram out");
                s_appHost.Poll(s_appNow);
                CheckEqual(64, s_appHost.UdpReceiveFrom(s_appHostUdp, s_in, 0, s_in.Length, out source, out port), "sock-udp-sendto: the host got it");
                Check(port == AppsBoardUdpPort, "sock-udp-sendto: from the bound port");

                CheckEqual(64, s_appHost.UdpSendTo(s_appHostUdp, BoardIp, AppsBoardUdpPort, s_data, 0, 64), "sock-udp-receivefrom: host send");
                s_netHost.RunOnce();
                CheckEqual(0, ToAppBoard, "sock-udp-receivefrom: datagram taken");

                Debug.WriteLine(Ph.SockUdpReceiveFrom);
                n = s_udpSock.ReceiveFrom(s_in, 0, s_in.Length, 1000, out source, out port, out err);
                Debug.WriteLine(Ph.None);
                Event(Ph.SockUdpReceiveFrom);

                Check(n == 64 && err == SocketError.Success && source == HostIp && port == AppsHostUdpPort, "sock-udp-receivefrom: the datagram");
                CheckEqual(0, FromAppBoard, "sock-udp-receivefrom: nothing sent");
            }
        }

        /// <summary>
        /// mqtt-publish-qos0/-qos1: Publish (string topic) of 32 bytes: the PUBLISH out.
        /// mqtt-puback-in: the loop's turn (board stack Poll + client Poll) with the broker's PUBACK waiting.
        /// mqtt-publish-in-qos0/-qos1: the loop's turn with the broker's PUBLISH waiting (handler run; QoS 1: our PUBACK out).
        /// mqtt-pingreq: the loop's turn at the keepalive deadline (PINGREQ out).
        /// mqtt-pingresp: the loop's turn with the PINGRESP waiting.
        /// </summary>
        private static void MqttScenarios()
        {
            AppsSettle();
            for (int r = 0; r < Rounds; r++)
            {
                long sent = s_mqtt.Counters.PublishesSent;
                Debug.WriteLine(Ph.MqttPublishQos0);
                int id = s_mqtt.Publish(MqttTopic, s_data, 0, MqttPayload, 0, false);
                Debug.WriteLine(Ph.None);
                Event(Ph.MqttPublishQos0);

                CheckEqual(0, id, "mqtt-publish-qos0: queued");
                CheckEqual(sent + 1, s_mqtt.Counters.PublishesSent, "mqtt-publish-qos0: counted");
                CheckEqual(1, FromAppBoard, "mqtt-publish-qos0: PUBLISH out");
                int before = s_broker.Publishes0;
                AppsSettle();
                CheckEqual(before + 1, s_broker.Publishes0, "mqtt-publish-qos0: the broker got it");
            }

            for (int r = 0; r < Rounds; r++)
            {
                Debug.WriteLine(Ph.MqttPublishQos1);
                int id = s_mqtt.Publish(MqttTopic, s_data, 0, MqttPayload, 1, false);
                Debug.WriteLine(Ph.None);
                Event(Ph.MqttPublishQos1);

                Check(id > 0, "mqtt-publish-qos1: queued");
                CheckEqual(1, FromAppBoard, "mqtt-publish-qos1: PUBLISH out");
                CheckEqual(1, s_mqtt.InflightCount, "mqtt-publish-qos1: in flight");
                long acks = s_mqtt.Counters.PubAcksIn;
                s_appHost.Poll(s_appNow);
                s_broker.Poll();
                CheckEqual(1, ToAppBoard, "mqtt-puback-in: PUBACK waiting");

                Debug.WriteLine(Ph.MqttPubAckIn);
                s_appBoard.Poll(s_appNow);
                s_mqtt.Poll(s_appNow);
                Debug.WriteLine(Ph.None);
                Event(Ph.MqttPubAckIn);

                CheckEqual(0, ToAppBoard, "mqtt-puback-in: taken");
                CheckEqual(acks + 1, s_mqtt.Counters.PubAcksIn, "mqtt-puback-in: counted");
                CheckEqual(0, s_mqtt.InflightCount, "mqtt-puback-in: slot freed");
                AppsSettle();
            }

            for (int r = 0; r < Rounds * 2; r++)
            {
                int qos = r & 1;
                string phase = qos == 0 ? Ph.MqttPublishInQos0 : Ph.MqttPublishInQos1;
                int messages = s_mqttHandler.Messages;
                int pubAcks = s_broker.PubAcks;
                Check(s_broker.SendPublish(s_mqttTopicBytes, 0, s_mqttTopicBytes.Length, s_data, 0, MqttPayload, qos, 100 + r) > 0, "mqtt-publish-in: broker send");
                CheckEqual(1, ToAppBoard, "mqtt-publish-in: PUBLISH waiting");

                Debug.WriteLine(phase);
                s_appBoard.Poll(s_appNow);
                s_mqtt.Poll(s_appNow);
                Debug.WriteLine(Ph.None);
                Event(phase);

                CheckEqual(0, ToAppBoard, "mqtt-publish-in: taken");
                CheckEqual(messages + 1, s_mqttHandler.Messages, "mqtt-publish-in: handled");
                Check(s_mqttHandler.LastPayloadLength == MqttPayload && s_mqttHandler.LastQos == qos, "mqtt-publish-in: the message");
                CheckEqual(qos, FromAppBoard, "mqtt-publish-in: PUBACK out (QoS 1 only)");
                AppsSettle();
                CheckEqual(pubAcks + qos, s_broker.PubAcks, "mqtt-publish-in: the broker's PUBACKs");
                if (qos == 1)
                {
                    CheckEqual(100 + r, s_broker.LastPubAckId, "mqtt-publish-in: PUBACK id");
                }
            }

            for (int r = 0; r < Rounds / 2; r++)
            {
                AppsSettle();
                s_appNow += MqttKeepAliveSeconds * 1000;
                long pings = s_mqtt.Counters.PingsSent;
                long responses = s_mqtt.Counters.PingResponses;

                Debug.WriteLine(Ph.MqttPingReq);
                s_appBoard.Poll(s_appNow);
                s_mqtt.Poll(s_appNow);
                Debug.WriteLine(Ph.None);
                Event(Ph.MqttPingReq);

                CheckEqual(pings + 1, s_mqtt.Counters.PingsSent, "mqtt-pingreq: sent");
                CheckEqual(1, FromAppBoard, "mqtt-pingreq: PINGREQ out");
                s_appHost.Poll(s_appNow);
                s_broker.Poll();
                CheckEqual(1, ToAppBoard, "mqtt-pingresp: PINGRESP waiting");

                Debug.WriteLine(Ph.MqttPingResp);
                s_appBoard.Poll(s_appNow);
                s_mqtt.Poll(s_appNow);
                Debug.WriteLine(Ph.None);
                Event(Ph.MqttPingResp);

                CheckEqual(0, ToAppBoard, "mqtt-pingresp: taken");
                CheckEqual(responses + 1, s_mqtt.Counters.PingResponses, "mqtt-pingresp: counted");
            }

            AppsSettle();
            CheckEqual(0, s_mqtt.Counters.ProtocolErrors + s_mqtt.Counters.ConnectionsLost + s_broker.Bad, "apps: no MQTT errors");
        }
    }
}
