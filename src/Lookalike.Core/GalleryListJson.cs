using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lookalike.Faces;
using Lookalike.Gallery;

namespace Lookalike;

/// <summary>The gallery's contents in the JSON output.</summary>
/// <param name="Identities">Every identity with its counts, by name.</param>
/// <param name="Faces">Total stored faces.</param>
public sealed record GalleryListJson(IReadOnlyList<IdentityJson> Identities, int Faces);
