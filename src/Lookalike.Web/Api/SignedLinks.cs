using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace Lookalike.Web;

/// <summary>Endpoint metadata: a GET of this route may carry a signed link (<see cref="SignedLinks"/>) instead of the key.</summary>
public sealed record SignedLinkMetadata;

/// <summary>
/// Unguessable URLs for the images and the map when reads are protected, so an <c>&lt;img&gt;</c> or a new tab can
/// show them without the key: <c>PATH?sig=HMAC(secret, PATH)</c> with a secret made at start-up (links die with the
/// process). A signature opens exactly one path, only with GET, only on routes marked <see cref="SignedLinkMetadata"/>.
/// </summary>
public sealed class SignedLinks
{
    public const string Parameter = "sig";
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

    /// <summary><paramref name="path"/> (no query) with its signature.</summary>
    public string Sign(string path) => QueryHelpers.AddQueryString(path, Parameter, Signature(path));

    /// <summary>True when the request is a GET of a signed-link route whose <c>sig</c> matches its path.</summary>
    public bool Allows(HttpContext http)
    {
        if (!HttpMethods.IsGet(http.Request.Method) || http.GetEndpoint()?.Metadata.GetMetadata<SignedLinkMetadata>() is null) return false;
        var given = http.Request.Query[Parameter].ToString();
        var expected = Signature((http.Request.PathBase + http.Request.Path).ToUriComponent());
        return given.Length == expected.Length && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(given), Encoding.ASCII.GetBytes(expected));
    }

    private string Signature(string path) => WebEncoders.Base64UrlEncode(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(path)).AsSpan(0, 18));
}

internal static class SignedLinkApi
{
    /// <summary>Marks a GET route as reachable by a signed link.</summary>
    public static RouteHandlerBuilder AllowSignedLinks(this RouteHandlerBuilder route) => route.WithMetadata(new SignedLinkMetadata());

    /// <summary><c>GET /api/links?path=…</c>: a signed link to an image or the map, for a client that holds the key.</summary>
    public static void MapSignedLinks(this IEndpointRouteBuilder api) =>
        api.MapGet("/links", Link).WithSummary("A signed link (no key needed) to a thumbnail, an average face or the map; needs the key when reads are protected");

    private static Results<Ok<SignedLinkJson>, ProblemHttpResult> Link(string? path, SignedLinks links) =>
        path is not null && (path == "/api/gallery/map" || path == LiveSocketApi.Path || path.StartsWith("/api/faces/", StringComparison.Ordinal) || path.StartsWith("/api/gallery/", StringComparison.Ordinal) && path.EndsWith("/average", StringComparison.Ordinal))
            ? TypedResults.Ok(new SignedLinkJson(links.Sign(path)))
            : Problems.Of(400, "give 'path': /api/gallery/map, /api/faces/{id}/thumbnail, /api/gallery/{identity}/average or /api/live/ws");
}

/// <summary>The answer of <c>GET /api/links</c>.</summary>
public sealed record SignedLinkJson(string Url);
