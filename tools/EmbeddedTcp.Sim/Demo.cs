using System.IO;

namespace EmbeddedTcp.Sim
{
    public sealed class Demo
    {
        private readonly TextWriter _out;
        public Demo(TextWriter output, ulong seed, int bulkKib) { _out = output; }
        public int Run() { _out.WriteLine("demo"); return 0; }
    }
}
