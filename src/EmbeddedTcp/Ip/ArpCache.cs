namespace EmbeddedTcp.Ip
{
    /// <summary>
    /// The neighbour cache (RFC 826, RFC 1122 2.3.2): a fixed table of <see cref="ArpEntry"/>
    /// objects, one per slot, and a bounded queue of frames waiting for their next hop to resolve
    /// (a SYN, a DNS query), all made at construction. The table only finds, allocates and ages;
    /// the interface runs the protocol (IpInterface.Arp.cs) over it.
    /// </summary>
    internal sealed class ArpCache
    {
        /// <summary>The slots; a free one has <see cref="ArpEntry.State"/> <see cref="ArpEntry.Free"/>.</summary>
        public readonly ArpEntry[] Entries;

        /// <summary>Held frames (each MTU + 14 bytes), their lengths (0: slot free) and next hops.</summary>
        public readonly byte[][] QueueFrame;

        /// <summary>Length of each held frame; 0 when the slot is free.</summary>
        public readonly int[] QueueLength;

        /// <summary>Next hop each held frame waits for.</summary>
        public readonly uint[] QueueHop;

        private readonly NetworkCounters _counters;

        /// <summary>Builds a cache of <paramref name="entries"/> neighbours and <paramref name="queueFrames"/> held frames of <paramref name="frameSize"/> bytes.</summary>
        public ArpCache(int entries, int queueFrames, int frameSize, NetworkCounters counters)
        {
            _counters = counters;
            Entries = new ArpEntry[entries];
            for (int i = 0; i < entries; i++)
            {
                Entries[i] = new ArpEntry();
            }

            QueueFrame = new byte[queueFrames][];
            QueueLength = new int[queueFrames];
            QueueHop = new uint[queueFrames];
            for (int i = 0; i < queueFrames; i++)
            {
                QueueFrame[i] = new byte[frameSize];
            }
        }

        /// <summary>Bytes a cache of this size allocates (payloads, as AllocatedBytes counts them).</summary>
        public static long Footprint(int entries, int queueFrames, int frameSize)
        {
            return 32L * entries + (long)queueFrames * (frameSize + 8);
        }

        /// <summary>The entry (pending or resolved) of <paramref name="ip"/>; null when none.</summary>
        public ArpEntry Find(uint ip)
        {
            ArpEntry[] t = Entries;
            for (int i = 0; i < t.Length; i++)
            {
                ArpEntry e = t[i];
                if (e.State != ArpEntry.Free && e.Ip == ip)
                {
                    return e;
                }
            }

            return null;
        }

        /// <summary>
        /// A slot for <paramref name="ip"/>: a free entry, else the resolved entry that expires first;
        /// null (counted) when all are pending. The caller sets its state.
        /// </summary>
        public ArpEntry Allocate(uint ip)
        {
            ArpEntry[] t = Entries;
            ArpEntry victim = null;
            for (int i = 0; i < t.Length; i++)
            {
                ArpEntry e = t[i];
                if (e.State == ArpEntry.Free)
                {
                    victim = e;
                    break;
                }

                if (e.State == ArpEntry.Resolved && (victim == null || e.ExpiresAt < victim.ExpiresAt))
                {
                    victim = e;
                }
            }

            if (victim == null)
            {
                _counters.ArpTableFull++;
                return null;
            }

            victim.Ip = ip;
            victim.Used = false;
            victim.Probing = false;
            return victim;
        }

        /// <summary>Number of resolved entries.</summary>
        public int ResolvedCount()
        {
            int k = 0;
            for (int i = 0; i < Entries.Length; i++)
            {
                if (Entries[i].State == ArpEntry.Resolved)
                {
                    k++;
                }
            }

            return k;
        }

        /// <summary>A free slot of the queue; -1 when all hold a frame.</summary>
        public int FreeQueueSlot()
        {
            for (int k = 0; k < QueueLength.Length; k++)
            {
                if (QueueLength[k] == 0)
                {
                    return k;
                }
            }

            return -1;
        }

        /// <summary>Drops the frames waiting for <paramref name="hop"/> (counted): it did not answer.</summary>
        public void DropQueued(uint hop)
        {
            for (int k = 0; k < QueueLength.Length; k++)
            {
                if (QueueLength[k] != 0 && QueueHop[k] == hop)
                {
                    QueueLength[k] = 0;
                    _counters.ArpQueueDrops++;
                }
            }
        }

        /// <summary>The earliest retry or expiry of any entry (ms); long.MaxValue when none.</summary>
        public long Deadline()
        {
            long next = long.MaxValue;
            ArpEntry[] t = Entries;
            for (int i = 0; i < t.Length; i++)
            {
                ArpEntry e = t[i];
                byte state = e.State;
                if (state == ArpEntry.Free)
                {
                    continue;
                }

                if (state == ArpEntry.Pending && e.RetryAt < next)
                {
                    next = e.RetryAt;
                }
                else if (state == ArpEntry.Resolved && e.ExpiresAt < next)
                {
                    next = e.ExpiresAt;
                }
            }

            return next;
        }
    }
}
