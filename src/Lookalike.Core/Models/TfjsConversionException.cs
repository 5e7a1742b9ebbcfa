using System.Text;

namespace Lookalike.Models;

/// <summary>Thrown when a TFJS model cannot be read or converted; the message names the file, node or op.</summary>
public sealed class TfjsConversionException(string message) : Exception(message);
