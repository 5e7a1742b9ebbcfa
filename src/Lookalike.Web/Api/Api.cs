namespace Lookalike.Web;

/// <summary>
/// Wiring of the REST API: one route group per kind of access, each feature mapped by its own file. Access is an
/// endpoint filter on the group, so an endpoint mapped into a group cannot forget it.
/// </summary>
public static class Api
{
    /// <summary>The request header carrying the API key.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>Maps /health and every /api endpoint.</summary>
    public static void MapLookalikeApi(this IEndpointRouteBuilder app)
    {
        app.MapHealth();

        var read = app.MapGroup("/api").WithAccess(Access.Read).AddEndpointFilter<ImageErrorFilter>();
        read.MapMatch();
        read.MapLive();
        read.MapLiveSocket();
        read.MapCompare();
        read.MapExplain();
        read.MapGalleryReads();
        read.MapThumbnails();
        read.MapSignedLinks();

        var write = app.MapGroup("/api").WithAccess(Access.Write).AddEndpointFilter<ImageErrorFilter>();
        write.MapGalleryWrites();
    }
}
