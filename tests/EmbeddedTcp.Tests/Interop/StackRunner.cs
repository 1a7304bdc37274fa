using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation;

namespace EmbeddedTcp.Tests.Interop
{
    /// <summary>Something the poll loop drives after each stack poll (a service, a client).</summary>
    public interface IPollable
    {
        void Poll(NetworkStack stack, long nowMs);
    }

    /// <summary>
    /// Runs a <see cref="NetworkStack"/> on a TAP in real time on a background thread: poll,
    /// then every <see cref="IPollable"/>, then wait for a frame (at most 1 ms). The stack is
    /// single-threaded; the test touches it only inside <see cref="Do"/> (under the same lock).
    /// Time is test-side: a Stopwatch in ms.
    /// </summary>
    public sealed class StackRunner : IDisposable
    {
        private readonly NetworkStack _stack;
        private readonly TapDevice _tap;
        private readonly object _gate = new object();
        private readonly List<IPollable> _pollables = new List<IPollable>();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Thread _thread;
        private volatile bool _stop;
        public Exception Failure { get; private set; }
        public long Polls { get; private set; }

        public StackRunner(NetworkStack stack, TapDevice tap)
        {
            _stack = stack;
            _tap = tap;
            _thread = new Thread(Loop) { IsBackground = true, Name = "stack-runner" };
            _thread.Start();
        }

        public long NowMs => _clock.ElapsedMilliseconds;

        public void Add(IPollable p)
        {
            lock (_gate)
            {
                _pollables.Add(p);
            }
        }

        public void Remove(IPollable p)
        {
            lock (_gate)
            {
                _pollables.Remove(p);
            }
        }

        /// <summary>Runs <paramref name="action"/> on the stack under the poll lock.</summary>
        public T Do<T>(Func<NetworkStack, T> action)
        {
            lock (_gate)
            {
                T r = action(_stack);
                _stack.Poll(_clock.ElapsedMilliseconds);
                return r;
            }
        }

        /// <summary>Waits (bounded) until <paramref name="done"/> holds, evaluated under the lock. Rethrows a poll-loop failure.</summary>
        public bool WaitUntil(Func<NetworkStack, bool> done, int timeoutMs)
        {
            var sw = Stopwatch.StartNew();
            while (true)
            {
                if (Failure != null)
                {
                    throw new InvalidOperationException("poll loop failed", Failure);
                }

                lock (_gate)
                {
                    if (done(_stack))
                    {
                        return true;
                    }
                }
                if (sw.ElapsedMilliseconds > timeoutMs)
                {
                    return false;
                }

                Thread.Sleep(2);
            }
        }

        private void Loop()
        {
            try
            {
                while (!_stop)
                {
                    lock (_gate)
                    {
                        long now = _clock.ElapsedMilliseconds;
                        _stack.Poll(now);
                        for (int i = 0; i < _pollables.Count; i++)
                        {
                            _pollables[i].Poll(_stack, now);
                        }

                        Polls++;
                    }
                    _tap.WaitForFrame(1);
                }
            }
            catch (Exception e)
            {
                Failure = e;
            }
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join(5000);
        }
    }
}
