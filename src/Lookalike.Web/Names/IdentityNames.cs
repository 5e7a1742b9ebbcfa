using System.Globalization;
using System.Text;
using Lookalike.Gallery;
using Microsoft.AspNetCore.Http.Features;

namespace Lookalike.Web;

/// <summary>
/// Identity names in URLs and from uploads. A name is one URL path segment, percent-encoded by the client
/// (<c>encodeURIComponent</c>) and decoded exactly once here, from the request line as sent: the server's own
/// decoding leaves <c>%2F</c> encoded (and decodes <c>%25</c>), so the route value alone cannot tell <c>AC/DC</c>
/// from a name that contains the text <c>%2F</c>.
/// </summary>
public static class IdentityNames
{
    /// <summary>Longest accepted name, in UTF-16 units.</summary>
    public const int MaxLength = 200;

    /// <summary>
    /// The identity named by the path segment that is <paramref name="segmentsAfter"/> segments before the end of the
    /// request path (0: the last one), decoded once. Falls back to the route value when the raw target is unavailable.
    /// </summary>
    public static string FromPath(HttpContext http, string routeValue, int segmentsAfter)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (!string.IsNullOrEmpty(raw))
        {
            var path = raw.Split('?', 2)[0];
            if (path.StartsWith('/'))
            {
                var segments = path.Split('/');
                var routed = (http.Request.PathBase + http.Request.Path).Value?.Split('/') ?? [];
                // Same shape as the routed path (no dot segments removed in between): the segment is the identity.
                if (segments.Length == routed.Length && segments.Length > segmentsAfter + 1)
                    return Uri.UnescapeDataString(segments[^(segmentsAfter + 1)]);
            }
        }
        return routeValue.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The name to store for a new identity: trimmed and in Unicode NFC; null with the reason when it is refused:
    /// empty or too long, control or invisible format characters (bidi overrides, zero-width joiners), "." or "..",
    /// or Latin letters mixed with Cyrillic or Greek ones (the usual homoglyph copies of a Latin name).
    /// </summary>
    public static string? Normalize(string name, out string? problem)
    {
        name = Nfc.Normalize(name.Trim());
        problem = null;
        if (name.Length is 0 or > MaxLength) problem = $"identity must be 1-{MaxLength} characters";
        else if (name is "." or "..") problem = "identity cannot be '.' or '..'";
        else if (name.EnumerateRunes().FirstOrDefault(IsHidden) is { Value: not 0 } hidden)
            problem = $"identity contains an invisible or control character (U+{hidden.Value:X4}): type the name without it";
        else if (MixesLatinWithLookalikes(name))
            problem = "identity mixes Latin letters with Cyrillic or Greek ones, which look alike: use one script";
        return problem is null ? name : null;
    }

    /// <summary>
    /// A key under which look-alike names collide: NFC, fullwidth forms folded to ASCII, lower case, without spaces,
    /// underscores, dashes, dots and invisible characters. <c>Barack_Obama</c>, <c>barack obama</c> and
    /// <c>Ｂａｒａｃｋ Obama</c> share one.
    /// </summary>
    public static string Skeleton(string name)
    {
        var key = new StringBuilder(name.Length);
        foreach (var rune in Nfc.Normalize(name).EnumerateRunes())
        {
            if (IsHidden(rune) || Rune.IsWhiteSpace(rune) || rune.Value is '_' or '-' or '.' or '\u00B7' or '\uFF3F' or '\uFF0D' or '\uFF0E') continue;
            // Fullwidth ASCII (U+FF01-FF5E) is ASCII shifted by 0xFEE0.
            var folded = rune.Value is >= 0xFF01 and <= 0xFF5E ? new Rune(rune.Value - 0xFEE0) : rune;
            key.Append(Rune.ToLowerInvariant(folded).ToString());
        }
        return key.ToString();
    }

    private static bool IsHidden(Rune r) => Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned;

    private static bool MixesLatinWithLookalikes(string name)
    {
        bool latin = false, lookalike = false;
        foreach (var rune in name.EnumerateRunes())
        {
            if (!Rune.IsLetter(rune)) continue;
            var v = rune.Value;
            if (v is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= 0xC0 and <= 0x24F) latin = true;
            else if (v is >= 0x370 and <= 0x3FF or >= 0x400 and <= 0x52F or >= 0x1F00 and <= 0x1FFF) lookalike = true;
        }
        return latin && lookalike;
    }
}
