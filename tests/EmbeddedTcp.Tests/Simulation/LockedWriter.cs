using System.IO;

namespace EmbeddedTcp.Tests.Simulation
{
    /// <summary>A <see cref="StringWriter"/> safe to write from a runner thread while the test reads it.</summary>
    internal sealed class LockedWriter : StringWriter
    {
        public override void Write(char value)
        {
            lock (this)
            {
                base.Write(value);
            }
        }
        public override void Write(string value)
        {
            lock (this)
            {
                base.Write(value);
            }
        }
        public override void WriteLine(string value)
        {
            lock (this)
            {
                base.WriteLine(value);
            }
        }
        public override string ToString()
        {
            lock (this)
            {
                return base.ToString();
            }
        }
    }
}
