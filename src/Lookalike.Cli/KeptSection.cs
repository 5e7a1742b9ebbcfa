namespace Lookalike.Cli;

/// <summary>
/// The part of docs/accuracy.md that `lookalike accuracy` does not generate (the open-set and likeness figures, from
/// `eval --strangers` and the reference measurement): everything from <see cref="Marker"/> on is carried over when the
/// file is rewritten, so a regeneration never silently drops it.
/// </summary>
internal static class KeptSection
{
    public const string Marker = "<!-- kept by lookalike accuracy: measured by eval --strangers and the likeness reference (docs/accuracy.md) -->";

    public static string From(string? existing) =>
        existing?.IndexOf(Marker, StringComparison.Ordinal) is int i and >= 0 ? Environment.NewLine + existing[i..] : "";
}
