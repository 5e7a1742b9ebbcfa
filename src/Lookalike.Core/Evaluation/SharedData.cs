namespace Lookalike.Evaluation;

/// <summary>
/// The shared photo sets (<c>shared/data</c>: a folder per set, see its README): <c>$LOOKALIKE_DATA</c>, else the first
/// <c>shared/data</c> found walking up from the working directory or from the program's folder.
/// </summary>
public static class SharedData
{
    /// <summary>The full path of <paramref name="relative"/> (a set, a file in one, or "" for the folder itself), or null if absent.</summary>
    public static string? Find(string relative = "")
    {
        var env = Environment.GetEnvironmentVariable("LOOKALIKE_DATA");
        if (!string.IsNullOrEmpty(env)) return Exists(Path.Combine(env, relative));
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                if (Exists(Path.Combine(d.FullName, "shared", "data", relative)) is { } found) return found;
            }
        }
        return null;
    }

    private static string? Exists(string path) => File.Exists(path) || Directory.Exists(path) ? Path.GetFullPath(path) : null;
}
