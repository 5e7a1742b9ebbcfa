using Lookalike.Cli.Bench;

namespace Lookalike.Cli.Rendering;

/// <summary>
/// `lookalike bench`'s one-screen summary: one line per stage (on stdout, or on stderr with --json so stdout is the
/// JSON object) and the figures collected for --json.
/// </summary>
internal sealed class BenchLines(CliConsole console, bool json)
{
    private readonly List<(string Stage, Stats Value, string Reference)> _rows = [];

    /// <summary>Figures by name, in the order measured (the --json object's fields).</summary>
    public Dictionary<string, object?> Summary { get; } = [];

    public void Line(string text)
    {
        if (json) console.Stderr.WriteLine(text); else console.WriteLine(text);
    }

    /// <summary>A timed stage: name, this run's median (p90), and the reference measured beside it.</summary>
    public void Row(string stage, Stats value, string reference)
    {
        _rows.Add((stage, value, reference));
        Line($"{stage,-44} {value,-26} {reference}");
    }

    /// <summary>The --json object: the figures, then every stage's median and p90.</summary>
    public Dictionary<string, object?> Json()
    {
        Summary["stages"] = _rows.ToDictionary(r => r.Stage, r => (object)new { median_ms = Math.Round(r.Value.Median, 3), p90_ms = Math.Round(r.Value.P90, 3), reference = r.Reference });
        return Summary;
    }
}
