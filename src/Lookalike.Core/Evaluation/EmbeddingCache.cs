using System.Security.Cryptography;
using System.Text;
using Lookalike.Faces;

namespace Lookalike.Evaluation;

/// <summary>
/// The largest face of each evaluated image, kept on disk per model and per set
/// (<c>~/.cache/lookalike/eval/&lt;model&gt;-&lt;key&gt;/&lt;set&gt;.bin</c>), so experiments on scoring (fusion weights,
/// cohort normalisation, thresholds, quality) re-run on stored faces in seconds instead of re-analysing every photo.
/// An entry is used only while the file's size and modification time are unchanged; the key hashes the model id,
/// the embedder file's bytes and input recipe, the detector, the alignment and <see cref="PipelineVersion"/>, so a changed model or
/// recipe never reads another's faces.
/// </summary>
public sealed class EmbeddingCache
{
    /// <summary>Bumped whenever the pipeline's recipe changes what it finds for the same photo.</summary>
    public const int PipelineVersion = 4;

    private const int Magic = 0x4C4B4543; // "LKEC"

    /// <summary>The folder this cache writes to (one per model key).</summary>
    public string Folder { get; }

    private EmbeddingCache(string folder) => Folder = folder;

    /// <summary>The default root: <c>$LOOKALIKE_EVAL_CACHE</c>, else <c>~/.cache/lookalike/eval</c>.</summary>
    public static string DefaultRoot =>
        Environment.GetEnvironmentVariable("LOOKALIKE_EVAL_CACHE") is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "lookalike", "eval");

    /// <summary>
    /// A converted model's input recipe (size, layout, channel order, mean/std, template) in the key: changing how a
    /// model is fed changes its embeddings even though its file does not change.
    /// </summary>
    private static string Describe(Faces.EmbedderInput? input) => input is null ? "stock-input" : string.Join(',',
        [input.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), input.Nhwc ? "nhwc" : "nchw", input.Bgr ? "bgr" : "rgb",
         .. input.Mean.Select(F), .. input.Std.Select(F), .. input.Template.SelectMany(p => new[] { F(p.X), F(p.Y) })]);

    private static string F(float v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The cache of <paramref name="pipeline"/>'s model combination under <paramref name="root"/> (default <see cref="DefaultRoot"/>).</summary>
    public static EmbeddingCache For(FacePipeline pipeline, string? root = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var key = new StringBuilder()
            .Append(pipeline.ModelId).Append('|').Append(pipeline.Options.Detector).Append('|').Append(pipeline.Options.Alignment).Append('|')
            .Append(PipelineVersion).Append('|').Append(FileHash(pipeline.Embedding.Path)).Append('|').Append(Describe(pipeline.Embedding.Input));
        if (pipeline.Embedding.Second is { } second) key.Append('|').Append(FileHash(second.Path)).Append('|').Append(Describe(second.Input));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..12];
        var name = new string([.. pipeline.ModelId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_')]);
        return new EmbeddingCache(Path.Combine(root ?? DefaultRoot, $"{name}-{hash}"));
    }

    private static readonly Dictionary<string, string> s_hashes = new(StringComparer.Ordinal);

    private static string FileHash(string path)
    {
        lock (s_hashes)
        {
            if (s_hashes.TryGetValue(path, out var h)) return h;
            using var stream = File.OpenRead(path);
            h = Convert.ToHexStringLower(SHA256.HashData(stream));
            s_hashes[path] = h;
            return h;
        }
    }

    /// <summary>The set an image belongs to: the folder above its <c>images</c> folder, else its own folder's name.</summary>
    public static string SetOf(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        for (var d = dir; d is not null; d = Path.GetDirectoryName(d))
            if (Path.GetFileName(d) == "images" && Path.GetDirectoryName(d) is { } set) return Path.GetFileName(set);
        return Path.GetFileName(dir) is { Length: > 0 } own ? own : "other";
    }

    /// <summary>The stored faces of one set: path → (size, mtime ticks, face or null).</summary>
    public Dictionary<string, (long Size, long Ticks, CachedFace? Face)> Load(string set)
    {
        var result = new Dictionary<string, (long, long, CachedFace?)>(StringComparer.Ordinal);
        var file = Path.Combine(Folder, set + ".bin");
        if (!File.Exists(file)) return result;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(file));
            if (reader.ReadInt32() != Magic) return result;
            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++)
            {
                var path = reader.ReadString();
                var size = reader.ReadInt64();
                var ticks = reader.ReadInt64();
                result[path] = (size, ticks, reader.ReadBoolean() ? CachedFace.Read(reader) : null);
            }
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or FormatException)
        {
            result.Clear(); // a damaged file is recomputed, never half-used
        }
        return result;
    }

    /// <summary>Writes one set's faces (replacing the file atomically).</summary>
    public void Save(string set, IReadOnlyDictionary<string, (long Size, long Ticks, CachedFace? Face)> entries)
    {
        Directory.CreateDirectory(Folder);
        var file = Path.Combine(Folder, set + ".bin");
        var temp = file + "." + Environment.ProcessId + ".tmp";
        using (var writer = new BinaryWriter(File.Create(temp)))
        {
            writer.Write(Magic);
            writer.Write(entries.Count);
            foreach (var (path, (size, ticks, face)) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                writer.Write(path);
                writer.Write(size);
                writer.Write(ticks);
                writer.Write(face is not null);
                face?.Write(writer);
            }
        }
        File.Move(temp, file, overwrite: true);
    }
}
