using System.Device.Gpio;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Boards.Esp32Enc28j60
{
    /// <summary><see cref="IDigitalOutput"/> over an output <see cref="GpioPin"/> (the ENC28J60's RESET line).</summary>
    public sealed class GpioOutput : IDigitalOutput
    {
        private readonly GpioPin _pin;

        /// <summary>Wraps <paramref name="pin"/>, opened with <see cref="PinMode.Output"/>; not owned.</summary>
        public GpioOutput(GpioPin pin)
        {
            _pin = pin;
        }

        /// <inheritdoc />
        public void Write(bool high)
        {
            _pin.Write(high ? PinValue.High : PinValue.Low);
        }
    }
}
