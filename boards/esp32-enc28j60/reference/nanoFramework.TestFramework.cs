// Declarations only, from nanoframework/nanoFramework.TestFramework (TestFramework.cs,
// Assertions/Assert.*.cs, OutputHelper.cs); the non-generic subset the device tests use.
// Never shipped.
namespace nanoFramework.TestFramework
{
    [System.AttributeUsage(System.AttributeTargets.Class)]
    public class TestClassAttribute : System.Attribute
    {
    }

    [System.AttributeUsage(System.AttributeTargets.Method)]
    public class TestMethodAttribute : System.Attribute
    {
    }

    [System.AttributeUsage(System.AttributeTargets.Method)]
    public class SetupAttribute : System.Attribute
    {
    }

    [System.AttributeUsage(System.AttributeTargets.Method)]
    public class CleanupAttribute : System.Attribute
    {
    }

    public sealed class Assert
    {
        private Assert() { }
        public static void IsTrue(bool condition, string message) { throw null; }
        public static void IsFalse(bool condition, string message) { throw null; }
        public static void AreEqual(int expected, int actual, string message) { throw null; }
        public static void AreEqual(long expected, long actual, string message) { throw null; }
        public static void IsNotNull(object value, string message) { throw null; }
        public static void Fail(string message) { throw null; }
        public static void SkipTest(string message) { throw null; }
    }

    public static class OutputHelper
    {
        public static void WriteLine(string message) { throw null; }
    }
}
