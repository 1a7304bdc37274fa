using Xunit;

namespace EmbeddedTcp.Tests.NanoClr
{
    /// <summary>The normal build converted the flashed assemblies to .pe, and nanoCLR loads them.</summary>
    public class NanoKitTests
    {
        [SkippableFact]
        public void FlashedAssembliesLoadOnNanoClr()
        {
            string kit = NanoKit.Require();
            string core = NanoKit.BuiltPe("src/EmbeddedTcp.Nano", "EmbeddedTcp.pe");
            string firmware = NanoKit.BuiltPe("src/EmbeddedTcp.Firmware.Nano", "EmbeddedTcp.Firmware.pe");
            string apps = NanoKit.BuiltPe("src/EmbeddedTcp.Apps.Nano", "EmbeddedTcp.Apps.pe"); // the firmware's MQTT part
            var r = NanoKit.Run(kit, "nanoclr-run", 60, "-t", "60", core, apps, firmware);
            Assert.True(r.ExitCode == 0, "nanoclr-run exit " + r.ExitCode + "\n" + r.Output + r.Error);
            Assert.Contains("Assembly: EmbeddedTcp (", r.Output);
            Assert.Contains("Assembly: EmbeddedTcp.Firmware (", r.Output);
            Assert.DoesNotContain("failed to load", r.Output + r.Error);
        }
    }
}
