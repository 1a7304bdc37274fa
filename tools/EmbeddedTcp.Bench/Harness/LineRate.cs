using System;
using EmbeddedTcp.Drivers.Enc28j60;
using EmbeddedTcp.Hal;
using EmbeddedTcp.Ip;
using EmbeddedTcp.Simulation;
using EmbeddedTcp.Simulation.Cost;
using EmbeddedTcp.Simulation.Enc28j60;
using EmbeddedTcp.Tcp;

namespace EmbeddedTcp.Bench.Harness
{
    /// <summary>Goodput through the ENC28J60 model in simulated time.</summary>
    public sealed class LineRateResult
    {
        /// <summary>Goodput, Mbit/s (10^6 bits of payload per simulated second).</summary>
        public double GoodputMbps;
        /// <summary><see cref="GoodputMbps"/> as a fraction of <see cref="LineRate.TcpLimitMbps"/>.</summary>
        public double Fraction;
        /// <summary>Share of simulated time the board spent on SPI.</summary>
        public double SpiBusyShare;
        /// <summary>Frames the chip dropped because its receive buffer was full.</summary>
        public long ChipDrops;
        /// <summary>Retransmissions by either stack during the measurement.</summary>
        public long Retransmissions;
        /// <summary>Share of simulated time the board's modelled CPU spent interpreting (0 without a model).</summary>
        public double CpuShare;
    }

    /// <summary>
    /// The board chain in simulated time: NetworkStack → Enc28j60Driver → Enc28j60Model ↔ a
    /// SimulatedPort of a SimulatedSwitch ↔ the peer's port and NetworkStack. The board is busy
    /// for (SPI bytes × 8 / SPI clock) after each of its turns and cannot run again before that;
    /// frames it wrote leave for the wire when its turn ends; the chip takes frames from the wire
    /// when they arrive, busy or not. With an <see cref="Esp32CostModel"/> a turn costs its modelled
    /// ESP32 time instead (IL, calls and SPI transfers, <see cref="BoardTurn"/>: the stack's Poll and
    /// the bench's Send or Receive); without, only its SPI bytes.
    /// </summary>
    public static class LineRate
    {
        /// <summary>1460/1538 × 10 Mbit/s: TCP payload per full frame on 10BASE-T (preamble, FCS and gap included).</summary>
        public const double TcpLimitMbps = 1460.0 / 1538.0 * 10.0;

        /// <summary>
        /// Bulk transfer of <paramref name="bytes"/> (after a 256 KiB warm-up), board → peer when
        /// <paramref name="boardSends"/>, else peer → board. Default configurations on both stacks.
        /// </summary>
        public static LineRateResult Run(bool boardSends, long bytes = 2 << 20, long spiHz = 20000000, long wireBitsPerSecond = 10000000, Esp32CostModel cpu = null)
        {
            byte[] boardMac = { 2, 0, 0, 0, 0, 1 };
            byte[] peerMac = { 2, 0, 0, 0, 0, 2 };
            var clock = new VirtualClock();
            var net = new SimulatedSwitch(clock, new LinkOptions { BitsPerSecond = wireBitsPerSecond });
            SimulatedPort boardPort = net.AddPort(boardMac, 64);
            SimulatedPort peerPort = net.AddPort(peerMac, 64);
            var chip = new Enc28j60Model();
            var driver = new Enc28j60Driver(chip, boardMac, 0, chip, null, chip);
            if (!driver.Initialize())
            {
                throw new InvalidOperationException("driver did not initialise on the model");
            }

            var boardConfig = new NetworkConfig { Address = StackPair.IpA };
            var peerConfig = new NetworkConfig { Address = StackPair.IpB };
            var counter = new TurnCountingDevice(driver);
            var board = new NetworkStack(boardConfig, counter, new SeededRandom(1));
            var peer = new NetworkStack(peerConfig, peerPort, new SeededRandom(2));

            NetworkStack sender = boardSends ? board : peer;
            NetworkStack receiver = boardSends ? peer : board;
            int listener = receiver.Tcp.Listen(0, 9, 2);
            int tx = sender.Tcp.Connect(sender.Address, receiver.Address, 9, 0);
            int rx = 0;

            var source = new byte[4096];
            var sink = new byte[4096];
            var frame = new byte[1536];
            var pending = new byte[16][];
            var pendingLength = new int[16];
            for (int i = 0; i < pending.Length; i++)
            {
                pending[i] = new byte[1536];
            }

            int pendingCount = 0;
            long releaseNs = 0;
            long boardFreeNs = 0;
            long spiBusyNs = 0;
            long received = 0;
            long warmup = 256 << 10;
            long startNs = -1, startBusy = 0, startDrops = 0, startRetx = 0;
            double cpuNs = 0, startCpu = 0;
            long spiPerByteNs100 = 8L * 1000000000L * 100 / spiHz; // hundredths of ns per SPI byte

            for (long guard = 0; guard < 100000000 && received < warmup + bytes; guard++)
            {
                long now = clock.NowNs;
                net.DeliverDue();
                int len;
                while ((len = boardPort.Receive(frame, 0, frame.Length)) > 0)
                {
                    chip.InjectFrame(frame, 0, len);
                }

                if (pendingCount > 0 && now >= releaseNs)
                {
                    for (int i = 0; i < pendingCount; i++)
                    {
                        boardPort.Send(pending[i], 0, pendingLength[i]);
                    }

                    pendingCount = 0;
                }

                long boardDue = chip.PacketCount > 0 ? now : board.NextDeadline() * VirtualClock.NanosecondsPerMillisecond;
                if (now >= boardFreeNs && now >= boardDue)
                {
                    long b0 = chip.BytesTransferred, t0 = chip.Transactions;
                    counter.Turn.Clear();
                    board.Poll(clock.NowMs);

                    if (boardSends)
                    {
                        if (tx > 0 && board.Tcp.GetState(tx) == TcpState.Established)
                        {
                            board.Tcp.Send(tx, source, 0, source.Length);
                        }
                    }
                    else
                    {
                        received += Drain(board, listener, ref rx, sink);
                    }

                    long busy = (chip.BytesTransferred - b0) * spiPerByteNs100 / 100;
                    spiBusyNs += busy;
                    if (cpu != null)
                    {
                        BoardTurn turn = counter.Turn;
                        turn.AppReceives = boardSends ? 0 : turn.RxData;
                        turn.SpiBytes = chip.BytesTransferred - b0;
                        turn.SpiTransactions = chip.Transactions - t0;
                        double c = turn.CpuNs(cpu);
                        cpuNs += c;
                        busy = (long)Math.Ceiling(c + turn.SpiNs(cpu));
                    }

                    boardFreeNs = now + busy;
                    while (pendingCount < pending.Length && chip.TryTakeTransmitted(pending[pendingCount], 0, out len))
                    {
                        pendingLength[pendingCount++] = len;
                    }

                    releaseNs = boardFreeNs;
                }

                // the peer is a fast host: it polls at every event
                peer.Poll(clock.NowMs);

                if (!boardSends)
                {
                    if (tx > 0 && peer.Tcp.GetState(tx) == TcpState.Established)
                    {
                        peer.Tcp.Send(tx, source, 0, source.Length);
                    }
                }
                else
                {
                    received += Drain(peer, listener, ref rx, sink);
                }

                if (startNs < 0 && received >= warmup)
                {
                    startNs = clock.NowNs;
                    received = warmup;
                    startBusy = spiBusyNs;
                    startCpu = cpuNs;
                    startDrops = chip.FramesDroppedFull;
                    startRetx = board.Tcp.Counters.Retransmissions + peer.Tcp.Counters.Retransmissions;
                }

                // next event: a delivery, the board's release of written frames, the board becoming
                // free with work waiting, or a stack deadline
                long next = net.NextDeliveryNs;
                if (pendingCount > 0)
                {
                    next = Math.Min(next, Math.Max(releaseNs, now + 1));
                }

                long boardNext = chip.PacketCount > 0 ? now : board.NextDeadline() * VirtualClock.NanosecondsPerMillisecond;
                boardNext = Math.Max(boardNext, boardFreeNs);
                if (boardNext <= now)
                {
                    boardNext = now + 1;
                }

                next = Math.Min(next, boardNext);
                long peerNext = peer.NextDeadline() * VirtualClock.NanosecondsPerMillisecond;
                if (peerNext <= now)
                {
                    peerNext = now + 1;
                }

                next = Math.Min(next, peerNext);
                if (next > now)
                {
                    clock.AdvanceTo(next);
                }
            }

            if (received < warmup + bytes)
            {
                throw new InvalidOperationException("line-rate transfer stalled at " + received + " bytes");
            }

            double seconds = (clock.NowNs - startNs) / 1e9;
            var result = new LineRateResult();
            result.GoodputMbps = bytes * 8 / seconds / 1e6;
            result.Fraction = result.GoodputMbps / TcpLimitMbps;
            result.SpiBusyShare = (spiBusyNs - startBusy) / 1e9 / seconds;
            result.ChipDrops = chip.FramesDroppedFull - startDrops;
            result.CpuShare = (cpuNs - startCpu) / 1e9 / seconds;
            result.Retransmissions = board.Tcp.Counters.Retransmissions + peer.Tcp.Counters.Retransmissions - startRetx;
            return result;
        }

        private static long Drain(NetworkStack stack, int listener, ref int handle, byte[] sink)
        {
            if (handle <= 0)
            {
                handle = stack.Tcp.Accept(listener);
                if (handle <= 0)
                {
                    return 0;
                }
            }

            long total = 0;
            int n;
            while ((n = stack.Tcp.Receive(handle, sink, 0, sink.Length)) > 0)
            {
                total += n;
            }

            return total;
        }

        /// <summary>SPI cost per full-size frame, INT pin wired (the board's wiring).</summary>
        public static Enc28j60SpiCost SpiCost()
        {
            return Enc28j60SpiCost.Measure(1514, 1000, true);
        }
    }
}
