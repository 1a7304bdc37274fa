namespace EmbeddedTcp.Hal
{
    /// <summary>
    /// Optional capability of an <see cref="INetworkDevice"/> whose hardware filters received
    /// frames by destination address (the ENC28J60's ERXFCON): the stack tells it which
    /// multicast MAC addresses its joined groups map to, so those frames reach <see cref="INetworkDevice.Receive"/>.
    /// Devices without it (TAP, simulated links) deliver every frame and the stack filters.
    /// Called at join and leave only, never per frame; implementations must not allocate.
    /// </summary>
    public interface IMulticastFilter
    {
        /// <summary>
        /// Replaces the set of multicast MAC addresses to accept with the <paramref name="count"/>
        /// 6-byte addresses at <paramref name="offset"/> of <paramref name="macs"/> (count 0: none).
        /// A filter may pass more than these (a hash filter does); the stack drops the rest.
        /// </summary>
        void SetMulticastFilter(byte[] macs, int offset, int count);
    }
}
