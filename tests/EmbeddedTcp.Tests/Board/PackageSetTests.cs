using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using EmbeddedTcp.Tests.NanoClr;
using Xunit;

namespace EmbeddedTcp.Tests.Board
{
    /// <summary>
    /// The Visual Studio side of the board (the .nfproj files and their packages.config), which no
    /// machine here can build, checked as files: one published package set everywhere, every
    /// HintPath naming a package its packages.config restores, every source item present, and the
    /// type-check projects of `dotnet build` compiling exactly what the .nfproj files compile.
    /// </summary>
    public class PackageSetTests
    {
        private static readonly XNamespace Msb = "http://schemas.microsoft.com/developer/msbuild/2003";

        private static string Root => NanoKit.RepoRoot;

        [Fact]
        public void EveryPackagesConfigNamesOnlyThePinnedSet()
        {
            string[] configs = BoardPackages.PackagesConfigs();
            Assert.Contains("boards/esp32-enc28j60/packages.config", configs);
            Assert.Contains("tests/EmbeddedTcp.DeviceTests/packages.config", configs);
            string coreLibrary = XDocument.Load(Path.Combine(Root, "Directory.Build.props")).Descendants("NanoCoreLibraryVersion").Single().Value.Trim();
            Assert.Equal(coreLibrary, BoardPackages.Pinned["nanoFramework.CoreLibrary"]);

            var problems = new List<string>();
            foreach (string config in configs)
            {
                foreach (KeyValuePair<string, string> p in BoardPackages.Read(config))
                {
                    if (!BoardPackages.Pinned.TryGetValue(p.Key, out string pinned))
                    {
                        problems.Add(config + ": " + p.Key + " is not in the board's package set");
                    }
                    else if (pinned != p.Value)
                    {
                        problems.Add(config + ": " + p.Key + " " + p.Value + ", the set has " + pinned);
                    }
                }
            }

            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void EveryPackagesConfigListsWhatItsLibrariesNeed()
        {
            var problems = new List<string>();
            foreach (string config in BoardPackages.PackagesConfigs())
            {
                Dictionary<string, string> listed = BoardPackages.Read(config);
                foreach (string id in listed.Keys)
                {
                    if (BoardPackages.Needs.TryGetValue(id, out string[] needs))
                    {
                        problems.AddRange(needs.Where(n => !listed.ContainsKey(n)).Select(n => config + ": " + id + " needs " + n));
                    }
                }
            }

            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        /// <summary>
        /// Each nfproj Reference's HintPath is packages\&lt;id&gt;.&lt;version&gt;\lib\&lt;file&gt; under the
        /// packages folder of Esp32Enc28j60.sln, for a package its own packages.config lists at that
        /// version, with the assembly version in its Include; and every listed package is referenced.
        /// </summary>
        [Fact]
        public void EveryNfprojReferencesExactlyThePackagesItsPackagesConfigRestores()
        {
            string packagesDir = Path.Combine(BoardPackages.BoardDir, "packages");
            var hint = new Regex(@"^(?<id>.+?)\.(?<version>\d+\.\d+\.\d+)$");
            var problems = new List<string>();
            string[] nfprojs = BoardPackages.Nfprojs();
            Assert.Equal(5, nfprojs.Length);
            foreach (string nfproj in nfprojs)
            {
                string dir = Path.GetDirectoryName(Path.Combine(Root, nfproj));
                string config = Path.GetRelativePath(Root, Path.Combine(dir, "packages.config")).Replace('\\', '/');
                Assert.True(File.Exists(Path.Combine(Root, config)), nfproj + " has no packages.config beside it");
                Dictionary<string, string> listed = BoardPackages.Read(config);
                var referenced = new HashSet<string>();
                foreach (XElement reference in XDocument.Load(Path.Combine(Root, nfproj)).Descendants(Msb + "Reference"))
                {
                    string include = (string)reference.Attribute("Include");
                    string hintPath = reference.Element(Msb + "HintPath")?.Value;
                    if (hintPath == null)
                    {
                        problems.Add(nfproj + ": Reference " + include + " has no HintPath");
                        continue;
                    }

                    string full = Path.GetFullPath(Path.Combine(dir, hintPath.Replace('\\', '/')));
                    string libDir = Path.GetDirectoryName(full);
                    string packageDir = Path.GetDirectoryName(libDir);
                    Match m = hint.Match(Path.GetFileName(packageDir));
                    if (Path.GetFileName(libDir) != "lib" || Path.GetDirectoryName(packageDir) != packagesDir || !m.Success)
                    {
                        problems.Add(nfproj + ": HintPath " + hintPath + " is not packages\\<id>.<version>\\lib\\<file> of Esp32Enc28j60.sln's packages folder");
                        continue;
                    }

                    string id = m.Groups["id"].Value, version = m.Groups["version"].Value, file = Path.GetFileName(full);
                    referenced.Add(id);
                    if (!listed.TryGetValue(id, out string listedVersion) || listedVersion != version)
                    {
                        problems.Add(nfproj + ": HintPath names " + id + " " + version + ", " + config + " has " + (listedVersion ?? "no such package"));
                    }

                    if (!BoardPackages.Files.TryGetValue(id, out string[] files) || !files.Contains(file))
                    {
                        problems.Add(nfproj + ": HintPath names " + file + ", not a file of package " + id);
                    }

                    string[] identity = include.Split(',').Select(x => x.Trim()).ToArray();
                    if (identity[0] != Path.GetFileNameWithoutExtension(file))
                    {
                        problems.Add(nfproj + ": Reference " + identity[0] + " with the HintPath of " + file);
                    }

                    string versionPart = identity.FirstOrDefault(x => x.StartsWith("Version=", StringComparison.Ordinal));
                    if (versionPart != null && versionPart != "Version=" + version + ".0")
                    {
                        problems.Add(nfproj + ": Reference " + include + " but the package is " + version);
                    }
                }

                problems.AddRange(listed.Keys.Where(id => !referenced.Contains(id)).Select(id => nfproj + ": " + config + " lists " + id + ", which no Reference uses"));
            }

            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void EveryNfprojItemExists_AndTheDeviceTestsReferenceTheFirmware()
        {
            var problems = new List<string>();
            foreach (string nfproj in BoardPackages.Nfprojs())
            {
                string dir = Path.GetDirectoryName(Path.Combine(Root, nfproj));
                XDocument doc = XDocument.Load(Path.Combine(Root, nfproj));
                foreach (XElement compile in doc.Descendants(Msb + "Compile"))
                {
                    string include = (string)compile.Attribute("Include");
                    if (!Resolve(dir, include).Any())
                    {
                        problems.Add(nfproj + ": Compile " + include + " matches no file");
                    }
                }

                foreach (XElement reference in doc.Descendants(Msb + "ProjectReference"))
                {
                    string include = (string)reference.Attribute("Include");
                    if (!File.Exists(Path.Combine(dir, include.Replace('\\', '/'))))
                    {
                        problems.Add(nfproj + ": ProjectReference " + include + " does not exist");
                    }
                }
            }

            Assert.True(problems.Count == 0, string.Join("\n", problems));

            string[] deviceTestReferences = ProjectReferences("tests/EmbeddedTcp.DeviceTests/EmbeddedTcp.DeviceTests.nfproj");
            Assert.Contains("boards/esp32-enc28j60/core/EmbeddedTcp.nfproj", deviceTestReferences);
            Assert.Contains("boards/esp32-enc28j60/firmware/EmbeddedTcp.Firmware.nfproj", deviceTestReferences);
            string[] boardReferences = ProjectReferences("boards/esp32-enc28j60/Esp32Enc28j60.nfproj");
            Assert.Contains("boards/esp32-enc28j60/core/EmbeddedTcp.nfproj", boardReferences);
            Assert.Contains("boards/esp32-enc28j60/firmware/EmbeddedTcp.Firmware.nfproj", boardReferences);

            // Visual Studio opens them all through the board's solution (its packages folder is the HintPaths' root).
            string sln = File.ReadAllText(Path.Combine(BoardPackages.BoardDir, "Esp32Enc28j60.sln")).Replace('\\', '/');
            foreach (string nfproj in BoardPackages.Nfprojs())
            {
                string rel = Path.GetRelativePath(BoardPackages.BoardDir, Path.Combine(Root, nfproj)).Replace('\\', '/');
                Assert.True(sln.Contains("\"" + rel + "\"", StringComparison.Ordinal), "Esp32Enc28j60.sln does not list " + rel);
            }
        }

        /// <summary>
        /// `dotnet build` type-checks the board and the device tests with SDK-style projects against
        /// the kit; they must compile exactly the files the .nfproj files compile, or the check would
        /// cover other code than Visual Studio deploys.
        /// </summary>
        [Theory]
        [InlineData("boards/esp32-enc28j60/Esp32Enc28j60.nfproj", "boards/esp32-enc28j60/typecheck/Esp32Enc28j60.TypeCheck.csproj")]
        [InlineData("tests/EmbeddedTcp.DeviceTests/EmbeddedTcp.DeviceTests.nfproj", "tests/EmbeddedTcp.DeviceTests.NanoClr/EmbeddedTcp.DeviceTests.NanoClr.csproj")]
        public void TheTypeCheckCompilesWhatTheNfprojCompiles(string nfproj, string typeCheck)
        {
            SortedSet<string> deployed = CompiledFiles(nfproj, Msb);
            SortedSet<string> checkedFiles = CompiledFiles(typeCheck, XNamespace.None);
            Assert.NotEmpty(deployed);
            Assert.Equal(deployed, checkedFiles);

            // ...against the same assembly names (mscorlib comes with the kit's targets).
            var nfprojAssemblies = XDocument.Load(Path.Combine(Root, nfproj)).Descendants(Msb + "Reference")
                .Select(r => ((string)r.Attribute("Include")).Split(',')[0].Trim()).Where(n => n != "mscorlib" && n != "nanoFramework.UnitTestLauncher");
            var typeCheckAssemblies = XDocument.Load(Path.Combine(Root, typeCheck)).Descendants("NanoReference")
                .Select(r => (string)r.Attribute("Include")).Where(n => !n.EndsWith(".dll", StringComparison.Ordinal));
            Assert.Equal(new SortedSet<string>(nfprojAssemblies, StringComparer.Ordinal), new SortedSet<string>(typeCheckAssemblies, StringComparer.Ordinal));
        }

        /// <summary>
        /// The one place stand-ins are allowed: the meter's SpiDevice/GpioPin, which run where this
        /// host's natives throw, and whose IL NanoClr/SpiStandInTests proves equal to the kit's real
        /// System.Device.Spi/Gpio, instruction for instruction. The board never compiles against them.
        /// </summary>
        private const string MeterStandIns = "tools/EmbeddedTcp.NanoMeter/SpiStandIn/";

        /// <summary>No hand-written stand-ins for the nanoFramework libraries: the board is type-checked against the real ones only.</summary>
        [Fact]
        public void NoSourceFileDeclaresANanoFrameworkLibraryNamespace()
        {
            Assert.False(Directory.Exists(Path.Combine(BoardPackages.BoardDir, "reference")), "boards/esp32-enc28j60/reference is back");
            var declaration = new Regex(@"^\s*namespace\s+(System\.Device\.(Spi|Gpio)|nanoFramework\.(Hardware\.Esp32|TestFramework|Runtime\.Native|Runtime\.Events))\b", RegexOptions.Multiline);
            var offenders = new List<string>();
            foreach (string top in new[] { "boards", "src", "tests", "tools" })
            {
                foreach (string f in Directory.EnumerateFiles(Path.Combine(Root, top), "*.cs", SearchOption.AllDirectories))
                {
                    string rel = Path.GetRelativePath(Root, f).Replace('\\', '/');
                    if (rel.Split('/').Any(p => p == "bin" || p == "obj") || rel.StartsWith(MeterStandIns, StringComparison.Ordinal)
                        || !declaration.IsMatch(File.ReadAllText(f)))
                    {
                        continue;
                    }

                    offenders.Add(rel);
                }
            }

            Assert.True(offenders.Count == 0, "declares a nanoFramework library namespace: " + string.Join(", ", offenders));
        }

        /// <summary>What the type-check compiles against is the pinned set: the kit's lib/manifest.txt names these versions.</summary>
        [SkippableFact]
        public void TheKitsLibrariesAreThePinnedSet()
        {
            string kit = NanoKit.Require();
            var manifest = File.ReadAllLines(Path.Combine(kit, "lib", "manifest.txt"))
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(p => p.Length >= 2)
                .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
            foreach (KeyValuePair<string, string> p in BoardPackages.Pinned.Where(p => p.Key != "nanoFramework.CoreLibrary"))
            {
                foreach (string file in BoardPackages.Files[p.Key])
                {
                    string assembly = Path.GetFileNameWithoutExtension(file);
                    Assert.True(manifest.TryGetValue(assembly, out string version), "the kit's lib/ has no " + assembly);
                    Assert.Equal(p.Value + ".0", version);
                }
            }
        }

        private static string[] ProjectReferences(string nfproj)
        {
            string dir = Path.GetDirectoryName(Path.Combine(Root, nfproj));
            return XDocument.Load(Path.Combine(Root, nfproj)).Descendants(Msb + "ProjectReference")
                .Select(r => Path.GetRelativePath(Root, Path.GetFullPath(Path.Combine(dir, ((string)r.Attribute("Include")).Replace('\\', '/')))).Replace('\\', '/'))
                .ToArray();
        }

        private static SortedSet<string> CompiledFiles(string project, XNamespace ns)
        {
            string dir = Path.GetDirectoryName(Path.Combine(Root, project));
            var files = new SortedSet<string>(StringComparer.Ordinal);
            foreach (XElement compile in XDocument.Load(Path.Combine(Root, project)).Descendants(ns + "Compile"))
            {
                foreach (string f in Resolve(dir, (string)compile.Attribute("Include")))
                {
                    files.Add(Path.GetRelativePath(Root, f).Replace('\\', '/'));
                }
            }

            return files;
        }

        /// <summary>The files an MSBuild item Include names: a path, or a path whose last segment has '*', or dir/**/pattern.</summary>
        private static IEnumerable<string> Resolve(string projectDir, string include)
        {
            string path = Path.GetFullPath(Path.Combine(projectDir, include.Replace('\\', '/')));
            int star = path.IndexOf('*');
            if (star < 0)
            {
                return File.Exists(path) ? new[] { path } : Array.Empty<string>();
            }

            string baseDir = path.Substring(0, path.LastIndexOf('/', star));
            string rest = path.Substring(baseDir.Length + 1);
            if (!Directory.Exists(baseDir))
            {
                return Array.Empty<string>();
            }

            return rest.StartsWith("**/", StringComparison.Ordinal)
                ? Directory.EnumerateFiles(baseDir, rest.Substring(3), SearchOption.AllDirectories).ToArray()
                : Directory.EnumerateFiles(baseDir, rest, SearchOption.TopDirectoryOnly).ToArray();
        }
    }
}
