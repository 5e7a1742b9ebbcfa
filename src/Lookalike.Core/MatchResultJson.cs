using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lookalike.Faces;
using Lookalike.Gallery;

namespace Lookalike;

/// <param name="Reason">Why the list of faces is empty, when it is.</param>
public sealed record MatchResultJson(string? Photo, int Width, int Height, GallerySizeJson Gallery, double Threshold, IReadOnlyList<FaceJson> Faces, string? Reason);
