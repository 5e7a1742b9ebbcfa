using Lookalike.Cli;
using Lookalike.Cli.Rendering;

return LookalikeCli.Create(CliConsole.System()).Parse(args).Invoke();
