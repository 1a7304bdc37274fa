namespace EmbeddedTcp.Simulation { internal static class SimulationAssembly { } }
