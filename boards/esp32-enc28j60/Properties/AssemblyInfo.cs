using System.Reflection;

[assembly: AssemblyTitle("EmbeddedTcp ESP32 + ENC28J60 board")]
[assembly: AssemblyProduct("EmbeddedTcp")]
[assembly: AssemblyVersion("0.1.0.0")]
