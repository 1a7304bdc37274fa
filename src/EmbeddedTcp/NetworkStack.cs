using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Services;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp
{
    /// <summary>
    /// The whole stack over one Ethernet device, and its composition root: an <see cref="IpInterface"/>
    /// (ARP, IPv4, ICMP, UDP, multicast, the poll loop, all inherited) with TCP attached as its
    /// transport and the DHCP, DNS and SNTP clients run on its poll. Built once from a
    /// <see cref="NetworkConfig"/>; nothing is allocated afterwards.
    /// </summary>
    public sealed class NetworkStack : IpInterface
    {
        private readonly NetworkConfig _config;
        private readonly TcpStack _tcp;
        private DhcpClient _dhcp;
        private DnsClient _dns;
        private SntpClient _sntp;

        /// <summary>
        /// Builds the stack over <paramref name="device"/>, allocating every table and buffer it
        /// will use. <paramref name="random"/> seeds the ISN secret, ephemeral ports and DHCP/DNS ids.
        /// </summary>
        public NetworkStack(NetworkConfig config, INetworkDevice device, IRandomSource random)
            : base(config, device, random)
        {
            _config = config;
            _tcp = new TcpStack(config.Tcp, this, random);
            _tcp.ChecksumOffloadMinLength = ChecksumOffloadMinLength;
            AddAllocated(TcpStack.Footprint(config.Tcp));
            UseTransport(_tcp);
            InitClients(config, random);
            Start();
        }

        /// <summary>The TCP layer: listeners and connections (see <see cref="TcpStack"/> for the calls).</summary>
        public TcpStack Tcp { get { return _tcp; } }

        /// <summary>The configuration the stack was built from.</summary>
        public new NetworkConfig Config { get { return _config; } }

        /// <summary>The DHCP client (always present; running when <see cref="InterfaceConfig.UseDhcp"/> is set or after <see cref="DhcpClient.Start"/>).</summary>
        public DhcpClient Dhcp { get { return _dhcp; } }

        /// <summary>The SNTP client; null unless <see cref="InterfaceConfig.UseSntp"/> is set.</summary>
        public SntpClient Sntp { get { return _sntp; } }

        /// <summary>The DNS resolver (A records; see <see cref="DnsClient.Resolve(string)"/>).</summary>
        public DnsClient Dns { get { return _dns; } }

        // Start-up only (called once by the constructor): allocates the DNS and DHCP clients and
        // their buffers.
        private void InitClients(NetworkConfig config, IRandomSource random)
        {
            _dns = new DnsClient(this, this, config, random);
            _dhcp = new DhcpClient(this, this, config, random, _dns);
            AddAllocated(DnsClient.Footprint(config) + DhcpClient.Footprint);
            if (config.UseSntp)
            {
                _sntp = new SntpClient(this, this, config, random, _dhcp);
                AddAllocated(SntpClient.Footprint);
            }
            if (config.UseDhcp)
            {
                _dhcp.Start();
            }
        }

        /// <summary>The clients' turn in the poll loop: DHCP, DNS, then SNTP.</summary>
        protected override void PollServices(long nowMs)
        {
            _dhcp.Poll(nowMs);
            _dns.Poll(nowMs);
            if (_sntp != null)
            {
                _sntp.Poll(nowMs);
            }
        }

        /// <summary>The earliest deadline of the clients.</summary>
        protected override long ServicesDeadline()
        {
            long next = _dhcp.Deadline();
            long t = _dns.Deadline();
            if (t < next)
            {
                next = t;
            }

            if (_sntp != null)
            {
                t = _sntp.Deadline();
                if (t < next)
                {
                    next = t;
                }
            }

            return next;
        }
    }
}
