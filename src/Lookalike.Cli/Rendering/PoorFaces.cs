using System.Globalization;
using Lookalike.Faces;
using Spectre.Console;

namespace Lookalike.Cli.Rendering;

/// <summary>Warns (on stderr) about query faces whose <see cref="Face.Quality"/> is too low for a reliable answer.</summary>
internal static class PoorFaces
{
    public static void Warn(CliConsole console, IEnumerable<(string Path, Face Face)> faces)
    {
        foreach (var (path, face) in faces.Where(f => f.Face.Quality < FaceQuality.PoorBelow))
            console.Err.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warning: the face in {Path.GetFileName(path)} has quality {face.Quality:F2} (small, blurred or turned away): the answer below is unreliable"));
    }
}
