using System.Reflection;

[assembly: AssemblyTitle("EmbeddedTcp on-device tests (ESP32 + ENC28J60)")]
[assembly: AssemblyProduct("EmbeddedTcp")]
[assembly: AssemblyVersion("0.1.0.0")]
