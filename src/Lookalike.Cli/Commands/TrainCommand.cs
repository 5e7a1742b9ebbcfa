using System.CommandLine;

namespace Lookalike.Cli.Commands;

/// <summary>`lookalike train`: fine-tune the embedder (forwarded to lookalike-train).</summary>
internal static class TrainCommand
{
    public static Command Create(CliContext cli)
    {
        // Declared for --help; every token is passed on as given, including options not listed here.
        var cmd = new Command("train", "Fine-tune the face embedder on your own identities (ArcFace loss, CPU); runs lookalike-train")
        {
            new Option<DirectoryInfo>("--identities") { Description = "Folder with one sub-folder of photos per person" },
            new Option<int>("--epochs") { Description = "Most epochs (stops early when validation AUC stops improving; default 8)" },
            new Option<string>("--freeze-until") { Description = "Keep the graph's weights up to this node fixed (default Add_32; 0 = train all)" },
            new Option<DirectoryInfo>("--out") { Description = "Model folder to write: embedder.onnx + model.json" },
            new Option<bool>("--experiment") { Description = "Run the measured experiment and write docs/training.md" },
        };
        cmd.TreatUnmatchedTokensAsErrors = false;
        cmd.SetAction(parse => cli.Run(parse, () => TrainTool.Forward(TrainTool.Tokens(parse))));
        return cmd;
    }
}
