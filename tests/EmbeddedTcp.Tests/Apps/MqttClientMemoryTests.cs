using System;
using System.Collections.Generic;
using System.Text;
using EmbeddedTcp.Apps.Mqtt;
using EmbeddedTcp.Tcp;
using Xunit;

namespace EmbeddedTcp.Tests.Apps
{
    /// <summary>
    /// The MQTT client against a scripted broker on a second stack (MemoryLink, virtual time,
    /// one thread): the exact bytes of CONNECT, PUBLISH, SUBSCRIBE, PUBACK, keepalive and
    /// backoff, and hostile broker input, which must close the connection cleanly, be counted,
    /// leave other connections alone, and be followed by a reconnect.
    /// </summary>
    public sealed class MqttClientMemoryTests
    {
        private sealed class Rig : IMqttHandler
        {
            public readonly MemoryPair Pair = new MemoryPair();
            public readonly MqttClient Client;
            public readonly int Listener;
            public long Now;
            public int Broker;
            public readonly List<string> Messages = new List<string>();

            public Rig(MqttOptions o)
            {
                o.BrokerAddress = MemoryPair.AddressB;
                Client = new MqttClient(Pair.A, o) { Handler = this };
                Listener = Pair.B.Tcp.Listen(0, 1883, 4);
                Client.Start();
            }

            public void OnMessage(MqttClient client, MqttMessage m)
            {
                Messages.Add(Encoding.UTF8.GetString(m.Buffer, m.TopicOffset, m.TopicLength) + "=" + Encoding.UTF8.GetString(m.Buffer, m.PayloadOffset, m.PayloadLength)
                    + (m.Retain ? " r" : "") + " q" + m.Qos);
            }

            public void Run(int ms)
            {
                for (int i = 0; i < ms; i++)
                {
                    Now++;
                    Pair.A.Poll(Now);
                    Client.Poll(Now);
                    Pair.B.Poll(Now);
                }
            }

            public void AcceptBroker()
            {
                for (int i = 0; i < 1000 && (Broker = Pair.B.Tcp.Accept(Listener)) == 0; i++)
                {
                    Run(1);
                }

                Assert.True(Broker > 0, "the client never connected");
                Run(5);
            }

            public byte[] BrokerReads()
            {
                Run(5);
                var buf = new byte[4096];
                int n = Pair.B.Tcp.Receive(Broker, buf, 0, buf.Length);
                return n > 0 ? buf.AsSpan(0, n).ToArray() : Array.Empty<byte>();
            }

            public void BrokerSends(params byte[] bytes)
            {
                Assert.Equal(bytes.Length, Pair.B.Tcp.Send(Broker, bytes, 0, bytes.Length));
                Run(5);
            }

            public void Connect()
            {
                AcceptBroker();
                byte[] connect = BrokerReads();
                Assert.Equal(0x10, connect[0]);
                BrokerSends(0x20, 0x02, 0x00, 0x00);
                Assert.Equal(MqttState.Connected, Client.State);
            }
        }

        private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

        private static byte[] Cat(params object[] parts)
        {
            var l = new List<byte>();
            foreach (object p in parts)
            {
                if (p is byte[] a)
                {
                    l.AddRange(a);
                }
                else if (p is string s)
                {
                    l.AddRange(B(s));
                }
                else
                {
                    l.Add(Convert.ToByte(p));
                }
            }
            return l.ToArray();
        }

        [Fact]
        public void MemoryPerClientIsWhatTheReadmeSays()
        {
            var pair = new MemoryPair();
            Assert.Equal(1024 + 1024 + 8 * 512 + 8 * 128 + 128 + 25 + 8 * 11 + 8 * 8, new MqttClient(pair.A, new MqttOptions()).BufferBytes);
        }

        [Fact]
        public void ConnectPacketCarriesIdKeepaliveWillUserAndPassword()
        {
            var rig = new Rig(new MqttOptions
            {
                ClientId = "dev1",
                KeepAliveSeconds = 30,
                CleanSession = true,
                WillTopic = "w/t",
                WillPayload = B("bye"),
                WillQos = 1,
                WillRetain = true,
                UserName = "u",
                Password = B("p"),
            });
            rig.AcceptBroker();
            byte[] expected = Cat(0x10, 32, 0, 4, "MQTT", 4, 0xEE, 0, 30, 0, 4, "dev1", 0, 3, "w/t", 0, 3, "bye", 0, 1, "u", 0, 1, "p");
            Assert.Equal(expected, rig.BrokerReads());
            Assert.Equal(MqttState.WaitingConnack, rig.Client.State);
            rig.BrokerSends(0x20, 0x02, 0x00, 0x00);
            Assert.Equal(MqttState.Connected, rig.Client.State);
            Assert.Equal(1, rig.Client.Counters.Connects);
        }

        [Fact]
        public void PublishSubscribeAndAcknowledgeBytesBothWays()
        {
            var rig = new Rig(new MqttOptions { ClientId = "c", KeepAliveSeconds = 0 });
            rig.Connect();

            Assert.Equal(0, rig.Client.Publish("t", B("q0"), 0, 2, 0, false));
            Assert.Equal(Cat(0x30, 5, 0, 1, "t", "q0"), rig.BrokerReads());

            int id = rig.Client.Publish("t", B("hi"), 0, 2, 1, true);
            Assert.Equal(1, id);
            Assert.Equal(Cat(0x33, 7, 0, 1, "t", 0, 1, "hi"), rig.BrokerReads());
            Assert.Equal(1, rig.Client.InflightCount);
            rig.BrokerSends(0x40, 2, 0, 1);
            Assert.Equal(0, rig.Client.InflightCount);
            Assert.Equal(1, rig.Client.Counters.PubAcksIn);

            Assert.Equal(0, rig.Client.Subscribe("c/#", 1));
            Assert.Equal(Cat(0x82, 8, 0, 2, 0, 3, "c/#", 1), rig.BrokerReads());
            rig.BrokerSends(0x90, 3, 0, 2, 1);
            Assert.Equal(1, rig.Client.Counters.SubAcks);

            rig.BrokerSends(Cat(0x32, 9, 0, 3, "c/x", 0, 7, "go"));
            Assert.Equal(new[] { "c/x=go q1" }, rig.Messages);
            Assert.Equal(Cat(0x40, 2, 0, 7), rig.BrokerReads());

            rig.BrokerSends(Cat(0x31, 7, 0, 3, "c/r", "ab"));
            Assert.Equal("c/r=ab r q0", rig.Messages[1]);

            Assert.Equal(0, rig.Client.Unsubscribe("c/#"));
            Assert.Equal(Cat(0xA2, 7, 0, 3, 0, 3, "c/#"), rig.BrokerReads());
            rig.BrokerSends(0xB0, 2, 0, 3);
            Assert.Equal(1, rig.Client.Counters.UnsubAcks);
            Assert.Equal(0, rig.Client.Counters.ProtocolErrors);
        }

        [Fact]
        public void KeepaliveSendsPingreqAndALostBrokerIsDetected()
        {
            var rig = new Rig(new MqttOptions { ClientId = "c", KeepAliveSeconds = 2, ReconnectMinMs = 500 });
            rig.Connect();
            rig.Run(2000);
            Assert.Equal(Cat(0xC0, 0), rig.BrokerReads());
            rig.BrokerSends(0xD0, 0);
            Assert.Equal(1, rig.Client.Counters.PingResponses);
            rig.Run(2000);
            Assert.Equal(Cat(0xC0, 0), rig.BrokerReads());
            // No PINGRESP this time: one keepalive later the connection is given up.
            rig.Run(2100);
            Assert.Equal(1, rig.Client.Counters.KeepaliveTimeouts);
            Assert.Equal(1, rig.Client.Counters.ConnectionsLost);
            Assert.NotEqual(MqttState.Connected, rig.Client.State);
        }

        [Fact]
        public void Qos1PublishIsSentAgainWithDupAfterReconnectAndSubscriptionsAreRenewed()
        {
            var rig = new Rig(new MqttOptions { ClientId = "c", KeepAliveSeconds = 0, CleanSession = false, ReconnectMinMs = 100, ReconnectMaxMs = 400 });
            rig.Connect();
            Assert.Equal(0, rig.Client.Subscribe("s", 1));
            rig.BrokerReads();
            rig.BrokerSends(0x90, 3, 0, 1, 1);
            int id = rig.Client.Publish("t", B("x"), 0, 1, 1, false);
            Assert.Equal(Cat(0x32, 6, 0, 1, "t", 0, id, "x"), rig.BrokerReads());
            rig.Pair.B.Tcp.Abort(rig.Broker); // the broker goes away without a PUBACK
            rig.Run(10);
            Assert.Equal(MqttState.Waiting, rig.Client.State);
            long wait = rig.Client.NextAttemptAt - rig.Now;
            Assert.InRange(wait, 0, 100);
            rig.Connect();
            byte[] resent = rig.BrokerReads();
            // SUBSCRIBE renewed (new id), then the publish again with DUP (0x3A) and its old id.
            Assert.Equal(Cat(0x82, 6, 0, id + 1, 0, 1, "s", 1, 0x3A, 6, 0, 1, "t", 0, id, "x"), resent);
            Assert.Equal(1, rig.Client.Counters.Retransmissions);
            rig.BrokerSends(0x40, 2, 0, (byte)id);
            Assert.Equal(0, rig.Client.InflightCount);
        }

        [Fact]
        public void ReconnectBackoffDoublesUpToTheCapWithJitter()
        {
            var rig = new Rig(new MqttOptions { ClientId = "c", ReconnectMinMs = 100, ReconnectMaxMs = 1000 });
            rig.Pair.B.Tcp.StopListening(rig.Listener); // refused: every attempt fails
            var waits = new List<long>();
            for (int attempt = 0; attempt < 7; attempt++)
            {
                long before = rig.Client.Counters.ConnectAttempts;
                for (int i = 0; i < 5000 && rig.Client.Counters.ConnectAttempts == before; i++)
                {
                    rig.Run(1);
                }

                for (int i = 0; i < 5000 && rig.Client.State != MqttState.Waiting; i++)
                {
                    rig.Run(1);
                }

                waits.Add(rig.Client.NextAttemptAt - rig.Now);
            }
            long[] caps = { 100, 200, 400, 800, 1000, 1000, 1000 };
            for (int i = 0; i < caps.Length; i++)
            {
                Assert.InRange(waits[i], caps[i] / 2 - 5, caps[i]);
            }

            Assert.Equal(0, rig.Client.Counters.Connects);
            Assert.True(rig.Client.Counters.ConnectFailures >= 7);
        }

        public static IEnumerable<object[]> Hostile()
        {
            // name, bytes after CONNACK, the counter that must count it
            yield return new object[] { "remaining length of five bytes", new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, "BadRemainingLength" };
            yield return new object[] { "remaining length past the buffer", new byte[] { 0xD0, 0xFF, 0x7F }, "PacketTooLarge" };
            yield return new object[] { "PUBLISH larger than the receive buffer", Cat(0x30, 0xAC, 0x02, 0, 1, "t", new byte[297]), "PacketTooLarge" };
            yield return new object[] { "CONNECT from the server", Cat(0x10, 2, 0, 0), "ForbiddenPacketType" };
            yield return new object[] { "PINGREQ from the server", Cat(0xC0, 0), "ForbiddenPacketType" };
            yield return new object[] { "PUBREL (QoS 2 never asked for)", Cat(0x62, 2, 0, 1), "ForbiddenPacketType" };
            yield return new object[] { "PUBLISH at QoS 2", Cat(0x34, 5, 0, 1, "t", 0, 1), "ForbiddenPacketType" };
            yield return new object[] { "SUBACK for an id never sent", Cat(0x90, 3, 0x12, 0x34, 0), "UnexpectedAck" };
            yield return new object[] { "UNSUBACK for an id never sent", Cat(0xB0, 2, 0, 9), "UnexpectedAck" };
            yield return new object[] { "PUBLISH topic longer than the packet", Cat(0x30, 4, 0, 9, "ab"), "MalformedPacket" };
            yield return new object[] { "second CONNACK", Cat(0x20, 2, 0, 0), "ForbiddenPacketType" };
            yield return new object[] { "PUBACK with flags", Cat(0x41, 2, 0, 1), "MalformedPacket" };
        }

        [Theory]
        [MemberData(nameof(Hostile))]
        public void HostileBrokerInputClosesCleanlyIsCountedAndTheClientReconnects(string name, byte[] bytes, string counter)
        {
            var rig = new Rig(new MqttOptions { ClientId = "c", KeepAliveSeconds = 0, ReceiveBufferSize = 256, ReconnectMinMs = 50, ReconnectMaxMs = 50 });
            // Another connection on the same stack, which must not notice anything.
            int otherListener = rig.Pair.B.Tcp.Listen(0, 9000, 2);
            int other = rig.Pair.A.Tcp.Connect(0, MemoryPair.AddressB, 9000, 0);
            rig.Connect();
            int otherPeer = rig.Pair.B.Tcp.Accept(otherListener);
            Assert.True(otherPeer > 0);

            rig.BrokerSends(bytes);
            rig.Run(20);
            Assert.True(rig.Client.State == MqttState.Waiting, name + ": state " + rig.Client.State);
            Assert.Equal(1, rig.Client.Counters.ProtocolErrors);
            Assert.Equal(1L, (long)typeof(MqttCounters).GetField(counter).GetValue(rig.Client.Counters));
            Assert.Empty(rig.Messages);
            // The broker's end was reset, not left half-open.
            Assert.True(rig.Pair.B.Tcp.GetState(rig.Broker) == TcpState.Closed, name + ": broker side " + rig.Pair.B.Tcp.GetState(rig.Broker));
            Assert.NotEqual(0, rig.Pair.B.Tcp.GetError(rig.Broker));

            // The other connection still carries data.
            byte[] data = B("still here");
            Assert.Equal(data.Length, rig.Pair.A.Tcp.Send(other, data, 0, data.Length));
            rig.Run(5);
            var got = new byte[32];
            Assert.Equal(data.Length, rig.Pair.B.Tcp.Receive(otherPeer, got, 0, got.Length));

            // And the client comes back.
            rig.Pair.B.Tcp.Close(rig.Broker);
            rig.Connect();
            Assert.Equal(2, rig.Client.Counters.Connects);
        }
    }
}
