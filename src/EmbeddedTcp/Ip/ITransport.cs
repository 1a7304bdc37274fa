namespace EmbeddedTcp.Ip
{
    /// <summary>
    /// The transport above the interface (TCP), as the interface sees it: the segments addressed
    /// to us, the ICMP errors quoting them, the poll tick and its deadline, and the local address.
    /// Nothing else crosses: the transport sends through <see cref="ITransportOutput"/>, which the
    /// interface implements, and whoever composes the two sets the rest (checksum offload) directly.
    /// One interface call per segment; no allocation.
    /// </summary>
    public interface ITransport
    {
        /// <summary>
        /// The address the transport uses for its own connections when given local address 0;
        /// the interface keeps it current (0 while none is configured).
        /// </summary>
        uint LocalAddress { get; set; }

        /// <summary>
        /// One segment from <paramref name="sourceIp"/> to <paramref name="destinationIp"/> (host
        /// order; unicast to us) of <paramref name="length"/> bytes at <paramref name="offset"/> of
        /// <paramref name="buffer"/>. <paramref name="segmentSum"/> is the one's complement sum the
        /// device computed over the segment, or -1 when the transport must sum it itself.
        /// </summary>
        void Input(uint sourceIp, uint destinationIp, byte[] buffer, int offset, int length, long nowMs, int segmentSum);

        /// <summary>
        /// An ICMP destination unreachable or time exceeded quoting one of our segments: its
        /// addresses and ports, the quoted sequence number, the ICMP type and code, and the next-hop
        /// MTU of a fragmentation-needed error (0 otherwise).
        /// </summary>
        void IcmpError(uint localIp, uint remoteIp, ushort localPort, ushort remotePort, uint seq, byte type, byte code, int nextHopMtu);

        /// <summary>Runs the transport's timers that are due at <paramref name="nowMs"/>.</summary>
        void Poll(long nowMs);

        /// <summary>The earliest time the transport needs a poll (ms; long.MaxValue when none).</summary>
        long NextDeadline();
    }
}
