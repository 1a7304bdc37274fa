using System;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Simulation.Cost
{
    /// <summary>
    /// What one turn of the board's loop did, counted on the desktop (frames by kind, the
    /// application's work, SPI traffic), and what it costs on an ESP32: each count times its
    /// per-event figure measured on nanoCLR (<see cref="NanoEventCosts"/>), converted with an
    /// <see cref="Esp32CostModel"/>. The mapping (README.md beside this file):
    /// <list type="bullet">
    /// <item>every turn: <c>idle-poll</c> (stack + application, nothing to do), or <c>stack-idle-poll</c> without an application;</item>
    /// <item>TCP segment with data in: <c>tcp-rx-segment</c> − <c>stack-idle-poll</c> (it includes one ACK out, so ACKs out are not charged again);</item>
    /// <item>any other frame in (ACK, SYN, FIN, ARP, ICMP...): <c>tcp-pure-ack</c> − <c>stack-idle-poll</c>;</item>
    /// <item>TCP segment with data out: <c>tcp-tx-segment</c> (the Send that made it);</item>
    /// <item>the application's Receive of a segment: <c>tcp-receive-call</c>; a chargen chunk generated: <c>firmware-chargen-blocked</c> − the application's idle share;</item>
    /// <item>each SPI transaction: the board's SpiBusAdapter (mean of the <c>spi-*</c> phases, its stand-in's empty native counted as 1 native call instead of 1 call) plus ESP-IDF's per-transaction time; each SPI byte 8 clocks.</item>
    /// </list>
    /// The ENC28J60 driver's own IL per frame is not in the meter's figures yet (it runs over a
    /// MemoryLink there), so the CPU time is an underestimate by that much.
    /// </summary>
    public sealed class BoardTurn
    {
        /// <summary>TCP segments with payload the stack received.</summary>
        public int RxData;
        /// <summary>Other frames the stack received.</summary>
        public int RxOther;
        /// <summary>TCP segments with payload the stack sent.</summary>
        public int TxData;
        /// <summary>Other frames the stack sent (charged inside the received segment's figure).</summary>
        public int TxOther;
        /// <summary>Receive calls of the application that returned data.</summary>
        public int AppReceives;
        /// <summary>Chargen chunks the firmware generated.</summary>
        public int ChargenChunks;
        /// <summary>True when the turn ran an application after the stack's Poll.</summary>
        public bool WithApp;
        /// <summary>SPI bytes clocked during the turn.</summary>
        public long SpiBytes;
        /// <summary>SPI transactions during the turn.</summary>
        public long SpiTransactions;

        /// <summary>Forgets the counts.</summary>
        public void Clear()
        {
            RxData = RxOther = TxData = TxOther = AppReceives = ChargenChunks = 0;
            WithApp = false;
            SpiBytes = SpiTransactions = 0;
        }

        /// <summary>CPU time of the turn's interpreted work on <paramref name="model"/>, ns (SPI waits excluded).</summary>
        public double CpuNs(Esp32CostModel model)
        {
            if (model == null)
            {
                return 0;
            }

            NanoEventCost stackIdle = NanoEventCosts.Get("stack-idle-poll");
            NanoEventCost idle = NanoEventCosts.Get("idle-poll");
            double il = 0, calls = 0, ncalls = 0;
            void Add(NanoEventCost e, double times, NanoEventCost minus = null)
            {
                if (times == 0)
                {
                    return;
                }

                il += times * (e.Il - (minus?.Il ?? 0));
                calls += times * (e.Calls - (minus?.Calls ?? 0));
                ncalls += times * (e.NativeCalls - (minus?.NativeCalls ?? 0));
            }

            Add(WithApp ? idle : stackIdle, 1);
            Add(NanoEventCosts.Get("tcp-rx-segment"), RxData, stackIdle);
            Add(NanoEventCosts.Get("tcp-pure-ack"), RxOther, stackIdle);
            Add(NanoEventCosts.Get("tcp-tx-segment"), TxData);
            Add(NanoEventCosts.Get("tcp-receive-call"), AppReceives);
            if (ChargenChunks > 0)
            {
                // firmware-chargen-blocked is FirmwareApp.Poll alone: take out its idle share (idle-poll − stack-idle-poll).
                var appIdle = new NanoEventCost { Il = idle.Il - stackIdle.Il, Calls = idle.Calls - stackIdle.Calls, NativeCalls = idle.NativeCalls - stackIdle.NativeCalls };
                Add(NanoEventCosts.Get("firmware-chargen-blocked"), ChargenChunks, appIdle);
            }

            NanoEventCost spi = SpiTransactionCost;
            Add(spi, SpiTransactions);
            return model.CpuNs(il, calls, ncalls);
        }

        /// <summary>SPI time of the turn on <paramref name="model"/>, ns.</summary>
        public double SpiNs(Esp32CostModel model) => model == null ? 0 : model.SpiNs(SpiBytes, SpiTransactions);

        /// <summary>
        /// The board's SpiBusAdapter per ISpiBus call on nanoCLR: the mean of the four spi-* phases,
        /// with the stand-in's empty managed NativeTransfer (1 call) counted as the library's native call.
        /// </summary>
        public static NanoEventCost SpiTransactionCost
        {
            get
            {
                string[] phases = { "spi-register-write", "spi-register-read", "spi-buffer-read", "spi-buffer-write" };
                var c = new NanoEventCost();
                foreach (string p in phases)
                {
                    NanoEventCost e = NanoEventCosts.Get(p);
                    c.Il += e.Il / phases.Length;
                    c.Calls += e.Calls / phases.Length;
                    c.NativeCalls += e.NativeCalls / phases.Length;
                }

                c.Il -= 1; // the stand-in's empty NativeTransfer runs a ret
                c.Calls -= 1;
                c.NativeCalls += 1;
                return c;
            }
        }

        /// <summary>Counts a frame the stack received (<paramref name="inbound"/>) or sent, by kind.</summary>
        public void CountFrame(byte[] frame, int offset, int length, bool inbound)
        {
            bool data = IsTcpWithPayload(frame, offset, length);
            if (inbound)
            {
                if (data)
                {
                    RxData++;
                }
                else
                {
                    RxOther++;
                }
            }
            else
            {
                if (data)
                {
                    TxData++;
                }
                else
                {
                    TxOther++;
                }
            }
        }

        /// <summary>True for an Ethernet II / IPv4 / TCP frame whose segment carries payload.</summary>
        public static bool IsTcpWithPayload(byte[] f, int o, int n)
        {
            if (n < 14 + 20 + 20 || f[o + 12] != 0x08 || f[o + 13] != 0x00)
            {
                return false;
            }

            int ip = o + 14;
            if ((f[ip] >> 4) != 4 || f[ip + 9] != 6)
            {
                return false;
            }

            int ihl = (f[ip] & 0x0F) * 4;
            int total = (f[ip + 2] << 8) | f[ip + 3];
            if (ihl < 20 || ip + ihl + 20 > o + n)
            {
                return false;
            }

            int thl = (f[ip + ihl + 12] >> 4) * 4;
            return total - ihl - thl > 0;
        }
    }
}
