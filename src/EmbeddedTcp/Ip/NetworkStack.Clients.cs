namespace EmbeddedTcp.Ip
{
    /// <summary>Hooks for the DHCP and DNS clients, which run on the poll loop.</summary>
    public sealed partial class NetworkStack
    {
        private void PollClients(long nowMs)
        {
        }

        private long ClientsDeadline()
        {
            return long.MaxValue;
        }
    }
}
