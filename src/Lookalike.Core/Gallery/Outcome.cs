using Lookalike.Faces;
using Lookalike.Search;

namespace Lookalike.Gallery;

/// <summary>What happened to one file when a gallery was indexed.</summary>
public enum Outcome
{
    /// <summary>One face found and stored.</summary>
    Indexed,
    /// <summary>No face found in the photo.</summary>
    NoFace,
    /// <summary>Several faces: the largest was stored and the file is flagged.</summary>
    MultipleFaces,
    /// <summary>Faces found, but all under the minimum face size.</summary>
    TooSmall,
    /// <summary>The file could not be read or decoded as an image.</summary>
    Unreadable,
    /// <summary>The file or image is over the loader's size limits (bytes or pixels).</summary>
    TooLarge,
    /// <summary>A labels file was given and has no label for this file.</summary>
    Unlabelled,
    /// <summary>Analysis ran past the per-file timeout; retried on the next run.</summary>
    TimedOut,
    /// <summary>Same content and model as already stored: not embedded again.</summary>
    Unchanged,
}
