using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Lookalike.Models;

/// <summary>Thrown when models cannot be fetched or verified; the message says what to do.</summary>
public sealed class ModelFetchException(string message, Exception? inner = null) : Exception(message, inner);
