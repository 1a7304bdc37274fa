using System;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Bench.Harness
{
    /// <summary>
    /// Two whole stacks (A = 192.0.2.1, B = 192.0.2.2) cabled by <see cref="MemoryPort"/>s, on one
    /// thread, with a hand-driven clock (<see cref="NowMs"/>; each <see cref="Pump"/> round adds 1 ms).
    /// </summary>
    public sealed class StackPair
    {
        /// <summary>A's address.</summary>
        public const uint IpA = 0xC0000201;
        /// <summary>B's address.</summary>
        public const uint IpB = 0xC0000202;

        /// <summary>A's port.</summary>
        public readonly MemoryPort PortA;
        /// <summary>B's port.</summary>
        public readonly MemoryPort PortB;
        /// <summary>Stack A (the client side).</summary>
        public readonly NetworkStack A;
        /// <summary>Stack B (the server side).</summary>
        public readonly NetworkStack B;
        /// <summary>The time both stacks see, ms.</summary>
        public long NowMs = 1000;

        /// <summary>Builds the pair; null configurations mean the defaults.</summary>
        public StackPair(NetworkConfig a = null, NetworkConfig b = null)
        {
            a = a ?? new NetworkConfig();
            b = b ?? new NetworkConfig();
            a.Address = IpA;
            b.Address = IpB;
            PortA = new MemoryPort(new byte[] { 2, 0, 0, 0, 0, 1 });
            PortB = new MemoryPort(new byte[] { 2, 0, 0, 0, 0, 2 });
            MemoryPort.Cable(PortA, PortB);
            A = new NetworkStack(a, PortA, new SeededRandom(1));
            B = new NetworkStack(b, PortB, new SeededRandom(2));
            // the stacks learn the time from Poll: without this a Connect would stamp its SYN at 0 ms
            A.Poll(NowMs);
            B.Poll(NowMs);
        }

        /// <summary>A configuration with <paramref name="connections"/> entries and <paramref name="buffer"/>-byte rings.</summary>
        public static NetworkConfig Config(int connections, int buffer)
        {
            var c = new NetworkConfig();
            c.Tcp.MaxConnections = connections;
            c.Tcp.SendBufferSize = buffer;
            c.Tcp.ReceiveBufferSize = buffer;
            return c;
        }

        /// <summary>One round: both stacks poll, then the clock moves 1 ms.</summary>
        public void Pump()
        {
            A.Poll(NowMs);
            B.Poll(NowMs);
            NowMs++;
        }

        /// <summary>
        /// A connects to <paramref name="listener"/> (a B listener on <paramref name="port"/>);
        /// returns A's handle and B's accepted handle in <paramref name="server"/>.
        /// </summary>
        public int Connect(int listener, int port, out int server)
        {
            int client = A.Tcp.Connect(IpA, IpB, port, 0);
            if (client <= 0)
            {
                throw new InvalidOperationException("connect failed: " + client);
            }

            server = 0;
            for (int i = 0; i < 10000 && (server <= 0 || A.Tcp.GetState(client) != TcpState.Established); i++)
            {
                Pump();
                if (server <= 0)
                {
                    server = B.Tcp.Accept(listener);
                }
            }

            if (server <= 0 || A.Tcp.GetState(client) != TcpState.Established)
            {
                throw new InvalidOperationException("connection did not establish");
            }

            return client;
        }
    }
}
