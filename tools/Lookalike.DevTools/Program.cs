using System.CommandLine;
using Lookalike.DevTools;

var root = new RootCommand("Lookalike developer tools: hostile-file corpus, reliability run, load generator (not part of the product)")
{
    DevOptions.ModelsDir, DevOptions.Json,
};
root.Subcommands.Add(FuzzCommand.Create());
root.Subcommands.Add(ReliabilityCommand.Create());
root.Subcommands.Add(LoadCommand.Create());
return root.Parse(args).Invoke();
