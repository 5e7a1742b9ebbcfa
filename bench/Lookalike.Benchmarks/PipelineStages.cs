using BenchmarkDotNet.Attributes;
using Lookalike.Faces;
using Lookalike.Imaging;

namespace Lookalike.Benchmarks;

/// <summary>Decoding the JPEG into pixels (SkiaSharp), EXIF orientation included.</summary>
[MemoryDiagnoser]
public class DecodeBenchmark : Stage
{
    [GlobalSetup] public void SetUp() => SetUpPipeline();
    [GlobalCleanup] public void TearDown() => TearDownPipeline();
    [Benchmark] public int Decode() { using var image = ImageLoader.Decode(Jpeg); return image.Width; }
}

/// <summary>The face detector on the whole photo: letterbox, one model run, NMS.</summary>
[MemoryDiagnoser]
public class DetectBenchmark : Stage
{
    [GlobalSetup] public void SetUp() => SetUpPipeline();
    [GlobalCleanup] public void TearDown() => TearDownPipeline();
    [Benchmark] public int Detect() => Pipeline.Detector.Detect(Image).Count;
}

/// <summary>The 68-point landmark model on the detected face's square.</summary>
[MemoryDiagnoser]
public class LandmarksBenchmark : Stage
{
    [GlobalSetup] public void SetUp() => SetUpPipeline();
    [GlobalCleanup] public void TearDown() => TearDownPipeline();
    [Benchmark] public int Landmarks68() => Pipeline.Landmarker.Locate(Image, Face.Box.ToSquare()).Length;
}

/// <summary>The 5-point similarity warp to the 112x112 template.</summary>
[MemoryDiagnoser]
public class AlignBenchmark : Stage
{
    [GlobalSetup] public void SetUp() => SetUpPipeline();
    [GlobalCleanup] public void TearDown() => TearDownPipeline();
    [Benchmark] public int Align() { using var crop = FaceAligner.Align(Image, LandmarkModel.FivePoints(Landmarks)); return crop.Width; }
}

/// <summary>The embedder on one aligned face, and the whole analysis of the photo for reference.</summary>
[MemoryDiagnoser]
public class EmbedBenchmark : Stage
{
    [GlobalSetup] public void SetUp() => SetUpPipeline();
    [GlobalCleanup] public void TearDown() => TearDownPipeline();
    [Benchmark] public int Embed() => Pipeline.Embedder.Embed(Aligned).Length;
    [Benchmark] public int AnalyzeWholePhoto() => Pipeline.Analyze(Image).Faces.Count;
}
