using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lookalike;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Models;
using Lookalike.Web;
using Microsoft.AspNetCore.TestHost;

namespace Lookalike.Tests;

/// <summary>
/// The library's usage example in README.md (Install, "As a library"). README quotes the body of <see cref="Run"/>
/// below line for line, and its using lines are this file's: <see cref="PackagingTests"/> checks both, then runs it.
/// </summary>
internal static class ReadmeExample
{
    public static void Run(string photo, string people, string db)
    {
        // README example begin
        var models = new ModelStore();                           // $LOOKALIKE_MODELS or ~/.cache/lookalike/models
        models.Ensure(ModelStore.Faceplugin);                    // downloads the pinned models once, checks SHA-256
        using var pipeline = new FacePipeline(models);
        var me = pipeline.Analyze(photo);                        // every face: box, landmarks, embedding
        using (var store = GalleryStore.Open(db))                // a SQLite file, or a postgres:// URL
            new GalleryIndexer(pipeline, store).Index(people);   // one sub-folder of photos per person
        using var matcher = new Matcher(pipeline, GalleryStore.Open(db));
        foreach (var face in matcher.Match(me, top: 3))
            foreach (var m in face.Matches)
                Console.WriteLine($"{m.Identity}: {pipeline.Calibration.Probability(m.BestSimilarity):P0} likely the same person");
        // README example end
    }
}

/// <summary>What the packages promise: README's library example compiles (it is above) and runs; one version everywhere.</summary>
[Collection(PipelineCollection.Name)]
public class PackagingTests
{
    /// <summary>The repository: the first folder above the test binaries with Lookalike.slnx.</summary>
    private static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Lookalike.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Lookalike.slnx above {AppContext.BaseDirectory}");
    }

    private static string ThisFile() => Path.Combine(RepoRoot, "tests", "Lookalike.Tests", "PackagingTests.cs");

    /// <summary>README's C# block in the Install section, as lines.</summary>
    private static List<string> ReadmeBlock()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot, "README.md"));
        var install = readme.IndexOf("\n## Install", StringComparison.Ordinal);
        Assert.True(install >= 0, "README.md has no '## Install' section");
        var block = Regex.Match(readme[install..], "```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "README.md's Install section has no ```csharp block");
        return block.Groups[1].Value.TrimEnd('\n').Split('\n').ToList();
    }

    [Fact]
    public void Readme_example_is_the_code_this_test_runs()
    {
        var source = File.ReadAllLines(ThisFile());
        var begin = Array.FindIndex(source, l => l.Trim() == "// README example begin");
        var end = Array.FindIndex(source, l => l.Trim() == "// README example end");
        var indent = source[begin].Length - source[begin].TrimStart().Length;
        var body = source[(begin + 1)..end].Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()).ToList();

        var readme = ReadmeBlock();
        var usings = readme.TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(usings);
        foreach (var u in usings) Assert.Contains(u, source);
        var code = readme.Skip(usings.Count).SkipWhile(string.IsNullOrWhiteSpace).ToList();
        Assert.Equal(body, code);
    }

    [Fact]
    public void Readme_example_runs_on_real_photos()
    {
        using var dir = new TempDir();
        var celebs = Shared.Set("celebs-24");
        var rows = File.ReadLines(Path.Combine(celebs, "split.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var people = rows.Select(r => r[1]).Distinct().Order(StringComparer.Ordinal).Take(3).ToList();
        foreach (var person in people)
            foreach (var r in rows.Where(r => r[1] == person && r[2] == "gallery").Take(3))
                dir.Copy(Path.Combine(celebs, r[0]), Path.Combine("people", person, Path.GetFileName(r[0])));
        var query = rows.First(r => r[1] == people[0] && r[2] == "query");

        ReadmeExample.Run(Path.Combine(celebs, query[0]), dir["people"], dir["gallery.db"]);

        using var store = GalleryStore.Open(dir["gallery.db"]);
        Assert.Equal(people, store.Identities().Select(i => i.Identity).ToList());
    }

    /// <summary>The Version in Directory.Build.props (the one place it is set).</summary>
    private static string PropsVersion() =>
        Regex.Match(File.ReadAllText(Path.Combine(RepoRoot, "Directory.Build.props")), "<Version>([^<]+)</Version>").Groups[1].Value;

    [Fact]
    public void Version_option_prints_the_version_from_Directory_Build_props()
    {
        var (code, stdout, stderr) = Cli.Run("--version");
        Assert.True(code == 0, stderr);
        Assert.Equal(PropsVersion(), stdout.Trim());
        Assert.Equal(PropsVersion(), typeof(FacePipeline).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
    }

    [Fact]
    public async Task Health_reports_the_version()
    {
        using var dir = new TempDir();
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = dir["gallery.db"] });
        var response = await app.GetTestClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(PropsVersion(), json.GetProperty("version").GetString());
    }
}
