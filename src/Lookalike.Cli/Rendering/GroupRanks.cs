using Lookalike.Evaluation;

namespace Lookalike.Cli.Rendering;

/// <summary>Identification per group (--groups): queries, rank-1 and rank-5 of one group.</summary>
internal sealed record GroupRanks(string Group, int Queries, double Rank1, double Rank5)
{
    /// <summary>The result's queries grouped by their identity's group, in ordinal order of the group names.</summary>
    public static List<GroupRanks> Of(IdentificationResult result, IReadOnlyDictionary<string, string> groups) =>
        [.. result.Ranks.GroupBy(q => Groups.GroupOf(groups, q.Identity)).OrderBy(x => x.Key, StringComparer.Ordinal)
            .Select(x => new GroupRanks(x.Key, x.Count(), x.Count(q => q.Rank == 1) / (double)x.Count(), x.Count(q => q.Rank is >= 1 and <= 5) / (double)x.Count()))];
}
