using System;

// Each case is `public static int Name(int i)`, one thing in it, so that the guard's verdict on the
// case (and on the helpers it calls) can be asserted exactly, and compared with what nanoCLR's meter
// counts when Program runs it. Comments name the IL the C# compiler emits for the line.
namespace NanoGuardFixture
{
    /// <summary>A two-field struct: a heap object on nanoCLR.</summary>
    public struct Pair
    {
        public int X;
        public int Y;

        public Pair(int x, int y)
        {
            X = x;
            Y = y;
        }

        /// <summary>An instance method: `this` is a managed pointer, reading X through it copies nothing.</summary>
        public int Sum()
        {
            return X + Y;
        }
    }

    public enum Color : byte
    {
        Red,
        Green,
        Blue,
    }

    public delegate int Callback(int x);

    public sealed class Holder
    {
        public Pair Field;
        public readonly byte[] Buffer = new byte[16]; // newarr in a constructor: start-up, not checked

        public int Add(int x)
        {
            return x + Buffer.Length;
        }
    }

    public static class Cases
    {
        private static readonly Holder s_holder = new Holder();
        private static readonly byte[] s_buf = new byte[16];
        private static readonly Pair[] s_pairs = new Pair[4];
        private static readonly string s_text = "static readonly text";
        private static readonly string s_other = "other";
        private static readonly InvalidOperationException s_error = new InvalidOperationException();
        private static Pair s_pair = new Pair(1, 2);
        private static TimeSpan s_span = TimeSpan.FromTicks(5);
        private static DateTime s_date = new DateTime(2024, 1, 2);
        private static object s_obj;
        private static string s_string;
        private static Callback s_callback;

        // ---- clean: nothing here allocates on nanoCLR -----------------------------------------

        public static int CleanPrimitiveLocals(int i)
        {
            int a = i + 1;
            long b = a * 3L;
            double d = b * 0.5;
            Color c = (Color)(i % 3);
            bool odd = (i & 1) != 0;
            uint u = (uint)a << 2;
            char ch = (char)('a' + (i & 7));
            return odd || c == Color.Blue ? (int)d + (int)u + ch : (int)b;
        }

        public static int CleanArraysInFields(int i)
        {
            s_buf[i & 15] = (byte)i;
            s_holder.Buffer[(i + 1) & 15] = (byte)i;
            return s_buf[(i + 3) & 15] + s_holder.Buffer[i & 15];
        }

        public static int CleanStaticReadonlyString(int i)
        {
            return s_text.Length + i; // ldsfld of a string: no new object
        }

        public static int CleanStructThroughRef(int i)
        {
            return ByRef(ref s_pair) + i; // ldsflda: a reference, no copy
        }

        public static int CleanReadThroughStructField(int i)
        {
            return s_holder.Field.X + i; // ldflda Field; ldfld X
        }

        public static int CleanStructMethodOnField(int i)
        {
            return s_holder.Field.Sum() + i; // ldflda Field; call Pair::Sum
        }

        public static int CleanResetThroughRef(int i)
        {
            Reset(ref s_holder.Field); // Reset: ldarg (a reference); initobj
            return i;
        }

        public static int CleanElementThroughRef(int i)
        {
            return s_pairs[i & 3].X + i; // ldelema; ldfld X
        }

        public static int CleanInstanceCall(int i)
        {
            return s_holder.Add(i); // callvirt on a class held in a field
        }

        public static int CleanMscorlibCalls(int i)
        {
            Array.Copy(s_buf, 0, s_holder.Buffer, 0, 8); // the mscorlib members the guard vets as allocation-free
            Array.Clear(s_buf, 8, 8);
            return s_text.Length + s_text[i & 7];
        }

        public static int CleanEnumSwitch(int i)
        {
            switch ((Color)(i % 3))
            {
                case Color.Red: return 1;
                case Color.Green: return 2;
                default: return 3;
            }
        }

        // ---- struct locals, parameters, returns, copies ----------------------------------------

        public static int StructLocal(int i)
        {
            Pair p;           // made at entry
            p.X = i;          // ldloca; stfld
            p.Y = 2;
            return p.X + p.Y; // ldloc p; ldfld: a copy per read
        }

        public static int StructLocalNeverUsed(int i)
        {
            if (i < 0)
            {
                Pair p;       // made at entry even though this path never runs
                p.X = i;
                p.Y = i;
                return ByRef(ref p);
            }

            return i;
        }

        public static int NewStructIntoLocal(int i)
        {
            Pair p = new Pair(i, 2); // ldloca p; call Pair::.ctor (no newobj)
            return ByRef(ref p);
        }

        public static int PassStructByValue(int i)
        {
            return ByValue(s_pair) + i; // ldsfld: a copy; ByValue's ldarg: another
        }

        public static int ReturnStruct(int i)
        {
            return Make(i).X; // Make returns a struct: ldloc; ret
        }

        public static int CopyInstanceStructField(int i)
        {
            Pair q = s_holder.Field; // ldfld Field: a copy
            return q.X + i;
        }

        public static int CopyStaticStructField(int i)
        {
            Pair q = s_pair; // ldsfld: a copy
            return q.Y + i;
        }

        public static int CopyArrayElement(int i)
        {
            return ByValue(s_pairs[i & 3]); // ldelem Pair: a copy
        }

        public static int CopyThroughRef(int i)
        {
            return Deref(ref s_pair) + i; // Deref: ldarg; ldobj Pair: a copy
        }

        // ---- new, box, arrays, literals, delegates ---------------------------------------------

        public static int NewStructToField(int i)
        {
            s_pair = new Pair(i, 2); // newobj Pair::.ctor
            return i;
        }

        public static int NewClass(int i)
        {
            s_obj = new Holder(); // newobj (the Holder constructor's newarr counts here too)
            return i;
        }

        public static int NewException(int i)
        {
            try
            {
                return ThrowNew(i); // newobj InvalidOperationException; throw
            }
            catch (InvalidOperationException)
            {
                return -1;
            }
        }

        public static int ThrowPreallocated(int i)
        {
            try
            {
                return ThrowStored(i); // throw of an exception made at start-up
            }
            catch (InvalidOperationException)
            {
                return -1;
            }
        }

        public static int Box(int i)
        {
            s_obj = i; // box int
            return i;
        }

        public static int BoxEnum(int i)
        {
            s_obj = Color.Green; // box Color
            return i;
        }

        public static int NewArray(int i)
        {
            byte[] b = new byte[16]; // newarr
            b[0] = (byte)i;
            return b[0];
        }

        public static int StringLiteral(int i)
        {
            string s = "a literal"; // ldstr: a new string object each time
            return s.Length + i;
        }

        public static int DelegateCreation(int i)
        {
            s_callback = new Callback(s_holder.Add); // ldftn Holder::Add; newobj Callback (an instance method group: not cached)
            return i;
        }

        public static int StringConcat(int i)
        {
            s_string = s_text + s_other; // call String::Concat
            return i;
        }

        public static int StringFormat(int i)
        {
            s_string = string.Format(s_text, s_other); // call String::Format
            return i;
        }

        public static int IntToString(int i)
        {
            s_string = i.ToString(); // call Int32::ToString
            return i;
        }

        public static int EnumGetHashCode(int i)
        {
            Color c = (Color)(i % 3);
            return c.GetHashCode(); // constrained. Color callvirt Object::GetHashCode: boxes
        }

        public static int UnvettedMscorlibCall(int i)
        {
            return BitConverter.GetBytes(i)[0]; // a new byte[] inside mscorlib: no newarr in this IL
        }

        // ---- mscorlib's value types ------------------------------------------------------------

        public static int TimeSpanLocal(int i)
        {
            TimeSpan t = s_span; // a TimeSpan local, ldsfld of a TimeSpan
            return (int)t.Ticks + i;
        }

        public static int DateTimeLocal(int i)
        {
            DateTime d = s_date; // a DateTime local, ldsfld of a DateTime
            return d.Day + i;
        }

        public static int MscorlibStructReturn(int i)
        {
            s_span = TimeSpan.FromTicks(i); // a call returning a TimeSpan by value
            return i;
        }

        public static int SpanByteFromArray(int i)
        {
            SpanByte s = s_buf; // SpanByte.op_Implicit(byte[]): newobj SpanByte in mscorlib
            return s.Length + i;
        }

        // ---- helpers the cases call ------------------------------------------------------------

        private static int ByRef(ref Pair p)
        {
            return p.X; // ldarg (a reference); ldfld: no copy
        }

        private static void Reset(ref Pair p)
        {
            p = default; // ldarg; initobj
        }

        private static int ByValue(Pair p)
        {
            return p.X; // ldarg p; ldfld: a copy
        }

        private static Pair Make(int i)
        {
            Pair p;
            p.X = i;
            p.Y = 2;
            return p; // ldloc p; ret
        }

        private static int Deref(ref Pair p)
        {
            return ByValue(p); // ldarg; ldobj Pair
        }

        private static int ThrowNew(int i)
        {
            if (i >= 0)
            {
                throw new InvalidOperationException();
            }

            return i;
        }

        private static int ThrowStored(int i)
        {
            if (i >= 0)
            {
                throw s_error;
            }

            return i;
        }
    }
}
