namespace EmbeddedTcp.Wire
{
    /// <summary>
    /// What every packet view shares: the bytes it is bound to. Views are preallocated classes, not
    /// structs, because nanoCLR keeps every struct on its heap: their owner makes each view once and
    /// rebinds it per packet (<c>TryParse</c>, <c>Bind</c>, <c>Emit</c>). A failed parse leaves the view
    /// unbound: <see cref="Buffer"/> null, <see cref="Offset"/> and <see cref="Length"/> 0.
    /// </summary>
    public abstract class PacketView
    {
        /// <summary>The bound buffer; null while unbound.</summary>
        protected byte[] _buffer;
        /// <summary>Offset of the view's first byte in <see cref="_buffer"/>.</summary>
        protected int _offset;
        /// <summary>Bytes covered by the view.</summary>
        protected int _length;

        /// <summary>The underlying buffer; null while unbound (new, or after a failed parse).</summary>
        public byte[] Buffer { get { return _buffer; } }
        /// <summary>Offset of the view's first byte in <see cref="Buffer"/>.</summary>
        public int Offset { get { return _offset; } }
        /// <summary>Bytes covered by the view (for IPv4 the header's total length, not the link's).</summary>
        public int Length { get { return _length; } }

        /// <summary>Binds the view without checking (for emitting, or bytes already checked).</summary>
        public void Bind(byte[] buffer, int offset, int length)
        {
            _buffer = buffer;
            _offset = offset;
            _length = length;
        }

        /// <summary>
        /// The end of every TryParse: binds the view to the range when <paramref name="result"/> is Ok,
        /// else unbinds it; returns <paramref name="result"/>.
        /// </summary>
        protected WireResult BindIf(WireResult result, byte[] buffer, int offset, int length)
        {
            if (result != WireResult.Ok)
            {
                return Unbound(result);
            }

            _buffer = buffer;
            _offset = offset;
            _length = length;
            return WireResult.Ok;
        }

        /// <summary>Leaves the view unbound after a failed check; returns <paramref name="result"/>.</summary>
        protected WireResult Unbound(WireResult result)
        {
            _buffer = null;
            _offset = 0;
            _length = 0;
            return result;
        }
    }
}
