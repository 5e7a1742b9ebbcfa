namespace Lookalike.Gallery;

/// <summary>
/// A gallery archive that is refused as a whole, before anything is written: not a readable .zip or .tar.gz, an
/// entry name that would leave the archive (<c>..</c>, an absolute path, a drive letter, a NUL), two entries with one
/// name, or a zip bomb (an entry compressed more than <see cref="ArchiveLimits.MaxRatio"/>, or more in all than
/// <see cref="ArchiveLimits.MaxTotalBytes"/>). The message says which, for the user.
/// </summary>
public sealed class GalleryArchiveException(string message, Exception? inner = null) : Exception(message, inner);
