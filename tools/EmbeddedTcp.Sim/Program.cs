using System;

namespace EmbeddedTcp.Sim
{
    public static class Program
    {
        public static int Main(string[] args)
        {
            Console.WriteLine("EmbeddedTcp simulator: nothing to simulate yet.");
            return 0;
        }
    }
}
