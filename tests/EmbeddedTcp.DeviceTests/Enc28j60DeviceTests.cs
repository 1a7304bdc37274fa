using System.Threading;
using EmbeddedTcp.Drivers.Enc28j60;
using nanoFramework.TestFramework;

namespace EmbeddedTcp.DeviceTests
{
    /// <summary>
    /// The ENC28J60 driver against the real chip on the ESP32 board. Needs the wiring of
    /// boards/esp32-enc28j60/README.md and, for the link test, a cable to a switch. Hardware tests:
    /// each starts with <see cref="DeviceBoard.OpenOrSkip"/>, so where there is no board (nanoCLR in
    /// CI) each reports itself skipped with <see cref="DeviceBoard.NoBoardReason"/>. (A skip in a
    /// [Setup] method would be reported once for the class, under the setup method's name.)
    /// </summary>
    [TestClass]
    public class Enc28j60DeviceTests
    {
        /// <summary>Reset, configuration and the revision read back from EREVID.</summary>
        [TestMethod]
        public void Initialize_ReadsAKnownSiliconRevision()
        {
            DeviceBoard.OpenOrSkip();
            var driver = DeviceBoard.NewDriver();

            Assert.IsTrue(driver.Initialize(), "Initialize failed: check 3.3 V, SCK/SI/SO/CS wiring and the SPI clock");
            OutputHelper.WriteLine("ENC28J60 EREVID = " + driver.Revision.ToString());
            // Known revisions (errata DS80349): B1 = 2, B4 = 4, B5 = 5, B7 = 6.
            Assert.IsTrue(driver.Revision >= 2 && driver.Revision <= 6, "unexpected EREVID " + driver.Revision.ToString());
            Assert.AreEqual(0L, driver.Counters.InitializationFailures, "initialisation failures");
        }

        /// <summary>The PHY reports link within 5 s with a cable to a powered switch.</summary>
        [TestMethod]
        public void Link_ComesUp_WithACableToASwitch()
        {
            DeviceBoard.OpenOrSkip();
            var driver = DeviceBoard.NewDriver();
            Assert.IsTrue(driver.Initialize(), "Initialize failed");

            Assert.IsTrue(DeviceBoard.WaitForLink(driver, 5000), "no link after 5 s: plug the module into a switch (the green LED should light)");
        }

        /// <summary>
        /// PHY loopback (PHCON1.PLOOPBK): a frame addressed to ourselves goes out through the
        /// transmit buffer, the MAC and the PHY, comes back into the receive ring and is read
        /// back byte for byte.
        /// </summary>
        [TestMethod]
        public void PhyLoopback_AFrameSentComesBackByteExact()
        {
            DeviceBoard.OpenOrSkip();
            var driver = DeviceBoard.NewDriver();
            driver.ReceiveSilenceTimeoutMs = 0; // a re-initialisation would leave loopback
            Assert.IsTrue(driver.Initialize(), "Initialize failed");
            DeviceBoard.RawPhyWrite(Enc28j60Phy.PHCON1, (ushort)(Enc28j60Phy.PHCON1_PDPXMD | Enc28j60Phy.PHCON1_PLOOPBK));
            long now = DeviceBoard.NowMs + 2 * driver.HealthCheckIntervalMs;
            driver.Poll(now); // health check: resynchronises the driver's bank cache

            byte[] frame = new byte[300];
            for (int i = 0; i < frame.Length; i++)
            {
                frame[i] = (byte)(i * 13 + 7);
            }
            for (int i = 0; i < 6; i++)
            {
                frame[i] = DeviceBoard.Mac[i];     // to ourselves
                frame[6 + i] = DeviceBoard.Mac[i]; // from ourselves
            }
            frame[12] = 0x88;
            frame[13] = 0xB5; // IEEE 802 local experimental EtherType

            Assert.IsTrue(driver.Send(frame, 0, frame.Length), "Send refused (link down in loopback?)");
            byte[] back = new byte[Enc28j60Driver.MaxFrameLength];
            int length = 0;
            for (int attempt = 0; attempt < 100 && length == 0; attempt++)
            {
                Thread.Sleep(1);
                length = driver.Receive(back, 0, back.Length);
            }

            try
            {
                Assert.AreEqual(frame.Length, length, "looped-back frame length");
                int firstDifference = -1;
                for (int i = 0; i < frame.Length && firstDifference < 0; i++)
                {
                    if (back[i] != frame[i])
                    {
                        firstDifference = i;
                    }
                }

                // TestFramework 3.x has no Assert.Fail: state the expectation instead.
                Assert.AreEqual(-1, firstDifference, "index of the first looped-back byte that differs");
            }
            finally
            {
                driver.Initialize(); // leaves loopback (PHCON1 rewritten)
            }
        }
    }
}
