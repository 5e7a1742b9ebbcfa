using SkiaSharp;

namespace Lookalike.Imaging;

/// <summary>Thrown when a file is not a decodable image or is over the limits; the message is one line for users.</summary>
public sealed class ImageLoadException(ImageProblem problem, string message) : Exception(message)
{
    /// <summary>Whether the image was unreadable or over the limits.</summary>
    public ImageProblem Problem { get; } = problem;
}
