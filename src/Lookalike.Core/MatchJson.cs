using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lookalike.Faces;
using Lookalike.Gallery;

namespace Lookalike;

/// <param name="Probability">Calibrated probability that the face and the identity's best face are the same person (see Calibration).</param>
/// <param name="Same">The verdict on the best face: its cosine is at or above the threshold.</param>
public sealed record MatchJson(string Identity, double Similarity, double BestSimilarity, double Probability, bool Same, int GalleryFaces, long BestFaceId, string BestFacePath);
