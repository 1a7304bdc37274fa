using EmbeddedTcp.Services;

namespace EmbeddedTcp.Ip
{
    /// <summary>The DHCP and DNS clients, which run on the poll loop.</summary>
    public sealed partial class NetworkStack
    {
        private DhcpClient _dhcp;
        private DnsClient _dns;
        private SntpClient _sntp;

        /// <summary>The DHCP client (always present; running when <see cref="NetworkConfig.UseDhcp"/> is set or after <see cref="DhcpClient.Start"/>).</summary>
        public DhcpClient Dhcp { get { return _dhcp; } }

        /// <summary>The SNTP client; null unless <see cref="NetworkConfig.UseSntp"/> is set.</summary>
        public SntpClient Sntp { get { return _sntp; } }

        /// <summary>The DNS resolver (A records; see <see cref="DnsClient.Resolve(string)"/>).</summary>
        public DnsClient Dns { get { return _dns; } }

        // Start-up only (called once by the constructor): allocates the DNS and DHCP clients and
        // their buffers.
        // InitArp, InitUdp and InitClients are the only methods of the flashed build, constructors
        // aside, that allocate.
        private void InitClients(NetworkConfig config)
        {
            _dns = new DnsClient(this, this, config, _random);
            _dhcp = new DhcpClient(this, this, config, _random, _dns);
            _allocated += DnsClient.Footprint(config) + DhcpClient.Footprint;
            if (config.UseSntp)
            {
                _sntp = new SntpClient(this, this, config, _random, _dhcp);
                _allocated += SntpClient.Footprint;
            }
            if (config.UseDhcp)
            {
                _dhcp.Start();
            }
        }

        private void PollClients(long nowMs)
        {
            _dhcp.Poll(nowMs);
            _dns.Poll(nowMs);
            if (_sntp != null)
            {
                _sntp.Poll(nowMs);
            }
        }

        private long ClientsDeadline()
        {
            long next = _dhcp.Deadline();
            long t = _dns.Deadline();
            if (t < next) next = t;
            if (_sntp != null)
            {
                t = _sntp.Deadline();
                if (t < next) next = t;
            }

            return next;
        }
    }
}
