using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Firmware
{
    /// <summary>
    /// The echo service (RFC 862, TCP 7 by default): sends back everything it reads, holding at
    /// most one session buffer per connection (what the send ring does not take waits for ACKs).
    /// The outbound client echoes through it too, once its greeting is queued. Allocation-free
    /// after construction.
    /// </summary>
    internal sealed class EchoService
    {
        private readonly FirmwareApp _app;
        private readonly TcpStack _tcp;
        private readonly FirmwareCounters _counters;

        /// <summary>Echoes on the connections of <paramref name="app"/>.</summary>
        public EchoService(FirmwareApp app, TcpStack tcp)
        {
            _app = app;
            _tcp = tcp;
            _counters = app.Counters;
        }

        /// <summary>Sends what is pending of <see cref="FirmwareSession.Buffer"/>, then reads more, until either stalls.</summary>
        public void Serve(int slot, FirmwareSession s)
        {
            for (int guard = 0; guard < 64; guard++)
            {
                if (s.Filled > 0)
                {
                    int sent = _tcp.Send(s.Handle, s.Buffer, s.Position, s.Filled - s.Position);
                    if (sent < 0)
                    {
                        _app.Fail(slot);
                        return;
                    }

                    s.Position += sent;
                    if (s.Position < s.Filled)
                    {
                        return; // send ring full: wait for ACKs
                    }

                    s.Filled = 0;
                    s.Position = 0;
                }

                int n = _tcp.Receive(s.Handle, s.Buffer, 0, s.Buffer.Length);
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

                if (s.Service == FirmwareService.Client)
                {
                    _counters.ClientBytes += n;
                }
                else
                {
                    _counters.EchoBytes += n;
                }

                s.Filled = n;
                s.Position = 0;
            }
        }
    }
}
