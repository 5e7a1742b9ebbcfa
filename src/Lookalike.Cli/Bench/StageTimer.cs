using System.Diagnostics;

namespace Lookalike.Cli.Bench;

/// <summary>Median and 90th percentile of an action's wall-clock time after a warm-up (for `lookalike bench`; never in tests).</summary>
internal static class StageTimer
{
    public static Stats Time(int n, Action action)
    {
        // Warm up long enough for the JIT to reach its optimised tier (about 30 calls plus a background compile).
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < 40 || warm.ElapsedMilliseconds < 300; i++) action();
        var ms = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            ms[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(ms);
        return new Stats(ms[n / 2], ms[Math.Min(n - 1, (int)Math.Ceiling(n * 0.9) - 1)]);
    }
}
