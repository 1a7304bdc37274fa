using System;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation;

namespace EmbeddedTcp.Tests.Ip
{
    /// <summary>
    /// A LAN with a DHCP server (stack S, 192.0.2.2), a silent observer on port 67 of a third stack
    /// (O, 192.0.2.3: it sees broadcasts only, so it tells broadcast REQUESTs from unicast ones)
    /// and a client C configured by DHCP.
    /// </summary>
    internal sealed class DhcpLan
    {
        public const uint ServerIp = 0xC0000202;
        public const uint ObserverIp = 0xC0000203;
        public static readonly byte[] ClientMac = { 0x02, 0, 0, 0, 0, 0x0C };

        public readonly SimulatedLan Lan = new SimulatedLan();
        public readonly NetworkStack S;
        public readonly NetworkStack O;
        public readonly NetworkStack C;
        public readonly DhcpTestServer Server;
        public readonly DhcpTestServer Observer;
        public readonly SimulatedPort ClientPort;
        public Action AfterStep; // more servers' turns (SNTP)

        public DhcpLan(Action<DhcpTestServer> setup = null, NetworkConfig clientConfig = null, bool clientLinkUp = true)
        {
            S = Lan.AddHost(LanFixture.MacB, new NetworkConfig { Address = ServerIp }, 2);
            O = Lan.AddHost(LanFixture.MacC, new NetworkConfig { Address = ObserverIp }, 3);
            Server = new DhcpTestServer(S);
            Observer = new DhcpTestServer(O) { Silent = true };
            setup?.Invoke(Server);
            clientConfig = clientConfig ?? new NetworkConfig();
            clientConfig.UseDhcp = true;
            ClientPort = Lan.AddPort(ClientMac);
            ClientPort.SetLinkUp(clientLinkUp);
            C = Lan.AddStack(ClientPort, clientConfig, 12, ClientPort);
        }

        /// <summary>One LAN event, then the servers' turn. False when nothing happens before <paramref name="limitMs"/>.</summary>
        public bool Step(long limitMs)
        {
            bool more = Lan.Step(limitMs);
            Server.Poll();
            Observer.Poll();
            AfterStep?.Invoke();
            return more;
        }

        /// <summary>Runs until <paramref name="done"/> or <paramref name="maxMs"/> of virtual time.</summary>
        public bool RunUntil(Func<bool> done, long maxMs)
        {
            long end = Lan.NowMs + maxMs;
            for (int guard = 0; guard < 10000000; guard++)
            {
                if (done())
                {
                    return true;
                }

                if (!Step(end))
                {
                    return done();
                }
            }

            return done();
        }

        /// <summary>Runs every event up to <paramref name="untilMs"/>.</summary>
        public void RunTo(long untilMs)
        {
            for (int guard = 0; guard < 10000000 && Step(untilMs); guard++)
            {
            }
        }
    }
}
