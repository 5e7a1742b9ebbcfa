using System.Globalization;
using System.Text;

namespace Lookalike.Gallery;

/// <summary>
/// Unicode Normalization Form C (UAX #15: canonical decomposition, canonical ordering, canonical composition) from
/// the tables in <see cref="UnicodeData"/>. Needed because the CLI and the app run with InvariantGlobalization, where
/// <see cref="string.Normalize()"/> returns its input unchanged.
/// </summary>
public static class Nfc
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7, LCount = 19, VCount = 21, TCount = 28;
    private const int NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Dictionary<int, int[]> s_decompositions = Entries(UnicodeData.Decompositions)
        .ToDictionary(e => e.Key, e => e.Value.Split(' ').Select(Hex).ToArray());
    private static readonly Dictionary<int, int> s_classes = Entries(UnicodeData.CombiningClasses)
        .ToDictionary(e => e.Key, e => int.Parse(e.Value, CultureInfo.InvariantCulture));
    private static readonly Dictionary<long, int> s_compositions = UnicodeData.Compositions.Split(';')
        .Select(p => p.Split(' ').Select(Hex).ToArray()).ToDictionary(p => Pair(p[0], p[1]), p => p[2]);

    /// <summary>The NFC form of <paramref name="text"/>.</summary>
    public static string Normalize(string text)
    {
        // Below U+0300 there are no combining marks, so such text is already composed.
        if (text.All(c => c < '\u0300')) return text;
        var decomposed = new List<int>(text.Length + 8);
        foreach (var rune in text.EnumerateRunes()) Decompose(rune.Value, decomposed);
        Reorder(decomposed);
        var composed = Compose(decomposed);
        var result = new StringBuilder(composed.Count);
        foreach (var cp in composed) result.Append(char.ConvertFromUtf32(cp));
        return result.ToString();
    }

    /// <summary>The canonical combining class (0 for starters).</summary>
    public static int CombiningClass(int cp) => s_classes.GetValueOrDefault(cp);

    private static void Decompose(int cp, List<int> into)
    {
        if (cp is >= SBase and < SBase + SCount)
        {
            var s = cp - SBase;
            into.Add(LBase + s / NCount);
            into.Add(VBase + s % NCount / TCount);
            if (s % TCount != 0) into.Add(TBase + s % TCount);
            return;
        }
        if (s_decompositions.TryGetValue(cp, out var parts))
        {
            foreach (var p in parts) Decompose(p, into);
            return;
        }
        into.Add(cp);
    }

    /// <summary>Sorts each run of combining marks by combining class, keeping equal classes in order.</summary>
    private static void Reorder(List<int> cps)
    {
        for (var i = 1; i < cps.Count; i++)
        {
            var c = CombiningClass(cps[i]);
            if (c == 0) continue;
            for (var j = i; j > 0 && CombiningClass(cps[j - 1]) > c; j--) (cps[j - 1], cps[j]) = (cps[j], cps[j - 1]);
        }
    }

    private static List<int> Compose(List<int> cps)
    {
        var result = new List<int>(cps.Count);
        var starter = -1;
        var lastClass = 0;
        foreach (var cp in cps)
        {
            var cc = CombiningClass(cp);
            if (starter >= 0)
            {
                // Blocked: something between the starter and this character is a starter or has a class at least as high.
                var adjacent = result.Count - 1 == starter;
                if ((adjacent || (lastClass != 0 && lastClass < cc)) && TryCompose(result[starter], cp, out var composite))
                {
                    result[starter] = composite;
                    continue;
                }
            }
            if (cc == 0) starter = result.Count;
            lastClass = cc;
            result.Add(cp);
        }
        return result;
    }

    private static bool TryCompose(int first, int second, out int composite)
    {
        if (first is >= LBase and < LBase + LCount && second is >= VBase and < VBase + VCount)
        {
            composite = SBase + ((first - LBase) * VCount + second - VBase) * TCount;
            return true;
        }
        if (first is >= SBase and < SBase + SCount && (first - SBase) % TCount == 0 && second is > TBase and < TBase + TCount)
        {
            composite = first + second - TBase;
            return true;
        }
        return s_compositions.TryGetValue(Pair(first, second), out composite);
    }

    private static long Pair(int first, int second) => ((long)first << 21) | (uint)second;

    private static int Hex(string s) => int.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static IEnumerable<KeyValuePair<int, string>> Entries(string table) =>
        table.Split(';').Select(e => e.Split(':')).Select(p => new KeyValuePair<int, string>(Hex(p[0]), p[1]));
}
