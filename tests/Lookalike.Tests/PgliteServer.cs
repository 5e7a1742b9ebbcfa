using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;

namespace Lookalike.Tests;

/// <summary>
/// A real PostgreSQL with pgvector for the Postgres store tests: PGlite (PostgreSQL compiled to WebAssembly, with its
/// pgvector build) served on 127.0.0.1 by pglite-socket, from the npm packages pinned in tests/pglite (`npm ci` there;
/// .ci/run does it). Set LOOKALIKE_TEST_POSTGRES to a connection string to test a real server instead. Each test starts
/// from empty gallery tables.
/// </summary>
public sealed partial class PgliteServer : IDisposable
{
    private readonly Process? _server;

    public PgliteServer()
    {
        var external = Environment.GetEnvironmentVariable("LOOKALIKE_TEST_POSTGRES");
        if (!string.IsNullOrEmpty(external))
        {
            ConnectionString = external;
            return;
        }
        var dir = FindPackageFolder();
        var script = Path.Combine(dir, "node_modules", "@electric-sql", "pglite-socket", "dist", "scripts", "server.js");
        if (!File.Exists(script))
        {
            Problem = $"PGlite is not installed: run 'npm ci' in {dir} (or set LOOKALIKE_TEST_POSTGRES to a pgvector server)";
            return;
        }
        // node on the script itself (not npx), so the process we hold is the server.
        var psi = new ProcessStartInfo("node") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, "--host=127.0.0.1", "--port=0", "--extensions=@electric-sql/pglite-pgvector:vector", "--max-connections=4" })
            psi.ArgumentList.Add(a);
        try
        {
            _server = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Problem = $"cannot start node for PGlite: {e.Message}";
            return;
        }
        _ = _server.StandardError.ReadToEndAsync();
        // Wait for the 'listening' line; do not probe the port: the server takes one connection at a time.
        var port = 0;
        var start = Stopwatch.StartNew();
        for (string? line; port == 0 && (line = _server.StandardOutput.ReadLine()) != null;)
            if (Listening().Match(line) is { Success: true } m) port = int.Parse(m.Groups[1].Value);
        _ = _server.StandardOutput.ReadToEndAsync();
        if (port == 0)
        {
            Problem = $"PGlite exited before listening (exit code {(_server.HasExited ? _server.ExitCode : -1)})";
            return;
        }
        StartSeconds = start.Elapsed.TotalSeconds;
        // PGlite runs a single backend that the connections share: each store keeps one (Maximum Pool Size=1). No COPY (it kills the server); the store uses unnest.
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Password=postgres;Database=postgres;SSL Mode=Disable;Maximum Pool Size=1;Timeout=60;Command Timeout=300";
    }

    public string? ConnectionString { get; }
    public string? Problem { get; }
    public double StartSeconds { get; }

    /// <summary>The connection string, after dropping the gallery tables: tests of one collection run one at a time, each on an empty store.</summary>
    public string Fresh()
    {
        if (ConnectionString is null) Assert.Skip(Problem ?? "no PostgreSQL server");
        // Not pooled: an idle pooled connection would hold one of the server's few connection slots.
        using var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand("DROP TABLE IF EXISTS gallery_faces, gallery_files CASCADE", c);
        cmd.ExecuteNonQuery();
        return ConnectionString;
    }

    private static string FindPackageFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "pglite");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        return Path.GetFullPath("tests/pglite");
    }

    [GeneratedRegex("listening on .*\"port\":(\\d+)")]
    private static partial Regex Listening();

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is { HasExited: false })
        {
            _server.Kill();
            _server.WaitForExit();
        }
        _server?.Dispose();
    }
}
