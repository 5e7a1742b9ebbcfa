using System.Text.Json;
using Spectre.Console;

namespace Lookalike.Cli.Rendering;

/// <summary>
/// Where a command's output goes, injected so that commands run in memory against Spectre's TestConsole in tests.
/// Tables go to <see cref="Out"/>; plain lines and JSON to <see cref="Stdout"/> as they are (a Spectre console would wrap
/// them at its width); progress and notes to <see cref="Err"/>, so stdout stays clean for --json.
/// </summary>
/// <param name="out">The console on stdout, for tables.</param>
/// <param name="stdout">stdout as text: plain lines and JSON (the writer under <paramref name="out"/>, so their order is kept).</param>
/// <param name="err">The console on stderr, for progress bars, notes and the one-line reason of a failure.</param>
internal sealed class CliConsole(IAnsiConsole @out, TextWriter stdout, IAnsiConsole err)
{
    public IAnsiConsole Out { get; } = @out;
    public TextWriter Stdout { get; } = stdout;
    public IAnsiConsole Err { get; } = err;

    /// <summary>stderr as text (the writer under <see cref="Err"/>).</summary>
    public TextWriter Stderr => Err.Profile.Out.Writer;

    /// <summary>The process's own stdout and stderr.</summary>
    public static CliConsole System() =>
        new(AnsiConsole.Console, Console.Out, AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }));

    /// <summary>A console over two writers (tests: each a TestConsole's).</summary>
    public static CliConsole Over(IAnsiConsole @out, IAnsiConsole err) => new(@out, @out.Profile.Out.Writer, err);

    public void WriteLine(string line) => Stdout.WriteLine(line);

    /// <summary>One JSON object on stdout, with the contracts' naming and encoding.</summary>
    public void WriteJson(object value) => Stdout.WriteLine(JsonSerializer.Serialize(value, Contracts.Json));
}
