namespace EmbeddedTcp.Hal
{
    /// <summary>A digital output such as a chip's active-low reset line.</summary>
    public interface IDigitalOutput
    {
        /// <summary>Drives the pin high (<c>true</c>) or low (<c>false</c>).</summary>
        void Write(bool high);
    }
}
