using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lookalike.Faces;
using Lookalike.Gallery;

namespace Lookalike;

public sealed record CompareResultJson(double Similarity, double Probability, bool Same, double Threshold, CompareSideJson A, CompareSideJson B);
