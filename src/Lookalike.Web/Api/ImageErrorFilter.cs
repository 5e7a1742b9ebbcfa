using Lookalike.Imaging;

namespace Lookalike.Web;

/// <summary>Turns an image the decoder refused, wherever the handler met it, into 413 or 415 (<see cref="Uploads.ImageProblem"/>).</summary>
internal sealed class ImageErrorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (ImageLoadException e)
        {
            return Uploads.ImageProblem(e);
        }
    }
}
