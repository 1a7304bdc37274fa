namespace EmbeddedTcp.Firmware
{
    /// <summary>
    /// One connection slot of the <see cref="FirmwareApp"/>: which service holds it, its TCP
    /// handle and the service's progress. Made once per TCP connection-table entry at start-up.
    /// </summary>
    internal sealed class FirmwareSession
    {
        /// <summary>The service that holds the slot (<see cref="FirmwareService.None"/> when free).</summary>
        public FirmwareService Service;

        /// <summary>The connection's TCP handle.</summary>
        public int Handle;

        /// <summary>Echo: bytes waiting to go back; HTTP: the request read so far.</summary>
        public readonly byte[] Buffer;

        /// <summary>Bytes held in <see cref="Buffer"/>.</summary>
        public int Filled;

        /// <summary>Echo: bytes of <see cref="Buffer"/> sent; HTTP: bytes of the response sent.</summary>
        public int Position;

        /// <summary>HTTP: <see cref="HttpService.Reading"/>, <see cref="HttpService.WaitingForBuffer"/> or <see cref="HttpService.Sending"/>.</summary>
        public int Phase;

        /// <summary>When the connection was taken (milliseconds, the poll clock).</summary>
        public long StartedAt;

        /// <summary>Chargen: position in the endless RFC 864 stream.</summary>
        public long Stream;

        /// <summary>Client: the greeting has been queued.</summary>
        public bool Greeted;

        public FirmwareSession(int size)
        {
            Buffer = new byte[size];
        }
    }
}
