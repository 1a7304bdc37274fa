// Stand-ins for the parts of System.Device.Spi 1.3.82 (nanoframework/System.Device.Spi 72f3a12fc565,
// the kit's lib/System.Device.Spi.dll) that the board's SpiBusAdapter calls, so the adapter's own
// code can be compiled for nanoCLR and metered: SpiDevice cannot be opened on the kit's host (its
// natives throw). The byte path is line for line the library's (checked against its IL, and by
// tests/EmbeddedTcp.Tests/NanoClr/SpiStandInTests); the InternalCall NativeTransfer is an empty
// method, as in the kit's samples/alloc-rules (SpiLike): a native call makes no managed objects,
// so what allocates is the managed code around it. Everything else of the library is left out.
namespace System.Device.Spi
{
    /// <summary>As the library's enum: the default, FullDuplex, is 0.</summary>
    public enum SpiBusConfiguration
    {
        /// <summary>4 wires.</summary>
        FullDuplex = 0,
        /// <summary>3 wires (TransferFullDuplex refuses).</summary>
        HalfDuplex = 1,
    }

    /// <summary>Stand-in: the settings TransferFullDuplex reads.</summary>
    public sealed class SpiConnectionSettings
    {
        private readonly int _busId;
        private readonly int _chipSelectLine;
        private SpiBusConfiguration _busConfiguration;

        /// <summary>As the library's constructor (bus, chip select line; -1 = none).</summary>
        public SpiConnectionSettings(int busId, int chipSelectLine)
        {
            _busId = busId;
            _chipSelectLine = chipSelectLine;
        }

        /// <summary>Bus id.</summary>
        public int BusId { get { return _busId; } }

        /// <summary>Chip select line.</summary>
        public int ChipSelectLine { get { return _chipSelectLine; } }

        /// <summary>Bus configuration; default FullDuplex.</summary>
        public SpiBusConfiguration Configuration
        {
            get { return _busConfiguration; }
            set { _busConfiguration = value; }
        }
    }

    /// <summary>Stand-in for SpiDevice: the library's managed code, an empty native transfer.</summary>
    public class SpiDevice
    {
        private readonly SpiConnectionSettings _connectionSettings;
        private readonly byte[] _bufferSingleOperation = new byte[1];

        /// <summary>Stand-in constructor (the library's opens the native device).</summary>
        public SpiDevice(SpiConnectionSettings settings)
        {
            _connectionSettings = settings;
        }

        /// <summary>As the library's.</summary>
        public static SpiDevice Create(SpiConnectionSettings settings)
        {
            return new SpiDevice(settings);
        }

        /// <summary>As the library's.</summary>
        public byte ReadByte()
        {
            NativeTransfer(null, _bufferSingleOperation, false);
            return _bufferSingleOperation[0];
        }

        /// <summary>As the library's.</summary>
        public void Read(SpanByte buffer)
        {
            NativeTransfer(null, buffer, false);
        }

        /// <summary>As the library's.</summary>
        public void Read(ushort[] buffer)
        {
            NativeTransfer(null, buffer, false);
        }

        /// <summary>As the library's.</summary>
        public void WriteByte(byte value)
        {
            _bufferSingleOperation[0] = value;
            NativeTransfer(_bufferSingleOperation, null, false);
        }

        /// <summary>As the library's.</summary>
        public void Write(ushort[] buffer)
        {
            NativeTransfer(buffer, null, false);
        }

        /// <summary>As the library's.</summary>
        public void Write(SpanByte buffer)
        {
            NativeTransfer(buffer, null, false);
        }

        /// <summary>As the library's.</summary>
        public void TransferFullDuplex(ushort[] writeBuffer, ushort[] readBuffer)
        {
            if (_connectionSettings.Configuration != SpiBusConfiguration.FullDuplex)
            {
                throw new InvalidOperationException();
            }

            NativeTransfer(writeBuffer, readBuffer, true);
        }

        /// <summary>As the library's.</summary>
        public void TransferFullDuplex(SpanByte writeBuffer, SpanByte readBuffer)
        {
            if (_connectionSettings.Configuration != SpiBusConfiguration.FullDuplex)
            {
                throw new InvalidOperationException();
            }

            NativeTransfer(writeBuffer, readBuffer, true);
        }

        // The library's are InternalCall (no IL); empty here.
        private void NativeTransfer(SpanByte writeBuffer, SpanByte readBuffer, bool fullDuplex)
        {
        }

        private void NativeTransfer(ushort[] writeBuffer, ushort[] readBuffer, bool fullDuplex)
        {
        }
    }
}
