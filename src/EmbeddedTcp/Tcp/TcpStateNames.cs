namespace EmbeddedTcp.Tcp
{
    /// <summary>State names as the RFC writes them, without allocating (enum ToString boxes).</summary>
    public static class TcpStateNames
    {
        private static readonly string[] Names =
        {
            "CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1",
            "FIN_WAIT_2", "CLOSING", "TIME_WAIT", "CLOSE_WAIT", "LAST_ACK",
        };

        // Static readonly, not a literal: on nanoCLR every executed ldstr makes a new string.
        private static readonly string Unknown = "?";

        /// <summary>The RFC name of <paramref name="state"/>, e.g. "SYN_RECEIVED" ("?" for a value outside the enum).</summary>
        public static string Of(TcpState state)
        {
            int i = (int)state;
            return i >= 0 && i < Names.Length ? Names[i] : Unknown;
        }
    }
}
