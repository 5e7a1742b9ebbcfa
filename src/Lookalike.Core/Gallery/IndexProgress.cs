using System.Collections.Concurrent;
using System.Security.Cryptography;
using Lookalike.Faces;
using Lookalike.Imaging;

namespace Lookalike.Gallery;

/// <summary>Progress of an indexing run: files looked at so far out of the total.</summary>
public readonly record struct IndexProgress(int Done, int Total, int Embedded);
