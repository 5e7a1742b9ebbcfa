using System.Text;
using System.Text.Json;

namespace Lookalike.Models;

/// <summary>Thrown when a TFJS model cannot be read or converted; the message names the file, node or op.</summary>
public sealed class TfjsConversionException(string message) : Exception(message);
