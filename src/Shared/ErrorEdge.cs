using System.Text.Json;
using Lookalike.Gallery;
using Lookalike.Imaging;
using Lookalike.Models;

namespace Lookalike.Cli;

/// <summary>
/// The one place where a command's failure becomes what the user sees: exit code 1, <c>lookalike: reason</c> on stderr
/// and, with --json, <c>{"error": reason}</c> on stdout. Shared as source by the three programs (lookalike,
/// lookalike-train, the dev tools), which have no assembly in common above the core, and the core writes to no console.
/// </summary>
internal static class ErrorEdge
{
    /// <summary>Runs <paramref name="action"/>; a failure the user can act on becomes exit code 1 and its message.</summary>
    /// <param name="action">The command's work; returns the exit code.</param>
    /// <param name="stderr">Where the one-line reason goes.</param>
    /// <param name="json">Where <c>{"error": …}</c> goes (stdout) when --json was given; null without --json.</param>
    public static int Run(Func<int> action, TextWriter stderr, TextWriter? json)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (IsUserFacing(e))
        {
            stderr.WriteLine($"lookalike: {e.Message}");
            json?.WriteLine(JsonSerializer.Serialize(new { error = e.Message }, Contracts.Json));
            return 1;
        }
    }

    /// <summary>
    /// Failures caused by the input or the environment (a missing file, a broken photo or model, a store that refuses),
    /// whose message says what to fix. Anything else is a bug and keeps its stack trace.
    /// </summary>
    public static bool IsUserFacing(Exception e) =>
        e is CliException or ModelFetchException or ImageLoadException or IOException or UnauthorizedAccessException
            or FormatException or ArgumentException or NotSupportedException
            or Microsoft.Data.Sqlite.SqliteException or GalleryStoreException or GalleryArchiveException or Npgsql.NpgsqlException;
}

