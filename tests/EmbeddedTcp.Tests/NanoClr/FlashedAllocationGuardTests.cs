using System;
using System.IO;
using Xunit;
using Xunit.Abstractions;

namespace EmbeddedTcp.Tests.NanoClr
{
    /// <summary>
    /// Design rule 2 on the IL that is flashed: in the nanoFramework builds of the core
    /// (src/EmbeddedTcp.Nano → EmbeddedTcp.dll) and of the firmware application
    /// (src/EmbeddedTcp.Firmware.Nano → EmbeddedTcp.Firmware.dll), no method that can run after
    /// start-up does anything nanoCLR allocates for (<see cref="AllocationRule"/>). Constructors are
    /// start-up; so are the methods of <see cref="StartUpAllowList"/>, each with its reason.
    /// </summary>
    public class FlashedAllocationGuardTests
    {
        /// <summary>
        /// Methods that only run while the stack and the application are being built, or never on the
        /// device: "Namespace.Type::Method — reason". An entry that matches no method fails the test, and
        /// so does one that a checked method calls (it would run after start-up after all).
        /// </summary>
        public static readonly string[] StartUpAllowList =
        {
            "EmbeddedTcp.Ip.IpInterface::InitArp — called only by the IpInterface constructor: allocates the ARP cache and its pending-frame buffers",
            "EmbeddedTcp.Ip.IpInterface::InitUdp — called only by the IpInterface constructor: allocates the UDP socket table and its receive rings",
            "EmbeddedTcp.NetworkStack::InitClients — called only by the NetworkStack constructor: creates the DHCP, DNS and SNTP clients",
            "EmbeddedTcp.Ip.IpInterface::InitMulticast — called only by the IpInterface constructor: allocates the multicast group table and the device filter's address list",
            "EmbeddedTcp.Apps.Mdns.MdnsResponder::Hex — called only by the MdnsResponder constructor: the MAC in the default host name",
            "EmbeddedTcp.Apps.Mdns.MdnsResponder::Encode — called only by the MdnsResponder static constructor: the service names in wire form",
            "EmbeddedTcp.Apps.Mdns.MdnsResponder::FullName — display only (the simulator's output, the board's start-up log): makes a string; the responder never calls it",
            "EmbeddedTcp.Apps.Sockets.NetHost::Start — start-up: creates the poll thread (and its delegate) once",
            "EmbeddedTcp.Apps.Sockets.NetHost::Stop — shutdown: joins the poll thread once",
            "EmbeddedTcp.Apps.Mqtt.MqttClient::BuildConnect — called only by the MqttClient constructor: builds the CONNECT packet once",
            "EmbeddedTcp.Firmware.FirmwareMqtt::Hex — called only by the FirmwareMqtt constructor: the MAC in the topic names",
            "EmbeddedTcp.Firmware.FirmwareMqtt::Ascii — called only by the FirmwareMqtt constructor: the topic names as bytes",
            "EmbeddedTcp.NetworkConfig::Esp32 — a memory preset: creates the configuration the stack is then built from",
            "EmbeddedTcp.NetworkConfig::Esp32Psram — a memory preset: creates the configuration the stack is then built from",
            "EmbeddedTcp.Firmware.FirmwareOptions::Esp32 — a memory preset: creates the options the application is then built from",
            "EmbeddedTcp.Firmware.FirmwareOptions::Esp32Psram — a memory preset: creates the options the application is then built from",
            "EmbeddedTcp.Firmware.MemoryPresets::Choose — the board calls it once, before it builds the stack (it reads the target name)",
            "EmbeddedTcp.Firmware.MemoryPresets::TargetNameHasPsram — called by Choose, before the stack is built: String.ToUpper makes a string",
            "EmbeddedTcp.Firmware.MemoryPresets::Config — called once by the board, before the stack is built: creates the configuration",
            "EmbeddedTcp.Firmware.MemoryPresets::Options — called once by the board, before the application is built: creates its options",
        };

        private readonly ITestOutputHelper _output;

        public FlashedAllocationGuardTests(ITestOutputHelper output)
        {
            _output = output;
        }

        [Fact]
        public void FlashedCodeAllocatesNothingAfterStartUp()
        {
            string core = NanoBuildOutput.Dll("src/EmbeddedTcp.Nano", "EmbeddedTcp.dll");
            string firmware = NanoBuildOutput.Dll("src/EmbeddedTcp.Firmware.Nano", "EmbeddedTcp.Firmware.dll");
            string apps = NanoBuildOutput.Dll("src/EmbeddedTcp.Apps.Nano", "EmbeddedTcp.Apps.dll");
            var result = AllocationGuard.Analyze(new[] { core, firmware, apps }, new[] { NanoBuildOutput.Mscorlib(core) }, StartUpAllowList);

            // The whole report also goes beside the test assembly, to diff against another branch.
            string reportPath = Path.Combine(AppContext.BaseDirectory, "nano-allocation-guard.txt");
            string report = result.Report();
            File.WriteAllText(reportPath, report);
            _output.WriteLine(report);
            Assert.True(result.MethodsChecked > 100, "only " + result.MethodsChecked + " methods checked:\n" + report);
            Assert.True(result.Clean, "what allocates on nanoCLR after start-up (rules: tests/EmbeddedTcp.Tests/NanoClr/AllocationGuard.cs; full report: " + reportPath + ")\n" + report);
        }
    }
}
