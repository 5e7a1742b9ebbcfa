using System.CommandLine;
using Lookalike.Cli.Commands;
using Lookalike.Cli.Rendering;

namespace Lookalike.Cli;

/// <summary>The command tree: global options and one verb per file under Commands/, all writing to one <see cref="CliConsole"/>.</summary>
internal static class LookalikeCli
{
    public static RootCommand Create(CliConsole console)
    {
        var cli = new CliContext(console);
        var root = new RootCommand("lookalike: which celebrity do you look like, and how alike are two faces. Runs on a plain CPU.");
        foreach (var option in GlobalOptions.All) root.Options.Add(option);
        root.Subcommands.Add(new Command("models", "Manage the pretrained models") { ModelsFetchCommand.Create(cli) });
        root.Subcommands.Add(new Command("gallery", "Index and manage a gallery of known faces")
        {
            GalleryAddCommand.Create(cli), GalleryListCommand.Create(cli), GalleryRemoveCommand.Create(cli), GalleryReportCommand.Create(cli),
        });
        Command[] verbs =
        [
            MatchCommand.Create(cli), CompareCommand.Create(cli), FacesCommand.Create(cli), ExplainCommand.Create(cli), AverageCommand.Create(cli),
            MapCommand.Create(cli), ServeCommand.Create(cli), BenchCommand.Create(cli), DemoCommand.Create(cli), EvalCommand.Create(cli),
            CalibrateCommand.Create(cli), AccuracyCommand.Create(cli), TrainCommand.Create(cli),
        ];
        foreach (var verb in verbs) root.Subcommands.Add(verb);
        return root;
    }
}
