using System;
using EmbeddedTcp.Drivers.Enc28j60;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation.Cost;
using EmbeddedTcp.Simulation.Enc28j60;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Simulation.Board
{
    /// <summary>
    /// A simulated ESP32 + ENC28J60 board on a <see cref="SimulatedLan"/>: the real
    /// <see cref="NetworkStack"/> over the real <see cref="Enc28j60Driver"/> over the
    /// register-level <see cref="Enc28j60Model"/>, whose wire side is a switch port, running the
    /// <see cref="FirmwareApp"/>. The SPI traffic is accounted at <see cref="SpiClockHz"/>.
    /// With a <see cref="Cpu"/> model the board also charges its CPU: each turn (stack Poll, then
    /// the application's) costs the IL, calls and SPI transfers it made on an ESP32
    /// (<see cref="BoardTurn"/>), and the board is busy for that long: its stack is not polled and
    /// its application does not run until the turn's time has passed, while the chip keeps taking
    /// frames off the wire into its receive ring (which may fill). Frames a turn writes leave when
    /// the turn's time is up. Turns that moved no frame are counted apart (<see cref="IdleNs"/>):
    /// the board's loop never stops, but an idle turn only delays work by its own length.
    /// Same seed, same run, byte for byte.
    /// </summary>
    public sealed class SimulatedBoard : IBusyHost
    {
        private readonly TurnCountingDevice _counter;
        private readonly FirmwareOptions _options;
        private readonly TcpEntryInfo _entry = new TcpEntryInfo();
        private bool _turnOpen;
        private long _turnStartNs;
        private long _turnSpiBytes;
        private long _turnSpiTransactions;
        private long _turnChargenBytes;

        /// <summary>The default SPI clock: 20 MHz (the ENC28J60's maximum).</summary>
        public const long DefaultSpiClockHz = 20_000_000;

        /// <summary>
        /// Builds the board and attaches it to <paramref name="lan"/>. <paramref name="firmware"/>
        /// null runs no application (a bare stack on the driver). <paramref name="wrap"/>, when
        /// given, wraps the stack's device (a <see cref="PcapDevice"/> or <see cref="Tracer"/>).
        /// </summary>
        public SimulatedBoard(SimulatedLan lan, byte[] mac, NetworkConfig config, uint seed, FirmwareOptions firmware,
            long spiClockHz = DefaultSpiClockHz, Func<INetworkDevice, INetworkDevice> wrap = null, Esp32CostModel cpu = null)
        {
            ArgumentNullException.ThrowIfNull(lan);

            if (mac == null || mac.Length != 6)
            {
                throw new ArgumentException("a MAC address is 6 bytes", nameof(mac));
            }

            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spiClockHz);

            Lan = lan;
            SpiClockHz = spiClockHz;
            Port = lan.AddPort(mac);
            Chip = new Enc28j60Model();
            Driver = new Enc28j60Driver(Chip, mac, 0, Chip, Chip.ResetPin, Chip);
            if (!Driver.Initialize())
            {
                throw new InvalidOperationException("the ENC28J60 driver did not initialise the chip model");
            }

            Bridge = new Enc28j60PortBridge(Driver, Chip, Port);
            _counter = new TurnCountingDevice(Bridge);
            INetworkDevice device = wrap != null ? wrap(_counter) : _counter;
            Stack = lan.AddStack(device, config ?? new NetworkConfig(), seed, Port);
            _options = firmware;
            if (firmware != null)
            {
                App = new FirmwareApp(Stack, firmware);
                App.Poll(lan.NowMs);
            }

            Cpu = cpu;
            if (cpu != null)
            {
                lan.SetBusyHost(Stack, this);
                Bridge.HoldTransmitted = true;
            }
        }

        /// <summary>The ESP32 cost model the board's turns are charged with, or null (no CPU time; SPI is only reported).</summary>
        public Esp32CostModel Cpu { get; }

        /// <summary>Modelled interpreter time of every turn so far, ns (0 without <see cref="Cpu"/>).</summary>
        public double CpuBusyNs { get; private set; }

        /// <summary>Modelled SPI wait of every turn so far (clock plus ESP-IDF's per-transaction time), ns (0 without <see cref="Cpu"/>).</summary>
        public double ModelledSpiNs { get; private set; }

        /// <summary>Modelled time of the turns that moved no frame and generated nothing (the loop's idle polls), ns; included in <see cref="CpuBusyNs"/> and <see cref="ModelledSpiNs"/>.</summary>
        public double IdleNs { get; private set; }

        /// <summary>Board turns charged so far.</summary>
        public long Turns { get; private set; }

        /// <inheritdoc />
        public long BusyUntilNs { get; private set; }

        /// <inheritdoc />
        void IBusyHost.WhileBusy()
        {
            Bridge.Pump();
        }

        /// <inheritdoc />
        void IBusyHost.TurnStarting(long nowNs)
        {
            Bridge.ReleaseHeld();
            _turnOpen = true;
            _turnStartNs = nowNs;
            _counter.Turn.Clear();
            _turnSpiBytes = Chip.BytesTransferred;
            _turnSpiTransactions = Chip.Transactions;
            _turnChargenBytes = App != null ? App.Counters.ChargenBytes : 0;
        }

        /// <summary>The LAN the board is on.</summary>
        public SimulatedLan Lan { get; }

        /// <summary>The board's switch port (its RJ45 cable).</summary>
        public SimulatedPort Port { get; }

        /// <summary>The ENC28J60 register model (the SPI bus, interrupt pin and delay of the driver).</summary>
        public Enc28j60Model Chip { get; }

        /// <summary>The real driver, as flashed.</summary>
        public Enc28j60Driver Driver { get; }

        /// <summary>The adapter between the chip's wire side and the port.</summary>
        public Enc28j60PortBridge Bridge { get; }

        /// <summary>The stack, as flashed.</summary>
        public NetworkStack Stack { get; }

        /// <summary>The firmware application, or null.</summary>
        public FirmwareApp App { get; }

        /// <summary>SPI clock used for <see cref="SpiBusyNs"/>.</summary>
        public long SpiClockHz { get; }

        /// <summary>SPI transactions since construction (each one a chip-select cycle).</summary>
        public long SpiTransactions => Chip.Transactions;

        /// <summary>Bytes clocked over SPI since construction.</summary>
        public long SpiBytes => Chip.BytesTransferred;

        /// <summary>Time the SPI bus was busy, in ns: bytes × 8 / clock (chip-select overhead not counted).</summary>
        public long SpiBusyNs => (long)(Chip.BytesTransferred * 8.0 * 1e9 / SpiClockHz);

        /// <summary>
        /// The application's turn: call after each <see cref="SimulatedLan.Step"/>. With a
        /// <see cref="Cpu"/> model it runs only when the LAN polled the board in that step (the
        /// board was not busy), and then charges the whole turn.
        /// </summary>
        public void RunApplication()
        {
            if (Cpu == null)
            {
                if (App != null)
                {
                    App.Poll(Lan.NowMs);
                }

                return;
            }

            if (!_turnOpen)
            {
                return;
            }

            _turnOpen = false;
            BoardTurn turn = _counter.Turn;
            if (App != null)
            {
                App.Poll(Lan.NowMs);
                turn.WithApp = true;
                turn.AppReceives = turn.RxData;
                turn.ChargenChunks = ChargenChunks(App.Counters.ChargenBytes - _turnChargenBytes);
            }

            turn.SpiBytes = Chip.BytesTransferred - _turnSpiBytes;
            turn.SpiTransactions = Chip.Transactions - _turnSpiTransactions;
            double cpu = turn.CpuNs(Cpu);
            double spi = turn.SpiNs(Cpu);
            CpuBusyNs += cpu;
            ModelledSpiNs += spi;
            if (turn.RxData + turn.RxOther + turn.TxData + turn.TxOther + turn.ChargenChunks == 0)
            {
                IdleNs += cpu + spi;
            }

            Turns++;
            BusyUntilNs = _turnStartNs + (long)Math.Ceiling(cpu + spi);
        }

        /// <summary>
        /// Chunks the firmware's chargen generated in the turn: it fills a chunk, sends it, and goes
        /// on while Send takes whole chunks, so one more than the whole chunks sent whenever a
        /// chargen connection can send (ChargenService.Serve).
        /// </summary>
        private int ChargenChunks(long sentBytes)
        {
            int chunk = Math.Max(1460, Math.Max(64, _options.SessionBufferSize));
            for (int i = 0; i < Stack.Tcp.Capacity; i++)
            {
                Stack.Tcp.GetEntry(i, _entry);
                if (!_entry.Free && _entry.LocalPort == _options.ChargenPort && (_entry.State == TcpState.Established || _entry.State == TcpState.CloseWait))
                {
                    return (int)(sentBytes / chunk) + 1;
                }
            }

            return sentBytes > 0 ? (int)((sentBytes + chunk - 1) / chunk) : 0;
        }
    }
}
