// Stand-ins for the parts of System.Device.Gpio 1.1.57 (nanoframework/System.Device.Gpio
// 8b832b8512ad, the kit's lib/System.Device.Gpio.dll) that the board's SpiBusAdapter calls: the
// chip-select pin. Line for line the library's managed code (see SpiDevice.cs here); the
// InternalCalls WriteNative and Toggle are empty methods.
namespace System.Device.Gpio
{
    /// <summary>As the library's struct (one byte).</summary>
    public struct PinValue
    {
        private readonly byte _value;

        /// <summary>As the library's.</summary>
        public PinValue(byte value)
        {
            _value = value;
        }

        /// <summary>As the library's: a new value each time.</summary>
        public static PinValue High
        {
            get { return new PinValue(1); }
        }

        /// <summary>As the library's: a new value each time.</summary>
        public static PinValue Low
        {
            get { return new PinValue(0); }
        }
    }

    /// <summary>Stand-in for GpioPin (an output).</summary>
    public sealed class GpioPin
    {
        private readonly object _syncLock = new object();
        private readonly int _pinNumber;

        /// <summary>Stand-in constructor (the library's pins come from GpioController.OpenPin).</summary>
        public GpioPin(int pinNumber)
        {
            _pinNumber = pinNumber;
        }

        /// <summary>Pin number.</summary>
        public int PinNumber { get { return _pinNumber; } }

        /// <summary>As the library's.</summary>
        public void Write(PinValue value)
        {
            lock (_syncLock)
            {
                WriteNative(value);
            }
        }

        /// <summary>The library's is an InternalCall; empty here.</summary>
        public void Toggle()
        {
        }

        private void WriteNative(PinValue value)
        {
        }
    }
}
