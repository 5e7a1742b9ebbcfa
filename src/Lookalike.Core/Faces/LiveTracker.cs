using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>
/// Follows faces over a stream of frames: detection on every frame, matched to the previous frame's faces by box
/// overlap; only new faces, faces whose box changed a lot, and every <see cref="RefreshFrames"/>-th frame of a face
/// pay for landmarks, alignment, embedding and the check. A face that stays put costs one detection per frame.
/// One tracker per video stream; not thread-safe.
/// </summary>
public sealed class LiveTracker(FacePipeline pipeline)
{
    private sealed class Track
    {
        public required int Id;
        public required Box Box;
        public required Face Face;
        public int Age;
        public int Missed;
    }

    private readonly List<Track> _tracks = [];
    private int _nextId = 1;

    /// <summary>Frames after which a followed face is embedded again anyway.</summary>
    public int RefreshFrames { get; init; } = 15;
    /// <summary>Frames a face may go undetected before its track is dropped.</summary>
    public int KeepMissing { get; init; } = 3;

    /// <summary>Processes one frame without cancellation; see <see cref="Process(SKBitmap, CancellationToken)"/>.</summary>
    public IReadOnlyList<TrackedFace> Process(SKBitmap frame) => Process(frame, CancellationToken.None);

    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled (tracks already updated by this frame keep their update).</exception>
    public IReadOnlyList<TrackedFace> Process(SKBitmap frame, CancellationToken cancellation)
    {
        // Candidates: the detector's faces, described only when needed. With none, the full recipe (padded retries
        // for faces that fill the frame) runs on this frame instead.
        var candidates = pipeline.Detector.Detect(frame, cancellation: cancellation).OrderByDescending(d => d.Box.Area)
            .Select(d => (Box: d.Box.ToSquare().ClipTo(frame.Width, frame.Height), Describe: (Func<Face?>)(() => pipeline.Describe(frame, d, cancellation))))
            .ToList();
        if (candidates.Count == 0)
            candidates = [.. pipeline.Analyze(frame, cancellation).Faces.Select(f => (f.Box, (Func<Face?>)(() => f)))];
        var result = new List<TrackedFace>();
        var used = new HashSet<Track>();
        foreach (var (square, describe) in candidates)
        {
            var track = _tracks.Where(t => !used.Contains(t)).OrderByDescending(t => t.Box.IoU(square)).FirstOrDefault();
            if (track is not null && track.Box.IoU(square) >= 0.3f)
            {
                used.Add(track);
                track.Missed = 0;
                track.Age++;
                if (track.Box.IoU(square) < 0.7f || track.Age >= RefreshFrames)
                {
                    if (describe() is not { } face) continue;
                    (track.Face, track.Box, track.Age) = (face, square, 0);
                    result.Add(new TrackedFace(track.Id, square, face, Fresh: true));
                }
                else
                {
                    track.Box = square;
                    result.Add(new TrackedFace(track.Id, square, track.Face, Fresh: false));
                }
                continue;
            }
            if (describe() is not { } fresh) continue;
            var added = new Track { Id = _nextId++, Box = square, Face = fresh };
            _tracks.Add(added);
            used.Add(added);
            result.Add(new TrackedFace(added.Id, square, fresh, Fresh: true));
        }
        foreach (var t in _tracks.Where(t => !used.Contains(t))) t.Missed++;
        _tracks.RemoveAll(t => t.Missed > KeepMissing);
        return result;
    }
}
