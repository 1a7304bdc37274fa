using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Firmware
{
    /// <summary>
    /// The discard service (RFC 863, TCP 9 by default): reads and counts everything, sends
    /// nothing, closes when the client does. Allocation-free after construction.
    /// </summary>
    internal sealed class DiscardService
    {
        private readonly FirmwareApp _app;
        private readonly TcpStack _tcp;
        private readonly FirmwareCounters _counters;
        private readonly byte[] _scratch;

        /// <summary>Reads into <paramref name="scratch"/>, a buffer shared with the other services.</summary>
        public DiscardService(FirmwareApp app, TcpStack tcp, byte[] scratch)
        {
            _app = app;
            _tcp = tcp;
            _counters = app.Counters;
            _scratch = scratch;
        }

        /// <summary>Drains one discard connection.</summary>
        public void Serve(int slot, FirmwareSession s)
        {
            for (int guard = 0; guard < 64; guard++)
            {
                int n = _tcp.Receive(s.Handle, _scratch, 0, _scratch.Length);
                if (n == 0)
                {
                    return;
                }

                if (n == NetError.EndOfStream)
                {
                    _app.Release(slot, false);
                    return;
                }

                if (n < 0)
                {
                    _app.Fail(slot);
                    return;
                }

                _counters.DiscardBytes += n;
            }
        }
    }
}
