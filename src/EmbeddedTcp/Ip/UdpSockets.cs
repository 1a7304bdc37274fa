using EmbeddedTcp.Hal;
using EmbeddedTcp.Storage;

namespace EmbeddedTcp.Ip
{
    /// <summary>
    /// The UDP socket table (RFC 768): a fixed number of sockets, each a local port and a receive
    /// ring of whole datagrams, every one preceded by an 8-byte record (length, source address,
    /// source port). Handles follow <see cref="Handles"/> (kind <see cref="Handles.UdpSocket"/>, a
    /// generation per slot). Made at construction; the interface moves the datagrams (IpInterface.Udp.cs).
    /// </summary>
    internal sealed class UdpSockets
    {
        /// <summary>Bytes of the record before each datagram in a ring: length (2), source address (4), source port (2).</summary>
        public const int RecordHeader = 8;

        /// <summary>Local port of each socket.</summary>
        public readonly ushort[] Port;

        /// <summary>Whether each slot holds an open socket.</summary>
        public readonly bool[] InUse;

        /// <summary>Generation of each slot (1–65535), bumped when the socket closes.</summary>
        public readonly int[] Generation;

        /// <summary>Receive ring of each socket.</summary>
        public readonly ByteRing[] Ring;

        /// <summary>Scratch for one record header (written on arrival, read on receive).</summary>
        public readonly byte[] Record = new byte[RecordHeader];

        private readonly IRandomSource _random;

        /// <summary>Builds <paramref name="sockets"/> sockets with <paramref name="receiveBufferSize"/>-byte receive rings.</summary>
        public UdpSockets(int sockets, int receiveBufferSize, IRandomSource random)
        {
            _random = random;
            Port = new ushort[sockets];
            InUse = new bool[sockets];
            Generation = new int[sockets];
            Ring = new ByteRing[sockets];
            for (int i = 0; i < sockets; i++)
            {
                Ring[i] = new ByteRing(receiveBufferSize);
                Generation[i] = 1;
            }
        }

        /// <summary>Bytes a table of this size allocates (payloads, as AllocatedBytes counts them).</summary>
        public static long Footprint(int sockets, int receiveBufferSize)
        {
            return (long)sockets * (receiveBufferSize + 16);
        }

        /// <summary>
        /// Opens a socket bound to <paramref name="localPort"/> (0 = a random ephemeral port).
        /// Returns a handle, or <see cref="NetError.InvalidArgument"/>, <see cref="NetError.AddressInUse"/>,
        /// <see cref="NetError.NoResources"/>.
        /// </summary>
        public int Open(int localPort)
        {
            if (localPort < 0 || localPort > 65535)
            {
                return NetError.InvalidArgument;
            }

            if (localPort == 0)
            {
                for (int tries = 0; tries < 64 && localPort == 0; tries++)
                {
                    int p = 49152 + (int)(_random.NextUInt32() % 16384);
                    if (Find((ushort)p) < 0)
                    {
                        localPort = p;
                    }
                }

                if (localPort == 0)
                {
                    return NetError.NoResources;
                }
            }
            else if (Find((ushort)localPort) >= 0)
            {
                return NetError.AddressInUse;
            }

            for (int i = 0; i < InUse.Length; i++)
            {
                if (!InUse[i])
                {
                    InUse[i] = true;
                    Port[i] = (ushort)localPort;
                    Ring[i].Clear();
                    return Handles.Make(Handles.UdpSocket, Generation[i], i);
                }
            }

            return NetError.NoResources;
        }

        /// <summary>Closes the socket; queued datagrams are dropped and the handle becomes invalid.</summary>
        public int Close(int handle)
        {
            int i = Index(handle);
            if (i < 0)
            {
                return NetError.InvalidHandle;
            }

            InUse[i] = false;
            Generation[i] = Handles.Next(Generation[i]);
            return NetError.Ok;
        }

        /// <summary>The slot of a live handle; -1 for a stale, foreign or invalid one.</summary>
        public int Index(int handle)
        {
            if ((handle & Handles.KindMask) != Handles.UdpSocket)
            {
                return -1;
            }

            int i = handle & Handles.IndexMask;
            if (i >= InUse.Length || !InUse[i] || Handles.GenerationOf(handle) != Generation[i])
            {
                return -1;
            }

            return i;
        }

        /// <summary>The slot of the open socket bound to <paramref name="port"/>; -1 when none.</summary>
        public int Find(ushort port)
        {
            bool[] inUse = InUse;
            for (int i = 0; i < inUse.Length; i++)
            {
                if (inUse[i] && Port[i] == port)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
