using System.Collections.Concurrent;
using System.Security.Cryptography;
using Lookalike.Faces;
using Lookalike.Imaging;

namespace Lookalike.Gallery;

/// <summary>How <see cref="GalleryIndexer.Index"/> runs; every property has a usable default.</summary>
public sealed record IndexOptions
{
    /// <summary>Images processed in parallel (each model runs single-threaded per image).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;
    /// <summary>Files written per transaction; a killed run loses at most this many.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>
    /// A file still being analysed after this long gets the outcome 'timed_out' and the run goes on without it
    /// (its work is abandoned, not aborted: native calls cannot be stopped safely).
    /// </summary>
    public TimeSpan FileTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How each photo is analysed: by default JPEGs are decoded at reduced scale (<see cref="AnalyzeOptions.Indexing"/>).</summary>
    public AnalyzeOptions Analysis { get; init; } = AnalyzeOptions.Indexing;
    /// <summary>Optional labels: full path → identity. Files under the root without a label are 'unlabelled'.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    /// <summary>What a .zip or .tar.gz given as the gallery may unpack to (zip-bomb limits).</summary>
    public ArchiveLimits ArchiveLimits { get; init; } = ArchiveLimits.Default;
}
