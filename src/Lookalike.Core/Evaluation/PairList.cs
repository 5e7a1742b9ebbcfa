namespace Lookalike.Evaluation;

/// <summary>Reads verification pair lists (two image paths and whether they show the same person).</summary>
public static class PairList
{
    /// <summary>Reads a CSV with columns a,b,same (header required); paths are relative to <paramref name="root"/> (default: the CSV's folder).</summary>
    /// <exception cref="FormatException">The file is empty, its header lacks a, b or same, or a same value is not 0/1/true/false.</exception>
    public static List<ImagePair> Read(string csvPath, string? root = null)
    {
        root ??= Path.GetDirectoryName(Path.GetFullPath(csvPath))!;
        var lines = File.ReadAllLines(csvPath);
        if (lines.Length == 0) throw new FormatException($"{csvPath} is empty");
        var header = lines[0].Split(',').Select(h => h.Trim().ToLowerInvariant()).ToArray();
        int ia = Array.IndexOf(header, "a"), ib = Array.IndexOf(header, "b"), isame = Array.IndexOf(header, "same");
        if (ia < 0 || ib < 0 || isame < 0) throw new FormatException($"{csvPath}: header must name columns a,b,same");
        var pairs = new List<ImagePair>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var c = lines[i].Split(',');
            var same = c[isame].Trim() switch
            {
                "1" or "true" or "True" => true,
                "0" or "false" or "False" => false,
                var v => throw new FormatException($"{csvPath}:{i + 1}: same must be 0 or 1, got '{v}'"),
            };
            pairs.Add(new ImagePair(Path.GetFullPath(Path.Combine(root, c[ia].Trim())), Path.GetFullPath(Path.Combine(root, c[ib].Trim())), same));
        }
        return pairs;
    }
}
