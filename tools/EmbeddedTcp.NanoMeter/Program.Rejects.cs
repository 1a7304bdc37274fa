using System;
using System.Device.Gpio;
using System.Device.Spi;
using System.Diagnostics;
using EmbeddedTcp.Boards.Esp32Enc28j60;
using EmbeddedTcp.Drivers.Enc28j60;
using EmbeddedTcp.NanoSupport;

namespace EmbeddedTcp.NanoMeter
{
    /// <summary>Rejected input, crafted from a captured segment; the board's SPI adapter.</summary>
    public static partial class Program
    {
        private const int KindTcpChecksum = 0;
        private const int KindIpChecksum = 1;
        private const int KindTruncatedIp = 2;
        private const int KindTruncatedTcp = 3;
        private const int KindUnknownProtocol = 4;
        private const int KindOutOfWindow = 5;
        private const int KindRst = 6;
        private const int KindSyn = 7;

        private static readonly byte[] s_template = new byte[MemoryLink.MaxFrame];
        private static int s_templateLength;

        private static void RejectScenarios()
        {
            NextScenario();

            // A 1-byte segment of the host's, captured on its way: the template. The board takes
            // it for real; RCV.NXT is then its sequence number + 1.
            CheckEqual(1, s_host.Tcp.Send(s_hostConn, s_data, 0, 1), "reject: template send");
            CheckEqual(1, ToBoard, "reject: template waiting");
            s_templateLength = s_link.A.CopyWaiting(0, s_template, 0);
            Check(s_templateLength >= 55 && s_template[FrameBytes.IpProtocol] == 6 && FrameBytes.IpHeaderLength(s_template) == 20, "reject: the template is TCP");
            Settle();
            CheckEqual(1, s_board.Tcp.Receive(s_conn, s_in, 0, 16), "reject: template delivered");
            Settle();

            Reject(KindTcpChecksum, Ph.RejectTcpChecksum, 0);
            Reject(KindIpChecksum, Ph.RejectIpChecksum, 0);
            Reject(KindTruncatedIp, Ph.RejectTruncatedIp, 0);
            Reject(KindTruncatedTcp, Ph.RejectTruncatedTcp, 0);
            Reject(KindUnknownProtocol, Ph.RejectUnknownProtocol, 1); // ICMP protocol unreachable
            Reject(KindOutOfWindow, Ph.RejectOutOfWindow, 1); // an ACK (RFC 9293 3.10.7.4)
            s_now += 1100; // a fresh second for the challenge ACK limit
            Reject(KindRst, Ph.RejectRstChallenge, 1); // challenge ACK (RFC 5961 3.2)
            s_now += 1100;
            Reject(KindSyn, Ph.RejectSynChallenge, 1); // challenge ACK (RFC 5961 4.2)
        }

        /// <summary>Four crafted frames of one kind, each alone in the board's Poll; <paramref name="answers"/> frames expected out.</summary>
        private static void Reject(int kind, string phase, int answers)
        {
            uint rcvNxt = FrameBytes.ReadU32(s_template, FrameBytes.TcpSeq) + 1;
            for (int r = 0; r < 4; r++)
            {
                int length = Craft(kind, rcvNxt);
                s_link.A.Inject(s_craft, 0, length);

                Debug.WriteLine(phase);
                s_board.Poll(s_now);
                Debug.WriteLine(Ph.None);
                Event(phase);

                CheckEqual(0, ToBoard, "reject: taken");
                CheckEqual(answers, FromBoard, "reject: frames answered (" + phase + ")");
                CheckEqual(0, s_board.Tcp.BytesToRead(s_conn), "reject: no data accepted");
                Settle();
            }

            CheckEqual((long)EmbeddedTcp.Tcp.TcpState.Established, (long)s_board.Tcp.GetState(s_conn), "reject: the connection is unharmed");
        }

        private static int Craft(int kind, uint rcvNxt)
        {
            Array.Copy(s_template, 0, s_craft, 0, s_templateLength);
            int length = s_templateLength;
            switch (kind)
            {
                case KindTcpChecksum:
                    s_craft[FrameBytes.TcpChecksum] ^= 0x5A;
                    break;
                case KindIpChecksum:
                    s_craft[FrameBytes.IpChecksum] ^= 0x5A;
                    break;
                case KindTruncatedIp:
                    length = FrameBytes.Ip + 19; // the frame ends inside the IPv4 header
                    break;
                case KindTruncatedTcp:
                    FrameBytes.WriteU16(s_craft, FrameBytes.IpTotalLength, 20 + 12); // 12 bytes of TCP header
                    FrameBytes.FixIpChecksum(s_craft);
                    break;
                case KindUnknownProtocol:
                    s_craft[FrameBytes.IpProtocol] = 253; // RFC 3692 experimental
                    FrameBytes.FixIpChecksum(s_craft);
                    break;
                case KindOutOfWindow:
                    FrameBytes.WriteU32(s_craft, FrameBytes.TcpSeq, rcvNxt + 0x20000000);
                    FrameBytes.FixTcpChecksum(s_craft);
                    break;
                case KindRst:
                    FrameBytes.WriteU16(s_craft, FrameBytes.IpTotalLength, 40);
                    s_craft[FrameBytes.TcpFlags] = 0x14; // RST, ACK
                    FrameBytes.WriteU32(s_craft, FrameBytes.TcpSeq, rcvNxt + 100); // in the window, not RCV.NXT
                    FrameBytes.FixIpChecksum(s_craft);
                    FrameBytes.FixTcpChecksum(s_craft);
                    break;
                case KindSyn:
                    FrameBytes.WriteU16(s_craft, FrameBytes.IpTotalLength, 40);
                    s_craft[FrameBytes.TcpFlags] = 0x02; // SYN on an established connection
                    FrameBytes.WriteU32(s_craft, FrameBytes.TcpSeq, rcvNxt);
                    FrameBytes.FixIpChecksum(s_craft);
                    FrameBytes.FixTcpChecksum(s_craft);
                    break;
            }

            return length;
        }

        // ------------------------------------------------------------------ SPI adapter

        private static readonly byte[] s_spiCommand = new byte[3];
        private static readonly byte[] s_spiReply = new byte[2];
        private static readonly byte[] s_spiFrame = new byte[1514];
        private static SpiBusAdapter s_spi;

        /// <summary>
        /// The board's SpiBusAdapter (boards/esp32-enc28j60/Adapters) compiled against the SpiDevice
        /// and GpioPin stand-ins (SpiStandIn/), per ISpiBus call as the ENC28J60 driver makes them:
        /// a register write (2 bytes out), a register read (1 out, 1 in), a buffer read (1 out, a
        /// frame in), a buffer write (2 header bytes and a frame out).
        /// </summary>
        private static void SpiScenarios()
        {
            if (s_spi == null)
            {
                s_spi = new SpiBusAdapter(SpiDevice.Create(new SpiConnectionSettings(1, -1)), new GpioPin(5));
            }

            for (int r = 0; r < Rounds; r++)
            {
                Debug.WriteLine(Ph.SpiRegisterWrite);
                s_spi.Transfer(s_spiCommand, 0, 2, null, 0, 0);
                Debug.WriteLine(Ph.None);
                Event(Ph.SpiRegisterWrite);

                Debug.WriteLine(Ph.SpiRegisterRead);
                s_spi.Transfer(s_spiCommand, 0, 1, s_spiReply, 0, 1);
                Debug.WriteLine(Ph.None);
                Event(Ph.SpiRegisterRead);

                Debug.WriteLine(Ph.SpiBufferRead);
                s_spi.Transfer(s_spiCommand, 0, 1, s_spiFrame, 0, s_spiFrame.Length);
                Debug.WriteLine(Ph.None);
                Event(Ph.SpiBufferRead);

                Debug.WriteLine(Ph.SpiBufferWrite);
                s_spi.Write(s_spiCommand, 0, 2, s_spiFrame, 0, s_spiFrame.Length);
                Debug.WriteLine(Ph.None);
                Event(Ph.SpiBufferWrite);
            }
        }

        // ------------------------------------------------------------------ ENC28J60 driver

        private static readonly byte[] s_driverMac = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
        private static Enc28j60Driver s_driver;

        /// <summary>
        /// driver-rx, driver-tx: the real Enc28j60Driver (frame path, checksum offload off) over
        /// <see cref="ChipStandIn"/>, a chip with one full-size frame always pending and every
        /// transmission complete: Receive of one 1514-byte frame, Send of one. The stand-in's own IL
        /// (a few dozen per transaction) is charged too; the SPI adapter's is in the spi-* phases.
        /// </summary>
        private static void DriverScenarios()
        {
            if (s_driver == null)
            {
                s_driver = new Enc28j60Driver(new ChipStandIn(s_spiFrame.Length), s_driverMac);
                s_driver.ChecksumOffloadEnabled = false;
                CheckEqual(1, s_driver.Initialize() ? 1 : 0, "driver: initialised on the stand-in");
                CheckEqual(1, s_driver.LinkUp ? 1 : 0, "driver: link up");
            }

            for (int r = 0; r < Rounds; r++)
            {
                Debug.WriteLine(Ph.DriverRx);
                int n = s_driver.Receive(s_spiFrame, 0, s_spiFrame.Length);
                Debug.WriteLine(Ph.None);
                Event(Ph.DriverRx);
                CheckEqual(s_spiFrame.Length, n, "driver-rx: one frame");

                Debug.WriteLine(Ph.DriverTx);
                bool sent = s_driver.Send(s_spiFrame, 0, s_spiFrame.Length);
                Debug.WriteLine(Ph.None);
                Event(Ph.DriverTx);
                CheckEqual(1, sent ? 1 : 0, "driver-tx: one frame");
            }
        }
    }
}
