// Declarations only, from nanoframework/System.Device.Spi (SpiDevice.cs, SpiConnectionSettings.cs,
// SpiMode.cs, DataFlow.cs, SpiSharingMode.cs). SpanByte itself is in nanoFramework's mscorlib.
// Never shipped.
using System.Device.Gpio;

namespace System.Device.Spi
{
    public enum SpiMode
    {
        Mode0,
        Mode1,
        Mode2,
        Mode3
    }

    public enum DataFlow
    {
        MsbFirst,
        LsbFirst
    }

    public enum SpiSharingMode
    {
        Exclusive,
        Shared
    }

    public sealed class SpiConnectionSettings
    {
        private SpiConnectionSettings() { }
        public SpiConnectionSettings(int busId, int chipSelectLine) { throw null; }
        public int BusId { get { throw null; } set { throw null; } }
        public int ChipSelectLine { get { throw null; } set { throw null; } }
        public SpiMode Mode { get { throw null; } set { throw null; } }
        public int DataBitLength { get { throw null; } set { throw null; } }
        public int ClockFrequency { get { throw null; } set { throw null; } }
        public DataFlow DataFlow { get { throw null; } set { throw null; } }
        public PinValue ChipSelectLineActiveState { get { throw null; } set { throw null; } }
        public SpiSharingMode SharingMode { get { throw null; } set { throw null; } }
    }

    public class SpiDevice : IDisposable
    {
        public SpiDevice(SpiConnectionSettings settings) { throw null; }
        public SpiConnectionSettings ConnectionSettings { get { throw null; } }
        public static SpiDevice Create(SpiConnectionSettings settings) { throw null; }
        public byte ReadByte() { throw null; }
        public void Read(SpanByte buffer) { throw null; }
        public void WriteByte(byte value) { throw null; }
        public void Write(SpanByte buffer) { throw null; }
        public void TransferFullDuplex(SpanByte writeBuffer, SpanByte readBuffer) { throw null; }
        public void Dispose() { throw null; }
    }
}
