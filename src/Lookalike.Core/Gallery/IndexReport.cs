using System.Collections.Concurrent;
using System.Security.Cryptography;
using Lookalike.Faces;
using Lookalike.Imaging;

namespace Lookalike.Gallery;

/// <summary>The summary of one indexing run. The outcome counts add up to <see cref="Files"/>.</summary>
public sealed record IndexReport(string Root, int Files, IReadOnlyDictionary<Outcome, int> Outcomes, int Removed, int Embedded,
    IReadOnlyList<FileRecord> Problems, TimeSpan Elapsed, bool Cancelled);
