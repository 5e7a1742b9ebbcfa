using Spectre.Console;

namespace Lookalike.Cli.Rendering;

/// <summary>Moves a Spectre task to a count reported from the worker threads.</summary>
internal sealed class TaskProgress(ProgressTask task) : IProgress<int>
{
    public void Report(int value)
    {
        lock (task) if (value > task.Value) task.Value = value;
    }
}
