using System;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Wire;

namespace EmbeddedTcp.Ip
{
    /// <summary>
    /// IPv4 multicast reception and IGMPv2 host membership (RFC 2236): a fixed table of joined
    /// groups (<see cref="InterfaceConfig.MulticastGroups"/>), 224.0.0.1 always accepted and never
    /// reported (RFC 2236 section 6); an unsolicited report on join, repeated once after a random
    /// delay (section 3, "Unsolicited Report Interval" 10 s); answers to general and
    /// group-specific queries after a random delay up to the query's Max Resp Time, cancelled when
    /// another member reports first; a Leave Group to 224.0.0.2 when we were the last reporter.
    /// The device's receive filter (<see cref="IMulticastFilter"/>) is reprogrammed at each join
    /// and leave. Not done: IGMPv1 router compatibility (a v1 query is answered with a v2 report
    /// after up to 10 s, as RFC 2236 section 4 allows, but leaves are still sent).
    /// </summary>
    public partial class IpInterface
    {
        private const byte IgmpQuery = 0x11;
        private const byte IgmpV1Report = 0x12;
        private const byte IgmpV2Report = 0x16;
        private const byte IgmpLeave = 0x17;
        private const uint AllHosts = 0xE0000001;   // 224.0.0.1
        private const uint AllRouters = 0xE0000002; // 224.0.0.2
        private const int UnsolicitedReportIntervalMs = 10000;

        private uint[] _mcGroup;          // 0 = free slot
        private long[] _mcReportAt;       // when the next report is due; -1 = none
        private int[] _mcReportsLeft;     // reports still to send for this round
        private bool[] _mcLastReporter;   // we sent the last report heard for the group (so we leave)
        private long _mcNext = long.MaxValue; // no report is due before this (lowered by every new timer): Poll skips the table until then
        private byte[] _mcMacs;           // the device filter's table: 224.0.0.1, then each joined group
        private IMulticastFilter _mcFilter;

        // Start-up only (called once by the constructor). No groups configured: nothing at all is allocated.
        private void InitMulticast(InterfaceConfig config)
        {
            _mcFilter = _device as IMulticastFilter;
            int n = config.MulticastGroups;
            if (n <= 0)
            {
                return;
            }

            _mcGroup = new uint[n];
            _mcReportAt = new long[n];
            _mcReportsLeft = new int[n];
            _mcLastReporter = new bool[n];
            _mcMacs = new byte[6 * (n + 1)];
            for (int i = 0; i < n; i++)
            {
                _mcReportAt[i] = -1;
            }

            _allocated += 23L * n + 6;
            UpdateMulticastFilter();
        }

        /// <summary>
        /// Joins multicast group <paramref name="group"/> (host order, 224.0.0.0/4): its datagrams
        /// reach bound UDP sockets, the device filter passes its MAC address, and an IGMPv2 report
        /// goes out at the next poll (once an address is configured). Returns <see cref="NetError.Ok"/>
        /// (also when already joined, and for 224.0.0.1, always joined), <see cref="NetError.InvalidArgument"/>
        /// for a non-multicast address, <see cref="NetError.NoResources"/> when the table is full.
        /// </summary>
        public int JoinGroup(uint group)
        {
            if ((group >> 28) != 0xE)
            {
                return NetError.InvalidArgument;
            }

            if (group == AllHosts || MulticastSlot(group) >= 0)
            {
                return NetError.Ok;
            }

            if (_mcGroup == null)
            {
                return NetError.NoResources;
            }

            for (int i = 0; i < _mcGroup.Length; i++)
            {
                if (_mcGroup[i] == 0)
                {
                    _mcGroup[i] = group;
                    _mcLastReporter[i] = false;
                    _mcReportsLeft[i] = 2; // the report now and one repetition (Robustness Variable 2)
                    _mcReportAt[i] = _now;
                    _mcNext = _now;
                    UpdateMulticastFilter();
                    return NetError.Ok;
                }
            }

            return NetError.NoResources;
        }

        /// <summary>
        /// Leaves <paramref name="group"/>: sends an IGMPv2 Leave Group to 224.0.0.2 when we sent
        /// the last report for it (RFC 2236 section 3), and stops receiving it. Returns
        /// <see cref="NetError.Ok"/>, or <see cref="NetError.InvalidState"/> when not a member
        /// (224.0.0.1 cannot be left).
        /// </summary>
        public int LeaveGroup(uint group)
        {
            int i = MulticastSlot(group);
            if (i < 0)
            {
                return NetError.InvalidState;
            }

            if (_mcLastReporter[i] && _address != 0)
            {
                SendIgmp(IgmpLeave, group, AllRouters);
                Counters.IgmpLeavesOut++;
            }

            _mcGroup[i] = 0;
            _mcReportAt[i] = -1;
            _mcReportsLeft[i] = 0;
            _mcLastReporter[i] = false;
            UpdateMulticastFilter();
            return NetError.Ok;
        }

        /// <summary>True when datagrams to <paramref name="group"/> are received: a joined group, or 224.0.0.1.</summary>
        public bool IsMulticastMember(uint group)
        {
            return group == AllHosts || MulticastSlot(group) >= 0;
        }

        private int MulticastSlot(uint group)
        {
            if (_mcGroup == null || group == 0)
            {
                return -1;
            }

            for (int i = 0; i < _mcGroup.Length; i++)
            {
                if (_mcGroup[i] == group)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Writes the MAC address of IPv4 group <paramref name="group"/> (RFC 1112 section 6.4: 01:00:5e + its low 23 bits).</summary>
        public static void WriteMulticastMac(byte[] buffer, int offset, uint group)
        {
            buffer[offset] = 0x01;
            buffer[offset + 1] = 0x00;
            buffer[offset + 2] = 0x5E;
            buffer[offset + 3] = (byte)((group >> 16) & 0x7F);
            buffer[offset + 4] = (byte)(group >> 8);
            buffer[offset + 5] = (byte)group;
        }

        private void UpdateMulticastFilter()
        {
            if (_mcFilter == null || _mcMacs == null)
            {
                return;
            }

            WriteMulticastMac(_mcMacs, 0, AllHosts);
            int count = 1;
            for (int i = 0; i < _mcGroup.Length; i++)
            {
                if (_mcGroup[i] != 0)
                {
                    WriteMulticastMac(_mcMacs, 6 * count, _mcGroup[i]);
                    count++;
                }
            }

            _mcFilter.SetMulticastFilter(_mcMacs, 0, count);
        }

        /// <summary>Link up or a new address: report every joined group again, as on a join.</summary>
        private void RestartMulticastReports()
        {
            if (_mcGroup == null)
            {
                return;
            }

            for (int i = 0; i < _mcGroup.Length; i++)
            {
                if (_mcGroup[i] != 0)
                {
                    _mcReportsLeft[i] = 2;
                    _mcReportAt[i] = _now;
                    _mcNext = _now;
                }
            }
        }

        private void PollMulticast(long now)
        {
            if (_mcGroup == null || _address == 0 || now < _mcNext)
            {
                return; // reports wait for an address (they carry it as their source); none due yet
            }

            for (int i = 0; i < _mcGroup.Length; i++)
            {
                long at = _mcReportAt[i];
                if (_mcGroup[i] == 0 || at < 0 || at > now)
                {
                    continue;
                }

                uint group = _mcGroup[i];
                SendIgmp(IgmpV2Report, group, group);
                Counters.IgmpReportsOut++;
                _mcLastReporter[i] = true;
                int left = _mcReportsLeft[i] - 1;
                _mcReportsLeft[i] = left;
                _mcReportAt[i] = left > 0 ? now + 1 + (long)(_random.NextUInt32() % UnsolicitedReportIntervalMs) : -1;
            }

            _mcNext = MulticastDeadline();
        }

        private long MulticastDeadline()
        {
            long next = long.MaxValue;
            if (_mcGroup == null || _address == 0)
            {
                return next;
            }

            for (int i = 0; i < _mcGroup.Length; i++)
            {
                long at = _mcReportAt[i];
                if (_mcGroup[i] != 0 && at >= 0 && at < next)
                {
                    next = at;
                }
            }

            return next;
        }

        private void IgmpInput(byte[] frame, int offset, int length, uint dst)
        {
            // IGMPv2 messages are 8 bytes; IGMPv3 queries are longer and are answered as v2 ones
            // (RFC 3376 section 7.2.1 lets a v2 host do that). The checksum covers the whole message.
            if (length < 8 || Checksum.Compute(frame, offset, length) != 0)
            {
                Counters.IgmpMalformed++;
                return;
            }

            Counters.IgmpIn++;
            byte type = frame[offset];
            uint group = NetOrder.ReadU32(frame, offset + 4);
            if (type == IgmpQuery)
            {
                Counters.IgmpQueriesIn++;
                int maxResp = frame[offset + 1];
                if (maxResp == 0)
                {
                    maxResp = 100; // an IGMPv1 query: 10 s (RFC 2236 section 4)
                }

                long maxMs = maxResp * 100L;
                for (int i = 0; _mcGroup != null && i < _mcGroup.Length; i++)
                {
                    if (_mcGroup[i] != 0 && (group == 0 || group == _mcGroup[i]))
                    {
                        long at = _now + (long)(_random.NextUInt32() % (uint)maxMs);
                        // Section 3: (re)start the timer unless it would fire sooner than the new delay.
                        if (_mcReportAt[i] < 0 || _mcReportAt[i] > at)
                        {
                            _mcReportAt[i] = at;
                            if (at < _mcNext)
                            {
                                _mcNext = at;
                            }

                            _mcReportsLeft[i] = 1;
                        }
                    }
                }
            }
            else if (type == IgmpV2Report || type == IgmpV1Report)
            {
                int i = MulticastSlot(group);
                if (i >= 0 && dst == group)
                {
                    // Another member answered: ours is not needed, and it is now the last reporter.
                    if (_mcReportAt[i] >= 0)
                    {
                        Counters.IgmpReportsSuppressed++;
                    }

                    _mcReportAt[i] = -1;
                    _mcReportsLeft[i] = 0;
                    _mcLastReporter[i] = false;
                }
            }
        }

        // A report or leave in the transmit buffer: IPv4 header with Router Alert (RFC 2236
        // section 2 and RFC 2113), TTL 1, to the group's (or 224.0.0.2's) MAC address.
        private void SendIgmp(byte type, uint group, uint destination)
        {
            byte[] t = _tx;
            const int ip = EthernetFrame.HeaderLength;
            const int igmp = ip + 24;
            t[ip] = 0x46;
            t[ip + 1] = 0xC0; // internetwork control precedence, as Linux sends it
            NetOrder.WriteU16(t, ip + 2, 32);
            NetOrder.WriteU16(t, ip + 4, ++_ipId);
            NetOrder.WriteU16(t, ip + 6, 0);
            t[ip + 8] = 1;
            t[ip + 9] = IpProtocol.Igmp;
            NetOrder.WriteU16(t, ip + 10, 0);
            NetOrder.WriteU32(t, ip + 12, _address);
            NetOrder.WriteU32(t, ip + 16, destination);
            t[ip + 20] = 0x94; // Router Alert, length 4, value 0
            t[ip + 21] = 4;
            t[ip + 22] = 0;
            t[ip + 23] = 0;
            NetOrder.WriteU16(t, ip + 10, Checksum.Compute(t, ip, 24));
            t[igmp] = type;
            t[igmp + 1] = 0;
            NetOrder.WriteU16(t, igmp + 2, 0);
            NetOrder.WriteU32(t, igmp + 4, group);
            NetOrder.WriteU16(t, igmp + 2, Checksum.Compute(t, igmp, 8));
            WriteMulticastMac(t, 0, destination);
            EthernetFrame.CopyMac(_mac, 0, t, 6);
            NetOrder.WriteU16(t, 12, EtherType.Ipv4);
            Array.Clear(t, igmp + 8, EthernetFrame.MinimumFrameLength - igmp - 8);
            Counters.IpOut++;
            Transmit(t, EthernetFrame.MinimumFrameLength);
        }
    }
}
