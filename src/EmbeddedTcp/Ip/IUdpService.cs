namespace EmbeddedTcp.Ip
{
    /// <summary>
    /// The narrow face of the interface's UDP sockets that a service client (DHCP, DNS, SNTP)
    /// is given: open, close, send, receive. Results are <see cref="NetError"/> codes or byte
    /// counts, exactly as the interface's own calls of the same names.
    /// </summary>
    public interface IUdpService
    {
        /// <summary>Opens a socket on <paramref name="localPort"/> (0: a random ephemeral port); a handle or an error.</summary>
        int UdpOpen(int localPort);

        /// <summary>Closes the socket; <see cref="NetError.Ok"/> or an error.</summary>
        int UdpClose(int handle);

        /// <summary>Sends one datagram; the bytes sent, 0 while the next hop is being resolved, or an error.</summary>
        int UdpSendTo(int handle, uint destination, int port, byte[] buffer, int offset, int length);

        /// <summary>Takes the next received datagram; its length, 0 when none waits, or an error.</summary>
        int UdpReceiveFrom(int handle, byte[] buffer, int offset, int length, out uint source, out int sourcePort);
    }
}
