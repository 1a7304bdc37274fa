using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;
using R = EmbeddedTcp.Tests.NanoClr.AllocationRule;

namespace EmbeddedTcp.Tests.NanoClr
{
    /// <summary>
    /// The allocation guard itself, on its fixture (tests/EmbeddedTcp.NanoGuardFixture: one thing per
    /// method, compiled against nanoFramework's mscorlib like the flashed code). Every method of the
    /// fixture has an expected verdict here; with the nanoCLR kit, each case's verdict is also checked
    /// against the objects nanoCLR's meter counts when the fixture runs on it.
    /// </summary>
    public class AllocationGuardTests
    {
        private const string Fixture = "NanoGuardFixture.";

        private readonly ITestOutputHelper _output;

        public AllocationGuardTests(ITestOutputHelper output)
        {
            _output = output;
        }

        /// <summary>Program::Main builds its phase names and prints its result; Run only dispatches.</summary>
        private static readonly string[] FixtureAllowList =
        {
            "NanoGuardFixture.Program::Main — the fixture's driver: builds the meter's phase names once and prints the result",
        };

        /// <summary>
        /// The rules the guard must report for each method of the fixture (nothing more, nothing less).
        /// Cases are the public methods of Cases that Program measures on nanoCLR.
        /// </summary>
        private static readonly Dictionary<string, R[]> Expected = new Dictionary<string, R[]>
        {
            // clean: nanoCLR allocates nothing
            ["Cases::CleanPrimitiveLocals"] = Array.Empty<R>(),
            ["Cases::CleanArraysInFields"] = Array.Empty<R>(),
            ["Cases::CleanStaticReadonlyString"] = Array.Empty<R>(),
            ["Cases::CleanStructThroughRef"] = Array.Empty<R>(),
            ["Cases::CleanReadThroughStructField"] = Array.Empty<R>(),
            ["Cases::CleanStructMethodOnField"] = Array.Empty<R>(),
            ["Cases::CleanResetThroughRef"] = Array.Empty<R>(),
            ["Cases::CleanElementThroughRef"] = Array.Empty<R>(),
            ["Cases::CleanInstanceCall"] = Array.Empty<R>(),
            ["Cases::CleanMscorlibCalls"] = Array.Empty<R>(), // AllocationGuard.VettedCalls
            ["Cases::CleanEnumSwitch"] = Array.Empty<R>(),
            // structs
            ["Cases::StructLocal"] = new[] { R.StructLocal, R.StructCopy },
            ["Cases::StructLocalNeverUsed"] = new[] { R.StructLocal },
            ["Cases::NewStructIntoLocal"] = new[] { R.StructLocal },
            ["Cases::PassStructByValue"] = new[] { R.StructCopy },
            ["Cases::ReturnStruct"] = Array.Empty<R>(), // Make allocates
            ["Cases::CopyInstanceStructField"] = new[] { R.StructCopy },
            ["Cases::CopyStaticStructField"] = new[] { R.StructCopy },
            ["Cases::CopyArrayElement"] = new[] { R.StructCopy },
            ["Cases::CopyThroughRef"] = Array.Empty<R>(), // Deref allocates
            // new, box, arrays, literals, delegates, strings
            ["Cases::NewStructToField"] = new[] { R.NewStruct },
            ["Cases::NewClass"] = new[] { R.NewObject },
            ["Cases::NewException"] = Array.Empty<R>(), // ThrowNew allocates
            ["Cases::ThrowPreallocated"] = Array.Empty<R>(), // ThrowStored allocates
            ["Cases::Box"] = new[] { R.Box },
            ["Cases::BoxEnum"] = new[] { R.Box },
            ["Cases::NewArray"] = new[] { R.NewArray },
            ["Cases::StringLiteral"] = new[] { R.StringLiteral },
            ["Cases::DelegateCreation"] = new[] { R.NewDelegate },
            ["Cases::StringConcat"] = new[] { R.StringBuilding },
            ["Cases::StringFormat"] = new[] { R.NewArray, R.StringBuilding },
            ["Cases::IntToString"] = new[] { R.StringBuilding },
            ["Cases::EnumGetHashCode"] = Array.Empty<R>(), // constrained. callvirt: no box on nanoCLR (measured)
            ["Cases::UnvettedMscorlibCall"] = new[] { R.UnvettedCall },
            // mscorlib's value types
            ["Cases::TimeSpanLocal"] = Array.Empty<R>(), // TimeSpan and DateTime are nanoCLR built-ins, not heap structs
            ["Cases::DateTimeLocal"] = Array.Empty<R>(),
            ["Cases::MscorlibStructReturn"] = Array.Empty<R>(),
            ["Cases::SpanByteFromArray"] = new[] { R.StructLocal, R.StructCall, R.UnvettedCall }, // op_Implicit; get_Length unmeasured
            // helpers the cases call
            ["Cases::ByRef"] = Array.Empty<R>(),
            ["Cases::Reset"] = Array.Empty<R>(),
            ["Cases::ByValue"] = new[] { R.StructParameter, R.StructCopy },
            ["Cases::Make"] = new[] { R.StructReturn, R.StructLocal, R.StructCopy },
            ["Cases::Deref"] = new[] { R.StructCopy },
            ["Cases::ThrowNew"] = new[] { R.NewException, R.Throw },
            ["Cases::ThrowStored"] = new[] { R.Throw },
            ["Pair::Sum"] = Array.Empty<R>(), // `this` is a reference
            ["Holder::Add"] = Array.Empty<R>(),
            ["Program::Run"] = Array.Empty<R>(),
        };

        private static string FixtureDll => NanoBuildOutput.Dll("tests/EmbeddedTcp.NanoGuardFixture", "NanoGuardFixture.dll");

        private static AllocationGuardResult Analyze(params string[] allowList)
        {
            string dll = FixtureDll;
            return AllocationGuard.Analyze(new[] { dll }, new[] { NanoBuildOutput.Mscorlib(dll) }, allowList);
        }

        private static string Rules(IEnumerable<R> rules) => string.Join(", ", rules.Distinct().OrderBy(r => r));

        [Fact]
        public void EveryFixtureMethodGetsExactlyItsExpectedRules()
        {
            var result = Analyze(FixtureAllowList);
            var failures = new StringBuilder();
            foreach (var kv in Expected)
            {
                string got = Rules(result.Of(Fixture + kv.Key).Select(v => v.Rule));
                string want = Rules(kv.Value);
                if (got != want)
                {
                    failures.Append(kv.Key).Append(": expected {").Append(want).Append("} got {").Append(got).Append("}\n");
                }
            }
            // a method of the fixture without an expectation is a case nobody checks
            foreach (string key in result.Violations.Select(v => v.MethodKey).Concat(result.Calls.Select(c => c.Caller)).Distinct())
            {
                if (!Expected.ContainsKey(key.Substring(Fixture.Length)))
                {
                    failures.Append(key).Append(": no expectation in AllocationGuardTests.Expected\n");
                }
            }
            Assert.True(failures.Length == 0, failures + "\n" + result.Report());
            Assert.Empty(result.UnmatchedAllowList);
            Assert.Empty(result.AllowListCalledAfterStartUp);
            Assert.Equal(1, result.AllowListed);
            Assert.True(result.MethodsChecked >= Expected.Count, "only " + result.MethodsChecked + " methods checked");
        }

        [Fact]
        public void ConstructorsAreNotChecked()
        {
            // Holder's constructor allocates its buffer (newarr) and the Cases static constructor makes
            // structs, strings and an exception: start-up, so not reported.
            var result = Analyze(FixtureAllowList);
            Assert.DoesNotContain(result.Violations, v => v.Method == ".ctor" || v.Method == ".cctor");
            Assert.True(result.ConstructorsSkipped >= 4, "constructors skipped: " + result.ConstructorsSkipped);
        }

        [Fact]
        public void ReportNamesMethodOffsetWhatAndType()
        {
            var result = Analyze(FixtureAllowList);
            var lines = result.Of("NanoGuardFixture.Cases::StructLocal").Select(v => v.ToString()).ToList();
            Assert.Contains("NanoGuardFixture.Cases::StructLocal [locals] struct local V_0, made at every entry (NanoGuardFixture.Pair)", lines);
            Assert.Contains(lines, l => Regex.IsMatch(l, @"^NanoGuardFixture\.Cases::StructLocal \[IL_[0-9a-f]{4}\] ldloc\.0 V_0 copies a struct \(NanoGuardFixture\.Pair\)$"));
            Assert.Contains("NanoGuardFixture.Cases::ByValue [signature] by-value struct parameter 'p' (NanoGuardFixture.Pair)", result.Of("NanoGuardFixture.Cases::ByValue").Select(v => v.ToString()));
            Assert.Contains("NanoGuardFixture.Cases::Make [signature] returns a struct by value (NanoGuardFixture.Pair)", result.Of("NanoGuardFixture.Cases::Make").Select(v => v.ToString()));

            string One(string method) => Assert.Single(result.Of("NanoGuardFixture.Cases::" + method)).ToString();
            Assert.Matches(@"^NanoGuardFixture\.Cases::StringLiteral \[IL_[0-9a-f]{4}\] ldstr ""a literal"" \(System\.String\)$", One("StringLiteral"));
            Assert.Matches(@"^NanoGuardFixture\.Cases::Box \[IL_[0-9a-f]{4}\] box \(System\.Int32\)$", One("Box"));
            Assert.Matches(@"^NanoGuardFixture\.Cases::BoxEnum \[IL_[0-9a-f]{4}\] box \(NanoGuardFixture\.Color\)$", One("BoxEnum"));
            Assert.Matches(@"^NanoGuardFixture\.Cases::NewArray \[IL_[0-9a-f]{4}\] newarr \(System\.Byte\[\]\)$", One("NewArray"));
            Assert.Matches(@"^NanoGuardFixture\.Cases::NewStructToField \[IL_[0-9a-f]{4}\] newobj of a struct \(NanoGuardFixture\.Pair\)$", One("NewStructToField"));
            Assert.Matches(@"^NanoGuardFixture\.Cases::NewClass \[IL_[0-9a-f]{4}\] newobj \(NanoGuardFixture\.Holder\)$", One("NewClass"));
            Assert.Matches(@"^NanoGuardFixture\.Cases::DelegateCreation \[IL_[0-9a-f]{4}\] ldftn NanoGuardFixture\.Holder::Add: delegate creation \(NanoGuardFixture\.Holder::Add\)$", One("DelegateCreation"));
            Assert.Matches(@"^NanoGuardFixture\.Cases::CopyStaticStructField \[IL_[0-9a-f]{4}\] ldsfld NanoGuardFixture\.Cases::s_pair copies a struct \(NanoGuardFixture\.Pair\)$", One("CopyStaticStructField"));
            Assert.Matches(@"^NanoGuardFixture\.Cases::CopyInstanceStructField \[IL_[0-9a-f]{4}\] ldfld NanoGuardFixture\.Holder::Field copies a struct \(NanoGuardFixture\.Pair\)$", One("CopyInstanceStructField"));
            Assert.Matches(@"^NanoGuardFixture\.Cases::CopyArrayElement \[IL_[0-9a-f]{4}\] ldelem copies a struct \(NanoGuardFixture\.Pair\)$", One("CopyArrayElement"));
            Assert.Matches(@"^NanoGuardFixture\.Cases::Deref \[IL_[0-9a-f]{4}\] ldobj copies a struct \(NanoGuardFixture\.Pair\)$", One("Deref"));
            Assert.Matches(@"^NanoGuardFixture\.Cases::StringConcat \[IL_[0-9a-f]{4}\] call System\.String::Concat builds a new string or array \(System\.String::Concat\)$", One("StringConcat"));
            Assert.Matches(@"^NanoGuardFixture\.Cases::IntToString \[IL_[0-9a-f]{4}\] call System\.Int32::ToString builds", One("IntToString"));
            Assert.Matches(@"^NanoGuardFixture\.Cases::UnvettedMscorlibCall \[IL_[0-9a-f]{4}\] call System\.BitConverter::GetBytes: not measured as allocation-free on nanoCLR .*\(System\.BitConverter::GetBytes\)$", One("UnvettedMscorlibCall"));
            Assert.Matches(@"^NanoGuardFixture\.Cases::ThrowStored \[IL_[0-9a-f]{4}\] throw: ", One("ThrowStored"));
            Assert.Contains(result.Of("NanoGuardFixture.Cases::ThrowNew"), v => v.Rule == R.NewException && v.Subject == "System.InvalidOperationException");
            // mscorlib's SpanByte is resolved through the TypeRef into nanoFramework's mscorlib: a struct
            Assert.Contains(result.Of("NanoGuardFixture.Cases::SpanByteFromArray"), v => v.Rule == R.StructLocal && v.Subject == "System.SpanByte");
            Assert.Contains(result.Of("NanoGuardFixture.Cases::SpanByteFromArray"), v => v.Rule == R.StructCall && v.What.Contains("System.SpanByte::op_Implicit returns a struct by value", StringComparison.Ordinal));

            string report = result.Report();
            Assert.Contains("\nby rule:\n", report);
            Assert.Contains("\nviolations, by method:\nNanoGuardFixture.Cases::", report);
            Assert.Contains("  NanoGuardFixture.Cases::StructLocal [locals] struct local V_0", report);
        }

        [Fact]
        public void AllowListEntryThatMatchesNoMethodFails()
        {
            var result = Analyze(FixtureAllowList.Append("NanoGuardFixture.Cases::NoSuchMethod — a stale entry").ToArray());
            Assert.Equal(new[] { "NanoGuardFixture.Cases::NoSuchMethod — a stale entry" }, result.UnmatchedAllowList);
            Assert.False(result.Clean);
            Assert.Contains("allow-list entry matches no method (remove or fix it): NanoGuardFixture.Cases::NoSuchMethod", result.Report());
        }

        [Fact]
        public void AllowListEntryWithoutReasonFails()
        {
            var result = Analyze(FixtureAllowList.Append("NanoGuardFixture.Cases::Box").Append("NanoGuardFixture.Cases::NewArray — ").ToArray());
            Assert.Equal(new[] { "NanoGuardFixture.Cases::Box", "NanoGuardFixture.Cases::NewArray — " }, result.MalformedAllowList);
            Assert.False(result.Clean);
            // a malformed entry allows nothing
            Assert.NotEmpty(result.Of("NanoGuardFixture.Cases::Box"));
            Assert.NotEmpty(result.Of("NanoGuardFixture.Cases::NewArray"));
        }

        [Fact]
        public void AllowListedMethodIsNotCheckedButMustNotBeCalledAfterStartUp()
        {
            // ByValue is called by PassStructByValue and CopyArrayElement, which are checked: calling an
            // allow-listed "start-up" method from them would make it run after start-up.
            var result = Analyze(FixtureAllowList.Append("NanoGuardFixture.Cases::ByValue — pretend start-up").ToArray());
            Assert.Empty(result.Of("NanoGuardFixture.Cases::ByValue"));
            Assert.Contains(result.AllowListCalledAfterStartUp, e => Regex.IsMatch(e, @"^NanoGuardFixture\.Cases::ByValue — pretend start-up — called from NanoGuardFixture\.Cases::PassStructByValue \[IL_[0-9a-f]{4}\]$"));
            Assert.Contains(result.AllowListCalledAfterStartUp, e => e.Contains("called from NanoGuardFixture.Cases::CopyArrayElement", StringComparison.Ordinal));
            Assert.False(result.Clean);
        }

        [Fact]
        public void MscorlibTypesAreClassifiedAsNanoClrStoresThem()
        {
            string mscorlib = NanoBuildOutput.Mscorlib(FixtureDll);
            string Kind(string type) => AllocationGuard.Classify(new[] { mscorlib }, type);
            Assert.Equal("Primitive", Kind("System.Int32"));
            Assert.Equal("Primitive", Kind("System.Double"));
            Assert.Equal("Primitive", Kind("System.IntPtr"));
            // nanoCLR's built-in DATATYPE_DATETIME / DATATYPE_TIMESPAN: the fixture's TimeSpanLocal and
            // DateTimeLocal do have such a local and an ldsfld of one, and nanoCLR allocates 0 objects for them
            Assert.Equal("Primitive", Kind("System.TimeSpan"));
            Assert.Equal("Primitive", Kind("System.DateTime"));
            Assert.Equal("Struct", Kind("System.SpanByte"));
            Assert.Equal("Struct", Kind("System.Guid"));
            Assert.Equal("Enum", Kind("System.DayOfWeek"));
            Assert.Equal("Reference", Kind("System.String"));
            Assert.Equal("Reference", Kind("System.Enum")); // derives from ValueType but is a class
            Assert.Equal("Reference", Kind("System.ValueType"));
            Assert.Equal("Void", Kind("System.Void"));
            Assert.Equal("Struct", AllocationGuard.Classify(new[] { FixtureDll }, "NanoGuardFixture.Pair"));
            Assert.Equal("Enum", AllocationGuard.Classify(new[] { FixtureDll }, "NanoGuardFixture.Color"));
            Assert.Equal("Reference", AllocationGuard.Classify(new[] { FixtureDll }, "NanoGuardFixture.Callback"));
        }

        [Fact]
        public void UnresolvableAssemblyReferenceFailsWithClearMessage()
        {
            // Without mscorlib the guard cannot tell SpanByte (a struct) from a class: it must refuse.
            var e = Assert.Throws<InvalidOperationException>(() => AllocationGuard.Analyze(new[] { FixtureDll }, Array.Empty<string>(), FixtureAllowList));
            Assert.Contains("references assembly mscorlib", e.Message);
            Assert.Contains("cannot be classified", e.Message);
        }

        /// <summary>
        /// The guard's verdicts against nanoCLR itself: the fixture's Program runs each case N times in
        /// its own meter phase; a case allocates (objects &gt; 0) exactly when the guard flags the case or
        /// a method it calls. Skipped without the kit (or without the .pe the build writes with it).
        /// </summary>
        [SkippableFact]
        public void VerdictsMatchWhatNanoClrAllocates()
        {
            string kit = NanoKit.Require();
            string pe = NanoBuildOutput.PeBeside(FixtureDll);
            NanoKit.Need(pe != null, "NanoGuardFixture.pe was not built (the build converts it when the kit is present): rebuild with the kit at " + kit);
            var run = NanoKit.Run(kit, "nanoclr-run", 120, "-q", "-t", "120", pe);
            Assert.True(run.ExitCode == 0 && run.Output.Contains("nano-guard-fixture: done", StringComparison.Ordinal), "fixture run failed (exit " + run.ExitCode + ")\n" + run.Output + run.Error);

            var objects = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (Match m in Regex.Matches(run.Output, @"^@@nanoclr bucket (\S+) .*?\bobjs=(\d+)", RegexOptions.Multiline))
            {
                objects[m.Groups[1].Value] = double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) / 10; // Program.N
            }
            var result = Analyze(FixtureAllowList);
            var cases = Expected.Keys.Where(k => k.StartsWith("Cases::", StringComparison.Ordinal)).Select(k => k.Substring("Cases::".Length)).Where(objects.ContainsKey).ToList();
            Assert.True(cases.Count == objects.Count, "meter phases without an expectation, or the reverse: " + string.Join(", ", objects.Keys.Except(cases)));
            Assert.True(cases.Count >= 30, "only " + cases.Count + " cases measured");

            var table = new StringBuilder();
            int mismatches = 0;
            foreach (string c in cases)
            {
                var reach = result.Reachable(Fixture + "Cases::" + c);
                var flagged = result.Violations.Where(v => reach.Contains(v.MethodKey)).ToList();
                bool allocates = objects[c] > 0;
                bool ok = allocates == (flagged.Count > 0);
                if (!ok)
                {
                    mismatches++;
                }

                table.Append(ok ? "   " : "!! ").Append(c.PadRight(28)).Append(objects[c].ToString("0.#", System.Globalization.CultureInfo.InvariantCulture).PadLeft(5))
                     .Append(" objects/call  guard: ").Append(flagged.Count == 0 ? "clean" : Rules(flagged.Select(v => v.Rule))).Append('\n');
            }
            _output.WriteLine(table.ToString());
            Assert.True(mismatches == 0, mismatches + " case(s) where the guard and nanoCLR disagree:\n" + table);
        }
    }
}
