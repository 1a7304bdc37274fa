using EmbeddedTcp.Ip;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Firmware
{
    /// <summary>
    /// The outbound client (only when <see cref="FirmwareOptions.ConnectToAddress"/> is set):
    /// connects to that address and port, sends a greeting line once connected, then echoes
    /// what the peer sends (through the <see cref="EchoService"/>). When the connection ends or
    /// cannot be made it connects again after <see cref="FirmwareOptions.ConnectToRetryMs"/>, or
    /// never when that is 0 or less. Allocation-free after construction.
    /// </summary>
    internal sealed class ClientService
    {
        private static readonly byte[] Greeting =
        {
            (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o', (byte)' ', (byte)'f', (byte)'r', (byte)'o', (byte)'m',
            (byte)' ', (byte)'E', (byte)'m', (byte)'b', (byte)'e', (byte)'d', (byte)'d', (byte)'e', (byte)'d',
            (byte)'T', (byte)'c', (byte)'p', 13, 10,
        };

        private readonly FirmwareApp _app;
        private readonly NetworkStack _stack;
        private readonly TcpStack _tcp;
        private readonly FirmwareCounters _counters;
        private readonly FirmwareOptions _options;
        private readonly EchoService _echo;
        private int _slot = -1;
        private long _nextConnectAt;
        private long _now;
        private bool _done;

        /// <summary>Connects from <paramref name="stack"/> at the first <see cref="Run"/>.</summary>
        public ClientService(FirmwareApp app, NetworkStack stack, EchoService echo)
        {
            _app = app;
            _stack = stack;
            _tcp = stack.Tcp;
            _counters = app.Counters;
            _options = app.Options;
            _echo = echo;
        }

        /// <summary>The session slot of the client's connection, or -1 when it has none.</summary>
        public int Slot { get { return _slot; } }

        /// <summary>Connects when the client has no connection and its retry time has come.</summary>
        public void Run(long nowMs)
        {
            _now = nowMs;
            if (_done || _slot >= 0 || nowMs < _nextConnectAt)
            {
                return;
            }

            int slot = _app.FreeSession();
            if (slot < 0)
            {
                return;
            }

            _counters.ClientAttempts++;
            int h = _tcp.Connect(_stack.Address, _options.ConnectToAddress, _options.ConnectToPort, 0);
            if (h <= 0)
            {
                _counters.ConnectionErrors++;
                ScheduleReconnect();
                return;
            }

            _app.Start(slot, h, FirmwareService.Client);
            _slot = slot;
        }

        /// <summary>Waits for the handshake, queues the greeting once, then echoes.</summary>
        public void Serve(int slot, FirmwareSession s)
        {
            if (!s.Greeted)
            {
                TcpState st = _tcp.GetState(s.Handle);
                if (st == TcpState.SynSent || st == TcpState.SynReceived)
                {
                    return;
                }

                if (st == TcpState.Closed || !_tcp.IsValid(s.Handle))
                {
                    _app.Fail(slot);
                    return;
                }

                _counters.ClientConnected++;
                System.Array.Copy(Greeting, 0, s.Buffer, 0, Greeting.Length);
                s.Filled = Greeting.Length;
                s.Greeted = true;
            }

            _echo.Serve(slot, s);
        }

        /// <summary>The application released the client's session: connect again later (or never).</summary>
        public void Released()
        {
            _slot = -1;
            ScheduleReconnect();
        }

        private void ScheduleReconnect()
        {
            if (_options.ConnectToRetryMs <= 0)
            {
                _done = true;
            }
            else
            {
                _nextConnectAt = _now + _options.ConnectToRetryMs;
            }
        }
    }
}
