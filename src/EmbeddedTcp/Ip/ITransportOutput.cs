namespace EmbeddedTcp.Ip
{
    /// <summary>
    /// Where a transport's segments go: the IP layer (or a test). The transport (TCP) asks for a
    /// buffer, writes its header and payload in place at the given offset (checksum included), then
    /// hands it back with its length. Nothing is copied or allocated on the way. Owned by the IP
    /// layer, so the transport depends on IP and never the other way round.
    /// </summary>
    public interface ITransportOutput
    {
        /// <summary>
        /// Returns a buffer in which a TCP segment from <paramref name="localIp"/> to
        /// <paramref name="remoteIp"/> may be written at <paramref name="offset"/>, at most
        /// <paramref name="capacity"/> bytes (header included); or null when no buffer is
        /// free right now (the segment is then not sent; TCP's timers recover).
        /// </summary>
        byte[] BeginSegment(uint localIp, uint remoteIp, out int offset, out int capacity);

        /// <summary>Sends the segment of <paramref name="length"/> bytes written into the buffer BeginSegment returned.</summary>
        void EndSegment(uint localIp, uint remoteIp, int length);

        /// <summary>
        /// Negative advice: segments to <paramref name="remoteIp"/> keep timing out, so the path
        /// below TCP may be stale (a neighbour that changed its MAC address, a poisoned ARP entry).
        /// The IP layer re-resolves the next hop; TCP's retransmissions then take the new path.
        /// </summary>
        void ReachabilityInDoubt(uint localIp, uint remoteIp);
    }
}
