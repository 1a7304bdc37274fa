using System.Device.Gpio;
using System.Threading;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Boards.Esp32Enc28j60
{
    /// <summary>
    /// <see cref="IInterruptPin"/> over an input <see cref="GpioPin"/> for the ENC28J60's
    /// active-low INT output, plus a way for the board loop to sleep until the line falls.
    /// </summary>
    /// <remarks>
    /// <see cref="IsAsserted"/> reads the pin level (no event, no allocation), which is what the
    /// driver uses. <see cref="WaitForAssertion"/> waits on an <see cref="AutoResetEvent"/> set by
    /// the pin's falling-edge callback; the handler delegate is created once here, but
    /// nanoFramework itself allocates a small event-args object per edge, which is why the
    /// driver never depends on the event. The driver leaves PKTIE off (errata: PKTIF is
    /// unreliable), so INT signals link changes, receive overflow and transmit aborts only; the
    /// loop must still wake up at the runner's idle interval to poll for frames.
    /// </remarks>
    public sealed class GpioInterruptPin : IInterruptPin
    {
        private readonly GpioPin _pin;
        private readonly AutoResetEvent _edge = new AutoResetEvent(false);

        /// <summary>Wraps <paramref name="pin"/> (opened as input; INT is push-pull on the ENC28J60, a pull-up is harmless).</summary>
        public GpioInterruptPin(GpioPin pin)
        {
            _pin = pin;
            _pin.ValueChanged += OnValueChanged;
        }

        /// <inheritdoc />
        public bool IsAsserted
        {
            get { return _pin.Read() == PinValue.Low; }
        }

        /// <summary>
        /// Blocks until the INT line falls or <paramref name="timeoutMs"/> passes; returns at once
        /// when the line is already low. Returns true when the line is asserted.
        /// </summary>
        public bool WaitForAssertion(int timeoutMs)
        {
            if (IsAsserted)
            {
                return true;
            }
            if (timeoutMs <= 0)
            {
                return false;
            }
            _edge.WaitOne(timeoutMs, false);
            return IsAsserted;
        }

        private void OnValueChanged(object sender, PinValueChangedEventArgs e)
        {
            if (e.ChangeType == PinEventTypes.Falling)
            {
                _edge.Set();
            }
        }
    }
}
