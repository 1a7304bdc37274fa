using System.Collections.Generic;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Xunit;

namespace EmbeddedTcp.Tests.NanoClr
{
    /// <summary>
    /// The nanoFramework builds this test project builds through its ProjectReferences
    /// (ReferenceOutputAssembly=false): their .dll in the same configuration as the tests, and the
    /// nanoFramework mscorlib.dll they were compiled against. These need no kit, so a missing file is a
    /// failure (a broken build), never a skip.
    /// </summary>
    public static class NanoBuildOutput
    {
        /// <summary>The configuration the tests (and so the nano builds) were built in.</summary>
#if DEBUG
        public const string Configuration = "Debug";
#else
        public const string Configuration = "Release";
#endif

        /// <summary>nanoFramework.CoreLibrary's version (Directory.Build.props, NanoCoreLibraryVersion).</summary>
        public const string CoreLibraryVersion = "1.17.11";

        /// <summary>Path of <paramref name="dll"/> built by the project in <paramref name="projectDir"/> (relative to the repository root); fails when absent.</summary>
        public static string Dll(string projectDir, string dll)
        {
            string path = Path.Combine(NanoKit.RepoRoot, projectDir, "bin", Configuration, "netstandard2.0", dll);
            Assert.True(File.Exists(path), path + " was not built: the test project builds " + projectDir + " through a ProjectReference; build EmbeddedTcp.sln -c " + Configuration);
            return path;
        }

        /// <summary>The .pe beside a built .dll, or null when the kit was absent at build time (no .pe written).</summary>
        public static string PeBeside(string dllPath)
        {
            string pe = Path.ChangeExtension(dllPath, ".pe");
            return File.Exists(pe) ? pe : null;
        }

        /// <summary>
        /// nanoFramework's mscorlib.dll at <see cref="CoreLibraryVersion"/> (NuGet cache, else the kit); fails
        /// with the places looked at when there is none, or when its version is not the one
        /// <paramref name="referencingDll"/> was compiled against.
        /// </summary>
        public static string Mscorlib(string referencingDll)
        {
            var searched = new List<string>();
            string path = AllocationGuard.FindNanoMscorlib(CoreLibraryVersion, searched);
            Assert.True(path != null, "nanoFramework mscorlib.dll " + CoreLibraryVersion + " not found; looked at:\n  " + string.Join("\n  ", searched)
                + "\nrestore the solution (NuGet package nanoFramework.CoreLibrary " + CoreLibraryVersion + ") or point NANOFRAMEWORK_KIT at the nanoCLR kit");
            string wanted = MscorlibReference(referencingDll);
            string found = AssemblyVersion(path);
            Assert.True(wanted == found, referencingDll + " was compiled against mscorlib " + wanted + " but " + path + " is " + found);
            return path;
        }

        private static string MscorlibReference(string dll)
        {
            using var pe = new PEReader(File.OpenRead(dll));
            var md = pe.GetMetadataReader();
            foreach (var h in md.AssemblyReferences)
            {
                var r = md.GetAssemblyReference(h);
                if (md.GetString(r.Name) == "mscorlib")
                {
                    return r.Version.ToString();
                }
            }
            return "(no mscorlib reference)";
        }

        private static string AssemblyVersion(string dll)
        {
            using var pe = new PEReader(File.OpenRead(dll));
            return pe.GetMetadataReader().GetAssemblyDefinition().Version.ToString();
        }
    }
}
