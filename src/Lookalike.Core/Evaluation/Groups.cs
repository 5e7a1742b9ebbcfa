namespace Lookalike.Evaluation;

/// <summary>
/// Identity → group (e.g. a demographic or a source) from a CSV with columns identity,group, to see whether accuracy
/// differs between groups. An image's identity is its folder name.
/// </summary>
public static class Groups
{
    /// <summary>Pairs whose two identities fall in different groups (always different-person pairs).</summary>
    public const string Cross = "(cross-group)";
    /// <summary>Identities the groups file does not name.</summary>
    public const string Unlisted = "(unlisted)";

    /// <summary>Reads the identity → group map from a CSV whose header names the columns identity and group (any order, case-insensitive); a repeated identity keeps its last group.</summary>
    /// <param name="csvPath">Path of the CSV file.</param>
    /// <exception cref="FormatException">The file is empty or its header lacks identity or group.</exception>
    public static Dictionary<string, string> Read(string csvPath)
    {
        var lines = File.ReadAllLines(csvPath);
        if (lines.Length == 0) throw new FormatException($"{csvPath} is empty");
        var header = lines[0].Split(',').Select(h => h.Trim().ToLowerInvariant()).ToArray();
        int ii = Array.IndexOf(header, "identity"), ig = Array.IndexOf(header, "group");
        if (ii < 0 || ig < 0) throw new FormatException($"{csvPath}: header must name columns identity,group");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1).Where(l => !string.IsNullOrWhiteSpace(l)))
        {
            var c = line.Split(',');
            map[c[ii].Trim()] = c[ig].Trim();
        }
        return map;
    }

    /// <summary>The identity of an image: the name of the folder it is in ("" when it has none).</summary>
    public static string IdentityOf(string imagePath) => Path.GetFileName(Path.GetDirectoryName(imagePath)) ?? "";

    /// <summary>The group of <paramref name="identity"/>, or <see cref="Unlisted"/> when the map does not name it.</summary>
    public static string GroupOf(IReadOnlyDictionary<string, string> groups, string identity) =>
        groups.TryGetValue(identity, out var g) ? g : Unlisted;

    /// <summary>The scored pairs of each group: a pair belongs to a group when both its identities do, else to <see cref="Cross"/>.</summary>
    public static SortedDictionary<string, List<ScoredPair>> Split(IReadOnlyList<ImagePair> pairs, IReadOnlyList<ScoredPair> scores,
        IReadOnlyDictionary<string, string> groups)
    {
        var result = new SortedDictionary<string, List<ScoredPair>>(StringComparer.Ordinal);
        for (var i = 0; i < pairs.Count; i++)
        {
            string ga = GroupOf(groups, IdentityOf(pairs[i].A)), gb = GroupOf(groups, IdentityOf(pairs[i].B));
            var key = ga == gb ? ga : Cross;
            if (!result.TryGetValue(key, out var list)) result[key] = list = [];
            list.Add(scores[i]);
        }
        return result;
    }
}
