using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lookalike.Faces;
using Lookalike.Gallery;

namespace Lookalike;

public sealed record FileOutcomeJson(string Path, string Identity, string Outcome, string? Detail);
