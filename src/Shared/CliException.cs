namespace Lookalike.Cli;

/// <summary>A failure with a message meant for the user: <see cref="ErrorEdge"/> prints it and exits with code 1.</summary>
internal sealed class CliException(string message) : Exception(message);
