using EmbeddedTcp.Diagnostics;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Tcp
{
    /// <summary>
    /// A netstat-like snapshot of one connection-table entry, filled by <see cref="TcpStack.GetEntry"/>. A class
    /// the caller allocates once and refills (nanoCLR keeps structs on its heap: a struct would allocate per use).
    /// </summary>
    public sealed class TcpEntryInfo
    {
        /// <summary>State of the entry.</summary>
        public TcpState State;
        /// <summary>True when the entry is free for a new connection.</summary>
        public bool Free;
        /// <summary>Local address (host order).</summary>
        public uint LocalIp;
        /// <summary>Local port.</summary>
        public int LocalPort;
        /// <summary>Remote address (host order).</summary>
        public uint RemoteIp;
        /// <summary>Remote port.</summary>
        public int RemotePort;
        /// <summary>Bytes in the send ring (unsent plus unacknowledged).</summary>
        public int SendQueued;
        /// <summary>Bytes waiting to be read.</summary>
        public int ReceiveQueued;
        /// <summary>Current retransmission timeout, ms.</summary>
        public int RtoMs;
        /// <summary>Smoothed RTT, ms (0 before the first sample).</summary>
        public int SmoothedRttMs;
        /// <summary>Congestion window, bytes.</summary>
        public int CongestionWindow;
    }
}
