using System;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;

namespace EmbeddedTcp.Simulation
{
    /// <summary>
    /// A host whose CPU time is modelled (see <see cref="SimulatedLan.SetBusyHost"/>): the LAN asks
    /// it whether it is busy before polling its stack.
    /// </summary>
    public interface IBusyHost
    {
        /// <summary>Virtual time (ns) until which the host's CPU is busy with its last turn.</summary>
        long BusyUntilNs { get; }

        /// <summary>Called instead of the stack's Poll while busy (hardware that works on: the chip takes frames off the wire).</summary>
        void WhileBusy();

        /// <summary>Called just before the stack's Poll: a turn begins at <paramref name="nowNs"/>.</summary>
        void TurnStarting(long nowNs);
    }
}
