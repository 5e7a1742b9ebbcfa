using Lookalike.Web;

// Standalone host (also the entry point tests use); `lookalike serve` builds the same app.
var options = new WebOptions
{
    Db = Environment.GetEnvironmentVariable(Lookalike.Gallery.GalleryStore.EnvironmentVariable) ?? Environment.GetEnvironmentVariable("LOOKALIKE_DB") ?? "gallery.db",
    ApiKey = Environment.GetEnvironmentVariable("LOOKALIKE_API_KEY"),
};
WebApp.Build(options, args).Run();

public partial class Program;
