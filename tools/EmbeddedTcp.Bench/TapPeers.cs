using System;
using System.Collections.Generic;

namespace EmbeddedTcp.Bench
{
    /// <summary>Section 8: real peers over TAP (placeholder until written).</summary>
    internal static class TapPeers
    {
        public static void Run(Action<string, string, string, string> add, Action<string, double?> set, List<string> notes)
        {
            add("8 TAP", "real peers over TAP", "skipped", "not implemented yet");
        }
    }
}
