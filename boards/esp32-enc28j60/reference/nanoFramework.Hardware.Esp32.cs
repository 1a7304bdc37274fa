// Declarations only, from nanoframework/nanoFramework.Hardware.Esp32 (Configuration.cs,
// DeviceTypePins.cs, HighResTimer.cs); only the members the board code uses. Never shipped.
namespace nanoFramework.Hardware.Esp32
{
    public enum DeviceFunction
    {
        SPI1_MOSI = 0x00010000 + 0x100 + 0,
        SPI1_MISO = 0x00010000 + 0x100 + 1,
        SPI1_CLOCK = 0x00010000 + 0x100 + 2,
        SPI2_MOSI = 0x00010000 + 0x200 + 0,
        SPI2_MISO = 0x00010000 + 0x200 + 1,
        SPI2_CLOCK = 0x00010000 + 0x200 + 2
    }

    public class Configuration
    {
        public static void SetPinFunction(int pin, DeviceFunction value) { throw null; }
        public static int GetFunctionPin(DeviceFunction function) { throw null; }
    }

    public class HighResTimer : System.IDisposable
    {
        public HighResTimer() { throw null; }
        public static ulong GetCurrent() { throw null; }
        public void Stop() { throw null; }
        public void StartOneShot(ulong timeout_us) { throw null; }
        public void StartOnePeriodic(ulong period_us) { throw null; }
        public void Dispose() { throw null; }
    }
}
