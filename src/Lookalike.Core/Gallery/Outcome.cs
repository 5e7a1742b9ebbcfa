using Lookalike.Faces;
using Lookalike.Search;

namespace Lookalike.Gallery;

/// <summary>What happened to one file when a gallery was indexed.</summary>
public enum Outcome
{
    Indexed,
    NoFace,
    MultipleFaces,
    TooSmall,
    Unreadable,
    TooLarge,
    Unlabelled,
    TimedOut,
    Unchanged,
}
