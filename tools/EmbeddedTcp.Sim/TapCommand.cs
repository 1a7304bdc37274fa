using System.CommandLine;
using System.IO;

namespace EmbeddedTcp.Sim
{
    internal static class TapCommand
    {
        public static Command Build(TextWriter stdout, TextWriter stderr)
        {
            var tap = new Command("tap", "Run the firmware on a Linux TAP interface in real time.");
            tap.SetAction(p => { stderr.WriteLine("not available yet"); return 2; });
            return tap;
        }
    }
}
