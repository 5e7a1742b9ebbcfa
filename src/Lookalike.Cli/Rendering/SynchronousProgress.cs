using Lookalike.Gallery;
using Spectre.Console;

namespace Lookalike.Cli.Rendering;

/// <summary>Reports progress straight into a Spectre task from the worker threads (Progress&lt;T&gt; would post to a missing context).</summary>
internal sealed class SynchronousProgress(ProgressTask task) : IProgress<IndexProgress>
{
    public void Report(IndexProgress value)
    {
        lock (task)
        {
            task.MaxValue = Math.Max(1, value.Total);
            if (value.Done > task.Value) task.Value = value.Done;
        }
    }
}
