using System.Diagnostics;
using System.Text.Json;

namespace Lookalike.Tests;

/// <summary>Runs the real `lookalike` program (built beside the tests) as a separate process.</summary>
internal static class Cli
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "lookalike.dll");

    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        using var p = Process.Start(StartInfo(args))!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5))) { p.Kill(true); throw new TimeoutException(string.Join(' ', args)); }
        return (p.ExitCode, stdout, stderr.Result);
    }

    public static JsonElement Json(params string[] args)
    {
        var (code, stdout, stderr) = Run([.. args, "--json"]);
        Assert.True(code == 0, $"exit {code}: {stderr}");
        return JsonDocument.Parse(stdout).RootElement;
    }
}
