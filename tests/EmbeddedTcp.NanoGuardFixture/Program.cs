using System;
using System.Diagnostics;

namespace NanoGuardFixture
{
    /// <summary>
    /// Runs every case of <see cref="Cases"/> N times inside its own meter phase (named as the case)
    /// after one warm-up call of each (static constructors, the interpreter's caches), and prints the
    /// meter's report; the test divides each phase's objects by N. The meter keeps 32 buckets, so the
    /// cases are measured and reported in batches. Every meter command is a static readonly string.
    /// </summary>
    public static class Program
    {
        /// <summary>Calls per case in a phase.</summary>
        public const int N = 10;

        private const int Batch = 16;

        /// <summary>The cases, in the order of <see cref="Run"/>'s switch.</summary>
        public static readonly string[] Names =
        {
            "CleanPrimitiveLocals",
            "CleanArraysInFields",
            "CleanStaticReadonlyString",
            "CleanStructThroughRef",
            "CleanReadThroughStructField",
            "CleanStructMethodOnField",
            "CleanResetThroughRef",
            "CleanElementThroughRef",
            "CleanInstanceCall",
            "CleanMscorlibCalls",
            "CleanEnumSwitch",
            "StructLocal",
            "StructLocalNeverUsed",
            "NewStructIntoLocal",
            "PassStructByValue",
            "ReturnStruct",
            "CopyInstanceStructField",
            "CopyStaticStructField",
            "CopyArrayElement",
            "CopyThroughRef",
            "NewStructToField",
            "NewClass",
            "NewException",
            "ThrowPreallocated",
            "Box",
            "BoxEnum",
            "NewArray",
            "StringLiteral",
            "DelegateCreation",
            "StringConcat",
            "StringFormat",
            "IntToString",
            "EnumGetHashCode",
            "UnvettedMscorlibCall",
            "TimeSpanLocal",
            "DateTimeLocal",
            "MscorlibStructReturn",
            "SpanByteFromArray",
        };

        private static readonly string[] Phases = new string[Names.Length];
        private static readonly string PhNone = "@@nanoclr phase -";
        private static readonly string CmdReport = "@@nanoclr report";
        private static readonly string CmdReset = "@@nanoclr reset";
        private static readonly string Done = "nano-guard-fixture: done";
        private static int s_sink;

        public static void Main()
        {
            for (int k = 0; k < Names.Length; k++)
            {
                Phases[k] = "@@nanoclr phase " + Names[k];
            }

            for (int k = 0; k < Names.Length; k++)
            {
                s_sink += Run(k, 0);
            }

            for (int first = 0; first < Names.Length; first += Batch)
            {
                Debug.WriteLine(CmdReset);
                for (int k = first; k < first + Batch && k < Names.Length; k++)
                {
                    Debug.WriteLine(Phases[k]);
                    for (int i = 0; i < N; i++)
                    {
                        s_sink += Run(k, i);
                    }
                }

                Debug.WriteLine(PhNone);
                Debug.WriteLine(CmdReport);
            }

            Console.WriteLine(Done);
            Console.WriteLine(s_sink.ToString());
        }

        private static int Run(int k, int i)
        {
            switch (k)
            {
                case 0: return Cases.CleanPrimitiveLocals(i);
                case 1: return Cases.CleanArraysInFields(i);
                case 2: return Cases.CleanStaticReadonlyString(i);
                case 3: return Cases.CleanStructThroughRef(i);
                case 4: return Cases.CleanReadThroughStructField(i);
                case 5: return Cases.CleanStructMethodOnField(i);
                case 6: return Cases.CleanResetThroughRef(i);
                case 7: return Cases.CleanElementThroughRef(i);
                case 8: return Cases.CleanInstanceCall(i);
                case 9: return Cases.CleanMscorlibCalls(i);
                case 10: return Cases.CleanEnumSwitch(i);
                case 11: return Cases.StructLocal(i);
                case 12: return Cases.StructLocalNeverUsed(i);
                case 13: return Cases.NewStructIntoLocal(i);
                case 14: return Cases.PassStructByValue(i);
                case 15: return Cases.ReturnStruct(i);
                case 16: return Cases.CopyInstanceStructField(i);
                case 17: return Cases.CopyStaticStructField(i);
                case 18: return Cases.CopyArrayElement(i);
                case 19: return Cases.CopyThroughRef(i);
                case 20: return Cases.NewStructToField(i);
                case 21: return Cases.NewClass(i);
                case 22: return Cases.NewException(i);
                case 23: return Cases.ThrowPreallocated(i);
                case 24: return Cases.Box(i);
                case 25: return Cases.BoxEnum(i);
                case 26: return Cases.NewArray(i);
                case 27: return Cases.StringLiteral(i);
                case 28: return Cases.DelegateCreation(i);
                case 29: return Cases.StringConcat(i);
                case 30: return Cases.StringFormat(i);
                case 31: return Cases.IntToString(i);
                case 32: return Cases.EnumGetHashCode(i);
                case 33: return Cases.UnvettedMscorlibCall(i);
                case 34: return Cases.TimeSpanLocal(i);
                case 35: return Cases.DateTimeLocal(i);
                case 36: return Cases.MscorlibStructReturn(i);
                case 37: return Cases.SpanByteFromArray(i);
                default: return 0;
            }
        }
    }
}
