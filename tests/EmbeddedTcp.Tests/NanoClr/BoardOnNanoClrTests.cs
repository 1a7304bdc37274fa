using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using EmbeddedTcp.Tests.Board;
using Xunit;

namespace EmbeddedTcp.Tests.NanoClr
{
    /// <summary>
    /// The board application as type-checked by `dotnet build` (boards/esp32-enc28j60/typecheck,
    /// against the kit's real nanoFramework libraries), checked against the packages Visual Studio
    /// restores for it, started on nanoCLR, and the proof that an API those libraries lack fails to
    /// compile. Without the kit: skipped (a failure under CI).
    /// </summary>
    public class BoardOnNanoClrTests
    {
        private const string TypeCheckDir = "boards/esp32-enc28j60/typecheck";
        private const string DeviceTestsDir = "tests/EmbeddedTcp.DeviceTests.NanoClr";

        /// <summary>
        /// The board program loads on nanoCLR beside the .pe files of its package set (nanoCLR links
        /// assemblies by name and version: a library of another version, or a missing one, is a
        /// "Link failure" and nothing runs), each library at the version its packages.config names,
        /// and Main prints its first line. It then stops at the first hardware call
        /// (nanoFramework.Hardware.Esp32 has no native code on this host), which is as far as it can go here.
        /// </summary>
        [SkippableFact]
        public void TheBoardProgramStartsOnNanoClr_WithTheLibraryVersionsOfItsPackagesConfig()
        {
            string kit = NanoKit.Require();
            string board = NanoKit.BuiltPe(TypeCheckDir, "EmbeddedTcp.Esp32Enc28j60.pe");
            string core = NanoKit.BuiltPe("src/EmbeddedTcp.Nano", "EmbeddedTcp.pe");
            string apps = NanoKit.BuiltPe("src/EmbeddedTcp.Apps.Nano", "EmbeddedTcp.Apps.pe"); // the firmware's MQTT part
            string firmware = NanoKit.BuiltPe("src/EmbeddedTcp.Firmware.Nano", "EmbeddedTcp.Firmware.pe");
            var args = new List<string> { "-t", "60" };
            args.AddRange(DeviceTestsOnNanoClrTests.Libraries);
            args.AddRange(new[] { core, apps, firmware, board });
            NanoKit.RunResult r = NanoKit.Run(kit, "nanoclr-run", 60, args.ToArray());
            string all = r.Output + r.Error;

            Assert.True(r.ExitCode == 0, "nanoclr-run exit " + r.ExitCode + "\n" + all);
            Assert.DoesNotContain("Link failure", all);
            Assert.Contains("\nReady.\n", r.Output);
            Assert.Contains("\nEmbeddedTcp ESP32+ENC28J60 on ", r.Output);
            foreach (KeyValuePair<string, string> p in BoardPackages.Read("boards/esp32-enc28j60/packages.config"))
            {
                string assembly = Path.GetFileNameWithoutExtension(BoardPackages.Files[p.Key][0]);
                Assert.Contains("Assembly: " + assembly + " (" + p.Value + ".0)", r.Output);
            }
        }

        /// <summary>
        /// What `dotnet build` type-checked the board and the device tests against is what Visual Studio
        /// restores for them: every nanoFramework assembly the compiled board and device tests reference
        /// has the version of that package in the nfproj's packages.config.
        /// </summary>
        [SkippableTheory]
        [InlineData(TypeCheckDir, "EmbeddedTcp.Esp32Enc28j60.dll", "boards/esp32-enc28j60/packages.config")]
        [InlineData(DeviceTestsDir, "NFUnitTest.dll", "tests/EmbeddedTcp.DeviceTests/packages.config")]
        public void TheTypeCheckReferencesThePackagesConfigVersions(string projectDir, string dll, string packagesConfig)
        {
            NanoKit.Require();
            string built = NanoKit.BuiltPe(projectDir, dll);
            Dictionary<string, string> listed = BoardPackages.Read(packagesConfig);
            using var pe = new PEReader(File.OpenRead(built));
            MetadataReader md = pe.GetMetadataReader();
            var seen = new List<string>();
            foreach (AssemblyReferenceHandle h in md.AssemblyReferences)
            {
                AssemblyReference reference = md.GetAssemblyReference(h);
                string name = md.GetString(reference.Name);
                string package = BoardPackages.PackageOfAssembly(name);
                if (package == null)
                {
                    Assert.StartsWith("EmbeddedTcp", name); // the core and the firmware, built in this solution
                    continue;
                }

                seen.Add(name);
                Assert.True(listed.TryGetValue(package, out string version), dll + " references " + name + " but " + packagesConfig + " has no " + package);
                Assert.Equal(version + ".0", reference.Version.ToString());
            }

            Assert.Contains("mscorlib", seen);
            Assert.Contains("System.Device.Spi", seen);
        }

        /// <summary>
        /// An API the real libraries lack fails the build: TestFramework 3.0.77 has no Assert.Fail (the
        /// removed hand-written declarations had invented it). A snippet using it does not compile
        /// against the kit's nanoFramework.TestFramework.dll, the same snippet with an API that exists
        /// does, and the device tests are compiled against that very assembly.
        /// </summary>
        [SkippableFact]
        public void AnApiTheRealLibrariesLackFailsToCompile()
        {
            string kit = NanoKit.Require();
            string dir = Path.Combine(Path.GetTempPath(), "embeddedtcp-invented-api-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                string Snippet(string statement) =>
                    "using nanoFramework.TestFramework;\n" +
                    "namespace Snippet\n{\n    [TestClass]\n    public class T\n    {\n        [TestMethod]\n" +
                    "        public void M()\n        {\n            " + statement + "\n        }\n    }\n}\n";
                File.WriteAllText(Path.Combine(dir, "Invented.cs"), Snippet("Assert.Fail(\"invented\");"));
                File.WriteAllText(Path.Combine(dir, "Real.cs"), Snippet("Assert.IsTrue(false, \"real\");"));

                NanoKit.RunResult invented = NanoKit.Run(kit, "nf-csc", 120, "-r", "nanoFramework.TestFramework", "--library",
                    "-o", Path.Combine(dir, "Invented.dll"), Path.Combine(dir, "Invented.cs"));
                NanoKit.RunResult real = NanoKit.Run(kit, "nf-csc", 120, "-r", "nanoFramework.TestFramework", "--library",
                    "-o", Path.Combine(dir, "Real.dll"), Path.Combine(dir, "Real.cs"));

                Assert.True(invented.ExitCode != 0, "Assert.Fail compiled against the kit's TestFramework:\n" + invented.Output + invented.Error);
                Assert.Contains("error CS0117: 'Assert' does not contain a definition for 'Fail'", invented.Output + invented.Error);
                Assert.True(real.ExitCode == 0, "the control snippet did not compile:\n" + real.Output + real.Error);
            }
            finally
            {
                try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }

            // The device tests' build compiled against this TestFramework (the kit's), at the version of their packages.config.
            using var pe = new PEReader(File.OpenRead(NanoKit.BuiltPe(DeviceTestsDir, "NFUnitTest.dll")));
            MetadataReader md = pe.GetMetadataReader();
            AssemblyReference testFramework = md.AssemblyReferences.Select(md.GetAssemblyReference)
                .Single(a => md.GetString(a.Name) == "nanoFramework.TestFramework");
            string kitVersion = File.ReadAllLines(Path.Combine(kit, "lib", "manifest.txt"))
                .Select(l => l.Split(' ')).Single(p => p[0] == "nanoFramework.TestFramework")[1];
            Assert.Equal(kitVersion, testFramework.Version.ToString());
        }
    }
}
