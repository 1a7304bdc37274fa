using System;

namespace EmbeddedTcp.Tests.Wire
{
    /// <summary>
    /// Frames captured from the Linux kernel (6.x) on 2026-11-25 for these tests, in network namespaces linked
    /// by veth pairs (192.0.2.0/24 only):
    ///  - capture 1: host A 192.0.2.1 (3a:c0:a5:e5:61:23) and host B 192.0.2.2 (ae:27:b9:d9:93:95) on one link,
    ///    tshark on A's interface. A ran "ping -c1 192.0.2.2", a Python socket connect() to 192.0.2.2:80
    ///    (no listener: B answers RST/ACK) and a Python UDP sendto() of a DNS query for example.com A to
    ///    192.0.2.2:53 (no server: B answers ICMP port unreachable).
    ///  - capture 2: A 192.0.2.1/25 behind router R (192.0.2.126 / 192.0.2.254, MTU 1000 on its far side),
    ///    AF_PACKET socket on A's interface. A ran "ping -t1 192.0.2.129" (R answers time exceeded) and
    ///    "ping -s 1200 -M do 192.0.2.129" (R answers fragmentation needed, next-hop MTU 1000).
    ///  - capture 3: as capture 1 (new MACs 7e:07:de:2f:87:7a for A, e6:70:1d:78:ca:01 for B), but with A's TX
    ///    checksum offload turned off (ETHTOOL_STXCSUM = 0) before capturing with an AF_PACKET socket. A capture
    ///    on the sending side of a veth otherwise shows kernel-generated TCP/UDP segments with only the
    ///    pseudo-header sum in the checksum field (CHECKSUM_PARTIAL), which no wire ever carries.
    ///    The SYN and the DNS query come from capture 3; ping, ARP and the RST (all checksummed in software) from capture 1.
    /// </summary>
    internal static class RealFrames
    {
        public const uint HostA = 0xC0000201; // 192.0.2.1
        public const uint HostB = 0xC0000202; // 192.0.2.2
        public const uint Router = 0xC000027E; // 192.0.2.126
        public static readonly byte[] MacA = Hex("3ac0a5e56123");
        public static readonly byte[] MacB = Hex("ae27b9d99395");

        /// <summary>Capture 1 frame 3: ARP "who has 192.0.2.2? tell 192.0.2.1", broadcast.</summary>
        public static readonly string ArpRequest = "ffffffffffff3ac0a5e56123080600010800060400013ac0a5e56123c0000201000000000000c0000202";
        /// <summary>Capture 1 frame 4: ARP "192.0.2.2 is at ae:27:b9:d9:93:95".</summary>
        public static readonly string ArpReply = "3ac0a5e56123ae27b9d9939508060001080006040002ae27b9d99395c00002023ac0a5e56123c0000201";
        /// <summary>Capture 1 frame 5: ICMP echo request id 0x113b seq 1, 56 data bytes, TTL 64, DF.</summary>
        public static readonly string PingRequest = "ae27b9d993953ac0a5e56123080045000054536640004001633fc0000201c000020208003e00113b00016347076b00000000723e0d0000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637";
        /// <summary>Capture 1 frame 6: the echo reply.</summary>
        public static readonly string PingReply = "3ac0a5e56123ae27b9d99395080045000054d163000040012542c0000202c000020100004600113b00016347076b00000000723e0d0000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637";
        /// <summary>Capture 3: Linux SYN 49124 -> 80, MSS 1460, SACK_PERM, TSval 3897088331 TSecr 0, NOP, WS 10.</summary>
        public static readonly string TcpSyn = "e6701d78ca017e07de2f877a08004500003c62e74000400653d1c0000201c0000202bfe40050299809d700000000a002faf013d00000020405b40402080ae848d94b000000000103030a";
        /// <summary>Capture 1 frame 8: RST/ACK 80 -> 52944, seq 0, ack 0x0d6ab9da, window 0.</summary>
        public static readonly string TcpRstAck = "3ac0a5e56123ae27b9d99395080045000028000040004006b6ccc0000202c00002010050ced0000000000d6ab9da5014000095670000";
        /// <summary>Capture 3: UDP 50984 -> 53, DNS standard query 0xabcd A example.com.</summary>
        public static readonly string DnsQuery = "e6701d78ca017e07de2f877a0800450000392892400040118e1ec0000201c0000202c728003500253907abcd01000001000000000000076578616d706c6503636f6d0000010001";
        /// <summary>Capture 1 frame 10: ICMP destination unreachable (port) quoting the DNS query.</summary>
        public static readonly string PortUnreachable = "3ac0a5e56123ae27b9d99395080045c00055d17500004001246fc0000202c000020103035540000000004500003913a040004011a310c0000201c0000202a7ec00350025843aabcd01000001000000000000076578616d706c6503636f6d0000010001";
        /// <summary>Capture 2: ICMP time exceeded (TTL) from 192.0.2.126, quoting the TTL-1 echo request.</summary>
        public static readonly string TimeExceeded = "b2447c2753e06e7c3d50798d080045c000701f3100004001d61cc000027ec00002010b00f4ff000000004500005478bd400001017c69c0000201c000028108004e0212f30001b947076b0000000009840e0000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637";
        /// <summary>Capture 2: ICMP fragmentation needed, next-hop MTU 1000, from 192.0.2.126 (590 bytes: Linux quotes up to 576 bytes of IP).</summary>
        public static readonly string FragmentationNeeded =
            "768a0e0d48a0ee9b30fcd2eb080045c00240b239000040014144c000027ec0000201030473e1000003e8450004cc000040004001b1aec0000201c000" +
            "02810800a0b2135b0001c247076b00000000ab21000000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031" +
            "32333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d" +
            "6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9" +
            "aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5" +
            "e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021" +
            "22232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d" +
            "5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f90919293949596979899" +
            "9a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5" +
            "d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff0001020304050607" +
            "";

        public static readonly string[] All = { ArpRequest, ArpReply, PingRequest, PingReply, TcpSyn, TcpRstAck, DnsQuery, PortUnreachable, TimeExceeded, FragmentationNeeded };

        public static byte[] Hex(string hex) { return Convert.FromHexString(hex); }
    }
}
