using System.Runtime.InteropServices;
using Lookalike.Faces;
using Lookalike.Search;
using Npgsql;
using Pgvector;

namespace Lookalike.Gallery;

/// <summary>A gallery store that cannot be opened or written, with a message meant for the user.</summary>
public sealed class GalleryStoreException(string message, Exception? inner = null) : Exception(message, inner);
