using Lookalike.Search;

namespace Lookalike.Faces;

/// <summary>
/// A tracked face's name, kept steady: the first recognition names the face, and the name changes only when one
/// other identity beats it clearly in <see cref="Confirmations"/> recognitions in a row (its identity score at least
/// <see cref="Margin"/> above the current name's score in the same recognition). One per track; not thread-safe.
/// </summary>
public sealed class LabelHysteresis
{
    private string? _challenger;
    private int _streak;

    /// <summary>Consecutive clear wins another identity needs to take the name (3: one odd frame never renames a face).</summary>
    public int Confirmations { get; init; } = 3;

    /// <summary>
    /// How far (in identity score, a cosine) the challenger must lead the current name. 0.05 is about a tenth of the
    /// distance between the same-person and different-person score means of the stock model.
    /// </summary>
    public float Margin { get; init; } = 0.05f;

    /// <summary>The current name; null until the first recognition.</summary>
    public string? Label { get; private set; }

    /// <summary>How many times the name changed after it was first set.</summary>
    public int Changes { get; private set; }

    /// <summary>Takes one recognition's identities (best first) and returns the name to show.</summary>
    /// <param name="matches">The search's answer for this recognition, best first; an empty list changes nothing.</param>
    public string? Observe(IReadOnlyList<IdentityMatch> matches)
    {
        ArgumentNullException.ThrowIfNull(matches);
        if (matches.Count == 0) return Label;
        var top = matches[0];
        if (Label is null)
        {
            Label = top.Identity;
            return Label;
        }
        if (string.Equals(top.Identity, Label, StringComparison.Ordinal))
        {
            (_challenger, _streak) = (null, 0);
            return Label;
        }
        // The current name's score in this recognition; absent from the list means below its last entry.
        var current = matches.FirstOrDefault(m => string.Equals(m.Identity, Label, StringComparison.Ordinal))?.Similarity ?? matches[^1].Similarity - Margin;
        if (top.Similarity - current < Margin)
        {
            (_challenger, _streak) = (null, 0);
            return Label;
        }
        _streak = string.Equals(_challenger, top.Identity, StringComparison.Ordinal) ? _streak + 1 : 1;
        _challenger = top.Identity;
        if (_streak >= Confirmations)
        {
            Label = top.Identity;
            Changes++;
            (_challenger, _streak) = (null, 0);
        }
        return Label;
    }
}
