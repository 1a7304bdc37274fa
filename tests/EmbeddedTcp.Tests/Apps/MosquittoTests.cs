using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using EmbeddedTcp.Apps.Mqtt;
using EmbeddedTcp.Apps.Sockets;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Tests.Interop;
using EmbeddedTcp.Tests.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.Apps
{
    /// <summary>
    /// The MQTT client, run by a threaded <see cref="NetHost"/>, against Debian's mosquitto in a
    /// network namespace the test creates (reached through the TAP, 192.0.2.1:1883), checked
    /// with mosquitto_sub / mosquitto_pub: QoS 0/1 both ways, retained messages, keepalive over
    /// several intervals, the broker killed and restarted, a will on a cut link, and 1,000
    /// QoS 1 messages under 5% loss.
    /// </summary>
    [Collection("Interop")]
    public sealed class MosquittoTests
    {
        private readonly ITestOutputHelper _output;
        public MosquittoTests(ITestOutputHelper output) { _output = output; }

        internal sealed class Rig : IDisposable, IMqttHandler
        {
            public KernelPeer Peer;
            public NetHost Host;
            public MqttClient Client;
            public Process Broker;
            public string Conf;
            public readonly ConcurrentQueue<string> Received = new ConcurrentQueue<string>();

            public void OnMessage(MqttClient client, MqttMessage m)
            {
                Received.Enqueue(Encoding.UTF8.GetString(m.Buffer, m.TopicOffset, m.TopicLength) + " "
                    + Encoding.UTF8.GetString(m.Buffer, m.PayloadOffset, m.PayloadLength) + (m.Retain ? " retained" : "") + " q" + m.Qos);
            }

            public void StartBroker()
            {
                Broker = Peer.Start(ExternalTool.Find("mosquitto"), "-c", Conf);
                for (int i = 0; i < 100; i++)
                {
                    var r = Peer.Exec(5000, ExternalTool.Find("mosquitto_pub"), "-h", KernelPeer.KernelAddress, "-t", "probe", "-m", "x");
                    if (r.ExitCode == 0)
                    {
                        return;
                    }

                    Thread.Sleep(50);
                }
                throw new InvalidOperationException("mosquitto did not start");
            }

            public void KillBroker()
            {
                Broker.Kill();
                Broker.WaitForExit(5000);
            }

            /// <summary>mosquitto_sub in the namespace, returned once its SUBACK is in (so nothing published afterwards is missed).</summary>
            public Process Subscribe(string topic, int count, int qos = 1)
            {
                // stdbuf: mosquitto_sub's stdout is a pipe here, and its SUBACK line must arrive now, not at exit.
                Process p = Peer.Start(ExternalTool.Find("stdbuf") ?? "/usr/bin/stdbuf", "-oL", ExternalTool.Find("mosquitto_sub"), "-h", KernelPeer.KernelAddress, "-t", topic, "-q", qos.ToString(),
                    "-C", count.ToString(), "-v", "-d", "-W", "120");
                for (int i = 0; i < 50; i++)
                {
                    string line = KernelPeer.ReadLine(p, 5000);
                    if (line == null)
                    {
                        break;
                    }

                    if (line.Contains("SUBACK"))
                    {
                        return p;
                    }
                }
                throw new InvalidOperationException("mosquitto_sub got no SUBACK");
            }

            /// <summary>The messages (topic payload) a mosquitto_sub printed, without its debug lines.</summary>
            public static List<string> Lines(Process p, int timeoutMs)
            {
                string all = KernelPeer.Finish(p, timeoutMs, out _);
                return all.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !l.StartsWith("Client ") && !l.StartsWith("Subscribed ")).ToList();
            }

            public void Publish(string topic, string message, int qos, bool retain = false)
            {
                var args = new List<string> { "-h", KernelPeer.KernelAddress, "-t", topic, "-m", message, "-q", qos.ToString() };
                if (retain)
                {
                    args.Add("-r");
                }

                var r = Peer.Exec(10_000, ExternalTool.Find("mosquitto_pub"), args.ToArray());
                if (r.ExitCode != 0)
                {
                    throw new InvalidOperationException("mosquitto_pub: " + r);
                }
            }

            public bool WaitFor(Func<bool> done, int timeoutMs)
            {
                var sw = Stopwatch.StartNew();
                while (!done())
                {
                    if (sw.ElapsedMilliseconds > timeoutMs)
                    {
                        return false;
                    }

                    Thread.Sleep(10);
                }
                return true;
            }

            public void Dispose()
            {
                try { Host?.Stop(5000); } catch (Exception) { }
                Peer?.Dispose(); // kills mosquitto and the clients by PID, removes the namespace
                if (Conf != null)
                {
                    File.Delete(Conf);
                }
            }
        }

        internal Rig Setup(MqttOptions options, FaultOptions faults = null, bool startClient = true)
        {
            string mosquitto = Prerequisites.Tool("mosquitto");
            Prerequisites.Tool("mosquitto_sub", "mosquitto-clients");
            KernelPeer peer = KernelPeer.Create(null, faults, 5);
            var rig = new Rig { Peer = peer };
            try
            {
                peer.Runner.Dispose(); // the host below owns the stack now
                rig.Conf = Path.Combine(Path.GetTempPath(), "etcp-mosquitto-" + Environment.ProcessId + "-" + peer.TapName + ".conf");
                File.WriteAllText(rig.Conf, "listener 1883 " + KernelPeer.KernelAddress + "\nallow_anonymous true\npersistence false\n"
                    + "max_keepalive 65535\nlog_dest stderr\n");
                rig.StartBroker();
                rig.Host = new NetHost(peer.Stack, new StopwatchClock(), 8, 1, 4);
                options.BrokerAddress = KernelPeer.KernelIp;
                rig.Client = new MqttClient(rig.Host, options) { Handler = rig };
                rig.Host.Start();
                if (startClient)
                {
                    rig.Client.Start();
                    Assert.True(rig.Client.WaitConnected(20_000), "no session with mosquitto: " + rig.Client.State);
                }
                return rig;
            }
            catch
            {
                rig.Dispose();
                throw;
            }
        }

        private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

        [SkippableFact]
        public void PublishAndSubscribeBothWaysAtQos0And1WithRetainedMessages()
        {
            using Rig rig = Setup(new MqttOptions { ClientId = "etcp-both", KeepAliveSeconds = 30 });
            rig.Publish("dev/retained", "kept", 1, retain: true);

            // Device → broker: QoS 0 and 1, checked by mosquitto_sub.
            Process sub = rig.Subscribe("dev/out/#", 3);
            Assert.Equal(0, rig.Client.Publish("dev/out/a", B("zero"), 0, 4, 0, false));
            Assert.True(rig.Client.Publish("dev/out/b", B("one"), 0, 3, 1, false) > 0);
            Assert.True(rig.Client.Publish("dev/out/c", B("retained by the device"), 0, 22, 1, true) > 0);
            Assert.True(rig.Client.WaitAllAcknowledged(10_000), "PUBACK missing");
            Assert.Equal(new[] { "dev/out/a zero", "dev/out/b one", "dev/out/c retained by the device" }, Rig.Lines(sub, 10_000));

            // Broker → device: QoS 0 and 1, and the retained message at subscribe time.
            Assert.Equal(0, rig.Client.Subscribe("dev/in/#", 1));
            Assert.Equal(0, rig.Client.Subscribe("dev/retained", 1));
            Assert.True(rig.WaitFor(() => rig.Client.Counters.SubAcks == 2, 10_000), "no SUBACKs");
            rig.Publish("dev/in/x", "hello q0", 0);
            rig.Publish("dev/in/y", "hello q1", 1);
            Assert.True(rig.WaitFor(() => rig.Received.Count >= 3, 10_000), "received: " + string.Join(", ", rig.Received));
            var got = rig.Received.ToArray();
            Assert.Contains("dev/retained kept retained q1", got);
            Assert.Contains("dev/in/x hello q0 q0", got);
            Assert.Contains("dev/in/y hello q1 q1", got);

            // The device's own retained message is kept by the broker.
            Process late = rig.Subscribe("dev/out/c", 1);
            Assert.Equal(new[] { "dev/out/c retained by the device" }, Rig.Lines(late, 10_000));
            Assert.Equal(0, rig.Client.Counters.ProtocolErrors);
            Assert.Equal(1, rig.Client.Counters.Connects);
            rig.Client.Disconnect();
        }

        private sealed class FirmwarePoll : IPollable
        {
            public EmbeddedTcp.Firmware.FirmwareApp App;
            public void Poll(EmbeddedTcp.NetworkStack stack, long nowMs) => App?.Poll(nowMs);
        }

        [SkippableFact]
        public void FirmwarePublishesItsStatusAndAnswersCommands()
        {
            Prerequisites.Tool("mosquitto");
            Prerequisites.Tool("mosquitto_sub", "mosquitto-clients");
            KernelPeer peer = KernelPeer.Create();
            using var rig = new Rig { Peer = peer };
            rig.Conf = Path.Combine(Path.GetTempPath(), "etcp-mosquitto-" + Environment.ProcessId + "-" + peer.TapName + ".conf");
            File.WriteAllText(rig.Conf, "listener 1883 " + KernelPeer.KernelAddress + "\nallow_anonymous true\npersistence false\n");
            rig.StartBroker();
            const string topic = "embeddedtcp/020000000002/";
            Process status = rig.Subscribe(topic + "status", 2);
            var poll = new FirmwarePoll();
            poll.App = peer.Runner.Do(s => new EmbeddedTcp.Firmware.FirmwareApp(s, new EmbeddedTcp.Firmware.FirmwareOptions
            {
                MqttBroker = KernelPeer.KernelIp,
                MqttStatusIntervalMs = 500,
            }));
            peer.Runner.Add(poll);
            List<string> lines = Rig.Lines(status, 20_000);
            Assert.Equal(2, lines.Count);
            Assert.StartsWith(topic + "status {\"address\":\"192.0.2.2\",\"uptime_s\":", lines[0]);
            Assert.EndsWith("\"mqtt_connects\":1}}", lines[1]);
            using (var json = System.Text.Json.JsonDocument.Parse(lines[1].Substring(lines[1].IndexOf(' ') + 1)))
            {
                Assert.Equal(16, json.RootElement.GetProperty("tcp_capacity").GetInt32());
            }

            Process reply = rig.Subscribe(topic + "reply", 2);
            rig.Publish(topic + "cmd", "ping", 1);
            rig.Publish(topic + "cmd", "reboot-now", 1);
            Assert.Equal(new[] { topic + "reply pong", topic + "reply error: unknown command" }, Rig.Lines(reply, 15_000));
            Assert.Equal(2, peer.Runner.Do(s => poll.App.Mqtt.Commands));
            Assert.Equal(0, peer.Runner.Do(s => poll.App.Mqtt.Client.Counters.ProtocolErrors));
        }

        [SkippableFact]
        public void KeepaliveHoldsTheSessionOverSeveralIntervals()
        {
            using Rig rig = Setup(new MqttOptions { ClientId = "etcp-ka", KeepAliveSeconds = 1 });
            // mosquitto drops a client that is silent for 1.5 keepalives; four intervals of silence from the application.
            Assert.True(rig.WaitFor(() => rig.Client.Counters.PingResponses >= 4, 15_000), "pings " + rig.Client.Counters.PingsSent + ", responses " + rig.Client.Counters.PingResponses);
            Assert.Equal(MqttState.Connected, rig.Client.State);
            Assert.Equal(1, rig.Client.Counters.Connects);
            Assert.Equal(0, rig.Client.Counters.ConnectionsLost);
            Assert.Equal(0, rig.Client.Counters.KeepaliveTimeouts);
        }

        [SkippableFact]
        public void ReconnectsAfterTheBrokerIsKilledAndRestartedAndResumesSubscriptions()
        {
            using Rig rig = Setup(new MqttOptions { ClientId = "etcp-re", KeepAliveSeconds = 2, ReconnectMinMs = 200, ReconnectMaxMs = 1000 });
            Assert.Equal(0, rig.Client.Subscribe("dev/cmd", 1));
            Assert.True(rig.WaitFor(() => rig.Client.Counters.SubAcks == 1, 10_000));
            rig.KillBroker();
            Assert.True(rig.WaitFor(() => rig.Client.State != MqttState.Connected, 10_000), "the client did not notice the broker's death");
            Assert.True(rig.WaitFor(() => rig.Client.Counters.ConnectFailures >= 1, 10_000), "no failed attempt while the broker was down");
            rig.StartBroker(); // a fresh broker: no session, no subscriptions of its own
            Assert.True(rig.Client.WaitConnected(20_000), "no reconnect: " + rig.Client.State);
            Assert.True(rig.WaitFor(() => rig.Client.Counters.SubAcks == 2, 10_000), "subscription not renewed");
            rig.Publish("dev/cmd", "after restart", 1);
            Assert.True(rig.WaitFor(() => rig.Received.Contains("dev/cmd after restart q1"), 10_000), "received: " + string.Join(", ", rig.Received));
            Assert.Equal(2, rig.Client.Counters.Connects);
            Assert.Equal(1, rig.Client.Counters.ConnectionsLost);
            _output.WriteLine("attempts " + rig.Client.Counters.ConnectAttempts + ", failures " + rig.Client.Counters.ConnectFailures);
        }

        [SkippableFact]
        public void WillIsDeliveredWhenTheLinkIsCut()
        {
            using Rig rig = Setup(new MqttOptions { ClientId = "etcp-will", KeepAliveSeconds = 1, WillTopic = "dev/will", WillPayload = B("gone"), WillQos = 1 });
            Process sub = rig.Subscribe("dev/will", 1);
            // Cut the link: the kernel's end of the TAP goes down, nothing reaches the broker any more.
            var r = rig.Peer.Exec(10_000, rig.Peer.Ip, "link", "set", rig.Peer.TapName, "down");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(new[] { "dev/will gone" }, Rig.Lines(sub, 15_000));
            Assert.True(rig.WaitFor(() => rig.Client.Counters.KeepaliveTimeouts + rig.Client.Counters.ConnectionsLost >= 1, 10_000), "the client did not notice the cut");
        }

        [SkippableFact]
        public void ThousandQos1MessagesUnderFivePercentLossNoneLostNoneDuplicated()
        {
            var faults = new FaultOptions { LossRate = 0.05 };
            using Rig rig = Setup(new MqttOptions { ClientId = "etcp-1000", KeepAliveSeconds = 30, MaxInflight = 16, SendBufferSize = 2048 }, faults);
            Process sub = rig.Subscribe("dev/seq", 1000);
            var payload = new byte[16];
            for (int i = 0; i < 1000; i++)
            {
                int n = Encoding.ASCII.GetBytes("m" + i.ToString("D4"), 0, 5, payload, 0);
                int r;
                int tries = 0;
                while ((r = rig.Client.Publish("dev/seq", payload, 0, n, 1, false)) < 0)
                {
                    Assert.True(r == MqttError.InflightFull || r == MqttError.WouldBlock, "publish " + i + ": " + r);
                    Assert.True(++tries < 1000, "publish " + i + " never found room");
                    rig.Client.WaitForInflightRoom(100);
                }
            }
            Assert.True(rig.Client.WaitAllAcknowledged(60_000), "in flight: " + rig.Client.InflightCount);
            List<string> lines = Rig.Lines(sub, 60_000);
            var expected = Enumerable.Range(0, 1000).Select(i => "dev/seq m" + i.ToString("D4")).ToList();
            Assert.Equal(1000, lines.Count);
            Assert.Equal(expected, lines); // every message once, in order

            // And the other way: 1,000 from mosquitto_pub at QoS 1 (one process, -l: a line per message).
            Assert.Equal(0, rig.Client.Subscribe("dev/down", 1));
            Assert.True(rig.WaitFor(() => rig.Client.Counters.SubAcks == 1, 10_000));
            string file = Path.Combine(Path.GetTempPath(), "etcp-mqtt-lines-" + Environment.ProcessId);
            File.WriteAllLines(file, Enumerable.Range(0, 1000).Select(i => "d" + i.ToString("D4")));
            try
            {
                var r = rig.Peer.Exec(120_000, "/bin/sh", "-c", ExternalTool.Find("mosquitto_pub") + " -h " + KernelPeer.KernelAddress + " -t dev/down -q 1 -l < " + file);
                Assert.True(r.ExitCode == 0, r.ToString());
            }
            finally
            {
                File.Delete(file);
            }
            Assert.True(rig.WaitFor(() => rig.Received.Count >= 1000, 60_000), "received " + rig.Received.Count);
            Thread.Sleep(200);
            var down = rig.Received.ToArray();
            Assert.Equal(Enumerable.Range(0, 1000).Select(i => "dev/down d" + i.ToString("D4") + " q1"), down);
            _output.WriteLine("frames dropped by the fault injector: " + rig.Peer.Faults?.ToString() + "; retransmissions " + rig.Peer.Stack.Tcp.Counters.Retransmissions
                + "; MQTT reconnects " + (rig.Client.Counters.Connects - 1));
        }
    }
}
