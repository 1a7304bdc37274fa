namespace EmbeddedTcp.Ip
{
    /// <summary>
    /// One neighbour of the ARP cache (<see cref="ArpCache"/>): its address, MAC address, state and
    /// timers. Made once, at construction, and reused for every neighbour that takes its slot; the
    /// interface reads and writes the fields directly (a field access is one IL instruction, a
    /// property a call).
    /// </summary>
    internal sealed class ArpEntry
    {
        /// <summary>The slot holds no neighbour.</summary>
        public const byte Free = 0;

        /// <summary>Requests are out; frames for the neighbour wait in the cache's queue.</summary>
        public const byte Pending = 1;

        /// <summary>The MAC address is known.</summary>
        public const byte Resolved = 2;

        /// <summary>The neighbour's IPv4 address (host order).</summary>
        public uint Ip;

        /// <summary>Its MAC address (valid while <see cref="Resolved"/>).</summary>
        public readonly byte[] Mac = new byte[6];

        /// <summary><see cref="Free"/>, <see cref="Pending"/> or <see cref="Resolved"/>.</summary>
        public byte State;

        /// <summary>When a resolved entry lapses (or is refreshed, when in use), ms.</summary>
        public long ExpiresAt;

        /// <summary>When the next request of a pending resolution is due, ms.</summary>
        public long RetryAt;

        /// <summary>Requests sent for the resolution (or refresh) in progress.</summary>
        public int Requests;

        /// <summary>A frame went to the neighbour since it was last confirmed (so it is refreshed, not dropped, at expiry).</summary>
        public bool Used;

        /// <summary>A unicast refresh request is out.</summary>
        public bool Probing;
    }
}
