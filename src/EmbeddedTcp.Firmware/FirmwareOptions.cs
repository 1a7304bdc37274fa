using EmbeddedTcp.Apps.Mqtt;

namespace EmbeddedTcp.Firmware
{
    /// <summary>
    /// What the firmware application serves. Every port can be set to 0 to disable that
    /// service. Read once by the <see cref="FirmwareApp"/> constructor.
    /// </summary>
    public sealed class FirmwareOptions
    {
        /// <summary>TCP echo (RFC 862) port. Default 7; 0 disables.</summary>
        public int EchoPort = 7;

        /// <summary>TCP discard (RFC 863) port. Default 9; 0 disables.</summary>
        public int DiscardPort = 9;

        /// <summary>TCP character generator (RFC 864) port. Default 19; 0 disables.</summary>
        public int ChargenPort = 19;

        /// <summary>HTTP/1.0 status page port. Default 80; 0 disables.</summary>
        public int HttpPort = 80;

        /// <summary>Listen backlog of each service (half-open plus not yet accepted). Default 4.</summary>
        public int Backlog = 4;

        /// <summary>
        /// Bytes of per-connection buffer (echo data in flight, the HTTP request). Costs
        /// MaxConnections × this many bytes. Default 512.
        /// </summary>
        public int SessionBufferSize = 512;

        /// <summary>Bytes reserved for one HTTP response (header and status page). Default 4096.</summary>
        public int ResponseBufferSize = 4096;

        /// <summary>An HTTP client that sends no complete request within this time is aborted. Default 10000 ms.</summary>
        public int HttpRequestTimeoutMs = 10000;

        /// <summary>
        /// TCP keepalive on every accepted session (default true), with the stack's
        /// <c>TcpConfig.Keepalive*</c> timing. A peer that vanished without a FIN or RST reaching us (a
        /// link flap, a reset peer, a lost RST) otherwise holds its session slot and connection entry
        /// for as long as the device runs: on a device up for months that is a slow leak.
        /// </summary>
        public bool SessionKeepalive = true;

        /// <summary>Outbound client: the address to connect to (host order); 0 (default) = no client.</summary>
        public uint ConnectToAddress;

        /// <summary>Outbound client: the remote port. Default 7 (an echo server).</summary>
        public int ConnectToPort = 7;

        /// <summary>
        /// Outbound client: the delay before connecting again after the connection ended or
        /// failed. 0 = connect only once. Default 5000 ms.
        /// </summary>
        public int ConnectToRetryMs = 5000;

        /// <summary>MQTT (FirmwareMqtt): the broker's address, host order; 0 (default) = no MQTT.</summary>
        public uint MqttBroker;

        /// <summary>MQTT: the broker's port. Default 1883.</summary>
        public int MqttPort = MqttOptions.DefaultBrokerPort;

        /// <summary>MQTT: the status is published every this many ms. Default 10000.</summary>
        public int MqttStatusIntervalMs = 10000;

        /// <summary>MQTT: bytes reserved for the status JSON. Default 512.</summary>
        public int MqttStatusSize = 512;

        /// <summary>
        /// mDNS (EmbeddedTcp.Apps.Mdns.MdnsResponder, RFC 6762/6763): the host name answered as
        /// <c>NAME.local</c>, with the HTTP page advertised as <c>_http._tcp</c>. Null (default) = no
        /// mDNS; "" = the name derived from the MAC (<c>embeddedtcp-xxxxxx</c>). Needs one free UDP
        /// socket and one multicast group (NetworkConfig.MulticastGroups ≥ 1; the Esp32 preset has 0).
        /// </summary>
        public string MdnsHostName;

        /// <summary>Name shown on the status page. Default "EmbeddedTcp".</summary>
        public string DeviceName = "EmbeddedTcp";

        /// <summary>
        /// The firmware beside <c>NetworkConfig.Esp32()</c> (an ESP32 without PSRAM): the defaults,
        /// but a 1536-byte HTTP response buffer (two are allocated: the page body and the response;
        /// the status page with all 6 of that preset's connections listed fits, FirmwarePresetTests
        /// checks it) and 256-byte session buffers (echo data in flight; an HTTP request longer than
        /// that is answered from its first 256 bytes, which hold the request line).
        /// </summary>
        public static FirmwareOptions Esp32()
        {
            var o = new FirmwareOptions();
            o.ResponseBufferSize = 1536;
            o.SessionBufferSize = 256;
            return o;
        }

        /// <summary>
        /// The firmware beside <c>NetworkConfig.Esp32Psram()</c>: the defaults, with an 8 KB HTTP
        /// response buffer so the status page lists all 16 connections with room to spare.
        /// </summary>
        public static FirmwareOptions Esp32Psram()
        {
            var o = new FirmwareOptions();
            o.ResponseBufferSize = 8192;
            return o;
        }
    }
}
