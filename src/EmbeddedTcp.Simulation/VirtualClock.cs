using System;

namespace EmbeddedTcp.Simulation
{
    /// <summary>
    /// The simulation's only notion of time: a monotonic counter in nanoseconds that the
    /// simulation loop advances explicitly. Nothing in the simulation reads the wall clock, so
    /// a run is reproducible. The stack sees <see cref="NowMs"/>; the wire works in
    /// nanoseconds because a minimum-size frame at 10 Mbit/s takes 67.2 µs.
    /// </summary>
    public sealed class VirtualClock
    {
        /// <summary>Nanoseconds in one millisecond.</summary>
        public const long NanosecondsPerMillisecond = 1_000_000;

        /// <summary>Creates a clock reading <paramref name="startNs"/> nanoseconds (default 0).</summary>
        public VirtualClock(long startNs = 0)
        {
            if (startNs < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(startNs), "start time must be >= 0");
            }

            NowNs = startNs;
        }

        /// <summary>Current virtual time in nanoseconds.</summary>
        public long NowNs { get; private set; }

        /// <summary>Current virtual time in whole milliseconds (what the stack's Poll takes).</summary>
        public long NowMs => NowNs / NanosecondsPerMillisecond;

        /// <summary>
        /// Moves the clock to <paramref name="timeNs"/>. A time in the past is ignored: the clock
        /// never runs backwards, so a loop may pass a deadline that is already due.
        /// </summary>
        public void AdvanceTo(long timeNs)
        {
            if (timeNs > NowNs)
            {
                NowNs = timeNs;
            }
        }

        /// <summary>Moves the clock forward by <paramref name="deltaNs"/> nanoseconds (must be >= 0).</summary>
        public void AdvanceBy(long deltaNs)
        {
            if (deltaNs < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(deltaNs), "the clock cannot run backwards");
            }

            NowNs += deltaNs;
        }

        /// <summary>Moves the clock forward by <paramref name="deltaMs"/> milliseconds (must be >= 0).</summary>
        public void AdvanceMs(long deltaMs) => AdvanceBy(deltaMs * NanosecondsPerMillisecond);
    }
}
