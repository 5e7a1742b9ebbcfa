using System.Text.RegularExpressions;

namespace Lookalike.Tests;

/// <summary>
/// Finds every reference in an HTML page that would load something from outside the page. A page is self-contained when
/// each <c>src</c>, <c>href</c> (and the like), CSS <c>url(…)</c> points at a <c>data:</c> URI or an anchor in the page, and
/// nothing imports, links or fetches. Base64 payloads are cut out first, so letters that turn up in them by chance
/// ("…JjJhttpJu4…") are never taken for a reference.
/// </summary>
public static partial class SelfContainedPage
{
    [GeneratedRegex(@"data:[\w.+-]+/[\w.+-]+(;[\w=.-]+)*;base64,[A-Za-z0-9+/=]+")]
    private static partial Regex Base64Payload();

    [GeneratedRegex(@"<script\b[^>]*>(?<body>.*?)</script\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Script();

    [GeneratedRegex(@"<style\b[^>]*>(?<body>.*?)</style\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Style();

    [GeneratedRegex(@"<[a-zA-Z][^<>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s(?<name>src|href|xlink:href|srcset|action|formaction|poster|background|data|ping)\s*=\s*(""(?<v>[^""]*)""|'(?<v>[^']*)'|(?<v>[^\s>]+))", RegexOptions.IgnoreCase)]
    private static partial Regex UrlAttribute();

    [GeneratedRegex(@"\bstyle\s*=\s*(""(?<v>[^""]*)""|'(?<v>[^']*)')", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttribute();

    [GeneratedRegex(@"url\(\s*['""]?(?<v>[^'"")\s]*)", RegexOptions.IgnoreCase)]
    private static partial Regex CssUrl();

    [GeneratedRegex(@"@import|\bfetch\s*\(|XMLHttpRequest|\bWebSocket\s*\(|\bEventSource\s*\(|\bimport\s*\(|\bsendBeacon\s*\(|\bimportScripts\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex Loader();

    /// <summary>Every external reference in <paramref name="html"/>, as a short description; empty when self-contained.</summary>
    public static List<string> ExternalReferences(string html)
    {
        var found = new List<string>();
        var page = Base64Payload().Replace(html, "data:");
        foreach (Match s in Script().Matches(page))
            foreach (Match m in Loader().Matches(s.Groups["body"].Value)) found.Add($"script loads: {m.Value}");
        foreach (Match s in Style().Matches(page)) CheckCss(s.Groups["body"].Value, found);
        var markup = Style().Replace(Script().Replace(page, m => Regex.Match(m.Value, @"^<script\b[^>]*>").Value), "");
        foreach (Match tag in Tag().Matches(markup))
        {
            if (tag.Value.StartsWith("<link", StringComparison.OrdinalIgnoreCase)) found.Add($"link: {tag.Value}");
            foreach (Match a in UrlAttribute().Matches(tag.Value))
            {
                var v = a.Groups["v"].Value.Trim();
                if (!IsInside(v)) found.Add($"{a.Groups["name"].Value}={v}");
            }
            foreach (Match a in StyleAttribute().Matches(tag.Value)) CheckCss(a.Groups["v"].Value, found);
        }
        return found;
    }

    private static void CheckCss(string css, List<string> found)
    {
        if (css.Contains("@import", StringComparison.OrdinalIgnoreCase)) found.Add("css @import");
        foreach (Match u in CssUrl().Matches(css))
            if (!IsInside(u.Groups["v"].Value)) found.Add($"css url({u.Groups["v"].Value})");
    }

    private static bool IsInside(string url) =>
        url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || url.StartsWith('#');
}
