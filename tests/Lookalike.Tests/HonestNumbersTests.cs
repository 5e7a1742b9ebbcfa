using System.Text.Json;
using Lookalike.Faces;
using Microsoft.AspNetCore.TestHost;
using Lookalike.Evaluation;
using Lookalike.Gallery;
using Lookalike.Search;

namespace Lookalike.Tests;

/// <summary>Issue 19: likeness (how alike, against strangers) and the open-set "same person" probability.</summary>
public class HonestNumbersUnitTests
{
    [Fact]
    public void Likeness_is_monotone_in_0_1_and_reads_the_table()
    {
        var table = Calibration.Default.Likeness!;
        var previous = -1.0;
        for (var c = -1f; c <= 1f; c += 0.001f)
        {
            var l = table.Likeness(c);
            Assert.InRange(l, 0, 1);
            Assert.True(l >= previous, $"likeness fell at cos {c}: {l} < {previous}");
            previous = l;
        }
        Assert.Equal(0, table.Likeness(-1f));
        Assert.Equal(1, table.Likeness(1f));
        // The knots are the reference quantiles: the median stranger pair is 50 % alike, and CosineAt inverts Likeness.
        Assert.Equal(0.5, table.Likeness(table.CosineAt(0.5)), 3);
        Assert.Equal(0.99, table.Likeness(table.CosineAt(0.99)), 3);
        Assert.True(table.Pairs > 500_000, table.ToString());
    }

    [Fact]
    public void A_table_from_uniform_cosines_gives_their_share_and_survives_a_save_and_load()
    {
        var cosines = Enumerable.Range(0, 10_001).Select(i => i / 10_000f);
        var table = LikenessTable.FromCosines(cosines, "uniform");
        Assert.Equal(0.25, table.Likeness(0.25f), 3);
        Assert.Equal(0.9, table.Likeness(0.9f), 3);

        using var tmp = new TempDir();
        var cal = new Calibration("m", 10, -3, "test") { Likeness = table, OpenSet = new OpenSetModel(30, -9, false, "x"), SameShare = 0.3 };
        cal.Save(tmp["c.json"]);
        var back = Calibration.Load(tmp["c.json"]);
        Assert.Equal(table.Likeness(0.4321f), back.Likeness!.Likeness(0.4321f), 4);
        Assert.Equal(cal.OpenSet, back.OpenSet);
        Assert.Equal(0.3, back.SameShare, 6);
        // An older file without them loads with none.
        new Calibration("m", 10, -3, "test").Save(tmp["old.json"]);
        Assert.Null(Calibration.Load(tmp["old.json"]).Likeness);
    }

    [Fact]
    public void The_open_set_probability_counts_identities_and_the_prior()
    {
        var model = new OpenSetModel(1, 0, false, "test");   // ln LR = score
        // One identity with LR e^3 among 10 with LR 1: P = (π/N)e³ / ((1-π) + (π/N)(e³ + 9)).
        float[] scores = [3, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var p = OpenSetProbability.Posterior(model, scores, 10, 0.5);
        var e3 = Math.Exp(3);
        Assert.Equal(0.05 * e3 / (0.5 + 0.05 * (e3 + 9)), p[0], 9);
        Assert.True(p.Sum() < 1);   // the rest is "not in the gallery"
        // More identities: the same score is less convincing; a lower prior, too; prior 0 says nobody.
        Assert.True(OpenSetProbability.Posterior(model, scores, 1000, 0.5)[0] < p[0]);
        Assert.True(OpenSetProbability.Posterior(model, scores, 10, 0.1)[0] < p[0]);
        Assert.All(OpenSetProbability.Posterior(model, scores, 10, 0), v => Assert.Equal(0, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => OpenSetProbability.Posterior(model, scores, 10, 1.5));
    }

    [Fact]
    public void The_open_set_fit_recovers_a_known_likelihood_ratio()
    {
        // Scores drawn so that ln LR(s) = 20 s - 8 exactly: right ~ N(0.6, σ), wrong ~ N(0.2, σ) with σ² = 0.4/20 = 0.02.
        var random = new Random(3);
        double Normal(double m) => m + Math.Sqrt(0.02) * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var queries = Enumerable.Range(0, 3000).Select(_ => (IReadOnlyList<(float, bool)>)
            [(Normal(0.6) is var r ? (float)r : 0, true), .. Enumerable.Range(0, 9).Select(_ => ((float)Normal(0.2), false))]).ToList();
        var fit = OpenSetModel.Fit(queries, "synthetic");
        Assert.InRange(fit.Slope, 18, 22);
        Assert.InRange(fit.LogLikelihoodRatio(0.4f), -0.4, 0.4);   // halfway between the means: LR 1
    }

    [Fact]
    public void Compare_prior_shifts_the_odds_and_the_calibrations_own_share_changes_nothing()
    {
        var cal = Calibration.Default;
        Assert.Equal(cal.Probability(0.35f), cal.Probability(0.35f, cal.SameShare), 9);
        Assert.Equal(cal.Probability(0.35f), cal.Probability(0.35f, null), 9);
        Assert.True(cal.Probability(0.35f, 0.01) < cal.Probability(0.35f));
        var odds = (double p) => p / (1 - p);
        Assert.Equal(odds(cal.Probability(0.35f)) * odds(0.01) / odds(cal.SameShare), odds(cal.Probability(0.35f, 0.01)), 6);
    }
}

/// <summary>The same on real photos: celebs-24 people are named, strangers are not, look-alike pairs read like the reference.</summary>
[Collection(PipelineCollection.Name)]
public class HonestNumbersPhotoTests(PipelineFixture fx)
{
    private static readonly string Celebs = Shared.Set("celebs-24");

    private static List<(string Path, string Identity, string Split)> Split() =>
        [.. File.ReadLines(Path.Combine(Celebs, "split.csv")).Skip(1).Select(l => l.Split(','))
            .Select(p => (Path.Combine(Celebs, p[0]), p[1], p[2]))];

    private FacePipeline Pipeline(bool fused) => fused ? fx.Default : fx.Pipeline;

    private FaceIndex Gallery(FacePipeline pipeline, int perIdentity)
    {
        var faces = new List<StoredFace>();
        foreach (var g in Split().Where(x => x.Split == "gallery").GroupBy(x => x.Identity).SelectMany(g => g.Take(perIdentity)))
            if (pipeline.Analyze(g.Path).Largest is { } f) faces.Add(new StoredFace(faces.Count, g.Identity, g.Path, f.Embedding));
        return new FaceIndex(faces, faces[0].Embedding.Length);
    }

    private static MatchScore[] Scores(FacePipeline pipeline, FaceIndex index, string photo, out IReadOnlyList<IdentityMatch> matches)
    {
        var face = pipeline.Analyze(photo).Largest!;
        matches = index.Search(face.Embedding, 5);
        return MatchScores.Of(index, new FaceMatches(face, matches), pipeline.Calibration);
    }

    [Theory]
    [InlineData(false)] // stock
    [InlineData(true)]  // the default, stock+dlib
    public void A_strangers_top_match_stays_below_half_and_a_members_right_name_is_above(bool fused)
    {
        var pipeline = Pipeline(fused);
        var index = Gallery(pipeline, 6);
        // Members: query-split photos (never in the gallery) of three people.
        foreach (var person in new[] { "Lindsay_Lohan", "Keanu_Reeves", "Halle_Berry" })
        {
            var photo = Split().First(x => x.Split == "query" && x.Identity == person).Path;
            var s = Scores(pipeline, index, photo, out var m);
            Assert.Equal(person, m[0].Identity);
            Assert.True(s[0].Probability > 0.5 && s[0].Same, $"{person}: {s[0]}");
        }
        // Strangers: every jp-sample photo and the young woman of jp-politicians ("Lindsay_Lohan 42 %" in the issue).
        var strangers = Directory.EnumerateFiles(Path.Combine(Shared.Set("jp-sample"), "images"), "*", SearchOption.AllDirectories)
            .Append(Path.Combine(Shared.Set("jp-politicians"), "images", "スマホのお姉さん", "スマホのお姉さん_default.jpg"));
        foreach (var photo in strangers)
        {
            var s = Scores(pipeline, index, photo, out var m);
            Assert.True(s[0].Probability < 0.5 && !s[0].Same, $"{photo}: {m[0].Identity} {s[0]}");
            Assert.NotNull(s[0].Likeness);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_look_alike_pair_of_strangers_lands_where_the_reference_distribution_says(bool fused)
    {
        var pipeline = Pipeline(fused);
        // The seed's question on shared photos: two different Japanese people (jp-sample), their most alike pair of photos.
        var images = PersonFolders.Read(Path.Combine(Shared.Set("jp-sample"), "images"));
        var celebs = Split().Where((_, i) => i % 5 == 0).Select(x => new LabelledImage(x.Path, x.Identity)).ToList();
        var emb = ImageEmbeddings.Compute(pipeline, images.Concat(celebs).Select(i => i.Path));
        var pairs = DifferentPairs(images, emb).ToList();
        var lookAlike = pairs.Max();
        var table = pipeline.Calibration.Likeness!;
        var likeness = table.Likeness(lookAlike);
        // It is a strong look-alike: more alike than 99 % of reference stranger pairs. Stock does not call it the same
        // person; the fused default calls this one pair of the 300 "same" (its dlib half sees these young Japanese women
        // as one person: docs/accuracy.md "Fusion"), and no other.
        Assert.True(likeness > 0.99, $"cos {lookAlike}: likeness {likeness}");
        Assert.Equal(fused ? 1 : 0, pairs.Count(pipeline.Calibration.Same));
        // The table agrees with a fresh count over part of the reference (a fifth of celebs-24, its stranger pairs):
        // the share of those pairs below a cosine is the likeness the table gives, at several cosines.
        var reference = DifferentPairs(celebs, emb).ToList();
        var sorted = reference.Order().ToList();
        foreach (var c in new[] { sorted[sorted.Count / 10], sorted[sorted.Count / 2], sorted[sorted.Count * 9 / 10], lookAlike })
        {
            var share = reference.Count(x => x < c) / (double)reference.Count;
            Assert.True(Math.Abs(share - table.Likeness(c)) < 0.03, $"cos {c}: reference share {share:F4}, table {table.Likeness(c):F4}");
        }
    }

    private static IEnumerable<float> DifferentPairs(IReadOnlyList<LabelledImage> images, ImageEmbeddings emb)
    {
        for (var i = 0; i < images.Count; i++)
            for (var j = i + 1; j < images.Count; j++)
                if (images[i].Identity != images[j].Identity && emb[images[i].Path] is { } a && emb[images[j].Path] is { } b)
                    yield return System.Numerics.Tensors.TensorPrimitives.Dot(a, b);
    }
}

/// <summary>The promised JSON: likeness on every match and on compare, prior on match, the open-set eval's fields and targets.</summary>
public class HonestNumbersCliTests
{
    private static string Politicians => Path.Combine(Shared.Set("jp-politicians"), "images");

    [Fact]
    public void Match_and_compare_json_carry_likeness_and_prior()
    {
        using var tmp = new TempDir();
        Cli.Json("gallery", "add", Politicians, "--db", tmp["g.db"]);
        var photo = Path.Combine(Politicians, "小泉進次郎", "小泉進次郎_45.jpg");
        var match = Cli.Json("match", photo, "--db", tmp["g.db"], "--prior", "0.2", "--out", tmp["m.png"]);
        Assert.Equal(0.2, match.GetProperty("prior").GetDouble());
        foreach (var m in match.GetProperty("faces")[0].GetProperty("matches").EnumerateArray())
        {
            Assert.InRange(m.GetProperty("likeness").GetDouble(), 0, 1);
            Assert.InRange(m.GetProperty("probability").GetDouble(), 0, 1);
            Assert.Equal(m.GetProperty("probability").GetDouble() >= 0.5, m.GetProperty("same").GetBoolean());
        }
        var (_, text, _) = Cli.Run("match", photo, "--db", tmp["g.db"]);
        Assert.Contains("alike", text);
        Assert.Contains("same person: the probability", text);

        var other = Path.Combine(Politicians, "小泉進次郎", "小泉進次郎_default.jpg");
        var compare = Cli.Json("compare", photo, other);
        Assert.InRange(compare.GetProperty("likeness").GetDouble(), 0.99, 1);
        Assert.Equal(JsonValueKind.Null, compare.GetProperty("prior").ValueKind);
        var doubtful = Cli.Json("compare", photo, other, "--prior", "0.001");
        Assert.True(doubtful.GetProperty("probability").GetDouble() < compare.GetProperty("probability").GetDouble());
        Assert.Equal(0.001, doubtful.GetProperty("prior").GetDouble());
    }

    [Fact]
    public void Eval_strangers_gives_the_open_set_figures_and_meets_the_targets_on_held_apart_photos()
    {
        // celebs-24 gallery split; members: its query split; strangers: jp-sample, jp-politicians, south-asian-celebs.
        // None of these photos fitted the open-set model (celebs-24 gallery split + lfw-gray did).
        using var tmp = new TempDir();
        Shared.LinkCelebs24Split(tmp);
        Directory.CreateDirectory(tmp["strangers"]);
        foreach (var s in new[] { "jp-sample", "jp-politicians", "south-asian-celebs" })
            foreach (var d in Directory.EnumerateDirectories(Path.Combine(Shared.Set(s), "images")))
                Directory.CreateSymbolicLink(tmp[Path.Combine("strangers", Path.GetFileName(d))], d);
        var r = Cli.Json("eval", "--gallery", tmp["gallery"], "--queries", tmp["query"], "--strangers", tmp["strangers"], "--report", tmp["report"]);
        var o = r.GetProperty("open_set");
        Assert.Equal(235, o.GetProperty("members").GetInt32());
        Assert.Equal(353, o.GetProperty("strangers").GetInt32());
        Assert.Equal(0.5, o.GetProperty("prior").GetDouble());
        var shown = o.GetProperty("strangers_shown_at_50").GetDouble();
        var right = o.GetProperty("members_right_at_50").GetDouble();
        var ece = o.GetProperty("top_match_ece").GetDouble();
        Assert.True(shown <= 0.01, $"strangers shown >= 50 %: {shown}");   // docs/accuracy.md: 0.0028 (1 of 353)
        Assert.True(right >= 0.90, $"members right >= 50 %: {right}");     // 0.9574
        Assert.True(ece <= 0.05, $"top-match ECE {ece}");                   // 0.0044
        Assert.InRange(o.GetProperty("dir_at_far").GetProperty("0.01").GetDouble(), 0.9, 1);
        Assert.InRange(o.GetProperty("dir_at_far").GetProperty("0.1").GetDouble(), 0.9, 1);
        Assert.Equal(shown * 353, o.GetProperty("strangers_shown").GetArrayLength(), 0.5);
        var html = File.ReadAllText(tmp["report/index.html"]);
        Assert.Contains("Open set", html);
        Assert.Contains("open_set_reliability.png", html);
    }
}

/// <summary>`lookalike calibrate` refits both curves on the user's own labelled photos.</summary>
public class HonestNumbersCalibrateTests
{
    [Fact]
    public void Calibrate_refits_the_likeness_reference_and_the_open_set_model()
    {
        using var tmp = new TempDir();
        // jp-politicians: the "_default" photo of each person is the gallery, the others are photos of gallery people.
        var images = Path.Combine(Shared.Set("jp-politicians"), "images");
        foreach (var f in Directory.EnumerateFiles(images, "*", SearchOption.AllDirectories))
        {
            var who = Path.GetFileName(Path.GetDirectoryName(f)!);
            var link = tmp[Path.Combine(Path.GetFileNameWithoutExtension(f).EndsWith("_default") ? "g" : "q", who, Path.GetFileName(f))];
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, f);
        }
        var r = Cli.Json("calibrate", "--pairs", Path.Combine(Shared.Set("deepface-pairs"), "pairs.csv"), "--identities", images,
            "--gallery", tmp["g"], "--queries", tmp["q"], "--strangers", Path.Combine(Shared.Set("jp-sample"), "images"), "--out", tmp["c.json"]);
        Assert.Equal(38 / 300.0, r.GetProperty("same_share").GetDouble(), 3);
        var cal = Calibration.Load(tmp["c.json"]);
        Assert.Contains("jp-politicians", cal.Likeness!.Population);
        Assert.Equal(143, cal.Likeness.Pairs);
        Assert.Contains(tmp["g"], cal.OpenSet!.FittedOn);
        Assert.True(cal.OpenSet.Slope > 0, cal.OpenSet.ToString());
    }
}

/// <summary>The REST API gives the same two numbers as the CLI, with its prior as a query parameter.</summary>
[Collection(WebCollection.Name)]
public class HonestNumbersWebTests(WebGalleryFixture gallery)
{
    private static MultipartFormDataContent Form(params (string Field, string Path)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, path) in files) form.Add(new ByteArrayContent(File.ReadAllBytes(path)), field, Path.GetFileName(path));
        return form;
    }

    [Fact]
    public async Task Match_and_compare_answer_with_likeness_and_the_given_prior()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new Web.WebOptions { Db = gallery.Db });
        var client = app.GetTestClient();
        async Task<JsonElement> Post(string url, MultipartFormDataContent form) =>
            JsonDocument.Parse(await (await client.PostAsync(url, form)).Content.ReadAsStringAsync()).RootElement;

        var (celeb, photo) = gallery.CelebQueries.First();
        var member = await Post("/api/match?top=3", Form(("image", photo)));
        Assert.Equal(0.5, member.GetProperty("prior").GetDouble());
        var top = member.GetProperty("faces")[0].GetProperty("matches")[0];
        Assert.Equal(celeb, top.GetProperty("identity").GetString());
        Assert.True(top.GetProperty("probability").GetDouble() > 0.5 && top.GetProperty("same").GetBoolean(), top.ToString());

        var stranger = Directory.EnumerateFiles(Path.Combine(Shared.Set("jp-sample"), "images"), "*", SearchOption.AllDirectories).Order().First();
        var r = await Post("/api/match?top=3&prior=0.1", Form(("image", stranger)));
        Assert.Equal(0.1, r.GetProperty("prior").GetDouble());
        foreach (var m in r.GetProperty("faces")[0].GetProperty("matches").EnumerateArray())
        {
            Assert.True(m.GetProperty("probability").GetDouble() < 0.5, m.ToString());
            Assert.InRange(m.GetProperty("likeness").GetDouble(), 0, 1);
        }

        var held = gallery.HeldOut.First().Value;
        var plain = await Post("/api/compare", Form(("a", photo), ("b", held)));
        var doubtful = await Post("/api/compare?prior=0.9", Form(("a", photo), ("b", held)));
        Assert.InRange(plain.GetProperty("likeness").GetDouble(), 0, 1);
        Assert.True(doubtful.GetProperty("probability").GetDouble() > plain.GetProperty("probability").GetDouble());
    }
}
