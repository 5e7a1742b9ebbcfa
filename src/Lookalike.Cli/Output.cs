using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lookalike.Faces;
using Spectre.Console;

namespace Lookalike.Cli;

/// <summary>JSON and console output shared by the commands.</summary>
internal static class Output
{
    /// <summary>Progress and notes go to stderr so stdout stays clean for --json.</summary>
    public static readonly IAnsiConsole Err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public static void WriteJson(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Contracts.Json));

    public static object BoxJson(Box b) => new { x = Round(b.X), y = Round(b.Y), width = Round(b.Width), height = Round(b.Height) };

    public static double Round(float v, int digits = 1) => Math.Round(v, digits);
    public static double Round4(float v) => Math.Round(v, 4);
}
