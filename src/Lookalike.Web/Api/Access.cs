using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lookalike.Web;

/// <summary>What a route group needs from the caller.</summary>
public enum Access
{
    /// <summary>Nothing, unless the server protects reads (<see cref="WebOptions.ProtectReads"/>): then the API key.</summary>
    Read,
    /// <summary>The API key; refused outright when the server has none.</summary>
    Write,
}

/// <summary>Endpoint metadata naming the access a route needs (read by tests and the OpenAPI description).</summary>
public sealed record AccessMetadata(Access Access);

/// <summary>
/// Checks the API key before the handler runs (and so before any upload is read): 401 without the right key
/// (compared in constant time), 403 when the operator configured no key at all.
/// </summary>
internal sealed class AccessFilter(Access access) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<WebOptions>();
        if (access == Access.Read && !options.ProtectReads) return await next(context);
        if (access == Access.Read && http.RequestServices.GetRequiredService<SignedLinks>().Allows(http)) return await next(context);
        return Denied(http, options, access) ?? await next(context);
    }

    /// <summary>Null when the request carries the configured key; otherwise the problem to answer.</summary>
    internal static ProblemHttpResult? Denied(HttpContext http, WebOptions options, Access access)
    {
        if (string.IsNullOrEmpty(options.ApiKey))
            return access == Access.Write
                ? Problems.Of(403, "writes are disabled: start the server with an API key (--api-key or LOOKALIKE_API_KEY)")
                : Problems.Of(403, "reads are protected but the server has no API key: start it with --api-key (or LOOKALIKE_API_KEY)");
        var given = http.Request.Headers[Api.ApiKeyHeader].ToString();
        if (HasKey(given, options.ApiKey)) return null;
        var what = access == Access.Write ? "this needs the API key" : "this server protects reads";
        return Problems.Of(401, given.Length == 0 ? $"{what}: send it in the {Api.ApiKeyHeader} header" : $"{what}: the {Api.ApiKeyHeader} header is wrong");
    }

    /// <summary>True when <paramref name="given"/> is the key; hashes first so the comparison takes the same time whatever the lengths.</summary>
    internal static bool HasKey(string given, string key) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}

internal static class AccessExtensions
{
    /// <summary>Puts every endpoint of the group behind <see cref="AccessFilter"/>.</summary>
    public static RouteGroupBuilder WithAccess(this RouteGroupBuilder group, Access access)
    {
        group.AddEndpointFilter(new AccessFilter(access)).WithMetadata(new AccessMetadata(access));
        if (access == Access.Write) group.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }
}
