using Spectre.Console;
using Spectre.Console.Rendering;

namespace Lookalike.Cli.Rendering;

/// <summary>Items per second without byte units.</summary>
internal sealed class TransferSpeedlessRateColumn : ProgressColumn
{
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(task.Speed is { } s ? $"{s:F1}/s" : "-/s");
}
