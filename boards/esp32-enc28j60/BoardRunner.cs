using EmbeddedTcp.Drivers.Enc28j60;
using EmbeddedTcp.Firmware;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;

namespace EmbeddedTcp.Boards.Esp32Enc28j60
{
    /// <summary>
    /// The board's main loop, one iteration per <see cref="RunOnce"/>, with no pin or SPI code of
    /// its own: it takes the HAL objects (real adapters on the ESP32, the register-level
    /// ENC28J60 model in desktop tests), creates and initialises the <see cref="Enc28j60Driver"/>,
    /// and on each iteration reads the clock once, runs the driver's housekeeping and drains the
    /// frames the chip holds. It is mscorlib-only and allocates nothing after construction (but the bring-up frame buffer, on the first iteration without the firmware).
    /// </summary>
    /// <remarks>
    /// With <see cref="StartFirmware"/> the iteration is the firmware's: the network stack's
    /// poll (which drains the chip) and the application's turn. Without it, the runner only
    /// drains frames to <see cref="FrameHandler"/> (driver bring-up and tests).
    /// </remarks>
    public sealed class BoardRunner
    {
        /// <summary>Size of the receive frame buffer: one full-size Ethernet frame (1514 bytes, no FCS).</summary>
        public const int FrameBufferSize = Enc28j60Driver.MaxFrameLength;

        /// <summary>Default <see cref="MaxFramesPerIteration"/>.</summary>
        public const int DefaultMaxFramesPerIteration = 8;

        /// <summary>Default <see cref="IdlePollIntervalMs"/>.</summary>
        public const int DefaultIdlePollIntervalMs = 5;

        private readonly Enc28j60Driver _driver;
        private readonly IClock _clock;
        // Only the bring-up loop (no firmware) drains into it; the firmware's stack has its own
        // frame buffers. So it is made on the first bring-up iteration, not here: a board that
        // runs the firmware never spends these 1.5 KB of its heap (it was a third of what the
        // ESP32 preset leaves for the TCP rings).
        private byte[] _frame;
        private IFrameHandler _frameHandler;
        private NetworkStack _stack;
        private FirmwareApp _app;
        private long _iterations;
        private long _framesDrained;
        private long _lastNowMs;

        /// <summary>
        /// Creates the runner and its driver. Nothing is sent to the chip until
        /// <see cref="Initialize"/> or the first <see cref="RunOnce"/>.
        /// </summary>
        /// <param name="spi">The ENC28J60's SPI device (one call = one chip-select transaction).</param>
        /// <param name="macAddress">The board's 6-byte MAC address at offset 0; copied.</param>
        /// <param name="interrupt">The chip's INT line, or null when not wired.</param>
        /// <param name="resetPin">The chip's RESET line (active low), or null when not wired.</param>
        /// <param name="delay">Blocking delay for reset timing, or null.</param>
        /// <param name="clock">Monotonic millisecond clock, read once per iteration.</param>
        public BoardRunner(ISpiBus spi, byte[] macAddress, IInterruptPin interrupt, IDigitalOutput resetPin, IDelay delay, IClock clock)
        {
            _driver = new Enc28j60Driver(spi, macAddress, 0, interrupt, resetPin, delay);
            _clock = clock;
            MaxFramesPerIteration = DefaultMaxFramesPerIteration;
            IdlePollIntervalMs = DefaultIdlePollIntervalMs;
        }

        /// <summary>The ENC28J60 driver (counters, revision, link); <see cref="StartFirmware"/> gives it to the stack as its <see cref="INetworkDevice"/>.</summary>
        public Enc28j60Driver Driver { get { return _driver; } }

        /// <summary>The network device the stack is given (the driver).</summary>
        public INetworkDevice Device { get { return _driver; } }

        /// <summary>
        /// Optional receiver of drained frames when the firmware is not started (bring-up, tests).
        /// Null drops them (they are still counted).
        /// </summary>
        public IFrameHandler FrameHandler
        {
            get { return _frameHandler; }
            set { _frameHandler = value; }
        }

        /// <summary>Frames drained from the driver in one iteration at most (default 8); bounds the time one iteration takes.</summary>
        public int MaxFramesPerIteration { get; set; }

        /// <summary>
        /// Milliseconds <see cref="RunOnce"/> suggests sleeping when it found no frame (default 5).
        /// The driver polls EPKTCNT (errata: the packet interrupt is unreliable), so the INT pin
        /// does not announce received frames and this interval bounds the receive latency.
        /// </summary>
        public int IdlePollIntervalMs { get; set; }

        /// <summary>Iterations run so far.</summary>
        public long Iterations { get { return _iterations; } }

        /// <summary>Frames drained from the driver so far.</summary>
        public long FramesDrained { get { return _framesDrained; } }

        /// <summary>The clock value read by the last iteration.</summary>
        public long LastNowMs { get { return _lastNowMs; } }

        /// <summary>
        /// Resets and configures the chip now. Returns false when the chip does not answer; the
        /// loop then retries once a second by itself.
        /// </summary>
        public bool Initialize()
        {
            return _driver.Initialize();
        }

        /// <summary>
        /// Runs the firmware on this board: a <see cref="NetworkStack"/> over the driver and the
        /// <see cref="FirmwareApp"/> (echo, discard, chargen, HTTP status page) over the stack.
        /// From then on the stack drains the chip itself and <see cref="FrameHandler"/> is not used.
        /// Call once, after <see cref="Initialize"/>; everything is allocated here.
        /// </summary>
        public void StartFirmware(NetworkConfig config, FirmwareOptions options, IRandomSource random)
        {
            _stack = new NetworkStack(config, _driver, random);
            _app = new FirmwareApp(_stack, options);
        }

        /// <summary>The network stack, once <see cref="StartFirmware"/> ran (null before).</summary>
        public NetworkStack Stack { get { return _stack; } }

        /// <summary>The firmware application, once <see cref="StartFirmware"/> ran (null before).</summary>
        public FirmwareApp App { get { return _app; } }

        /// <summary>
        /// One loop iteration: reads the clock once, runs the driver's housekeeping (link, errors,
        /// watchdogs, initialisation retries) and drains up to <see cref="MaxFramesPerIteration"/>
        /// frames. Returns how many milliseconds the caller may sleep (or wait on the INT pin)
        /// before the next call: 0 when more frames may be waiting.
        /// </summary>
        public int RunOnce()
        {
            long now = _clock.NowMs;
            _lastNowMs = now;
            _iterations++;

            if (_stack != null && _driver.IsInitialized)
            {
                // The firmware: the stack polls the driver, drains its frames and runs every timer;
                // then the application has its turn. Sleep until the stack's next deadline, but wake
                // at least every IdlePollIntervalMs: the INT pin does not signal received frames (errata).
                _stack.Poll(now);
                _app.Poll(now);
                long sleep = _stack.NextDeadline() - now;
                if (sleep < 0)
                {
                    sleep = 0;
                }

                return sleep < IdlePollIntervalMs ? (int)sleep : IdlePollIntervalMs;
            }

            _driver.Poll(now);
            if (!_driver.IsInitialized)
            {
                // The driver retries initialisation once a second on Poll.
                return 1000;
            }

            if (_frame == null)
            {
                _frame = new byte[FrameBufferSize];
            }

            int drained = 0;
            while (drained < MaxFramesPerIteration)
            {
                int length = _driver.Receive(_frame, 0, _frame.Length);
                if (length <= 0)
                {
                    break;
                }
                drained++;
                _framesDrained++;
                if (_frameHandler != null)
                {
                    _frameHandler.OnFrame(_frame, 0, length, now);
                }
            }

            if (drained == MaxFramesPerIteration)
            {
                return 0;
            }
            return IdlePollIntervalMs;
        }

        /// <summary>
        /// Sends one Ethernet frame (no FCS) through the driver. Returns false when the chip
        /// could not take it. For bring-up and tests without the firmware: once
        /// <see cref="StartFirmware"/> ran, the stack sends its own frames through the driver.
        /// </summary>
        public bool SendFrame(byte[] frame, int offset, int length)
        {
            return _driver.Send(frame, offset, length);
        }
    }
}
