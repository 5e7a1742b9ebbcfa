using System.CommandLine;
using System.Text.Json;
using Lookalike.Cli;
using Lookalike.Gallery;
using Lookalike.Models;

namespace Lookalike.DevTools;

/// <summary>The options the tools share with `lookalike` (same names, same defaults), and their error edge.</summary>
internal static class DevOptions
{
    public static readonly Option<string?> ModelsDir = new("--models-dir")
    {
        Description = $"Model cache folder (default: ${ModelStore.EnvironmentVariable} or ~/.cache/lookalike/models)",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json") { Description = "Print one JSON object for scripts", Recursive = true };

    /// <summary>--store (alias --db): a SQLite file or a postgres:// URL; default $LOOKALIKE_STORE, else gallery.db.</summary>
    public static Option<string> StoreOption(string what) => new("--store", "--db")
    {
        Description = $"{what}: a SQLite file or postgres://user:password@host:port/db (default: ${GalleryStore.EnvironmentVariable} or gallery.db)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(GalleryStore.EnvironmentVariable) is { Length: > 0 } s ? s : "gallery.db",
    };

    /// <summary>Runs a tool's action through the shared error edge (exit 1 and <c>lookalike: reason</c>).</summary>
    public static int Run(ParseResult parse, Func<int> action) =>
        ErrorEdge.Run(action, Console.Error, parse.GetValue(Json) ? Console.Out : null);

    public static void WriteJson(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Contracts.Json));
}
