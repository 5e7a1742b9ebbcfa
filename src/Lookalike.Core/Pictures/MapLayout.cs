using System.Globalization;

namespace Lookalike.Pictures;

/// <summary>
/// A laid-out gallery map (<see cref="GalleryMap.Compute"/>): its points, a sample when the gallery holds more faces
/// than were asked for, how well the layout keeps the embedding space, and the size of the whole gallery.
/// </summary>
/// <param name="Points">The faces on the map.</param>
/// <param name="Quality">How well the layout keeps the embeddings' neighbourhoods.</param>
/// <param name="GalleryFaces">Faces of the model in the gallery.</param>
/// <param name="GalleryIdentities">People those faces belong to.</param>
public sealed record MapLayout(IReadOnlyList<MapPoint> Points, MapQuality Quality, int GalleryFaces, int GalleryIdentities)
{
    /// <summary>True when the map shows a sample of the gallery's faces.</summary>
    public bool IsSample => Points.Count < GalleryFaces;

    /// <summary>What a page says about the sample ("showing 2,000 of 300,000 faces …"); null when every face is shown.</summary>
    public string? SampleNote => IsSample
        ? string.Create(CultureInfo.InvariantCulture,
            $"Showing {Points.Count:N0} of {GalleryFaces:N0} faces (a sample): {Points.Select(p => p.Identity).Distinct(StringComparer.Ordinal).Count():N0} of {GalleryIdentities:N0} people, the same number of faces of each where they have that many, the same sample for the same gallery.")
        : null;
}
