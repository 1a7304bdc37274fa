using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text;

namespace EmbeddedTcp.Tests.NanoClr
{
    /// <summary>
    /// The rule a violation broke. Each one is something nanoCLR (the interpreter that is flashed)
    /// turns into a heap object, as measured by the kit's meter (kit README, "What allocates on
    /// nanoCLR"): a non-primitive struct lives on nanoCLR's heap, so having one, copying one and
    /// making one all allocate.
    /// </summary>
    public enum AllocationRule
    {
        /// <summary>
        /// A local of a struct type (a value type that is neither primitive nor enum; DateTime and TimeSpan
        /// count as primitives, nanoCLR keeps them in the slot): made at every entry of the method, even
        /// on a path never taken.
        /// </summary>
        StructLocal,
        /// <summary>A parameter of a struct type passed by value: every caller loads (copies) the struct to pass it.</summary>
        StructParameter,
        /// <summary>A struct returned by value: the returned value is a copy (or a newobj).</summary>
        StructReturn,
        /// <summary>ldloc/ldarg/ldfld/ldsfld/ldelem/ldobj/unbox.any of a struct value: each load copies the struct.</summary>
        StructCopy,
        /// <summary>newobj of a value type (a struct constructed as a value, not into a local).</summary>
        NewStruct,
        /// <summary>newobj of a class (not an exception or a delegate).</summary>
        NewObject,
        /// <summary>newobj of an exception type: only start-up code may throw (design rule 4: bad input returns error codes).</summary>
        NewException,
        /// <summary>ldftn/ldvirtftn (with the newobj of the delegate that follows), or newobj of a delegate type: a delegate object.</summary>
        NewDelegate,
        /// <summary>box of any type (enums and primitives too).</summary>
        Box,
        /// <summary>newarr: a new array.</summary>
        NewArray,
        /// <summary>ldstr: nanoCLR makes a new string object every time a literal is executed.</summary>
        StringLiteral,
        /// <summary>A call into mscorlib that builds a new string or array: String.Concat, String.Format, String's other string-returning methods, String.Split/ToCharArray, any ToString().</summary>
        StringBuilding,
        /// <summary>throw: nanoCLR records the stack trace in a new byte[] (measured: 1 object, even for an exception made at start-up). rethrow adds none.</summary>
        Throw,
        /// <summary>A call to a method outside the analysed assemblies (mscorlib) that takes a struct by value or returns one: the callee copies or creates it.</summary>
        StructCall,
        /// <summary>
        /// A call to a method outside the analysed assemblies that is not in <see cref="AllocationGuard.VettedCalls"/>:
        /// what mscorlib does inside is not in this IL (BitConverter.GetBytes makes a byte[] with no newarr here),
        /// so each member used after start-up is measured on nanoCLR once and then listed.
        /// </summary>
        UnvettedCall,
    }

    /// <summary>One thing that allocates on nanoCLR in a method that can run after start-up.</summary>
    public sealed class AllocationViolation
    {
        /// <summary>Assembly of the method.</summary>
        public string Assembly { get; init; }
        /// <summary>Declaring type, Namespace.Type (nested types Outer+Inner).</summary>
        public string Type { get; init; }
        /// <summary>Method name (overloads share it).</summary>
        public string Method { get; init; }
        /// <summary>IL offset of the instruction, or -1 for a local (made at entry) and -2 for the signature.</summary>
        public int Offset { get; init; }
        /// <summary>The rule.</summary>
        public AllocationRule Rule { get; init; }
        /// <summary>What the instruction or declaration does.</summary>
        public string What { get; init; }
        /// <summary>The type that is allocated or copied (or the literal, or the called method).</summary>
        public string Subject { get; init; }

        /// <summary>Type::Method, the key the allow-list uses.</summary>
        public string MethodKey => Type + "::" + Method;

        /// <summary>[IL_xxxx], [locals] or [signature].</summary>
        public string Where => Offset >= 0 ? "IL_" + Offset.ToString("x4") : Offset == -1 ? "locals" : "signature";

        /// <summary><c>Namespace.Type::Method [IL_xxxx] what (type)</c>.</summary>
        public override string ToString() => MethodKey + " [" + Where + "] " + What + " (" + Subject + ")";
    }

    /// <summary>The outcome of one run of the guard over a set of assemblies.</summary>
    public sealed class AllocationGuardResult
    {
        /// <summary>Every violation, grouped by method, in IL order within a method.</summary>
        public List<AllocationViolation> Violations { get; } = new List<AllocationViolation>();
        /// <summary>Allow-list entries that matched no method (they must not rot).</summary>
        public List<string> UnmatchedAllowList { get; } = new List<string>();
        /// <summary>Allow-list entries that are not "Type::Method — reason".</summary>
        public List<string> MalformedAllowList { get; } = new List<string>();
        /// <summary>
        /// Allow-listed start-up methods that a checked method calls (so they can run after start-up
        /// after all), as "entry — called from Type::Method [IL_xxxx]".
        /// </summary>
        public List<string> AllowListCalledAfterStartUp { get; } = new List<string>();
        /// <summary>Calls from checked methods to methods of the analysed assemblies: (caller, callee, IL offset), keys Type::Method.</summary>
        public List<(string Caller, string Callee, int Offset)> Calls { get; } = new List<(string, string, int)>();
        /// <summary>Methods checked (not constructors, not allow-listed).</summary>
        public int MethodsChecked { get; set; }
        /// <summary>Methods skipped because they are constructors.</summary>
        public int ConstructorsSkipped { get; set; }
        /// <summary>Methods skipped by the allow-list.</summary>
        public int AllowListed { get; set; }
        /// <summary>Names of the analysed assemblies.</summary>
        public List<string> Assemblies { get; } = new List<string>();

        /// <summary>True when nothing is wrong.</summary>
        public bool Clean => Violations.Count == 0 && UnmatchedAllowList.Count == 0 && MalformedAllowList.Count == 0 && AllowListCalledAfterStartUp.Count == 0;

        /// <summary>The methods <paramref name="methodKey"/> calls in the analysed assemblies, directly or not (itself included; only checked methods are followed).</summary>
        public HashSet<string> Reachable(string methodKey)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal) { methodKey };
            var work = new Stack<string>();
            work.Push(methodKey);
            while (work.Count > 0)
            {
                string m = work.Pop();
                foreach (var c in Calls)
                {
                    if (c.Caller == m && seen.Add(c.Callee))
                    {
                        work.Push(c.Callee);
                    }
                }
            }
            return seen;
        }

        /// <summary>The violations of one method (Type::Method).</summary>
        public List<AllocationViolation> Of(string methodKey) => Violations.Where(v => v.MethodKey == methodKey).ToList();

        /// <summary>A report: summary by rule, by struct type and by method, then every violation grouped by method.</summary>
        public string Report(int top = 15)
        {
            var sb = new StringBuilder();
            int methods = Violations.Select(v => v.MethodKey).Distinct().Count();
            sb.Append("nanoCLR allocation guard over ").Append(string.Join(", ", Assemblies)).Append(": ")
              .Append(Violations.Count).Append(" violation(s) in ").Append(methods).Append(" method(s); ")
              .Append(MethodsChecked).Append(" methods checked, ").Append(ConstructorsSkipped).Append(" constructors and ")
              .Append(AllowListed).Append(" allow-listed start-up methods not checked\n");
            foreach (string e in MalformedAllowList)
            {
                sb.Append("allow-list entry is not \"Type::Method — reason\": ").Append(e).Append('\n');
            }

            foreach (string e in UnmatchedAllowList)
            {
                sb.Append("allow-list entry matches no method (remove or fix it): ").Append(e).Append('\n');
            }

            foreach (string e in AllowListCalledAfterStartUp)
            {
                sb.Append("allow-listed as start-up but called by a checked method: ").Append(e).Append('\n');
            }

            if (Violations.Count == 0)
            {
                return sb.ToString();
            }

            sb.Append("\nby rule:\n");
            foreach (var g in Violations.GroupBy(v => v.Rule).OrderByDescending(g => g.Count()).ThenBy(g => g.Key))
            {
                sb.Append("  ").Append(g.Key.ToString().PadRight(16)).Append(g.Count().ToString().PadLeft(5)).Append("  in ")
                  .Append(g.Select(v => v.MethodKey).Distinct().Count()).Append(" methods\n");
            }
            var structRules = new[] { AllocationRule.StructLocal, AllocationRule.StructParameter, AllocationRule.StructReturn, AllocationRule.StructCopy, AllocationRule.NewStruct, AllocationRule.StructCall };
            var byStruct = Violations.Where(v => structRules.Contains(v.Rule)).GroupBy(v => v.Subject).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
            if (byStruct.Count > 0)
            {
                sb.Append("\nby struct type (locals, parameters, returns, copies, newobj, calls):\n");
                foreach (var g in byStruct)
                {
                    sb.Append("  ").Append(g.Key.PadRight(48)).Append(g.Count().ToString().PadLeft(5)).Append("  (")
                      .Append(string.Join(", ", g.GroupBy(v => v.Rule).OrderBy(r => r.Key).Select(r => r.Key + " " + r.Count()))).Append(")\n");
                }
            }
            var literals = Violations.Where(v => v.Rule == AllocationRule.StringLiteral).ToList();
            sb.Append("\nby type (top ").Append(top).Append("):\n");
            foreach (var g in Violations.GroupBy(v => v.Assembly + ": " + v.Type).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(top))
            {
                sb.Append("  ").Append(g.Key.PadRight(56)).Append(g.Count().ToString().PadLeft(5)).Append('\n');
            }
            sb.Append("\nby method (top ").Append(top).Append("):\n");
            foreach (var g in Violations.GroupBy(v => v.MethodKey).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(top))
            {
                sb.Append("  ").Append(g.Key.PadRight(72)).Append(g.Count().ToString().PadLeft(5)).Append("  (")
                  .Append(string.Join(", ", g.GroupBy(v => v.Rule).OrderBy(r => r.Key).Select(r => r.Key + " " + r.Count()))).Append(")\n");
            }
            sb.Append("\nviolations, by method:\n");
            foreach (var g in Violations.GroupBy(v => v.MethodKey))
            {
                sb.Append(g.Key).Append('\n');
                foreach (var v in g)
                {
                    sb.Append("  ").Append(v).Append('\n');
                }
            }
            return sb.ToString();
        }
    }

    /// <summary>
    /// A static guard over the IL of the nanoFramework builds: reads every method that can run
    /// after start-up (all but instance and static constructors and an allow-list of start-up
    /// methods) with System.Reflection.Metadata and reports what allocates on nanoCLR (see
    /// <see cref="AllocationRule"/> for the rules). Types are resolved across assemblies, into
    /// nanoFramework's own mscorlib, so its value types (SpanByte, Guid...) count as structs and its
    /// enums as enums; DateTime and TimeSpan, which nanoCLR keeps in the evaluation slot like a long
    /// (its DATATYPE_DATETIME/DATATYPE_TIMESPAN, measured), count as primitives.
    /// Every rule was checked against nanoCLR's meter on the fixture (AllocationGuardTests).
    /// </summary>
    public static class AllocationGuard
    {
        /// <summary>
        /// Members outside the analysed assemblies that allocate nothing on nanoCLR, each measured by a
        /// case of the fixture that nanoCLR runs at 0 objects per call (named beside it). Add one only
        /// after measuring it the same way (AllocationGuardTests.VerdictsMatchWhatNanoClrAllocates).
        /// </summary>
        public static readonly IReadOnlyCollection<string> VettedCalls = new HashSet<string>(StringComparer.Ordinal)
        {
            "System.Array::Copy",           // CleanMscorlibCalls
            "System.Array::Clear",          // CleanMscorlibCalls
            "System.String::get_Length",    // CleanMscorlibCalls, CleanStaticReadonlyString
            "System.String::get_Chars",     // CleanMscorlibCalls
            "System.Object::GetHashCode",   // EnumGetHashCode (through constrained., on an enum)
            "System.TimeSpan::get_Ticks",   // TimeSpanLocal
            "System.TimeSpan::FromTicks",   // MscorlibStructReturn
            "System.DateTime::get_Day",     // DateTimeLocal
            // Measured on nanoCLR with the kit's meter for EmbeddedTcp.Apps (nested lock, Set, Reset,
            // WaitOne(ms, false) both signalled and timing out, 100 iterations each): 0 objects, 0 evts.
            // Not yet a case of the fixture.
            "System.Threading.Monitor::Enter",
            "System.Threading.Monitor::Exit",
            "System.Threading.EventWaitHandle::Set",
            "System.Threading.EventWaitHandle::Reset",
            "System.Threading.AutoResetEvent::Set",
            "System.Threading.AutoResetEvent::Reset",
            "System.Threading.WaitHandle::WaitOne",
        };

        /// <summary>The separator between "Type::Method" and the reason in an allow-list entry.</summary>
        public const string AllowListSeparator = " — ";

        /// <summary>
        /// Analyses <paramref name="assemblies"/> (paths of nanoFramework-compiled .dll files);
        /// <paramref name="references"/> are the other assemblies they reference (mscorlib at least),
        /// used only to resolve types. Every assembly reference must resolve: an unknown type could be
        /// a struct.
        /// </summary>
        public static AllocationGuardResult Analyze(IEnumerable<string> assemblies, IEnumerable<string> references, IEnumerable<string> allowList)
        {
            using var set = new AssemblySet();
            var analysed = assemblies.Select(set.Load).ToList();
            foreach (string r in references)
            {
                set.Load(r);
            }

            var result = new AllocationGuardResult();
            result.Assemblies.AddRange(analysed.Select(a => a.Name));

            var allowed = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string entry in allowList)
            {
                int sep = entry.IndexOf(AllowListSeparator, StringComparison.Ordinal);
                string key = sep < 0 ? null : entry.Substring(0, sep).Trim();
                string reason = sep < 0 ? null : entry.Substring(sep + AllowListSeparator.Length).Trim();
                if (key == null || !key.Contains("::", StringComparison.Ordinal) || reason.Length == 0)
                {
                    result.MalformedAllowList.Add(entry);
                }
                else
                {
                    allowed[key] = entry;
                }
            }
            var matched = new HashSet<string>(StringComparer.Ordinal);

            var scanner = new Scanner(set, analysed);
            foreach (var asm in analysed)
            {
                foreach (var typeHandle in asm.Md.TypeDefinitions)
                {
                    var type = asm.Md.GetTypeDefinition(typeHandle);
                    string typeName = set.FullName(asm, typeHandle);
                    foreach (var methodHandle in type.GetMethods())
                    {
                        var method = asm.Md.GetMethodDefinition(methodHandle);
                        string name = asm.Md.GetString(method.Name);
                        if (name == ".ctor" || name == ".cctor")
                        {
                            result.ConstructorsSkipped++;
                            continue;
                        }
                        string key = typeName + "::" + name;
                        if (allowed.ContainsKey(key))
                        {
                            matched.Add(key);
                            result.AllowListed++;
                            continue;
                        }
                        result.MethodsChecked++;
                        scanner.Scan(asm, typeName, methodHandle, name, result);
                    }
                }
            }
            foreach (var kv in allowed)
            {
                if (!matched.Contains(kv.Key))
                {
                    result.UnmatchedAllowList.Add(kv.Value);
                }
            }
            foreach (var c in result.Calls)
            {
                if (allowed.TryGetValue(c.Callee, out string entry))
                {
                    result.AllowListCalledAfterStartUp.Add(entry + " — called from " + c.Caller + " [IL_" + c.Offset.ToString("x4") + "]");
                }
            }
            return result;
        }

        /// <summary>
        /// How the guard sees a type of one of <paramref name="assemblies"/>: "Primitive", "Enum",
        /// "Struct" (a heap object on nanoCLR), "Reference" or "Void"; null when no assembly defines it.
        /// </summary>
        public static string Classify(IEnumerable<string> assemblies, string fullName)
        {
            using var set = new AssemblySet();
            foreach (var asm in assemblies.Select(set.Load).ToList())
            {
                foreach (var h in asm.Md.TypeDefinitions)
                {
                    if (set.FullName(asm, h) == fullName)
                    {
                        return set.Define(asm, h).Kind.ToString();
                    }
                }
            }
            return null;
        }

        /// <summary>Full names of the types of <paramref name="assembly"/> the guard counts as structs.</summary>
        public static List<string> Structs(string assembly)
        {
            using var set = new AssemblySet();
            var asm = set.Load(assembly);
            return asm.Md.TypeDefinitions.Where(h => set.Define(asm, h).Kind == Kind.Struct).Select(h => set.FullName(asm, h)).OrderBy(n => n, StringComparer.Ordinal).ToList();
        }

        /// <summary>
        /// nanoFramework's mscorlib.dll 1.17.11 (the one the nano builds compile against): the NuGet
        /// package nanoFramework.CoreLibrary in the global packages folder (NUGET_PACKAGES, else
        /// ~/.nuget/packages), else the kit's lib/mscorlib.dll; null if neither exists. The places
        /// looked at are added to <paramref name="searched"/>.
        /// </summary>
        public static string FindNanoMscorlib(string version, List<string> searched)
        {
            var candidates = new List<string>();
            string env = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
            if (!string.IsNullOrEmpty(env))
            {
                candidates.Add(Path.Combine(env, "nanoframework.corelibrary", version, "lib", "mscorlib.dll"));
            }

            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (!string.IsNullOrEmpty(home))
            {
                candidates.Add(Path.Combine(home, ".nuget", "packages", "nanoframework.corelibrary", version, "lib", "mscorlib.dll"));
            }

            candidates.Add(Path.Combine(NanoKit.KitPath, "lib", "mscorlib.dll"));
            foreach (string c in candidates)
            {
                searched.Add(c);
                if (File.Exists(c))
                {
                    return c;
                }
            }
            return null;
        }

        // ---- assemblies and types ---------------------------------------------------------------

        /// <summary>A loaded assembly: its metadata and its top-level types by full name.</summary>
        internal sealed class LoadedAssembly
        {
            public string Name;
            public string Path;
            public Version Version;
            public PEReader Pe;
            public MetadataReader Md;
            public Dictionary<string, TypeDefinitionHandle> TopLevel;
        }

        /// <summary>What nanoCLR does with a value of a type.</summary>
        internal enum Kind
        {
            /// <summary>bool, char, the integers, float, double, IntPtr, UIntPtr: held in the evaluation slot itself.</summary>
            Primitive,
            /// <summary>An enum: held as its underlying integer.</summary>
            Enum,
            /// <summary>Any other value type: a heap object on nanoCLR.</summary>
            Struct,
            /// <summary>A reference type (class, interface, string, object, array, delegate).</summary>
            Reference,
            /// <summary>A managed reference (ref/out parameter, ref local): no copy.</summary>
            ByRef,
            /// <summary>An unmanaged pointer.</summary>
            Pointer,
            /// <summary>A generic parameter: a struct only if instantiated with one (nano code has none).</summary>
            GenericParameter,
            /// <summary>void.</summary>
            Void,
        }

        /// <summary>A decoded type: its kind and a display name; for definitions, where it is defined.</summary>
        internal sealed class TypeInfo
        {
            public Kind Kind;
            public string Name;
            public LoadedAssembly Assembly;
            public TypeDefinitionHandle Definition;

            public bool IsStruct => Kind == Kind.Struct;
            public override string ToString() => Name;
        }

        private static readonly HashSet<string> PrimitiveNames = new HashSet<string>(StringComparer.Ordinal)
        {
            "System.Boolean", "System.Char", "System.SByte", "System.Byte", "System.Int16", "System.UInt16",
            "System.Int32", "System.UInt32", "System.Int64", "System.UInt64", "System.Single", "System.Double",
            "System.IntPtr", "System.UIntPtr",
            // Not primitives in the ECMA sense, but nanoCLR's own data types (DATATYPE_DATETIME,
            // DATATYPE_TIMESPAN): held in the evaluation slot like a long. Measured with the fixture
            // (TimeSpanLocal, DateTimeLocal, MscorlibStructReturn): 0 objects per call.
            "System.DateTime", "System.TimeSpan",
        };

        /// <summary>The assemblies of one analysis, with cross-assembly type resolution.</summary>
        internal sealed class AssemblySet : IDisposable, ISignatureTypeProvider<TypeInfo, object>
        {
            private readonly Dictionary<string, LoadedAssembly> _byName = new Dictionary<string, LoadedAssembly>(StringComparer.OrdinalIgnoreCase);
            private readonly Dictionary<MetadataReader, LoadedAssembly> _byReader = new Dictionary<MetadataReader, LoadedAssembly>();
            private readonly Dictionary<(LoadedAssembly, TypeDefinitionHandle), TypeInfo> _defs = new Dictionary<(LoadedAssembly, TypeDefinitionHandle), TypeInfo>();

            public LoadedAssembly Load(string path)
            {
                if (!File.Exists(path))
                {
                    throw new FileNotFoundException("assembly to analyse not found: " + path, path);
                }

                var pe = new PEReader(File.OpenRead(path));
                var md = pe.GetMetadataReader();
                var def = md.GetAssemblyDefinition();
                var asm = new LoadedAssembly
                {
                    Name = md.GetString(def.Name),
                    Path = path,
                    Version = def.Version,
                    Pe = pe,
                    Md = md,
                    TopLevel = new Dictionary<string, TypeDefinitionHandle>(StringComparer.Ordinal),
                };
                if (_byName.TryGetValue(asm.Name, out var existing))
                {
                    pe.Dispose();
                    return existing;
                }
                foreach (var h in md.TypeDefinitions)
                {
                    var t = md.GetTypeDefinition(h);
                    if (!t.GetDeclaringType().IsNil)
                    {
                        continue;
                    }

                    asm.TopLevel[Join(md.GetString(t.Namespace), md.GetString(t.Name))] = h;
                }
                _byName[asm.Name] = asm;
                _byReader[md] = asm;
                return asm;
            }

            public LoadedAssembly Of(MetadataReader md) => _byReader[md];

            public void Dispose()
            {
                foreach (var a in _byName.Values)
                {
                    a.Pe.Dispose();
                }
            }

            private static string Join(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;

            /// <summary>Namespace.Type, nested types as Outer+Inner.</summary>
            public string FullName(LoadedAssembly asm, TypeDefinitionHandle h)
            {
                var t = asm.Md.GetTypeDefinition(h);
                var outer = t.GetDeclaringType();
                string name = asm.Md.GetString(t.Name);
                return outer.IsNil ? Join(asm.Md.GetString(t.Namespace), name) : FullName(asm, outer) + "+" + name;
            }

            private string RefName(MetadataReader md, TypeReferenceHandle h)
            {
                var r = md.GetTypeReference(h);
                string name = md.GetString(r.Name);
                return r.ResolutionScope.Kind == HandleKind.TypeReference
                    ? RefName(md, (TypeReferenceHandle)r.ResolutionScope) + "+" + name
                    : Join(md.GetString(r.Namespace), name);
            }

            /// <summary>The definition a TypeRef names, in whichever loaded assembly defines it.</summary>
            public (LoadedAssembly, TypeDefinitionHandle) Resolve(LoadedAssembly from, TypeReferenceHandle h)
            {
                var md = from.Md;
                var r = md.GetTypeReference(h);
                string ns = md.GetString(r.Namespace);
                string name = md.GetString(r.Name);
                var scope = r.ResolutionScope;
                switch (scope.Kind)
                {
                    case HandleKind.TypeReference:
                        {
                            var (outerAsm, outer) = Resolve(from, (TypeReferenceHandle)scope);
                            foreach (var n in outerAsm.Md.GetTypeDefinition(outer).GetNestedTypes())
                            {
                                if (outerAsm.Md.GetString(outerAsm.Md.GetTypeDefinition(n).Name) == name)
                                {
                                    return (outerAsm, n);
                                }
                            }
                            throw new InvalidOperationException("nested type " + RefName(md, h) + " (referenced from " + from.Name + ") not found in " + outerAsm.Name);
                        }
                    case HandleKind.AssemblyReference:
                        {
                            var aref = md.GetAssemblyReference((AssemblyReferenceHandle)scope);
                            string asmName = md.GetString(aref.Name);
                            if (!_byName.TryGetValue(asmName, out var target))
                            {
                                throw new InvalidOperationException(from.Name + " references assembly " + asmName + " " + aref.Version
                                    + ", which was not given to the guard: type " + Join(ns, name) + " cannot be classified (a struct would go unnoticed)");
                            }
                            return Find(target, ns, name, from);
                        }
                    default:
                        return Find(from, ns, name, from);
                }
            }

            private (LoadedAssembly, TypeDefinitionHandle) Find(LoadedAssembly target, string ns, string name, LoadedAssembly from)
            {
                if (target.TopLevel.TryGetValue(Join(ns, name), out var def))
                {
                    return (target, def);
                }

                foreach (var eh in target.Md.ExportedTypes)
                {
                    var e = target.Md.GetExportedType(eh);
                    if (target.Md.GetString(e.Namespace) == ns && target.Md.GetString(e.Name) == name && e.Implementation.Kind == HandleKind.AssemblyReference)
                    {
                        string fwd = target.Md.GetString(target.Md.GetAssemblyReference((AssemblyReferenceHandle)e.Implementation).Name);
                        if (_byName.TryGetValue(fwd, out var next))
                        {
                            return Find(next, ns, name, from);
                        }
                    }
                }
                throw new InvalidOperationException("type " + Join(ns, name) + " (referenced from " + from.Name + ") not found in " + target.Name + " (" + target.Path + ")");
            }

            /// <summary>The name of a TypeDef/TypeRef handle without resolving it (for base-type checks).</summary>
            public string NameOf(LoadedAssembly asm, EntityHandle h) => h.Kind switch
            {
                HandleKind.TypeDefinition => FullName(asm, (TypeDefinitionHandle)h),
                HandleKind.TypeReference => RefName(asm.Md, (TypeReferenceHandle)h),
                _ => null,
            };

            /// <summary>Classifies a type definition: primitive, enum, struct or reference.</summary>
            public TypeInfo Define(LoadedAssembly asm, TypeDefinitionHandle h)
            {
                if (_defs.TryGetValue((asm, h), out var info))
                {
                    return info;
                }

                string name = FullName(asm, h);
                Kind kind;
                if (PrimitiveNames.Contains(name))
                {
                    kind = Kind.Primitive;
                }
                else if (name == "System.Void")
                {
                    kind = Kind.Void;
                }
                else
                {
                    var baseType = asm.Md.GetTypeDefinition(h).BaseType;
                    string baseName = baseType.IsNil ? null : NameOf(asm, baseType);
                    if (baseName == "System.Enum")
                    {
                        kind = Kind.Enum;
                    }
                    else if (baseName == "System.ValueType" && name != "System.Enum")
                    {
                        kind = Kind.Struct;
                    }
                    else
                    {
                        kind = Kind.Reference;
                    }
                }
                info = new TypeInfo { Kind = kind, Name = name, Assembly = asm, Definition = h };
                _defs[(asm, h)] = info;
                return info;
            }

            /// <summary>The TypeInfo of a type token (TypeDef, TypeRef or TypeSpec) used in <paramref name="asm"/>.</summary>
            public TypeInfo TypeOfToken(LoadedAssembly asm, EntityHandle h)
            {
                switch (h.Kind)
                {
                    case HandleKind.TypeDefinition: return Define(asm, (TypeDefinitionHandle)h);
                    case HandleKind.TypeReference:
                        {
                            var (a, d) = Resolve(asm, (TypeReferenceHandle)h);
                            return Define(a, d);
                        }
                    case HandleKind.TypeSpecification:
                        return asm.Md.GetTypeSpecification((TypeSpecificationHandle)h).DecodeSignature(this, null);
                    default:
                        throw new InvalidOperationException("unexpected type token " + h.Kind + " in " + asm.Name);
                }
            }

            /// <summary>True when the type derives (at any depth) from <paramref name="baseFullName"/>.</summary>
            public bool DerivesFrom(TypeInfo type, string baseFullName)
            {
                if (type.Assembly == null)
                {
                    return false;
                }

                var asm = type.Assembly;
                var h = type.Definition;
                for (int depth = 0; depth < 64; depth++)
                {
                    var b = asm.Md.GetTypeDefinition(h).BaseType;
                    if (b.IsNil)
                    {
                        return false;
                    }

                    if (NameOf(asm, b) == baseFullName)
                    {
                        return true;
                    }

                    if (b.Kind == HandleKind.TypeDefinition)
                    {
                        h = (TypeDefinitionHandle)b;
                    }
                    else if (b.Kind == HandleKind.TypeReference)
                    {
                        (asm, h) = Resolve(asm, (TypeReferenceHandle)b);
                    }
                    else
                    {
                        return false; // a generic base (TypeSpec): not an exception or a delegate in nano code
                    }
                }
                return false;
            }

            // ---- ISignatureTypeProvider: decoding signatures into TypeInfo ----

            public TypeInfo GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
            {
                PrimitiveTypeCode.Void => new TypeInfo { Kind = Kind.Void, Name = "System.Void" },
                PrimitiveTypeCode.String => new TypeInfo { Kind = Kind.Reference, Name = "System.String" },
                PrimitiveTypeCode.Object => new TypeInfo { Kind = Kind.Reference, Name = "System.Object" },
                PrimitiveTypeCode.TypedReference => new TypeInfo { Kind = Kind.Struct, Name = "System.TypedReference" },
                _ => new TypeInfo { Kind = Kind.Primitive, Name = "System." + typeCode },
            };

            public TypeInfo GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => Define(Of(reader), handle);

            public TypeInfo GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
            {
                var (a, d) = Resolve(Of(reader), handle);
                return Define(a, d);
            }

            public TypeInfo GetTypeFromSpecification(MetadataReader reader, object genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
                => reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

            public TypeInfo GetSZArrayType(TypeInfo elementType) => new TypeInfo { Kind = Kind.Reference, Name = elementType.Name + "[]" };
            public TypeInfo GetArrayType(TypeInfo elementType, ArrayShape shape) => new TypeInfo { Kind = Kind.Reference, Name = elementType.Name + "[" + new string(',', shape.Rank - 1) + "]" };
            public TypeInfo GetByReferenceType(TypeInfo elementType) => new TypeInfo { Kind = Kind.ByRef, Name = elementType.Name + "&" };
            public TypeInfo GetPointerType(TypeInfo elementType) => new TypeInfo { Kind = Kind.Pointer, Name = elementType.Name + "*" };
            public TypeInfo GetPinnedType(TypeInfo elementType) => elementType;
            public TypeInfo GetModifiedType(TypeInfo modifier, TypeInfo unmodifiedType, bool isRequired) => unmodifiedType;
            public TypeInfo GetFunctionPointerType(MethodSignature<TypeInfo> signature) => new TypeInfo { Kind = Kind.Pointer, Name = "method*" };
            public TypeInfo GetGenericMethodParameter(object genericContext, int index) => new TypeInfo { Kind = Kind.GenericParameter, Name = "!!" + index };
            public TypeInfo GetGenericTypeParameter(object genericContext, int index) => new TypeInfo { Kind = Kind.GenericParameter, Name = "!" + index };

            public TypeInfo GetGenericInstantiation(TypeInfo genericType, ImmutableArray<TypeInfo> typeArguments) => new TypeInfo
            {
                Kind = genericType.Kind,
                Name = genericType.Name + "<" + string.Join(",", typeArguments.Select(t => t.Name)) + ">",
                Assembly = genericType.Assembly,
                Definition = genericType.Definition,
            };
        }

        // ---- IL ---------------------------------------------------------------------------------

        /// <summary>Every IL opcode by its value (0xFExx for two-byte ones), from System.Reflection.Emit.OpCodes.</summary>
        private static readonly Dictionary<ushort, OpCode> OpCodesByValue = typeof(OpCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(OpCode))
            .Select(f => (OpCode)f.GetValue(null))
            .ToDictionary(o => (ushort)o.Value);

        /// <summary>A decoded method reference: where it is declared and its signature.</summary>
        private sealed class MethodRef
        {
            public string DeclaringType;
            public TypeInfo Declaring;
            public string Name;
            public MethodSignature<TypeInfo> Signature;
            public bool InAnalysedAssembly;
            public string Display => DeclaringType + "::" + Name;
        }

        /// <summary>Walks one method's signature, locals and IL.</summary>
        private sealed class Scanner
        {
            private readonly AssemblySet _set;
            private readonly HashSet<LoadedAssembly> _analysed;

            public Scanner(AssemblySet set, IEnumerable<LoadedAssembly> analysed)
            {
                _set = set;
                _analysed = new HashSet<LoadedAssembly>(analysed);
            }

            public void Scan(LoadedAssembly asm, string typeName, MethodDefinitionHandle handle, string name, AllocationGuardResult result)
            {
                var into = result.Violations;
                var md = asm.Md;
                var method = md.GetMethodDefinition(handle);
                var sig = method.DecodeSignature(_set, null);
                var paramNames = new Dictionary<int, string>();
                foreach (var ph in method.GetParameters())
                {
                    var p = md.GetParameter(ph);
                    paramNames[p.SequenceNumber] = md.GetString(p.Name);
                }

                void Add(int offset, AllocationRule rule, string what, string subject) => into.Add(new AllocationViolation
                {
                    Assembly = asm.Name,
                    Type = typeName,
                    Method = name,
                    Offset = offset,
                    Rule = rule,
                    What = what,
                    Subject = subject,
                });

                void Called(MethodRef target, int offset)
                {
                    if (target.InAnalysedAssembly)
                    {
                        result.Calls.Add((typeName + "::" + name, target.DeclaringType + "::" + target.Name, offset));
                    }
                }

                string ParamName(int index) => paramNames.TryGetValue(index + 1, out var n) && n.Length > 0 ? "'" + n + "'" : "#" + index;

                // The signature: callers copy by-value struct arguments, and a returned struct is a copy.
                if (sig.ReturnType.IsStruct)
                {
                    Add(-2, AllocationRule.StructReturn, "returns a struct by value", sig.ReturnType.Name);
                }

                for (int i = 0; i < sig.ParameterTypes.Length; i++)
                {
                    if (sig.ParameterTypes[i].IsStruct)
                    {
                        Add(-2, AllocationRule.StructParameter, "by-value struct parameter " + ParamName(i), sig.ParameterTypes[i].Name);
                    }
                }

                if (method.RelativeVirtualAddress == 0)
                {
                    return; // abstract, interface, extern: no IL
                }

                var body = asm.Pe.GetMethodBody(method.RelativeVirtualAddress);
                var locals = body.LocalSignature.IsNil
                    ? ImmutableArray<TypeInfo>.Empty
                    : md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(_set, null);
                for (int i = 0; i < locals.Length; i++)
                {
                    if (locals[i].IsStruct)
                    {
                        Add(-1, AllocationRule.StructLocal, "struct local V_" + i + ", made at every entry", locals[i].Name);
                    }
                }

                // ldarg index -> parameter type; `this` (index 0 of an instance method) is a reference, or a managed pointer in a struct.
                bool hasThis = sig.Header.IsInstance;
                TypeInfo ArgType(int index) => hasThis ? (index == 0 ? null : sig.ParameterTypes[index - 1]) : sig.ParameterTypes[index];
                string ArgName(int index) => hasThis ? (index == 0 ? "this" : ParamName(index - 1)) : ParamName(index);

                var il = body.GetILReader();
                ushort previous = 0;
                while (il.RemainingBytes > 0)
                {
                    int offset = il.Offset;
                    ushort value = il.ReadByte();
                    if (value == 0xFE)
                    {
                        value = (ushort)(0xFE00 | il.ReadByte());
                    }

                    if (!OpCodesByValue.TryGetValue(value, out var op))
                    {
                        throw new InvalidOperationException(typeName + "::" + name + " IL_" + offset.ToString("x4") + ": unknown opcode 0x" + value.ToString("x"));
                    }

                    int operandInt = 0;
                    EntityHandle token = default;
                    switch (op.OperandType)
                    {
                        case OperandType.InlineNone: break;
                        case OperandType.ShortInlineBrTarget:
                        case OperandType.ShortInlineI:
                        case OperandType.ShortInlineVar:
                            operandInt = il.ReadByte();
                            break;
                        case OperandType.InlineVar:
                            operandInt = il.ReadUInt16();
                            break;
                        case OperandType.InlineI:
                        case OperandType.InlineBrTarget:
                        case OperandType.ShortInlineR:
                        case OperandType.InlineSig:
                            operandInt = il.ReadInt32();
                            break;
                        case OperandType.InlineString:
                            operandInt = il.ReadInt32(); // a user-string token (0x70xxxxxx)
                            break;
                        case OperandType.InlineField:
                        case OperandType.InlineMethod:
                        case OperandType.InlineTok:
                        case OperandType.InlineType:
                            token = MetadataTokens.EntityHandle(il.ReadInt32());
                            break;
                        case OperandType.InlineI8:
                        case OperandType.InlineR:
                            il.ReadInt64();
                            break;
                        case OperandType.InlineSwitch:
                            int n = il.ReadInt32();
                            for (int k = 0; k < n; k++)
                            {
                                il.ReadInt32();
                            }

                            break;
                        default:
                            throw new InvalidOperationException("operand type " + op.OperandType + " of " + op.Name);
                    }

                    int localIndex = -1;
                    int argIndex = -1;
                    switch (value)
                    {
                        case 0x06: case 0x07: case 0x08: case 0x09: localIndex = value - 0x06; break; // ldloc.0-3
                        case 0x11: case 0xFE0C: localIndex = operandInt; break;                       // ldloc.s, ldloc
                        case 0x02: case 0x03: case 0x04: case 0x05: argIndex = value - 0x02; break;   // ldarg.0-3
                        case 0x0E: case 0xFE09: argIndex = operandInt; break;                         // ldarg.s, ldarg
                    }
                    if (localIndex >= 0 && localIndex < locals.Length && locals[localIndex].IsStruct)
                    {
                        Add(offset, AllocationRule.StructCopy, op.Name + " V_" + localIndex + " copies a struct", locals[localIndex].Name);
                    }
                    if (argIndex >= 0)
                    {
                        var t = ArgType(argIndex);
                        if (t != null && t.IsStruct)
                        {
                            Add(offset, AllocationRule.StructCopy, op.Name + " " + ArgName(argIndex) + " copies a struct", t.Name);
                        }
                    }

                    switch (value)
                    {
                        case 0x7B: // ldfld
                        case 0x7E: // ldsfld
                            {
                                var (fieldName, fieldType) = Field(asm, token);
                                if (fieldType.IsStruct)
                                {
                                    Add(offset, AllocationRule.StructCopy, op.Name + " " + fieldName + " copies a struct", fieldType.Name);
                                }

                                break;
                            }
                        case 0xA3: // ldelem <T>
                        case 0x71: // ldobj <T>
                        case 0xA5: // unbox.any <T>
                            {
                                var t = _set.TypeOfToken(asm, token);
                                if (t.IsStruct)
                                {
                                    Add(offset, AllocationRule.StructCopy, op.Name + " copies a struct", t.Name);
                                }

                                break;
                            }
                        case 0x73: // newobj
                            {
                                var ctor = Method(asm, token);
                                Called(ctor, offset);
                                var t = ctor.Declaring;
                                if (t.Kind == Kind.Struct || t.Kind == Kind.Primitive || t.Kind == Kind.Enum)
                                {
                                    Add(offset, AllocationRule.NewStruct, "newobj of a struct", t.Name);
                                }
                                else if (_set.DerivesFrom(t, "System.Exception"))
                                {
                                    Add(offset, AllocationRule.NewException, "newobj of an exception", t.Name);
                                }
                                else if (_set.DerivesFrom(t, "System.MulticastDelegate") || _set.DerivesFrom(t, "System.Delegate"))
                                {
                                    if (previous != 0xFE06 && previous != 0xFE07)
                                    {
                                        Add(offset, AllocationRule.NewDelegate, "newobj of a delegate", t.Name);
                                    }
                                }
                                else
                                {
                                    Add(offset, AllocationRule.NewObject, "newobj", t.Name);
                                }

                                break;
                            }
                        case 0xFE06: // ldftn
                        case 0xFE07: // ldvirtftn
                            {
                                var target = Method(asm, token);
                                Called(target, offset);
                                Add(offset, AllocationRule.NewDelegate, op.Name + " " + target.Display + ": delegate creation", target.Display);
                                break;
                            }
                        case 0x8C: // box
                            Add(offset, AllocationRule.Box, "box", _set.TypeOfToken(asm, token).Name);
                            break;
                        case 0x8D: // newarr
                            Add(offset, AllocationRule.NewArray, "newarr", _set.TypeOfToken(asm, token).Name + "[]");
                            break;
                        case 0x72: // ldstr
                            {
                                string s = md.GetUserString((UserStringHandle)MetadataTokens.Handle(operandInt));
                                Add(offset, AllocationRule.StringLiteral, "ldstr " + Quote(s), "System.String");
                                break;
                            }
                        case 0x7A: // throw
                            Add(offset, AllocationRule.Throw, "throw: nanoCLR allocates the stack trace", "System.Byte[]");
                            break;
                        case 0x28: // call
                        case 0x6F: // callvirt
                            {
                                // A constrained. prefix is not flagged: nanoCLR calls through the reference without
                                // boxing (measured: GetHashCode on an enum local, fixture EnumGetHashCode, 0 objects).
                                var target = Method(asm, token);
                                Called(target, offset);
                                if (target.InAnalysedAssembly)
                                {
                                    break; // its own IL is checked where it is defined
                                }

                                bool flagged = false;
                                if (BuildsString(target))
                                {
                                    Add(offset, AllocationRule.StringBuilding, op.Name + " " + target.Display + " builds a new string or array", target.Display);
                                    flagged = true;
                                }
                                if (target.Signature.ReturnType.IsStruct)
                                {
                                    Add(offset, AllocationRule.StructCall, op.Name + " " + target.Display + " returns a struct by value", target.Signature.ReturnType.Name);
                                    flagged = true;
                                }
                                foreach (var p in target.Signature.ParameterTypes)
                                {
                                    if (!p.IsStruct)
                                    {
                                        continue;
                                    }

                                    Add(offset, AllocationRule.StructCall, op.Name + " " + target.Display + " takes a struct by value", p.Name);
                                    flagged = true;
                                }
                                if (!flagged && !VettedCalls.Contains(target.Display))
                                {
                                    Add(offset, AllocationRule.UnvettedCall, op.Name + " " + target.Display + ": not measured as allocation-free on nanoCLR (measure it, then list it in AllocationGuard.VettedCalls)", target.Display);
                                }
                                break;
                            }
                    }
                    previous = value;
                }
            }

            private static string Quote(string s)
            {
                string t = s.Length > 40 ? string.Concat(s.AsSpan(0, 40), "...") : s;
                return "\"" + t.Replace("\\", "\\\\").Replace("\r", "\\r").Replace("\n", "\\n").Replace("\"", "\\\"") + "\"";
            }

            /// <summary>
            /// mscorlib calls that build a new string or array: any ToString(), and System.String's
            /// methods returning a string or an array (Concat, Format, Substring, Split, ToCharArray,
            /// Trim..., PadLeft..., ToUpper/ToLower, Intern), whatever their arguments.
            /// </summary>
            private static bool BuildsString(MethodRef m)
            {
                if (m.Name == "ToString")
                {
                    return true;
                }

                if (m.DeclaringType != "System.String")
                {
                    return false;
                }

                var r = m.Signature.ReturnType;
                return r.Name == "System.String" || r.Name.EndsWith("[]", StringComparison.Ordinal);
            }

            private (string Name, TypeInfo Type) Field(LoadedAssembly asm, EntityHandle token)
            {
                var md = asm.Md;
                if (token.Kind == HandleKind.FieldDefinition)
                {
                    var f = md.GetFieldDefinition((FieldDefinitionHandle)token);
                    return (_set.FullName(asm, f.GetDeclaringType()) + "::" + md.GetString(f.Name), f.DecodeSignature(_set, null));
                }
                if (token.Kind == HandleKind.MemberReference)
                {
                    var r = md.GetMemberReference((MemberReferenceHandle)token);
                    return (ParentName(asm, r.Parent) + "::" + md.GetString(r.Name), r.DecodeFieldSignature(_set, null));
                }
                throw new InvalidOperationException("unexpected field token " + token.Kind);
            }

            private string ParentName(LoadedAssembly asm, EntityHandle parent) => parent.Kind switch
            {
                HandleKind.TypeDefinition or HandleKind.TypeReference or HandleKind.TypeSpecification => _set.TypeOfToken(asm, parent).Name,
                HandleKind.MethodDefinition => _set.FullName(asm, asm.Md.GetMethodDefinition((MethodDefinitionHandle)parent).GetDeclaringType()),
                _ => parent.Kind.ToString(),
            };

            private MethodRef Method(LoadedAssembly asm, EntityHandle token)
            {
                var md = asm.Md;
                switch (token.Kind)
                {
                    case HandleKind.MethodDefinition:
                        {
                            var m = md.GetMethodDefinition((MethodDefinitionHandle)token);
                            var declaring = _set.Define(asm, m.GetDeclaringType());
                            return new MethodRef
                            {
                                Declaring = declaring,
                                DeclaringType = declaring.Name,
                                Name = md.GetString(m.Name),
                                Signature = m.DecodeSignature(_set, null),
                                InAnalysedAssembly = _analysed.Contains(asm),
                            };
                        }
                    case HandleKind.MemberReference:
                        {
                            var r = md.GetMemberReference((MemberReferenceHandle)token);
                            TypeInfo declaring = r.Parent.Kind == HandleKind.MethodDefinition
                                ? _set.Define(asm, md.GetMethodDefinition((MethodDefinitionHandle)r.Parent).GetDeclaringType())
                                : _set.TypeOfToken(asm, r.Parent);
                            // the declaring type's own name (without generic arguments) decides which assembly defines it
                            string declaringName = declaring.Assembly != null ? _set.FullName(declaring.Assembly, declaring.Definition) : declaring.Name;
                            return new MethodRef
                            {
                                Declaring = declaring,
                                DeclaringType = declaringName,
                                Name = md.GetString(r.Name),
                                Signature = r.DecodeMethodSignature(_set, null),
                                InAnalysedAssembly = declaring.Assembly != null && _analysed.Contains(declaring.Assembly),
                            };
                        }
                    case HandleKind.MethodSpecification:
                        return Method(asm, md.GetMethodSpecification((MethodSpecificationHandle)token).Method);
                    default:
                        throw new InvalidOperationException("unexpected method token " + token.Kind);
                }
            }
        }
    }
}
