using Lookalike.Gallery;
using Lookalike.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Lookalike.Tests;

/// <summary>
/// A gallery of jp-politicians (one photo of each person held out as a query) and celebs-24's gallery split,
/// indexed once into a real SQLite file for the web tests.
/// </summary>
public sealed class WebGalleryFixture : IDisposable
{
    public WebGalleryFixture()
    {
        Dir = new TempDir();
        var jp = Path.Combine(Shared.Set("jp-politicians"), "images");
        foreach (var person in Directory.EnumerateDirectories(jp))
        {
            var photos = Directory.EnumerateFiles(person).Order(StringComparer.Ordinal).ToList();
            HeldOut[Path.GetFileName(person)] = photos[0];
            foreach (var p in photos.Skip(1)) Link(p, Path.Combine("gallery", Path.GetFileName(person), Path.GetFileName(p)));
        }
        var celebs = Shared.Set("celebs-24");
        foreach (var c in File.ReadLines(Path.Combine(celebs, "split.csv")).Skip(1).Select(l => l.Split(',')))
        {
            var path = Path.Combine(celebs, c[0]);
            if (c[2] == "gallery") Link(path, Path.Combine("gallery", c[1], Path.GetFileName(path)));
            else if (!CelebQueries.ContainsKey(c[1])) CelebQueries[c[1]] = path;
        }
        Db = Dir["gallery.db"];
        using var pipeline = new Faces.FacePipeline(new Models.ModelStore());
        using var store = new SqliteGalleryStore(Db);
        new GalleryIndexer(pipeline, store).Index(Dir["gallery"]);
        FaceCount = store.FaceCount();
    }

    /// <summary>Faces in the gallery (one per photo with a face; the map draws each).</summary>
    public int FaceCount { get; }

    private void Link(string source, string relative)
    {
        var target = Dir[relative];
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.CreateSymbolicLink(target, source);
    }

    public TempDir Dir { get; }
    public string Db { get; }
    /// <summary>identity → a photo of that person that is not in the gallery.</summary>
    public Dictionary<string, string> HeldOut { get; } = new();
    /// <summary>celebs-24 identity → its first query photo.</summary>
    public Dictionary<string, string> CelebQueries { get; } = new();

    /// <summary>Copies the gallery so a test can write to it without disturbing the others.</summary>
    public string CopyDb(TempDir into)
    {
        var target = into["copy.db"];
        using (var store = new SqliteGalleryStore(Db)) { } // checkpoint happens on close
        File.Copy(Db, target, overwrite: true);
        return target;
    }

    /// <summary>Starts the app in memory (TestServer, no socket).</summary>
    public static async Task<WebApplication> StartInMemory(WebOptions options)
    {
        var app = WebApp.Build(options, configure: b => b.WebHost.UseTestServer());
        await app.StartAsync();
        return app;
    }

    public void Dispose() => Dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebGalleryFixture>, ICollectionFixture<PipelineFixture>
{
    public const string Name = "web";
}
