using EmbeddedTcp.Drivers.Enc28j60;
using EmbeddedTcp.Hal;
using EmbeddedTcp.NanoSupport;
using EmbeddedTcp.Simulation.Enc28j60;

namespace EmbeddedTcp.NanoTests
{
    /// <summary>
    /// A board's network device on nanoCLR: the real <see cref="Enc28j60Driver"/> over the
    /// register-level <see cref="Enc28j60Model"/> (every frame crosses the modelled SPI bus),
    /// with the chip's RJ45 plugged into one end of a <see cref="MemoryLink"/>. Frames the chip
    /// transmits go onto the cable at once; frames on the cable are written into the chip's
    /// receive ring when the stack polls or receives (as <c>Enc28j60PortBridge</c> does on the desktop).
    /// </summary>
    public sealed class ChipOnLink : INetworkDevice
    {
        /// <summary>The chip model.</summary>
        public readonly Enc28j60Model Chip;
        /// <summary>The driver the stack uses.</summary>
        public readonly Enc28j60Driver Driver;
        private readonly MemoryLink.End _cable;
        private readonly byte[] _frame = new byte[MemoryLink.MaxFrame];

        /// <summary>Frames from the cable that the chip did not keep (filtered, ring full).</summary>
        public int ChipRefused;

        /// <summary>A chip with the cable end's MAC address and its driver (interrupt pin, reset pin and delay from the model), not yet initialised.</summary>
        public ChipOnLink(MemoryLink.End cable)
        {
            _cable = cable;
            Chip = new Enc28j60Model();
            byte[] mac = new byte[6];
            cable.GetMacAddress(mac, 0);
            Driver = new Enc28j60Driver(Chip, mac, 0, Chip, Chip.ResetPin, Chip);
            Chip.FrameTransmitted = OnTransmitted;
        }

        private void OnTransmitted(byte[] frame, int offset, int length)
        {
            _cable.Send(frame, offset, length);
        }

        /// <summary>Moves every frame waiting on the cable into the chip's receive ring.</summary>
        public void Pump()
        {
            for (int guard = 0; guard < 64; guard++)
            {
                int n = _cable.Receive(_frame, 0, _frame.Length);
                if (n <= 0)
                {
                    return;
                }

                if (!Chip.InjectFrame(_frame, 0, n))
                {
                    ChipRefused++;
                }
            }
        }

        /// <inheritdoc />
        public void GetMacAddress(byte[] destination, int offset)
        {
            Driver.GetMacAddress(destination, offset);
        }

        /// <inheritdoc />
        public bool LinkUp { get { return Driver.LinkUp; } }

        /// <inheritdoc />
        public int Receive(byte[] buffer, int offset, int capacity)
        {
            Pump();
            return Driver.Receive(buffer, offset, capacity);
        }

        /// <inheritdoc />
        public bool Send(byte[] frame, int offset, int length)
        {
            return Driver.Send(frame, offset, length);
        }

        /// <inheritdoc />
        public void Poll(long nowMs)
        {
            Pump();
            Driver.Poll(nowMs);
        }
    }
}
