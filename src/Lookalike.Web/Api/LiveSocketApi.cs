using Microsoft.AspNetCore.Http.HttpResults;

namespace Lookalike.Web;

internal static class LiveSocketApi
{
    /// <summary>The live WebSocket's path.</summary>
    public const string Path = "/api/live/ws";

    /// <summary>
    /// <c>GET /api/live/ws?top=3</c> (WebSocket): a live session at camera speed. Binary messages up are frames
    /// (JPEG or PNG); each gets one text message down, <c>frame</c>, <c>dropped</c> or <c>error</c> (see
    /// <see cref="LiveSocketSession"/>). Behind the read access like <c>/api/live</c>; a browser, which cannot set
    /// headers on a WebSocket, connects with a signed link (<c>/api/links?path=/api/live/ws</c>).
    /// </summary>
    public static void MapLiveSocket(this IEndpointRouteBuilder api) =>
        api.MapGet("/live/ws", Live).AllowSignedLinks().ExcludeFromDescription();

    private static async Task<IResult> Live(HttpContext http, GalleryService g, int? top)
    {
        if (!http.WebSockets.IsWebSocketRequest)
            return Problems.Of(400, "this is a WebSocket: connect with ws:// (or wss://) and send frames as binary messages");
        if (!g.TryOpenLiveSocket())
            return Problems.Of(429, $"at most {g.Options.MaxLiveSessions} live sessions at once: close one or retry later");
        try
        {
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            await new LiveSocketSession(socket, g, Math.Clamp(top ?? 3, 1, 10)).RunAsync(http.RequestAborted);
            return TypedResults.Empty;
        }
        finally
        {
            g.CloseLiveSocket();
        }
    }
}
