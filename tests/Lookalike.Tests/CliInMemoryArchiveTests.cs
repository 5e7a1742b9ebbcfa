namespace Lookalike.Tests;

/// <summary>`gallery add` given an archive, through the real command tree (see <see cref="CliInMemoryTests"/>).</summary>
public partial class CliInMemoryTests
{
    [Fact]
    public void Gallery_add_takes_a_zip_and_refuses_a_hostile_one_with_one_line_and_exit_code_1()
    {
        using var tmp = new TempDir();
        var db = tmp["g.db"];
        // jp-politicians (18 photos of 9 people, one face each) and the edge-cases couple as a tenth "person".
        List<(string Name, string File)> photos = [.. Archives.Photos("jp-politicians"), ("couple/couple.jpg", Photo("edge-cases", "multi_face", "couple.jpg"))];
        var zip = Archives.Zip(tmp["jp politicians.zip"], photos);

        var add = Lookalike("gallery", "add", zip, "--db", db);
        Assert.Equal(0, add.Code);
        Assert.Matches(@"│ indexed\s+│\s+18 │", add.Out);
        Assert.Matches(@"│ multiple_faces\s+│\s+1 │", add.Out);
        Assert.Contains(add.Lines, l => l.StartsWith("  multiple_faces  ", StringComparison.Ordinal)
            && l.EndsWith($"{zip}/couple/couple.jpg  (2 faces; kept the largest)", StringComparison.Ordinal));

        var again = Lookalike("gallery", "add", zip, "--db", db, "--json");
        Assert.Equal(0, again.Code);
        Assert.Equal(zip, again.Json.GetProperty("root").GetString());
        Assert.Equal(19, again.Json.GetProperty("outcomes").GetProperty("unchanged").GetInt32());

        var match = Lookalike("match", Koizumi, "--db", db, "--top", "1", "--json");
        Assert.Equal("小泉進次郎", match.Json.GetProperty("faces")[0].GetProperty("matches")[0].GetProperty("identity").GetString());

        var evil = Archives.Zip(tmp["evil.zip"], [("../evil.jpg", photos[0].File), .. photos]);
        var refused = Lookalike("gallery", "add", evil, "--db", db);
        Assert.Equal(1, refused.Code);
        Assert.Equal($"lookalike: {evil} refused: entry '../evil.jpg' leaves the archive ('..'); nothing was indexed\n", refused.Err);
        var json = Lookalike("gallery", "add", evil, "--db", db, "--json");
        Assert.Equal(1, json.Code);
        Assert.EndsWith("nothing was indexed", json.Json.GetProperty("error").GetString());

        var tooBig = Lookalike("gallery", "add", zip, "--db", tmp["other.db"], "--max-unpacked-gb", "0.0001");
        Assert.Equal(1, tooBig.Code);
        Assert.Equal($"lookalike: {zip} refused: it unpacks to more than the 104.9 KiB limit; nothing was indexed\n", tooBig.Err);
        Assert.False(File.Exists(tmp["other.db"]), "a refused archive left the new gallery file behind");
        Assert.True(File.Exists(db)); // a refusal against an existing gallery leaves it as it was (the match above still answers)

        var notes = tmp["notes.txt"];
        File.WriteAllText(notes, "not a gallery");
        Assert.Equal($"lookalike: {notes} is neither a folder nor a .zip or .tar.gz archive\n", Lookalike("gallery", "add", notes, "--db", db).Err);
        Assert.Equal($"lookalike: folder or archive not found: {tmp["missing.zip"]}\n", Lookalike("gallery", "add", tmp["missing.zip"], "--db", db).Err);
    }
}
