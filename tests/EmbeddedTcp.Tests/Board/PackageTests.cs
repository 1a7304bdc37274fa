using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Xunit;

namespace EmbeddedTcp.Tests.Board
{
    /// <summary>
    /// `dotnet pack` of the desktop core (src/EmbeddedTcp) and of the nanoFramework build
    /// (src/EmbeddedTcp.Nano with EmbeddedTcp.nanoFramework.nuspec), into a temp directory, with
    /// --no-build (the test project builds both first), and the .nupkg contents checked against
    /// what the project/nuspec promise.
    /// </summary>
    public sealed class PackageTests : IDisposable
    {
#if DEBUG
        private const string Configuration = "Debug";
#else
        private const string Configuration = "Release";
#endif
        private readonly string _root = FindRepositoryRoot();
        private readonly string _output = Path.Combine(Path.GetTempPath(), "embeddedtcp-pack-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            try { Directory.Delete(_output, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        private static string FindRepositoryRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "EmbeddedTcp.sln")))
            {
                dir = dir.Parent;
            }
            Assert.NotNull(dir);
            return dir.FullName;
        }

        private string BuildProperty(string name)
        {
            var doc = XDocument.Load(Path.Combine(_root, "Directory.Build.props"));
            return doc.Descendants(name).Single().Value.Trim();
        }

        private string Pack(string project, string packageId)
        {
            Directory.CreateDirectory(_output);
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = _root,
            };
            foreach (var a in new[] { "pack", Path.Combine(_root, project), "--no-build", "-c", Configuration, "-o", _output, "-nr:false", "-v:q" })
            {
                psi.ArgumentList.Add(a);
            }
            psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            psi.Environment["DOTNET_NOLOGO"] = "1";
            using var p = Process.Start(psi);
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(180_000))
            {
                p.Kill(true);
                Assert.Fail("dotnet pack " + project + " did not finish within 3 minutes");
            }
            Assert.True(p.ExitCode == 0, "dotnet pack " + project + " failed:\n" + stdout.Result + stderr.Result);
            string file = Path.Combine(_output, packageId + "." + BuildProperty("Version") + ".nupkg");
            Assert.True(File.Exists(file), "missing " + file);
            return file;
        }

        private static HashSet<string> PayloadEntries(ZipArchive zip)
        {
            return zip.Entries.Select(e => e.FullName)
                .Where(n => !n.StartsWith("_rels/") && !n.StartsWith("package/") && n != "[Content_Types].xml" && !n.EndsWith(".nuspec"))
                .ToHashSet();
        }

        private static XElement PackedNuspec(ZipArchive zip, string id)
        {
            using var s = zip.GetEntry(id + ".nuspec").Open();
            return XDocument.Load(s).Root.Elements().Single(e => e.Name.LocalName == "metadata");
        }

        private static string Meta(XElement metadata, string name)
        {
            return metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        }

        [Fact]
        public void BothPackages_HoldWhatTheirProjectAndNuspecPromise()
        {
            string version = BuildProperty("Version");
            string coreLibrary = BuildProperty("NanoCoreLibraryVersion");
            byte[] readme = File.ReadAllBytes(Path.Combine(_root, "README.md"));

            // Desktop package: PackageId EmbeddedTcp, net10.0 assembly + docs, README, no dependencies.
            using (var zip = ZipFile.OpenRead(Pack("src/EmbeddedTcp/EmbeddedTcp.csproj", "EmbeddedTcp")))
            {
                Assert.Equal(new HashSet<string> { "lib/net10.0/EmbeddedTcp.dll", "lib/net10.0/EmbeddedTcp.xml", "README.md" }, PayloadEntries(zip));
                var meta = PackedNuspec(zip, "EmbeddedTcp");
                Assert.Equal("EmbeddedTcp", Meta(meta, "id"));
                Assert.Equal(version, Meta(meta, "version"));
                Assert.Equal("README.md", Meta(meta, "readme"));
                Assert.Equal(readme, ReadAll(zip, "README.md"));
                Assert.DoesNotContain(meta.Descendants(), e => e.Name.LocalName == "dependency");
            }

            // nanoFramework package: exactly the <files> of the source nuspec, the CoreLibrary dependency,
            // and an assembly that references nanoFramework's mscorlib and nothing else.
            var nuspec = XDocument.Load(Path.Combine(_root, "src/EmbeddedTcp.Nano/EmbeddedTcp.nanoFramework.nuspec"));
            var promised = nuspec.Descendants().Where(e => e.Name.LocalName == "file")
                .Select(e => e.Attribute("target").Value.Replace('\\', '/')).ToHashSet();
            Assert.Contains("lib/EmbeddedTcp.dll", promised);
            Assert.Contains("lib/EmbeddedTcp.xml", promised);
            using (var zip = ZipFile.OpenRead(Pack("src/EmbeddedTcp.Nano/EmbeddedTcp.Nano.csproj", "EmbeddedTcp.nanoFramework")))
            {
                Assert.Equal(promised, PayloadEntries(zip));
                var meta = PackedNuspec(zip, "EmbeddedTcp.nanoFramework");
                Assert.Equal("EmbeddedTcp.nanoFramework", Meta(meta, "id"));
                Assert.Equal(version, Meta(meta, "version"));
                Assert.Equal("docs\\README.md", Meta(meta, "readme"));
                Assert.Equal(readme, ReadAll(zip, "docs/README.md"));
                var dependency = meta.Descendants().Single(e => e.Name.LocalName == "dependency");
                Assert.Equal("nanoFramework.CoreLibrary", dependency.Attribute("id").Value);
                Assert.Equal(coreLibrary, dependency.Attribute("version").Value);

                using var pe = new PEReader(new MemoryStream(ReadAll(zip, "lib/EmbeddedTcp.dll")));
                var md = pe.GetMetadataReader();
                var references = md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)).ToArray();
                Assert.Equal(new[] { "mscorlib" }, references);
                Assert.Equal("EmbeddedTcp", md.GetString(md.GetAssemblyDefinition().Name));
                Assert.Contains("<member name=\"T:EmbeddedTcp.Drivers.Enc28j60.Enc28j60Driver\">", System.Text.Encoding.UTF8.GetString(ReadAll(zip, "lib/EmbeddedTcp.xml")));
            }
        }

        private static byte[] ReadAll(ZipArchive zip, string entry)
        {
            var e = zip.GetEntry(entry);
            Assert.NotNull(e);
            using var s = e.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        }
    }
}
