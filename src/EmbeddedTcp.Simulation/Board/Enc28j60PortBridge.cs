using System;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Simulation.Enc28j60;

namespace EmbeddedTcp.Simulation.Board
{
    /// <summary>
    /// The ENC28J60's RJ45: moves frames between an <see cref="Enc28j60Model"/>'s wire side and a
    /// <see cref="SimulatedPort"/>. Frames the chip transmits go to the port at once; frames the
    /// port received are written into the chip's receive ring when the stack polls. Wraps the
    /// real <see cref="Drivers.Enc28j60.Enc28j60Driver"/> as the stack's device, so every byte
    /// still crosses the (modelled) SPI bus. Allocation-free per frame.
    /// </summary>
    public sealed class Enc28j60PortBridge : INetworkDevice
    {
        private readonly INetworkDevice _driver;
        private readonly Enc28j60Model _chip;
        private readonly SimulatedPort _port;
        private readonly byte[] _frame = new byte[EthernetTiming.MaxFrameBytes];
        private readonly byte[][] _held = new byte[32][];
        private readonly int[] _heldLength = new int[32];
        private int _heldCount;

        /// <summary>Bridges <paramref name="chip"/> (driven by <paramref name="driver"/>) to <paramref name="port"/>.</summary>
        public Enc28j60PortBridge(INetworkDevice driver, Enc28j60Model chip, SimulatedPort port)
        {
            _driver = driver ?? throw new ArgumentNullException(nameof(driver));
            _chip = chip ?? throw new ArgumentNullException(nameof(chip));
            _port = port ?? throw new ArgumentNullException(nameof(port));
            _chip.FrameTransmitted = OnTransmitted;
            // Every hold slot up front: a slot made on first use allocated in the middle of a run
            // (whenever a turn held more frames than any turn before), which the allocation tests saw.
            for (int i = 0; i < _held.Length; i++)
            {
                _held[i] = new byte[EthernetTiming.MaxFrameBytes];
            }
        }

        /// <summary>
        /// When true, frames the chip transmits wait in the bridge until <see cref="ReleaseHeld"/>:
        /// a board whose CPU time is modelled sends what its turn wrote when the turn's time is up.
        /// </summary>
        public bool HoldTransmitted { get; set; }

        /// <summary>Sends the frames held back (in order).</summary>
        public void ReleaseHeld()
        {
            for (int i = 0; i < _heldCount; i++)
            {
                Forward(_held[i], 0, _heldLength[i]);
            }

            _heldCount = 0;
        }

        /// <summary>Frames the chip transmitted that the port refused (link down, queue full).</summary>
        public long TransmitDrops { get; private set; }

        /// <summary>Frames that reached the port but that the chip did not keep (filtered, ring full, not receiving).</summary>
        public long ReceiveDrops { get; private set; }

        /// <summary>Frames moved from the port into the chip.</summary>
        public long FramesIntoChip { get; private set; }

        /// <summary>Frames moved from the chip to the port.</summary>
        public long FramesOutOfChip { get; private set; }

        /// <inheritdoc />
        public void GetMacAddress(byte[] destination, int offset) => _driver.GetMacAddress(destination, offset);

        /// <inheritdoc />
        public bool LinkUp => _driver.LinkUp;

        /// <inheritdoc />
        public int Receive(byte[] buffer, int offset, int capacity)
        {
            Pump();
            return _driver.Receive(buffer, offset, capacity);
        }

        /// <inheritdoc />
        public bool Send(byte[] frame, int offset, int length) => _driver.Send(frame, offset, length);

        /// <inheritdoc />
        public void Poll(long nowMs)
        {
            Pump();
            _driver.Poll(nowMs);
        }

        /// <summary>Moves every frame waiting at the port into the chip's receive ring.</summary>
        public void Pump()
        {
            for (int guard = 0; guard < 256; guard++)
            {
                int n = _port.Receive(_frame, 0, _frame.Length);
                if (n <= 0)
                {
                    return;
                }

                if (_chip.InjectFrame(_frame, 0, n))
                {
                    FramesIntoChip++;
                }
                else
                {
                    ReceiveDrops++;
                }
            }
        }

        private void OnTransmitted(byte[] frame, int offset, int length)
        {
            if (HoldTransmitted && _heldCount < _held.Length)
            {
                Buffer.BlockCopy(frame, offset, _held[_heldCount], 0, length);
                _heldLength[_heldCount++] = length;
                return;
            }

            Forward(frame, offset, length);
        }

        private void Forward(byte[] frame, int offset, int length)
        {
            if (_port.Send(frame, offset, length))
            {
                FramesOutOfChip++;
            }
            else
            {
                TransmitDrops++;
            }
        }
    }
}
