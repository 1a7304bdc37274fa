using System;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Simulation.Cost
{
    /// <summary>Counts the frames between a stack and its device into a <see cref="BoardTurn"/>.</summary>
    public sealed class TurnCountingDevice : INetworkDevice
    {
        private readonly INetworkDevice _inner;

        /// <summary>Wraps <paramref name="inner"/>; frames are counted into <see cref="Turn"/>.</summary>
        public TurnCountingDevice(INetworkDevice inner)
        {
            _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        }

        /// <summary>The counts of the current turn (the caller clears them).</summary>
        public BoardTurn Turn { get; } = new BoardTurn();

        /// <inheritdoc />
        public bool LinkUp => _inner.LinkUp;

        /// <inheritdoc />
        public void GetMacAddress(byte[] destination, int offset) => _inner.GetMacAddress(destination, offset);

        /// <inheritdoc />
        public void Poll(long nowMs) => _inner.Poll(nowMs);

        /// <inheritdoc />
        public int Receive(byte[] buffer, int offset, int capacity)
        {
            int n = _inner.Receive(buffer, offset, capacity);
            if (n > 0)
            {
                Turn.CountFrame(buffer, offset, n, true);
            }

            return n;
        }

        /// <inheritdoc />
        public bool Send(byte[] frame, int offset, int length)
        {
            bool ok = _inner.Send(frame, offset, length);
            if (ok)
            {
                Turn.CountFrame(frame, offset, length, false);
            }

            return ok;
        }
    }
}
