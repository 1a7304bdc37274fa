using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;

namespace EmbeddedTcp.Tests.Board
{
    /// <summary>
    /// The nanoFramework package set of boards/esp32-enc28j60 and what the tests need to know about
    /// it: the pinned versions, the assemblies each package holds, and which library needs which.
    /// </summary>
    internal static class BoardPackages
    {
        /// <summary>
        /// The one set every packages.config and HintPath names. Published releases that pin each
        /// other at exactly these versions (each library's packages.config/nuspec at its release tag,
        /// as the nanoCLR kit's src/refs-build.sh checks when it builds them from those tags), on
        /// nanoFramework.CoreLibrary 1.17.11. The kit's lib/ holds these, which is what the board and
        /// the device tests are type-checked against (<see cref="PackageSetTests"/> compares the two).
        /// </summary>
        public static readonly IReadOnlyDictionary<string, string> Pinned = new Dictionary<string, string>
        {
            ["nanoFramework.CoreLibrary"] = "1.17.11",
            ["nanoFramework.Runtime.Events"] = "1.11.32",
            ["nanoFramework.Runtime.Native"] = "1.7.11",
            ["nanoFramework.System.Device.Gpio"] = "1.1.57",
            ["nanoFramework.System.Device.Spi"] = "1.3.82",
            ["nanoFramework.Hardware.Esp32"] = "1.6.34",
            ["nanoFramework.TestFramework"] = "3.0.77",
        };

        /// <summary>The assembly files each package puts in its lib/ folder (what an nfproj's HintPath names).</summary>
        public static readonly IReadOnlyDictionary<string, string[]> Files = new Dictionary<string, string[]>
        {
            ["nanoFramework.CoreLibrary"] = new[] { "mscorlib.dll" },
            ["nanoFramework.Runtime.Events"] = new[] { "nanoFramework.Runtime.Events.dll" },
            ["nanoFramework.Runtime.Native"] = new[] { "nanoFramework.Runtime.Native.dll" },
            ["nanoFramework.System.Device.Gpio"] = new[] { "System.Device.Gpio.dll" },
            ["nanoFramework.System.Device.Spi"] = new[] { "System.Device.Spi.dll" },
            ["nanoFramework.Hardware.Esp32"] = new[] { "nanoFramework.Hardware.Esp32.dll" },
            ["nanoFramework.TestFramework"] = new[] { "nanoFramework.TestFramework.dll", "nanoFramework.UnitTestLauncher.exe" },
        };

        /// <summary>
        /// Packages whose assemblies reference another package's assembly (read from the kit's
        /// lib/*.dll metadata: Spi needs Gpio and Events, Gpio and Hardware.Esp32 need Events; every
        /// one needs CoreLibrary). A packages.config that lists one must list what it needs.
        /// </summary>
        public static readonly IReadOnlyDictionary<string, string[]> Needs = new Dictionary<string, string[]>
        {
            ["nanoFramework.System.Device.Spi"] = new[] { "nanoFramework.System.Device.Gpio", "nanoFramework.Runtime.Events", "nanoFramework.CoreLibrary" },
            ["nanoFramework.System.Device.Gpio"] = new[] { "nanoFramework.Runtime.Events", "nanoFramework.CoreLibrary" },
            ["nanoFramework.Hardware.Esp32"] = new[] { "nanoFramework.Runtime.Events", "nanoFramework.CoreLibrary" },
            ["nanoFramework.Runtime.Events"] = new[] { "nanoFramework.CoreLibrary" },
            ["nanoFramework.Runtime.Native"] = new[] { "nanoFramework.CoreLibrary" },
            ["nanoFramework.TestFramework"] = new[] { "nanoFramework.CoreLibrary" },
        };

        /// <summary>The package an assembly name belongs to (mscorlib: CoreLibrary), or null.</summary>
        public static string PackageOfAssembly(string assemblyName)
        {
            foreach (KeyValuePair<string, string[]> p in Files)
            {
                if (p.Value.Any(f => Path.GetFileNameWithoutExtension(f) == assemblyName))
                {
                    return p.Key;
                }
            }

            return null;
        }

        /// <summary>The board folder, whose Esp32Enc28j60.sln restores the packages into packages/ beside it.</summary>
        public static string BoardDir => Path.Combine(NanoClr.NanoKit.RepoRoot, "boards", "esp32-enc28j60");

        /// <summary>Every packages.config of the repository (board, core, firmware, device tests), relative to the root.</summary>
        public static string[] PackagesConfigs()
        {
            return SourceFiles("packages.config").ToArray();
        }

        /// <summary>Every .nfproj of the repository, relative to the root.</summary>
        public static string[] Nfprojs()
        {
            return SourceFiles("*.nfproj").ToArray();
        }

        /// <summary>Files named <paramref name="pattern"/> under boards/ and tests/, outside build output and restored packages.</summary>
        private static IEnumerable<string> SourceFiles(string pattern)
        {
            string root = NanoClr.NanoKit.RepoRoot;
            foreach (string top in new[] { "boards", "tests" })
            {
                foreach (string f in Directory.EnumerateFiles(Path.Combine(root, top), pattern, SearchOption.AllDirectories))
                {
                    string rel = Path.GetRelativePath(root, f).Replace('\\', '/');
                    string[] parts = rel.Split('/');
                    if (parts.Any(p => p == "bin" || p == "obj" || p == "packages"))
                    {
                        continue;
                    }

                    yield return rel;
                }
            }
        }

        /// <summary>The packages of a packages.config: id to version.</summary>
        public static Dictionary<string, string> Read(string packagesConfig)
        {
            var doc = XDocument.Load(Path.Combine(NanoClr.NanoKit.RepoRoot, packagesConfig));
            return doc.Root.Elements("package").ToDictionary(e => (string)e.Attribute("id"), e => (string)e.Attribute("version"), StringComparer.Ordinal);
        }
    }
}
