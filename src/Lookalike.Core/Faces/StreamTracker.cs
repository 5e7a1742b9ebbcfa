using Lookalike.Search;
using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>
/// Follows faces at camera rate: <see cref="Follow"/> costs one detection per frame (boxes matched to the previous
/// frame's boxes, moved by each track's last motion, by overlap), and says which faces are due a recognition; the caller
/// recognises those when it can (possibly on another thread, frames later) and reports back with <see cref="Recognized"/>,
/// which names the track through its <see cref="LabelHysteresis"/>. Unlike <see cref="LiveTracker"/> it never embeds
/// on the frame's own path. Thread-safe: calls are serialised by a lock.
/// </summary>
public sealed class StreamTracker(IFaceDetector detector)
{
    private sealed class Track
    {
        public required int Id;
        public required Box Box;
        public float Dx, Dy;
        public int Missed;
        public int SinceRecognition = int.MaxValue;
        public bool Pending;
        public readonly LabelHysteresis Label = new();
    }

    private readonly List<Track> _tracks = [];
    private readonly Lock _lock = new();
    private int _nextId = 1;

    /// <summary>Frames between two recognitions of a named face (new and unnamed faces are due at once).</summary>
    public int RecognizeEvery { get; init; } = 10;

    /// <summary>Frames a face may go undetected before its track is dropped.</summary>
    public int KeepMissing { get; init; } = 5;

    /// <summary>At most this many faces (the largest) are followed in a frame.</summary>
    public int MaxFaces { get; init; } = 5;

    /// <summary>How many times a track's name changed after it was first set, over every track so far.</summary>
    public int LabelChanges { get; private set; }

    /// <summary>Detects the faces of one frame and matches them to the tracks.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public IReadOnlyList<StreamFace> Follow(SKBitmap frame, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var detections = detector.Detect(frame, cancellation: cancellation).OrderByDescending(d => d.Box.Area).Take(MaxFaces).ToList();
        lock (_lock)
        {
            var result = new List<StreamFace>();
            var used = new HashSet<Track>();
            foreach (var d in detections)
            {
                var square = d.Box.ToSquare().ClipTo(frame.Width, frame.Height);
                // Compare with where each track would be now if it kept moving as in its last frame.
                Track? best = null;
                var bestIoU = 0.25f;
                foreach (var t in _tracks)
                {
                    if (used.Contains(t)) continue;
                    var iou = (t.Box with { X = t.Box.X + t.Dx, Y = t.Box.Y + t.Dy }).IoU(square);
                    if (iou > bestIoU) (best, bestIoU) = (t, iou);
                }
                if (best is null)
                {
                    best = new Track { Id = _nextId++, Box = square };
                    _tracks.Add(best);
                }
                else
                {
                    (best.Dx, best.Dy) = (square.CenterX - best.Box.CenterX, square.CenterY - best.Box.CenterY);
                    best.Box = square;
                    best.Missed = 0;
                    if (best.SinceRecognition != int.MaxValue) best.SinceRecognition++;
                }
                used.Add(best);
                var due = !best.Pending && (best.Label.Label is null || best.SinceRecognition >= RecognizeEvery);
                result.Add(new StreamFace(best.Id, square, d, best.Label.Label, due));
            }
            foreach (var t in _tracks.Where(t => !used.Contains(t))) t.Missed++;
            _tracks.RemoveAll(t => t.Missed > KeepMissing);
            return result;
        }
    }

    /// <summary>Marks a face as being recognised, so later frames do not ask for it again until <see cref="Recognized"/>.</summary>
    public void Started(int id)
    {
        lock (_lock)
            if (_tracks.Find(t => t.Id == id) is { } t) t.Pending = true;
    }

    /// <summary>A recognition of track <paramref name="id"/> finished; returns the track's name (null when the track is gone or still unnamed).</summary>
    /// <param name="id">The track's number.</param>
    /// <param name="matches">The search's identities for the face, best first; null when the face could not be described (it is due again).</param>
    public string? Recognized(int id, IReadOnlyList<IdentityMatch>? matches)
    {
        lock (_lock)
        {
            if (_tracks.Find(t => t.Id == id) is not { } t) return null;
            t.Pending = false;
            if (matches is null) return t.Label.Label;
            t.SinceRecognition = 0;
            var before = t.Label.Changes;
            var label = t.Label.Observe(matches);
            LabelChanges += t.Label.Changes - before;
            return label;
        }
    }
}
