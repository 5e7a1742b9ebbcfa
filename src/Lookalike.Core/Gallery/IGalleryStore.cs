using Lookalike.Faces;
using Lookalike.Search;

namespace Lookalike.Gallery;

/// <summary>
/// Where a gallery lives: per file its outcome and fingerprint, per kept face its embedding, box, landmarks and an
/// aligned thumbnail. Two implementations: <see cref="SqliteGalleryStore"/> (one file, the default) and
/// <see cref="PostgresGalleryStore"/> (PostgreSQL + pgvector, shared by many app instances). Both pass the same tests.
/// A store holds no search: <see cref="GallerySearch.Open"/> builds one from its embeddings.
/// </summary>
public interface IGalleryStore : IDisposable
{
    /// <summary>Where the store is, for messages (a file path, or a connection without its password).</summary>
    string Location { get; }

    /// <summary>Stored files whose path lies under <paramref name="root"/> (a full directory path).</summary>
    Dictionary<string, FileRecord> FilesUnder(string root);

    /// <summary>Writes results in one transaction: each file's row replaces the old one, with its face.</summary>
    void Write(IReadOnlyList<FileResult> results);

    /// <summary>Updates only the fingerprint of files whose content did not change (e.g. touched).</summary>
    void Touch(IReadOnlyList<FileRecord> files);

    /// <summary>Removes files (and their faces).</summary>
    void RemoveFiles(IReadOnlyCollection<string> paths);

    /// <summary>Removes every face and file row of an identity, leaving no trace of it (SQLite: zeroed in place; PostgreSQL: vacuumed). Returns faces removed.</summary>
    int RemoveIdentity(string identity);

    /// <summary>
    /// Identities with their face and file counts and one face id (for a thumbnail), by name (ordinal): <paramref name="limit"/>
    /// of them (every one when null) from the <paramref name="offset"/>-th on, paged in the database.
    /// </summary>
    List<IdentitySummary> Identities(int offset = 0, int? limit = null);

    /// <summary>Every identity's name, by name (ordinal), without counts: one walk of an index.</summary>
    List<string> IdentityNames();

    /// <summary>How many identities <see cref="Identities"/> lists in all.</summary>
    int IdentityCount();

    /// <summary>
    /// One page of the stored photos (<see cref="PhotoFiles"/>), by path (ordinal), and how many photos there are in all,
    /// read in one snapshot and paged in the database.
    /// </summary>
    (List<FileRecord> Files, int Total) Photos(int offset, int limit);

    /// <summary>
    /// The first and the last stored file path in ordinal order, uploaded faces left out; nulls when there is none.
    /// Every other path sorts between them, so their common folder is the common folder of all (found without reading every row).
    /// </summary>
    (string? First, string? Last) PathRange();

    /// <summary>Every face made by <paramref name="model"/> with its identity, in no particular order and without embeddings: what a map samples from.</summary>
    List<(long Id, string Identity)> FaceIdentities(string model);

    /// <summary>The faces with these ids (those that exist), by id, with their embeddings.</summary>
    List<StoredFace> FacesById(IReadOnlyCollection<long> ids);

    /// <summary>Every stored file with its outcome, by path.</summary>
    List<FileRecord> Files();

    /// <summary>All face embeddings made by <paramref name="model"/>, by id.</summary>
    List<StoredFace> Faces(string model);

    /// <summary>The faces of one identity: id, source path, box and whether the photo had several faces.</summary>
    List<IdentityFace> IdentityFaces(string identity);

    /// <summary>One stored face with its embedding, or null.</summary>
    StoredFace? Face(long id);

    /// <summary>The aligned thumbnail (JPEG) of a stored face.</summary>
    byte[]? Thumbnail(long faceId);

    /// <summary>Files recorded as having a face whose face row is missing, counted in one statement (one snapshot).</summary>
    int FilesMissingTheirFace();

    /// <summary>Stored faces, all models together.</summary>
    int FaceCount();
}
