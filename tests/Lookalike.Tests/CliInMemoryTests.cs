using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lookalike.Cli;
using Lookalike.Cli.Rendering;
using Spectre.Console.Testing;

namespace Lookalike.Tests;

/// <summary>
/// The `lookalike` verbs run in this process against Spectre's in-memory TestConsole (real photos, real models):
/// what `gallery add`, `match` and `compare` print, plain and with --json, and the shared error edge.
/// </summary>
[Collection(PipelineCollection.Name)]
public partial class CliInMemoryTests(PipelineFixture fx)
{
    private sealed record Run(int Code, string Out, string Err)
    {
        public string[] Lines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        public JsonElement Json => JsonDocument.Parse(Out).RootElement;
    }

    /// <summary>Runs the real command tree with stdout and stderr each in a TestConsole.</summary>
    private static Run Lookalike(params string[] args)
    {
        var stdout = new TestConsole();
        var stderr = new TestConsole();
        var code = LookalikeCli.Create(CliConsole.Over(stdout, stderr)).Parse(args).Invoke();
        return new Run(code, stdout.Output, stderr.Output);
    }

    private static string Photo(string set, params string[] parts) => Path.Combine([Shared.Set(set), "images", .. parts]);

    private static string Koizumi => Directory.EnumerateFiles(Photo("jp-politicians", "小泉進次郎")).Order(StringComparer.Ordinal).Last();

    [Fact]
    public void Compare_prints_the_verdict_line_and_the_same_figures_as_json()
    {
        _ = fx; // models are in the cache
        string[] same = ["compare", Photo("deepface-pairs", "Angelina_Jolie", "img1.jpg"), Photo("deepface-pairs", "Angelina_Jolie", "img2.jpg")];
        var plain = Lookalike(same);
        Assert.Equal(0, plain.Code);
        // How alike first (likeness against strangers' pairs), then "same person" only for the probability.
        Assert.Equal(2, plain.Lines.Length);
        var alike = LikenessLine().Match(plain.Lines[0]);
        Assert.True(alike.Success, plain.Lines[0]);
        var m = VerdictLine().Match(plain.Lines[1]);
        Assert.True(m.Success, plain.Lines[1]);
        Assert.Equal("same person", m.Groups["verdict"].Value);
        var threshold = Shared.DefaultCalibration.Threshold;
        Assert.Equal(threshold.ToString(CultureInfo.InvariantCulture), m.Groups["threshold"].Value);
        Assert.Equal("", plain.Err);

        var json = Lookalike([.. same, "--json"]);
        Assert.Equal(0, json.Code);
        Assert.True(json.Json.GetProperty("same").GetBoolean());
        var similarity = json.Json.GetProperty("similarity").GetDouble();
        Assert.InRange(similarity, threshold, 1.0);
        Assert.Equal(alike.Groups["similarity"].Value, similarity.ToString("F3", CultureInfo.InvariantCulture));
        Assert.Equal(alike.Groups["likeness"].Value, MatchScores.Percent(json.Json.GetProperty("likeness").GetDouble()));

        var different = Lookalike("compare", Photo("deepface-pairs", "Angelina_Jolie", "img1.jpg"), Koizumi);
        Assert.Equal("different people", VerdictLine().Match(different.Lines[1]).Groups["verdict"].Value);
    }

    [Fact]
    public void Gallery_add_prints_its_outcome_table_then_match_lists_each_face_with_its_identities()
    {
        using var tmp = new TempDir();
        var db = tmp["g.db"];
        // jp-politicians (18 photos of 9 people, one face each) and the edge-cases couple as a tenth "person".
        var images = tmp["images"];
        foreach (var f in Directory.EnumerateFiles(Path.Combine(Shared.Set("jp-politicians"), "images"), "*", SearchOption.AllDirectories))
        {
            var link = Path.Combine(images, Path.GetFileName(Path.GetDirectoryName(f)!), Path.GetFileName(f));
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, f);
        }
        Directory.CreateDirectory(Path.Combine(images, "couple"));
        File.CreateSymbolicLink(Path.Combine(images, "couple", "couple.jpg"), Photo("edge-cases", "multi_face", "couple.jpg"));

        var add = Lookalike("gallery", "add", images, "--db", db);
        Assert.Equal(0, add.Code);
        Assert.Matches(@"│ indexed\s+│\s+18 │", add.Out);
        Assert.Matches(@"│ multiple_faces\s+│\s+1 │", add.Out);
        Assert.Matches(@"│ total\s+│\s+19 │", add.Out);
        Assert.Contains(add.Lines, l => Regex.IsMatch(l, $@"^19 embedded, 0 removed, \d+\.\d s \(\d+\.\d photos/s\) → {Regex.Escape(db)}$"));
        Assert.Contains(add.Lines, l => l.StartsWith("  multiple_faces  ", StringComparison.Ordinal) && l.EndsWith("couple.jpg  (2 faces; kept the largest)", StringComparison.Ordinal));
        Assert.DoesNotContain("indexing", add.Out); // the progress display goes to stderr, never into the answer (whether it draws a frame depends on timing)

        var again = Lookalike("gallery", "add", images, "--db", db, "--json");
        Assert.Equal(0, again.Code);
        Assert.Equal(19, again.Json.GetProperty("files").GetInt32());
        Assert.Equal(19, again.Json.GetProperty("outcomes").GetProperty("unchanged").GetInt32());
        Assert.Equal(0, again.Json.GetProperty("embedded").GetInt32());
        Assert.Equal(db, again.Json.GetProperty("db").GetString());

        var match = Lookalike("match", Koizumi, "--db", db, "--top", "3");
        Assert.Equal(0, match.Code);
        Assert.Equal(6, match.Lines.Length); // the face, its 3 identities, the 2-line legend
        Assert.Equal("face 1 at (0,0) 224x224:", match.Lines[0]);
        Assert.Matches(@"^  小泉進次郎 +looks [\d.]+ % alike +[\d.]+ % same person +\(similarity 0\.\d{3}, best face 1\.000\)  same person$", match.Lines[1]);
        Assert.All(match.Lines[2..4], l => Assert.Matches(@"^  \S.* +looks (< )?[\d.]+ % alike +(< )?[\d.]+ % same person +\(similarity -?\d\.\d{3}, best face -?\d\.\d{3}\)$", l));
        Assert.StartsWith("alike: ", match.Lines[4]);
        Assert.StartsWith("same person: ", match.Lines[5]);

        var json = Lookalike("match", Koizumi, "--db", db, "--top", "3", "--json");
        Assert.Equal(0, json.Code);
        var matches = Assert.Single(json.Json.GetProperty("faces").EnumerateArray()).GetProperty("matches");
        Assert.Equal(3, matches.GetArrayLength());
        Assert.Equal("小泉進次郎", matches[0].GetProperty("identity").GetString());
        var plainSimilarity = Regex.Match(match.Lines[1], @"similarity (\d\.\d{3})").Groups[1].Value;
        Assert.Equal(plainSimilarity, matches[0].GetProperty("similarity").GetDouble().ToString("F3", CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_failure_is_exit_code_1_with_one_line_on_stderr_and_an_error_object_with_json()
    {
        var plant = Photo("edge-cases", "no_face", "plant.png");
        var plain = Lookalike("compare", plant, Koizumi);
        Assert.Equal(1, plain.Code);
        Assert.Equal($"lookalike: no face found in {plant}\n", plain.Err);
        Assert.Equal("", plain.Out);

        var json = Lookalike("compare", plant, Koizumi, "--json");
        Assert.Equal(1, json.Code);
        Assert.Equal($"no face found in {plant}", json.Json.GetProperty("error").GetString());

        var missing = Lookalike("match", Koizumi, "--db", "/nonexistent/x.db");
        Assert.Equal(1, missing.Code);
        Assert.StartsWith("lookalike: gallery database not found: /nonexistent/x.db", missing.Err);
    }

    [GeneratedRegex(@"^looks (?<likeness>(< )?[\d.]+ %) alike: more alike than (< )?[\d.]+ % of pairs of photos of two different people \(cosine (?<similarity>-?\d\.\d{3})\)$")]
    private static partial Regex LikenessLine();

    [GeneratedRegex(@"^(< )?[\d.]+ % likely the same person → (?<verdict>same person|different people) \(threshold (?<threshold>[\d.]+)\)$")]
    private static partial Regex VerdictLine();
}
