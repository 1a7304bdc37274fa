using System;
using EmbeddedTcp.Drivers.Enc28j60;

namespace EmbeddedTcp.Simulation.Enc28j60
{
    /// <summary>
    /// SPI cost of the real <see cref="Enc28j60Driver"/> per frame, measured on the model. For
    /// benchmarks and documentation: <c>Enc28j60SpiCost.Measure(1514, 1000)</c>.
    /// </summary>
    public sealed class Enc28j60SpiCost
    {
        /// <summary>Frame length measured (bytes without FCS).</summary>
        public int FrameLength { get; private set; }
        /// <summary>True when the driver had the INT pin.</summary>
        public bool InterruptPin { get; private set; }
        /// <summary>Transactions per received frame when it is the only one pending.</summary>
        public double ReceiveTransactions { get; private set; }
        /// <summary>SPI bytes per received frame when it is the only one pending.</summary>
        public double ReceiveBytes { get; private set; }
        /// <summary>Transactions per received frame when three are pending at a time (three full-size frames always fit beside the space the driver holds back, see Enc28j60Driver's FreeThreshold).</summary>
        public double ReceiveBurstTransactions { get; private set; }
        /// <summary>Transactions per frame sent back to back.</summary>
        public double TransmitTransactions { get; private set; }
        /// <summary>SPI bytes per frame sent back to back.</summary>
        public double TransmitBytes { get; private set; }
        /// <summary>Extra transactions per received frame with checksum offload (the DMA sum over the frame), counted apart from <see cref="ReceiveTransactions"/>.</summary>
        public double ReceiveOffloadTransactions { get; private set; }
        /// <summary>Extra transactions per sent frame with checksum offload (<see cref="Enc28j60Driver.SendWithChecksum"/>), counted apart from <see cref="TransmitTransactions"/>.</summary>
        public double TransmitOffloadTransactions { get; private set; }
        /// <summary>Transactions of one empty Receive poll followed by one Send (the stack's idle loop while sending).</summary>
        public double PollAndTransmitTransactions { get; private set; }

        /// <summary>Runs <paramref name="frames"/> frames of <paramref name="frameLength"/> bytes each way through a fresh model and driver.</summary>
        public static Enc28j60SpiCost Measure(int frameLength, int frames)
        {
            return Measure(frameLength, frames, false);
        }

        /// <summary>As <see cref="Measure(int, int)"/>, with the chip's INT pin wired to the driver when <paramref name="useInterruptPin"/>.</summary>
        public static Enc28j60SpiCost Measure(int frameLength, int frames, bool useInterruptPin)
        {
            byte[] mac = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
            var chip = new Enc28j60Model();
            var driver = new Enc28j60Driver(chip, mac, 0, useInterruptPin ? chip : null, null, chip);
            driver.ChecksumOffloadEnabled = false; // the frame path alone; the offload is measured apart below
            if (!driver.Initialize())
            {
                throw new InvalidOperationException("driver did not initialise on the model");
            }
            byte[] frame = new byte[frameLength];
            for (int i = 0; i < frame.Length; i++)
            {
                frame[i] = (byte)(i * 7);
            }

            Array.Copy(mac, frame, 6);
            byte[] rx = new byte[1514];
            byte[] wire = new byte[1536];
            var cost = new Enc28j60SpiCost { FrameLength = frameLength, InterruptPin = useInterruptPin };

            for (int i = 0; i < 3; i++) { chip.InjectFrame(frame, 0, frameLength); driver.Receive(rx, 0, rx.Length); }
            long t0 = chip.Transactions, b0 = chip.BytesTransferred;
            for (int i = 0; i < frames; i++)
            {
                chip.InjectFrame(frame, 0, frameLength);
                Expect(driver.Receive(rx, 0, rx.Length) == frameLength);
            }
            cost.ReceiveTransactions = (chip.Transactions - t0) / (double)frames;
            cost.ReceiveBytes = (chip.BytesTransferred - b0) / (double)frames;

            int bursts = Math.Max(1, frames / 3);
            t0 = chip.Transactions;
            for (int i = 0; i < bursts; i++)
            {
                for (int j = 0; j < 3; j++)
                {
                    chip.InjectFrame(frame, 0, frameLength);
                }

                for (int j = 0; j < 3; j++)
                {
                    Expect(driver.Receive(rx, 0, rx.Length) == frameLength);
                }
            }
            cost.ReceiveBurstTransactions = (chip.Transactions - t0) / (double)(bursts * 3);

            driver.Send(frame, 0, frameLength);
            chip.TryTakeTransmitted(wire, 0, out _);
            t0 = chip.Transactions; b0 = chip.BytesTransferred;
            for (int i = 0; i < frames; i++)
            {
                Expect(driver.Send(frame, 0, frameLength));
                chip.TryTakeTransmitted(wire, 0, out _);
            }
            cost.TransmitTransactions = (chip.Transactions - t0) / (double)frames;
            cost.TransmitBytes = (chip.BytesTransferred - b0) / (double)frames;

            t0 = chip.Transactions;
            for (int i = 0; i < frames; i++)
            {
                Expect(driver.Receive(rx, 0, rx.Length) == 0);
                Expect(driver.Send(frame, 0, frameLength));
                chip.TryTakeTransmitted(wire, 0, out _);
            }
            cost.PollAndTransmitTransactions = (chip.Transactions - t0) / (double)frames;

            // Checksum offload, counted apart: the same frames with the DMA checksum engine on.
            driver.ChecksumOffloadEnabled = true;
            for (int i = 0; i < 3; i++) { chip.InjectFrame(frame, 0, frameLength); driver.Receive(rx, 0, rx.Length); }
            t0 = chip.Transactions;
            for (int i = 0; i < frames; i++)
            {
                chip.InjectFrame(frame, 0, frameLength);
                Expect(driver.Receive(rx, 0, rx.Length) == frameLength);
            }
            cost.ReceiveOffloadTransactions = (chip.Transactions - t0) / (double)frames - cost.ReceiveTransactions;
            int sumStart = Math.Min(34, frameLength - 2);
            driver.SendWithChecksum(frame, 0, frameLength, sumStart, sumStart);
            chip.TryTakeTransmitted(wire, 0, out _);
            t0 = chip.Transactions;
            for (int i = 0; i < frames; i++)
            {
                Expect(driver.SendWithChecksum(frame, 0, frameLength, sumStart, sumStart));
                chip.TryTakeTransmitted(wire, 0, out _);
            }
            cost.TransmitOffloadTransactions = (chip.Transactions - t0) / (double)frames - cost.TransmitTransactions;
            return cost;
        }

        private static void Expect(bool condition)
        {
            if (!condition)
            {
                throw new InvalidOperationException("frame lost while measuring");
            }
        }

        /// <summary>The figures as text, one per line.</summary>
        public override string ToString()
        {
            return "ENC28J60 SPI cost per " + FrameLength + "-byte frame (+FCS), " + (InterruptPin ? "INT pin wired" : "no INT pin") + ":\n"
                + "  receive, one pending:     " + ReceiveTransactions.ToString("0.00") + " transactions, " + ReceiveBytes.ToString("0.0") + " bytes\n"
                + "  receive, bursts of three: " + ReceiveBurstTransactions.ToString("0.00") + " transactions\n"
                + "  transmit, back to back:   " + TransmitTransactions.ToString("0.00") + " transactions, " + TransmitBytes.ToString("0.0") + " bytes\n"
                + "  checksum offload:         +" + ReceiveOffloadTransactions.ToString("0.00") + " per received frame, +" + TransmitOffloadTransactions.ToString("0.00") + " per sent frame (DMA sum, counted apart)\n"
                + "  empty Receive + transmit: " + PollAndTransmitTransactions.ToString("0.00") + " transactions";
        }
    }
}
