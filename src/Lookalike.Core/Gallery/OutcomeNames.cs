using Lookalike.Faces;
using Lookalike.Search;

namespace Lookalike.Gallery;

/// <summary>The stable names of <see cref="Outcome"/> values and what they imply.</summary>
public static class OutcomeNames
{
    /// <summary>The stable snake_case name used in JSON and in the store.</summary>
    public static string Name(this Outcome o) => o switch
    {
        Outcome.Indexed => "indexed",
        Outcome.NoFace => "no_face",
        Outcome.MultipleFaces => "multiple_faces",
        Outcome.TooSmall => "too_small",
        Outcome.Unreadable => "unreadable",
        Outcome.TooLarge => "too_large",
        Outcome.Unlabelled => "unlabelled",
        Outcome.TimedOut => "timed_out",
        Outcome.Unchanged => "unchanged",
        _ => throw new ArgumentOutOfRangeException(nameof(o)),
    };

    /// <summary>The outcome with the stored name <paramref name="name"/> (the inverse of <see cref="Name"/>); throws for an unknown name.</summary>
    public static Outcome Parse(string name) =>
        Enum.GetValues<Outcome>().First(o => o.Name() == name);

    /// <summary>True for outcomes whose file contributes a face to the gallery.</summary>
    public static bool HasFace(this Outcome o) => o is Outcome.Indexed or Outcome.MultipleFaces;

    /// <summary>The stored names of the outcomes with a face, as a SQL list of literals (<c>'indexed', 'multiple_faces'</c>), built from the enum.</summary>
    internal static readonly string WithFaceSql = string.Join(", ", Enum.GetValues<Outcome>().Where(o => o.HasFace()).Select(o => $"'{o.Name()}'"));
}
