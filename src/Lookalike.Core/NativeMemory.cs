using System.Runtime.InteropServices;

namespace Lookalike;

/// <summary>
/// Keeps native memory (decoded photos, thumbnails, ONNX Runtime buffers) from creeping up in long runs. glibc gives
/// each thread that calls malloc its own arena (up to 8 per core, fixed before Main runs, so mallopt is too late);
/// freed photo buffers then sit fragmented in many arenas and the working set steps up. malloc_trim returns those
/// free pages to the system. Measured with `lookalike bench --memory-files 10000`: see README "Speed".
/// </summary>
public static class NativeMemory
{
    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    /// <summary>Gives free heap pages of every malloc arena back to the system; false where there is no glibc.</summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            MallocTrim(0);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // musl and other C libraries: nothing to trim.
        }
    }
}
