[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("EmbeddedTcp.Tests")]
