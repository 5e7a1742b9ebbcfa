namespace Lookalike.Gallery;

/// <summary>One file in a gallery archive.</summary>
/// <param name="Index">Its position among all the archive's entries (directories included), in archive order.</param>
/// <param name="Name">Its name, checked and cleaned: '/'-separated, relative, without '.' or empty segments.</param>
/// <param name="Size">Uncompressed length in bytes, as the archive gives it (reading never goes past it).</param>
/// <param name="MtimeTicks">Last write time (UTC) in .NET ticks, as the archive gives it.</param>
/// <param name="Problem">Why it is not read (a link, a device), or null for a regular file.</param>
internal sealed record ArchiveEntry(int Index, string Name, long Size, long MtimeTicks, string? Problem);
