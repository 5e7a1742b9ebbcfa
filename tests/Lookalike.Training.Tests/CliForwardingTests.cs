using System.Diagnostics;
using System.Text.Json;

namespace Lookalike.Training.Tests;

/// <summary>The user's path: the main `lookalike` CLI (which has no TorchSharp) forwarding to lookalike-train.</summary>
[Collection(TrainingCollection.Name)]
public sealed class CliForwardingTests
{
    private static string CliDll()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Debug/") ? "Debug" : "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Lookalike.Cli", "bin", configuration, "net10.0", "lookalike.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("lookalike.dll not built");
    }

    private static (int Code, string Out, string Err) Run(IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(CliDll());
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2))) { p.Kill(true); throw new TimeoutException(string.Join(' ', args)); }
        return (p.ExitCode, output, err.Result);
    }

    [Fact]
    public void Train_through_the_main_CLI_writes_a_model_folder()
    {
        using var temp = new TempDir();
        var outDir = Path.Combine(temp.Path, "jp");
        // jp-politicians: 9 people, so 2 are held apart for validation (and calibration).
        var (code, output, err) = Run(null, "train", "--identities", Path.Combine(Shared.Set("jp-politicians"), "images"), "--epochs", "1",
            "--freeze-until", "Add_73", "--out", outDir, "--json");
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(output);
        var id = json.RootElement.GetProperty("model").GetProperty("id").GetString()!;
        Assert.StartsWith("jp-", id);
        Assert.True(File.Exists(Path.Combine(outDir, "embedder.onnx")));
        Assert.Equal(id, TrainedModel.ReadInfo(outDir).Id);
        Assert.Contains("epoch 1/1", err); // the progress display's per-epoch line
        // The model's own percentage, fitted on the validation identities, is what the main CLI then uses for it.
        var calibration = Lookalike.Calibration.Load(Path.Combine(outDir, "calibration.json"));
        Assert.Equal(id, calibration.ModelId);
        Assert.True(calibration.Slope > 0, calibration.ToString());
    }

    [Fact]
    public void Explain_gradcam_through_the_main_CLI_and_a_clear_error_when_the_tool_is_missing()
    {
        using var temp = new TempDir();
        var dir = Path.Combine(Shared.Set("jp-sample"), "images");
        var photos = Directory.GetDirectories(dir).Order(StringComparer.Ordinal).Select(d => Directory.GetFiles(d).Order(StringComparer.Ordinal).First()).ToArray();
        var png = Path.Combine(temp.Path, "explain.png");
        var (code, output, err) = Run(null, "explain", photos[0], photos[1], "--method", "gradcam", "--out", png, "--json");
        Assert.True(code == 0, err);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal("gradcam", json.RootElement.GetProperty("method").GetString());
            Assert.Equal("503", json.RootElement.GetProperty("gradcam_layer").GetString());
        }
        Assert.True(new FileInfo(png).Length > 10_000);

        var missing = new Dictionary<string, string> { ["LOOKALIKE_TRAIN"] = Path.Combine(temp.Path, "nowhere.dll") };
        var (code2, _, err2) = Run(missing, "explain", photos[0], photos[1], "--method", "gradcam", "--out", png);
        Assert.Equal(1, code2);
        Assert.Contains("dotnet build -c Release src/Lookalike.Training", err2);
    }
}
