using System.CommandLine;
using Lookalike.Gallery;
using Lookalike.Web;

namespace Lookalike.Cli.Commands;

/// <summary>`lookalike serve`: the web page and REST API over a gallery.</summary>
internal static class ServeCommand
{
    public static Command Create(CliContext cli)
    {
        var db = GlobalOptions.Store("Gallery store");
        var urls = new Option<string>("--urls") { Description = "Where to listen", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var apiKey = new Option<string?>("--api-key") { Description = "Key for the write endpoints (header X-Api-Key; default $LOOKALIKE_API_KEY). Without one, writes are refused" };
        var protectReads = new Option<bool>("--protect-reads") { Description = "Require the key for reads too" };
        var maxUpload = new Option<int>("--max-upload-mb") { Description = "Largest accepted upload", DefaultValueFactory = _ => 20 };
        var rate = new Option<int>("--rate-limit") { Description = "Requests per minute per client address, 0 for none (live mode sends about 180 a minute)", DefaultValueFactory = _ => 600 };
        var hosts = new Option<string[]>("--allowed-hosts") { Description = "Host names to answer to, comma-separated (others get 400; set it when exposed, against DNS rebinding)", AllowMultipleArgumentsPerToken = true };
        var proxies = new Option<string[]>("--trusted-proxy") { Description = "Address or CIDR of a reverse proxy whose X-Forwarded-For names the client (repeatable)", AllowMultipleArgumentsPerToken = true };
        var mapFaces = new Option<int>("--map-faces")
        {
            Description = "Faces the gallery map shows at most; a larger gallery is sampled (evenly per person)", DefaultValueFactory = _ => Pictures.GalleryMap.DefaultSampleFaces,
        };
        var cmd = new Command("serve", "Serve the web page (upload, live webcam, compare, gallery) and the REST API") { db, urls, apiKey, protectReads, maxUpload, rate, hosts, proxies, mapFaces };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            var options = new WebOptions
            {
                Db = parse.GetValue(db)!,
                ModelsDir = parse.GetValue(GlobalOptions.ModelsDir),
                Model = parse.GetValue(GlobalOptions.Model),
                ApiKey = parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("LOOKALIKE_API_KEY"),
                ProtectReads = parse.GetValue(protectReads),
                MaxUploadBytes = Math.Max(1, parse.GetValue(maxUpload)) * 1024L * 1024,
                RateLimitPerMinute = Math.Max(0, parse.GetValue(rate)),
                AllowedHosts = [.. (parse.GetValue(hosts) ?? []).SelectMany(h => h.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
                TrustedProxies = parse.GetValue(proxies) ?? [],
                MapFaces = Math.Max(2, parse.GetValue(mapFaces)),
            };
            var app = WebApp.Build(options, ["--urls", parse.GetValue(urls)!]);
            cli.Console.Stderr.WriteLine($"serving {(GalleryStore.IsPostgres(options.Db) ? "a PostgreSQL gallery" : Path.GetFullPath(options.Db))} on {parse.GetValue(urls)} (API docs at /scalar; writes {(options.ApiKey is null ? "disabled: no --api-key" : "need X-Api-Key")})");
            if (app.Services.GetService(typeof(GalleryService)) is GalleryService gallery && gallery.OtherModelsWhenEmpty() is { Count: > 0 } others)
                cli.Console.Stderr.WriteLine($"warning: the gallery holds no faces of {gallery.Pipeline.ModelId}, only of {string.Join(", ", others)}: " +
                                             $"serve it with --model {(others.Contains(Faces.FaceEmbedder.Id) ? "stock" : "NAME")}, or re-embed it with 'lookalike gallery add DIR --db {(GalleryStore.IsPostgres(options.Db) ? "URL" : options.Db)}'");
            app.Run();
            return 0;
        }));
        return cmd;
    }
}
