using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Lookalike.Tests;

/// <summary>The `lookalike` program end to end: JSON contracts, exit codes, and a run killed mid-way.</summary>
[Collection(PipelineCollection.Name)]
public class CliTests(PipelineFixture fx)
{
    private static string Photo(string set, params string[] parts) => Path.Combine([Shared.Set(set), "images", .. parts]);

    [Fact]
    public void Compare_prints_similarity_and_verdict()
    {
        _ = fx; // models are in the cache
        var same = Cli.Json("compare", Photo("deepface-pairs", "Angelina_Jolie", "img1.jpg"), Photo("deepface-pairs", "Angelina_Jolie", "img2.jpg"));
        var threshold = Shared.DefaultCalibration.Threshold;
        Assert.True(same.GetProperty("same").GetBoolean());
        Assert.Equal(threshold, same.GetProperty("threshold").GetDouble(), 4);
        Assert.InRange(same.GetProperty("similarity").GetDouble(), threshold, 1.0);

        var koizumi = Directory.EnumerateFiles(Path.Combine(Shared.Set("jp-politicians"), "images", "小泉進次郎")).Order().First();
        var different = Cli.Json("compare", Photo("deepface-pairs", "Angelina_Jolie", "img1.jpg"), koizumi);
        Assert.False(different.GetProperty("same").GetBoolean());
        Assert.InRange(different.GetProperty("similarity").GetDouble(), -1.0, threshold);
    }

    [Fact]
    public void Failures_exit_non_zero_with_a_one_line_reason()
    {
        var (code, _, stderr) = Cli.Run("compare", Photo("edge-cases", "unreadable", "truncated_couple.jpg"), Photo("edge-cases", "grayscale", "Junichiro_Koizumi_0001.jpg"));
        Assert.NotEqual(0, code);
        Assert.Contains("truncated", stderr);
        Assert.Single(stderr.Trim().Split('\n'));

        (code, _, stderr) = Cli.Run("compare", Photo("edge-cases", "no_face", "plant.png"), Photo("edge-cases", "grayscale", "Junichiro_Koizumi_0001.jpg"));
        Assert.NotEqual(0, code);
        Assert.Contains("no face", stderr);

        (code, _, stderr) = Cli.Run("match", Photo("edge-cases", "grayscale", "Junichiro_Koizumi_0001.jpg"), "--db", "/nonexistent/x.db");
        Assert.NotEqual(0, code);
        Assert.Contains("not found", stderr);
    }

    [Fact]
    public void Gallery_add_and_match_follow_the_json_contract()
    {
        using var tmp = new TempDir();
        var db = tmp["g.db"];
        var add = Cli.Json("gallery", "add", Path.Combine(Shared.Set("jp-politicians"), "images"), "--db", db);
        var files = add.GetProperty("files").GetInt32();
        Assert.Equal(18, files);
        Assert.Equal(files, add.GetProperty("outcomes").EnumerateObject().Sum(o => o.Value.GetInt32()));
        Assert.Equal(0, add.GetProperty("outcomes").GetProperty("no_face").GetInt32());

        var again = Cli.Json("gallery", "add", Path.Combine(Shared.Set("jp-politicians"), "images"), "--db", db);
        Assert.Equal(files, again.GetProperty("outcomes").GetProperty("unchanged").GetInt32());

        var match = Cli.Json("match", Photo("edge-cases", "multi_face", "couple.jpg"), "--db", db, "--top", "3", "--out", tmp["m.png"]);
        var faces = match.GetProperty("faces");
        Assert.Equal(2, faces.GetArrayLength());
        foreach (var face in faces.EnumerateArray())
        {
            var matches = face.GetProperty("matches");
            Assert.Equal(3, matches.GetArrayLength());
            var sims = matches.EnumerateArray().Select(m => m.GetProperty("similarity").GetDouble()).ToList();
            Assert.Equal(sims.OrderByDescending(s => s), sims);
            Assert.False(string.IsNullOrEmpty(matches[0].GetProperty("identity").GetString()));
        }
        Assert.True(new FileInfo(tmp["m.png"]).Length > 10_000);

        var koizumi = Directory.EnumerateFiles(Path.Combine(Shared.Set("jp-politicians"), "images", "小泉進次郎")).Order().Last();
        var top = Cli.Json("match", koizumi, "--db", db).GetProperty("faces")[0].GetProperty("matches")[0];
        Assert.Equal("小泉進次郎", top.GetProperty("identity").GetString());
    }

    [Fact]
    public void A_run_killed_mid_way_and_rerun_ends_like_an_uninterrupted_run()
    {
        using var tmp = new TempDir();
        var src = Path.Combine(Shared.Set("lfw-gray"), "images");
        var photos = Directory.EnumerateFiles(src, "*", SearchOption.AllDirectories).Order().Take(120).ToList();
        foreach (var f in photos) tmp.Copy(f, Path.Combine("g", Path.GetRelativePath(src, f)));

        Cli.Json("gallery", "add", tmp["g"], "--db", tmp["full.db"]);

        var psi = Cli.StartInfo("gallery", "add", tmp["g"], "--db", tmp["killed.db"], "--batch-size", "8");
        using (var p = Process.Start(psi)!)
        {
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            // Wait on the process itself (WaitForExit returns as soon as it ends), checking the committed rows between waits.
            var exited = false;
            for (var waits = 0; waits < 6000 && !exited && Rows(tmp["killed.db"], "files") < 16; waits++) exited = p.WaitForExit(20);
            Assert.False(exited, "the run finished before it could be killed");
            p.Kill(entireProcessTree: true); // SIGKILL: no cleanup runs
            p.WaitForExit();
        }
        Assert.Equal("ok", Scalar(tmp["killed.db"], "PRAGMA integrity_check"));
        var partial = Rows(tmp["killed.db"], "files");
        Assert.InRange(partial, 16, photos.Count - 1);

        var rerun = Cli.Json("gallery", "add", tmp["g"], "--db", tmp["killed.db"]);
        Assert.Equal(photos.Count, rerun.GetProperty("files").GetInt32());
        Assert.True(rerun.GetProperty("outcomes").GetProperty("unchanged").GetInt32() >= partial);
        Assert.Equal(Lookalike.DevTools.GallerySnapshot.Rows(tmp["full.db"]), Lookalike.DevTools.GallerySnapshot.Rows(tmp["killed.db"]));
    }

    private static string? Scalar(string db, string sql)
    {
        using var c = new SqliteConnection($"Data Source={db};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar()?.ToString();
    }

    private static int Rows(string db, string table)
    {
        if (!File.Exists(db)) return 0;
        try
        {
            using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT count(*) FROM {table}";
            return Convert.ToInt32(cmd.ExecuteScalar());
        }
        catch (SqliteException)
        {
            return 0; // not created yet
        }
    }
}
