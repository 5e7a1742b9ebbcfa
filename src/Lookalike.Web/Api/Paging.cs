using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lookalike.Web;

/// <summary>A page of a list: the index of its first item and how many items at most.</summary>
internal readonly record struct Page(int Offset, int Limit);

/// <summary><c>?offset=&amp;limit=</c> of a paged list: whole numbers, offset ≥ 0, 1 ≤ limit ≤ a maximum; anything else is a 400 saying so.</summary>
internal static class Paging
{
    public static ProblemHttpResult? Read(HttpContext http, int defaultLimit, int maxLimit, out Page page)
    {
        page = default;
        if (Number(http, "offset", 0) is not { } offset || offset < 0)
            return Problems.Of(400, "'offset' must be a whole number, 0 or more");
        if (Number(http, "limit", defaultLimit) is not { } limit || limit < 1 || limit > maxLimit)
            return Problems.Of(400, $"'limit' must be a whole number from 1 to {maxLimit}");
        page = new Page(offset, limit);
        return null;
    }

    /// <summary>The parameter's value, <paramref name="absent"/> when it is not given, null when it is not one whole number.</summary>
    private static int? Number(HttpContext http, string name, int absent)
    {
        var values = http.Request.Query[name];
        if (values.Count == 0) return absent;
        return values.Count == 1 && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}
