using System.CommandLine;
using Lookalike.Cli;

var root = new RootCommand("lookalike: which celebrity do you look like, and how alike are two faces. Runs on a plain CPU.");
Commands.AddAll(root);
return root.Parse(args).Invoke();
