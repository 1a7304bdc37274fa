using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;

namespace EmbeddedTcp.Services
{
    /// <summary>
    /// What the service clients (DHCP, DNS, SNTP) share: the interface seen through its two narrow
    /// faces (<see cref="IUdpService"/> for sockets, <see cref="IAddressSink"/> for time, link and
    /// address), the injected random source, one UDP socket with its receive buffer, and the one
    /// receive loop: <see cref="ReceiveAll"/> takes the waiting datagrams, at most a burst per
    /// poll, and hands each to the client's <see cref="OnDatagram"/> (one virtual call per
    /// datagram). The buffer is allocated by the constructor; nothing afterwards.
    /// </summary>
    public abstract class UdpServiceClient
    {
        /// <summary>The interface's UDP sockets.</summary>
        protected readonly IUdpService _udp;
        /// <summary>The interface's poll time, link, address and ARP probe.</summary>
        protected readonly IAddressSink _host;
        /// <summary>Transaction ids, query ids, nonces, jitter.</summary>
        protected readonly IRandomSource _random;
        /// <summary>The receive buffer: the datagram <see cref="OnDatagram"/> is given is at offset 0.</summary>
        protected readonly byte[] _rx;
        /// <summary>The client's socket handle; 0 while none is open.</summary>
        protected int _socket;

        /// <summary>Start-up only: allocates the receive buffer of <paramref name="receiveLength"/> bytes.</summary>
        internal UdpServiceClient(IUdpService udp, IAddressSink host, IRandomSource random, int receiveLength)
        {
            _udp = udp;
            _host = host;
            _random = random;
            _rx = new byte[receiveLength];
        }

        /// <summary>
        /// Takes up to <paramref name="burst"/> waiting datagrams from <see cref="_socket"/> into
        /// <see cref="_rx"/>, calling <see cref="OnDatagram"/> for each; stops early when none is
        /// left or a datagram closed the socket.
        /// </summary>
        protected void ReceiveAll(long nowMs, int burst)
        {
            for (int guard = 0; guard < burst; guard++)
            {
                uint source;
                int port;
                int n = _udp.UdpReceiveFrom(_socket, _rx, 0, _rx.Length, out source, out port);
                if (n <= 0)
                {
                    break;
                }

                OnDatagram(source, port, n, nowMs);
                if (_socket <= 0)
                {
                    break; // the datagram ended the exchange
                }
            }
        }

        /// <summary>
        /// One datagram of <paramref name="length"/> bytes from <paramref name="source"/>:<paramref name="port"/>,
        /// in <see cref="_rx"/> from offset 0. <paramref name="length"/> is the datagram's full
        /// length, which may exceed the buffer (the rest was discarded).
        /// </summary>
        protected abstract void OnDatagram(uint source, int port, int length, long nowMs);
    }
}
