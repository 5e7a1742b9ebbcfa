namespace Lookalike.Cli.Bench;

/// <summary>Calls an action for each report, one at a time (reports come from several worker threads).</summary>
internal sealed class LockedProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _lock = new();

    public void Report(T value)
    {
        lock (_lock) report(value);
    }
}
