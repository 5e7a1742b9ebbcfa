using System.Runtime.InteropServices;
using TorchSharp;

namespace Lookalike.Training;

/// <summary>Process-wide settings for running TorchSharp on this project's small CPU machines.</summary>
public static partial class TorchSetup
{
    private static int _done;

    /// <summary>Whether the glibc settings took effect.</summary>
    public static bool MallocTuned { get; private set; }

    /// <summary>
    /// Threads for libtorch, and glibc malloc settings that keep freed tensor memory in the heap. Without them every
    /// activation tensor above glibc's mmap threshold is a fresh mmap whose pages fault in on first touch; in this VM that
    /// made a batch-32 forward pass 5-20x slower than the arithmetic (measured: a PRelu on [32,128,56,56] took 0.5-1.2 s).
    /// With a fixed 32 MB threshold (glibc's maximum), no trimming and one arena, and batches whose largest activation is
    /// below 32 MB (batch ≤ 16 for this embedder), memory is reused instead.
    /// </summary>
    public static void Init(int threads = 2)
    {
        if (Interlocked.Exchange(ref _done, 1) == 1) return;
        if (OperatingSystem.IsLinux())
        {
            try
            {
                MallocTuned = mallopt(-8, 1) == 1   // M_ARENA_MAX: one arena (the brk heap), so large blocks are not per-thread heaps
                    & mallopt(-1, int.MaxValue) == 1 // M_TRIM_THRESHOLD: never give the top of the heap back
                    & mallopt(-2, 256 << 20) == 1    // M_TOP_PAD: grow the heap in big steps
                    & mallopt(-3, 32 << 20) == 1;    // M_MMAP_THRESHOLD: blocks up to 32 MB come from the heap
                // OpenMP workers sleep instead of spinning at barriers: on 2 shared cores a spinning worker steals the
                // time slice its partner needs. libgomp reads this when libtorch loads, so set it in the native environment.
                if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null) setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // not glibc: defaults
            }
        }
        torch.set_num_threads(Math.Max(1, threads));
    }

    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    [LibraryImport("libc.so.6", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
