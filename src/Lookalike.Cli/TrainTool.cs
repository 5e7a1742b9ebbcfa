using System.CommandLine;
using System.Diagnostics;

namespace Lookalike.Cli;

/// <summary>
/// `lookalike train` and `lookalike explain --method gradcam` run in a separate executable, lookalike-train
/// (src/Lookalike.Training), because they need TorchSharp and libtorch (about 0.7 GB), which this CLI, the library and the
/// web app do not load. This command forwards its whole command line there and returns its exit code.
/// </summary>
internal static class TrainTool
{
    public const string EnvironmentVariable = "LOOKALIKE_TRAIN";
    private const string Dll = "lookalike-train.dll";

    /// <summary>lookalike-train.dll: $LOOKALIKE_TRAIN, beside this program, or the repository's build output (same configuration first).</summary>
    public static string? Find()
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env)) return File.Exists(env) ? Path.GetFullPath(env) : null;
        var here = AppContext.BaseDirectory;
        if (File.Exists(Path.Combine(here, Dll))) return Path.Combine(here, Dll);
        var configurations = here.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? new[] { "Debug", "Release" } : ["Release", "Debug"];
        for (var dir = new DirectoryInfo(here); dir is not null; dir = dir.Parent)
        {
            foreach (var configuration in configurations)
            {
                var candidate = Path.Combine(dir.FullName, "src", "Lookalike.Training", "bin", configuration, "net10.0", Dll);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    public static string NotBuiltMessage =>
        "this needs the training tool lookalike-train (TorchSharp + libtorch, about 0.7 GB of packages), which is not built here " +
        "and not part of the Lookalike.Tool package or the self-contained build: in a clone of the repository run " +
        "'dotnet build -c Release src/Lookalike.Training' (Debian/Ubuntu first: 'sudo apt-get install -y patchelf g++'), then " +
        $"set {EnvironmentVariable} to its src/Lookalike.Training/bin/Release/net10.0/lookalike-train.dll (README, Install)";

    /// <summary>Runs lookalike-train with <paramref name="args"/>, sharing this console; returns its exit code.</summary>
    public static int Forward(IEnumerable<string> args)
    {
        var dll = Find() ?? throw new CliException(NotBuiltMessage);
        var host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var psi = new ProcessStartInfo(host) { UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new CliException($"could not start {dll}");
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>The tokens of this invocation (subcommand and options), to pass on unchanged.</summary>
    public static IEnumerable<string> Tokens(ParseResult parse) => parse.Tokens.Select(t => t.Value);
}
