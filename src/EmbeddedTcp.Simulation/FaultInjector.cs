using System;

namespace EmbeddedTcp.Simulation
{
    /// <summary>
    /// Seeded, deterministic fault injection for one direction of one link: loss, duplication,
    /// reordering, corruption, delay and jitter. Frames go in through <see cref="Process"/> and
    /// come out (0, 1, 2 or 3 of them) through an <see cref="IFrameSink"/>. Every frame draws
    /// the same number of random values whatever happens to it, so the same seed and the same
    /// input give the same output byte for byte, and changing one rate does not reshuffle the
    /// others' decisions. Allocation-free after construction.
    /// An injector is used by one link direction only (it keeps a scratch frame and a held
    /// frame); give each direction its own instance and seed.
    /// Used inside <see cref="SimulatedWire"/> (see <see cref="SimulatedPort.TransmitFaults"/>)
    /// or around any device through <see cref="FaultInjectingDevice"/>.
    /// </summary>
    public sealed class FaultInjector
    {
        private readonly Pcg32 _random;
        private readonly byte[] _scratch;
        private readonly byte[] _held;
        private int _heldLength;
        private long _heldDelayNs;
        private bool _holding;
        private ulong _lossThreshold, _duplicateThreshold, _reorderThreshold, _corruptThreshold;
        private long _delayNs, _jitterNs;
        private int _corruptFrom;

        /// <summary>Creates an injector with its own generator seeded by <paramref name="seed"/>.</summary>
        public FaultInjector(ulong seed, FaultOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);

            _random = new Pcg32(seed);
            _scratch = new byte[options.MaxFrameLength];
            _held = new byte[options.MaxFrameLength];
            Seed = seed;
            Configure(options);
        }

        /// <summary>The seed this injector was created with.</summary>
        public ulong Seed { get; }

        /// <summary>Frames offered to the injector.</summary>
        public long FramesIn { get; private set; }
        /// <summary>Frames handed to a sink (duplicates counted twice).</summary>
        public long FramesOut { get; private set; }
        /// <summary>Frames dropped on purpose.</summary>
        public long Dropped { get; private set; }
        /// <summary>Frames delivered an extra time.</summary>
        public long Duplicated { get; private set; }
        /// <summary>Frames held back and delivered after a later frame.</summary>
        public long Reordered { get; private set; }
        /// <summary>Frames with one bit flipped.</summary>
        public long Corrupted { get; private set; }
        /// <summary>Frames given a non-zero extra delay.</summary>
        public long Delayed { get; private set; }
        /// <summary>Frames longer than <see cref="FaultOptions.MaxFrameLength"/>, passed through untouched.</summary>
        public long Oversized { get; private set; }

        /// <summary>Changes the rates and delays; the generator's state carries on.</summary>
        public void Configure(FaultOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);

            if (options.DelayNs < 0 || options.JitterNs < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(options), "delays must be >= 0");
            }

            _lossThreshold = Pcg32.Threshold(options.LossRate);
            _duplicateThreshold = Pcg32.Threshold(options.DuplicateRate);
            _reorderThreshold = Pcg32.Threshold(options.ReorderRate);
            _corruptThreshold = Pcg32.Threshold(options.CorruptRate);
            _delayNs = options.DelayNs;
            _jitterNs = options.JitterNs;
            _corruptFrom = options.CorruptFromOffset < 0 ? 0 : options.CorruptFromOffset;
        }

        /// <summary>
        /// Offers one frame. The frame passed in is never modified; corrupted copies are made in
        /// the injector's scratch buffer. Frames that come out are handed to
        /// <paramref name="sink"/> before this method returns (a held frame comes out after the
        /// next frame that is not dropped or held itself).
        /// </summary>
        public void Process(byte[] frame, int offset, int length, IFrameSink sink)
        {
            FramesIn++;
            // Fixed draws per frame: loss, corrupt, corrupt position, duplicate, reorder, jitter.
            uint rLoss = _random.NextUInt32();
            uint rCorrupt = _random.NextUInt32();
            ulong rBit = _random.NextUInt64();
            uint rDuplicate = _random.NextUInt32();
            uint rReorder = _random.NextUInt32();
            ulong rJitter = _random.NextUInt64();

            if (length > _scratch.Length)
            {
                Oversized++;
                FramesOut++;
                sink.Accept(frame, offset, length, 0);
                return;
            }
            if (rLoss < _lossThreshold)
            {
                Dropped++;
                return;
            }

            byte[] outFrame = frame;
            int outOffset = offset;
            if (rCorrupt < _corruptThreshold && length > 0)
            {
                Array.Copy(frame, offset, _scratch, 0, length);
                int from = _corruptFrom < length ? _corruptFrom : 0;
                long bitCount = (long)(length - from) * 8;
                long bit = (long)(rBit % (ulong)bitCount) + (long)from * 8;
                _scratch[bit >> 3] ^= (byte)(1 << (int)(bit & 7));
                outFrame = _scratch;
                outOffset = 0;
                Corrupted++;
            }

            long delay = _delayNs;
            if (_jitterNs > 0)
            {
                delay += (long)(rJitter % (ulong)(_jitterNs + 1));
            }

            if (delay > 0)
            {
                Delayed++;
            }

            if (rReorder < _reorderThreshold && !_holding)
            {
                Array.Copy(outFrame, outOffset, _held, 0, length);
                _heldLength = length;
                _heldDelayNs = delay;
                _holding = true;
                Reordered++;
                return;
            }

            FramesOut++;
            sink.Accept(outFrame, outOffset, length, delay);
            if (rDuplicate < _duplicateThreshold)
            {
                Duplicated++;
                FramesOut++;
                sink.Accept(outFrame, outOffset, length, delay);
            }
            if (_holding)
            {
                _holding = false;
                FramesOut++;
                sink.Accept(_held, 0, _heldLength, _heldDelayNs);
            }
        }

        /// <summary>Hands a held frame (if any) to <paramref name="sink"/> now.</summary>
        public void Flush(IFrameSink sink)
        {
            if (!_holding)
            {
                return;
            }

            _holding = false;
            FramesOut++;
            sink.Accept(_held, 0, _heldLength, _heldDelayNs);
        }
    }
}
