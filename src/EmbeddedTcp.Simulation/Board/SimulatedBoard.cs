using System;
using EmbeddedTcp.Drivers.Enc28j60;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation.Enc28j60;

namespace EmbeddedTcp.Simulation.Board
{
    /// <summary>
    /// A simulated ESP32 + ENC28J60 board on a <see cref="SimulatedLan"/>: the real
    /// <see cref="NetworkStack"/> over the real <see cref="Enc28j60Driver"/> over the
    /// register-level <see cref="Enc28j60Model"/>, whose wire side is a switch port, running the
    /// <see cref="FirmwareApp"/>. The SPI traffic is accounted at <see cref="SpiClockHz"/>.
    /// Same seed, same run, byte for byte.
    /// </summary>
    public sealed class SimulatedBoard
    {
        /// <summary>The default SPI clock: 20 MHz (the ENC28J60's maximum).</summary>
        public const long DefaultSpiClockHz = 20_000_000;

        /// <summary>
        /// Builds the board and attaches it to <paramref name="lan"/>. <paramref name="firmware"/>
        /// null runs no application (a bare stack on the driver). <paramref name="wrap"/>, when
        /// given, wraps the stack's device (a <see cref="PcapDevice"/> or <see cref="Tracer"/>).
        /// </summary>
        public SimulatedBoard(SimulatedLan lan, byte[] mac, NetworkConfig config, uint seed, FirmwareOptions firmware,
            long spiClockHz = DefaultSpiClockHz, Func<INetworkDevice, INetworkDevice> wrap = null)
        {
            if (lan == null) throw new ArgumentNullException(nameof(lan));
            if (mac == null || mac.Length != 6) throw new ArgumentException("a MAC address is 6 bytes", nameof(mac));
            if (spiClockHz <= 0) throw new ArgumentOutOfRangeException(nameof(spiClockHz));
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
            INetworkDevice device = wrap != null ? wrap(Bridge) : Bridge;
            Stack = lan.AddStack(device, config ?? new NetworkConfig(), seed, Port);
            if (firmware != null)
            {
                App = new FirmwareApp(Stack, firmware);
                App.Poll(lan.NowMs);
            }
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

        /// <summary>The application's turn: call after each <see cref="SimulatedLan.Step"/>.</summary>
        public void RunApplication()
        {
            if (App != null)
            {
                App.Poll(Lan.NowMs);
            }
        }
    }
}
