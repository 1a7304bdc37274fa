using System;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Simulation.Board;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Tests.Firmware
{
    /// <summary>
    /// A simulated board (stack + ENC28J60 driver + chip model) running the firmware at
    /// 192.0.2.2, and a plain test client stack at 192.0.2.1, on a simulated switch.
    /// </summary>
    public sealed class FirmwareFixture
    {
        public const uint ClientIp = 0xC0000201;
        public const uint BoardIp = 0xC0000202;
        public static readonly byte[] ClientMac = { 0x02, 0, 0, 0, 0, 0x01 };
        public static readonly byte[] BoardMac = { 0x02, 0, 0, 0, 0, 0x02 };

        public readonly SimulatedLan Lan;
        public readonly SimulatedBoard Board;
        public readonly NetworkStack Client;
        public readonly byte[] Buffer = new byte[65536];

        public FirmwareFixture(FirmwareOptions options = null, NetworkConfig boardConfig = null, NetworkConfig clientConfig = null, ulong seed = 1)
        {
            Lan = new SimulatedLan(null, seed);
            boardConfig = boardConfig ?? new NetworkConfig();
            boardConfig.Address = BoardIp;
            clientConfig = clientConfig ?? new NetworkConfig();
            clientConfig.Address = ClientIp;
            Client = Lan.AddHost(ClientMac, clientConfig, 11);
            Board = new SimulatedBoard(Lan, BoardMac, boardConfig, 22, options ?? new FirmwareOptions());
        }

        public FirmwareApp App => Board.App;
        public TcpStack Tcp => Client.Tcp;

        /// <summary>One step of the world: the network, then the firmware's turn.</summary>
        public bool Step(long limitMs)
        {
            bool more = Lan.Step(limitMs);
            Board.RunApplication();
            return more;
        }

        public bool RunUntil(Func<bool> done, long maxMs = 60000)
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

        public void RunFor(long ms)
        {
            long end = Lan.NowMs + ms;
            for (int guard = 0; guard < 10000000 && Step(end); guard++) { }
        }

        public int Connect(int port)
        {
            int h = Tcp.Connect(ClientIp, BoardIp, port, 0);
            if (h <= 0)
            {
                throw new InvalidOperationException("connect failed: " + h);
            }

            if (!RunUntil(() => Tcp.GetState(h) == TcpState.Established, 10000))
            {
                throw new InvalidOperationException("not established: " + TcpStateNames.Of(Tcp.GetState(h)));
            }

            return h;
        }

        /// <summary>Sends all of data[0..length) (stepping while the send ring is full).</summary>
        public void SendAll(int h, byte[] data, int length)
        {
            int sent = 0;
            RunUntil(() =>
            {
                int n = Tcp.Send(h, data, sent, length - sent);
                if (n < 0)
                {
                    throw new InvalidOperationException("send: " + n);
                }

                sent += n;
                return sent == length;
            }, 60000);
            if (sent != length)
            {
                throw new InvalidOperationException("sent only " + sent);
            }
        }

        /// <summary>Reads into <see cref="Buffer"/> until <paramref name="count"/> bytes or end of stream; returns the count read.</summary>
        public int ReadUntil(int h, int count, bool untilEnd, long maxMs = 60000)
        {
            int got = 0;
            bool ended = false;
            RunUntil(() =>
            {
                while (got < count)
                {
                    int n = Tcp.Receive(h, Buffer, got, count - got);
                    if (n == NetError.EndOfStream) { ended = true; return true; }
                    if (n < 0)
                    {
                        throw new InvalidOperationException("receive: " + n);
                    }

                    if (n == 0)
                    {
                        break;
                    }

                    got += n;
                }
                return untilEnd ? ended : got >= count;
            }, maxMs);
            return got;
        }
    }
}
