using System.Text.RegularExpressions;

namespace Lookalike.Tests;

/// <summary>
/// Rules about the library's source that a build does not check: the core does the work and stays a library — it never
/// writes to the console, never references the shells' frameworks (Spectre.Console, ASP.NET Core), and formats numbers
/// the same in every culture (a consumer's app may run under de-DE, where "0.93" would become "0,93" in JSON or SVG).
/// Each rule's pattern is checked on a line that breaks it, so a rule that matches nothing is caught too.
/// </summary>
public partial class SourceRulesTests
{
    private static readonly string Core = Path.Combine(RepoRoot(), "src", "Lookalike.Core");

    public static TheoryData<string, string, string> Rules() => new()
    {
        { "console", @"\bConsole\.(Write|WriteLine|Out|Error|ReadLine|In)\b", "Console.Error.WriteLine(\"x\");" },
        { "shell framework", @"\b(Spectre\.Console|AnsiConsole|Microsoft\.AspNetCore)\b", "using Spectre.Console;" },
        // Interpolated numbers with a format ({x:F3}) and ToString/Parse/Format without a provider use the current culture.
        { "culture-dependent number", @"\$""[^""]*\{[^}""]+:[FNPEGCDX][0-9]*\}|\.ToString\(""[^""]*""\)|\b(double|float|int|long|decimal)\.(Try)?Parse\([^)]*\)|\bstring\.Format\(""",
          "var s = $\"cosine {similarity:F3}\";" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void The_core_library_keeps_the_rule(string rule, string pattern, string breakingLine)
    {
        var regex = new Regex(pattern);
        Assert.Matches(regex, breakingLine); // the rule can fail
        var broken = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Core, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")) continue;
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim();
                if (line.StartsWith("//", StringComparison.Ordinal)) continue;
                // A line that names its culture (or builds an invariant string) keeps the number rule; so does the second
                // line of a statement whose first line does.
                if (rule == "culture-dependent number" && (InvariantMarker().IsMatch(line) || (i > 0 && InvariantMarker().IsMatch(lines[i - 1]) && !lines[i - 1].TrimEnd().EndsWith(';')))) continue;
                if (regex.IsMatch(line)) broken.Add($"{Path.GetRelativePath(Core, file)}:{i + 1}: {line}");
            }
        }
        Assert.True(broken.Count == 0, $"{rule} in the core library:\n{string.Join('\n', broken)}");
    }

    [GeneratedRegex(@"CultureInfo\.InvariantCulture|FormattableString\.Invariant|\bInvariant\(\$|NumberFormatInfo\.InvariantInfo")]
    private static partial Regex InvariantMarker();

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lookalike.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root (Lookalike.slnx) not found above " + AppContext.BaseDirectory);
    }
}
