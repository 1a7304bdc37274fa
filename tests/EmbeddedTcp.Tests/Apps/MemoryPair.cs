using System.Diagnostics;
using EmbeddedTcp.Apps.Sockets;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.NanoSupport;

namespace EmbeddedTcp.Tests.Apps
{
    /// <summary>Two stacks over a <see cref="MemoryLink"/>: A at 10.0.0.1 (the device), B at 10.0.0.2 (the peer).</summary>
    internal sealed class MemoryPair
    {
        public const uint AddressA = 0x0A000001, AddressB = 0x0A000002;
        public readonly MemoryLink Link = new MemoryLink(64);
        public readonly NetworkStack A, B;

        public MemoryPair(int receiveBuffer = 8192)
        {
            A = new NetworkStack(Config(AddressA, receiveBuffer), Link.A, new SeededRandom(11));
            B = new NetworkStack(Config(AddressB, receiveBuffer), Link.B, new SeededRandom(22));
        }

        private static NetworkConfig Config(uint address, int buffers)
        {
            var c = new NetworkConfig { Address = address, Netmask = 0xFFFFFF00 };
            c.Tcp.MaxConnections = 12;
            c.Tcp.SendBufferSize = buffers;
            c.Tcp.ReceiveBufferSize = buffers;
            c.Tcp.MslMs = 100;
            c.MaxFramesPerPoll = 64;
            return c;
        }
    }

    /// <summary>Wall time for the threaded host (Stopwatch, ms).</summary>
    internal sealed class StopwatchClock : IHostClock
    {
        private readonly Stopwatch _sw = Stopwatch.StartNew();
        public long NowMs => _sw.ElapsedMilliseconds;
    }

    /// <summary>Polls a second stack from the host's loop (under its lock), so one thread drives both ends of a MemoryLink.</summary>
    internal sealed class StackPollable : IHostPollable
    {
        private readonly NetworkStack _stack;
        private readonly IHostPollable _then;
        public StackPollable(NetworkStack stack, IHostPollable then = null) { _stack = stack; _then = then; }
        public void Poll(long nowMs) { _stack.Poll(nowMs); _then?.Poll(nowMs); }
    }
}
