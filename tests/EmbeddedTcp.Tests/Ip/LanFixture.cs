using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation;

namespace EmbeddedTcp.Tests.Ip
{
    /// <summary>Two (or three) stacks on a simulated 10 Mbit/s switch: A = 192.0.2.1, B = 192.0.2.2.</summary>
    public sealed class LanFixture
    {
        public const uint IpA = 0xC0000201;
        public const uint IpB = 0xC0000202;
        public const uint IpC = 0xC0000203;
        public static readonly byte[] MacA = { 0x02, 0, 0, 0, 0, 0x01 };
        public static readonly byte[] MacB = { 0x02, 0, 0, 0, 0, 0x02 };
        public static readonly byte[] MacC = { 0x02, 0, 0, 0, 0, 0x03 };

        public readonly SimulatedLan Lan;
        public readonly NetworkStack A;
        public readonly NetworkStack B;

        public LanFixture(NetworkConfig a = null, NetworkConfig b = null, uint gatewayForA = 0)
        {
            Lan = new SimulatedLan();
            a = a ?? new NetworkConfig();
            b = b ?? new NetworkConfig();
            a.Address = IpA;
            a.Gateway = gatewayForA;
            b.Address = IpB;
            A = Lan.AddHost(MacA, a, 1);
            B = Lan.AddHost(MacB, b, 2);
        }

        /// <summary>Runs until <paramref name="done"/> is true or <paramref name="maxMs"/> of virtual time passed.</summary>
        public bool RunUntil(System.Func<bool> done, long maxMs = 60000)
        {
            long end = Lan.NowMs + maxMs;
            for (int guard = 0; guard < 10000000; guard++)
            {
                if (done())
                {
                    return true;
                }

                if (!Lan.Step(end))
                {
                    return done();
                }
            }

            return done();
        }
    }
}
