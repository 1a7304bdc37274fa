using System;

namespace EmbeddedTcp.Sim
{
    /// <summary>What <c>tap</c> runs with (parsed from the command line, or filled by a test).</summary>
    public sealed class TapOptions
    {
        public string Interface;
        public uint Address;
        public uint Netmask = 0xFFFFFF00;
        public uint Gateway;
        public uint DnsServer;
        public bool Dhcp;
        public byte[] Mac = { 0x02, 0x45, 0x54, 0x43, 0x50, 0x02 };
        public uint ConnectAddress;
        public int ConnectPort;
        /// <summary>MQTT broker for the firmware's status publishing (0 = none).</summary>
        public uint MqttAddress;
        public int MqttPort;
        public string Resolve;
        /// <summary>mDNS host name (FirmwareOptions.MdnsHostName; null = no mDNS).</summary>
        public string HostName;
        /// <summary>SNTP server (0 = no SNTP); "time YYYY-MM-DDTHH:MM:SSZ" is printed at the first synchronization.</summary>
        public uint Ntp;
        /// <summary>Run time in seconds; 0 = until cancelled (Ctrl-C).</summary>
        public double Seconds;
        public string Pcap;
        public double Loss, Duplicate, Reorder;
        public ulong Seed = 1;
        /// <summary>Receive and send ring sizes of each connection, bytes (0: the stack's defaults, 4096); the bench's side-by-side with lwIP uses 65536 as lwIP does.</summary>
        public int WindowBytes;
        /// <summary>Called once the TAP is open (tests move the interface into their namespace then).</summary>
        public Action Opened;
    }
}
