using System.Diagnostics;
using Lookalike.Evaluation;
using Lookalike.Training.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Lookalike.Training;

public sealed record TrainOptions
{
    public int Epochs { get; init; } = 8;
    public int BatchSize { get; init; } = 16; // largest activation [16,128,56,56] stays under glibc's 32 MB mmap limit (TorchSetup)
    /// <summary>Parameters of nodes up to this one stay fixed (node name such as Conv_47, or a count of Conv layers).</summary>
    public string? FreezeUntil { get; init; } = "Add_32";
    public double LearningRate { get; init; } = 1e-5;
    public double HeadLearningRate { get; init; } = 1e-3;
    /// <summary>ArcFace additive angular margin (radians) and logit scale.</summary>
    public double Margin { get; init; } = 0.3;
    public double Scale { get; init; } = 32;
    /// <summary>Epochs without a better validation AUC before stopping.</summary>
    public int Patience { get; init; } = 3;
    public int Seed { get; init; } = 1;
    public bool Augment { get; init; } = true;
}

/// <param name="MonitorAuc">AUC on <see cref="Trainer.Monitor"/> faces, for reports only (never used to choose an epoch); NaN without them.</param>
public sealed record EpochReport(int Epoch, double TrainLoss, double ValidationAuc, double Seconds, int Images, bool Best, double MonitorAuc = double.NaN);

public sealed record TrainResult(double BaselineAuc, IReadOnlyList<EpochReport> Epochs, int BestEpoch, Dictionary<string, float[]> BestWeights,
    long TrainableParameters)
{
    public bool StoppedEarly(TrainOptions o) => Epochs.Count < o.Epochs;
}

/// <summary>
/// Fine-tunes an <see cref="OnnxNet"/> with an ArcFace head (additive angular margin) over the training identities,
/// checks verification AUC on pairs of the held-apart identities after every epoch, keeps the best epoch's weights and
/// stops when the AUC has not improved for <see cref="TrainOptions.Patience"/> epochs. The graph has no BatchNormalization
/// left (it is folded into the convolutions), so small batches are safe.
/// </summary>
public sealed class Trainer(OnnxNet net, TrainOptions options)
{
    /// <summary>Splits faces by identity (never by image): about <paramref name="fraction"/> of the identities, at least two, are
    /// held apart for validation when there are at least four; otherwise nothing is.</summary>
    public static (List<AlignedFace> Train, List<AlignedFace> Validation) SplitIdentities(IReadOnlyList<AlignedFace> faces, double fraction, int seed)
    {
        var ids = faces.Select(f => f.Identity).Distinct().Order(StringComparer.Ordinal).ToList();
        var random = new Random(seed);
        var shuffled = ids.OrderBy(_ => random.Next()).ToList();
        var n = ids.Count >= 4 ? Math.Max(2, (int)Math.Round(ids.Count * fraction)) : 0;
        var held = shuffled.Take(n).ToHashSet();
        return ([.. faces.Where(f => !held.Contains(f.Identity))], [.. faces.Where(f => held.Contains(f.Identity))]);
    }

    /// <summary>Verification AUC of the net on all same-identity pairs of <paramref name="faces"/> and as many different ones.</summary>
    public static double ValidationAuc(nn.Module<Tensor, Tensor> net, IReadOnlyList<AlignedFace> faces)
    {
        if (faces.Select(f => f.Identity).Distinct().Count() < 2) return double.NaN;
        var embeddings = FaceData.Embed(net, [.. faces.Select(f => f.Rgba)]);
        var map = faces.Select((f, i) => (f.Path, E: embeddings[i])).ToDictionary(x => x.Path, x => (float[]?)x.E);
        var pairs = PersonFolders.Pairs([.. faces.Select(f => new LabelledImage(f.Path, f.Identity))]);
        return Roc.Auc(new ImageEmbeddings(map).Score(pairs));
    }

    public Action<EpochReport>? OnEpoch { get; init; }
    /// <summary>Faces whose pair AUC is reported after each epoch (e.g. test identities, to show the curve); never used to choose.</summary>
    public IReadOnlyList<AlignedFace> Monitor { get; init; } = [];
    /// <summary>AUC of <see cref="Monitor"/> before training.</summary>
    public double MonitorBaseline { get; private set; } = double.NaN;
    /// <summary>(epoch, images done, images in the epoch, running mean loss) after every step.</summary>
    public Action<int, int, int, double>? OnStep { get; init; }

    public TrainResult Train(IReadOnlyList<AlignedFace> train, IReadOnlyList<AlignedFace> validation, CancellationToken cancel = default)
    {
        var identities = train.Select(f => f.Identity).Distinct().Order(StringComparer.Ordinal).ToList();
        if (identities.Count < 2) throw new ArgumentException("training needs at least two identities");
        var label = identities.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => (long)x.i);
        manual_seed(options.Seed);
        var trainable = net.FreezeUntil(options.FreezeUntil);

        net.eval();
        var baseline = ValidationAuc(net, validation);
        if (Monitor.Count > 0) MonitorBaseline = ValidationAuc(net, Monitor);
        using var head = new ArcFaceHead(ClassCentres(train, identities), options.Scale, options.Margin);
        var backbone = net.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = optim.Adam(backbone, options.LearningRate);
        using var headOptimizer = optim.Adam(head.parameters(), options.HeadLearningRate);
        var random = new Random(options.Seed);

        var epochs = new List<EpochReport>();
        // The best trained epoch is kept (the stock weights are never handed back as "trained"); the stock validation AUC
        // is reported beside it for comparison.
        var best = (Epoch: 0, Auc: double.NegativeInfinity, Weights: net.Weights());
        var sinceBest = 0;
        for (var epoch = 1; epoch <= options.Epochs && !cancel.IsCancellationRequested; epoch++)
        {
            var clock = Stopwatch.StartNew();
            net.train();
            var order = train.OrderBy(_ => random.Next()).ToList();
            double lossSum = 0;
            var seen = 0;
            for (var s = 0; s < order.Count && !cancel.IsCancellationRequested; s += options.BatchSize)
            {
                var batch = order.Skip(s).Take(options.BatchSize).ToList();
                if (batch.Count < 2) continue;
                var crops = new byte[batch.Count][];
                var step = s;
                Parallel.For(0, batch.Count, i => crops[i] = options.Augment
                    ? Augmenter.Apply(batch[i].Rgba, unchecked(options.Seed * 1_000_003 + epoch * 100_003 + step + i))
                    : batch[i].Rgba);
                using var scope = NewDisposeScope();
                var x = FaceData.Batch(crops);
                var y = tensor(batch.Select(f => label[f.Identity]).ToArray());
                optimizer.zero_grad();
                headOptimizer.zero_grad();
                var loss = head.Loss(net.forward(x), y);
                loss.backward();
                optimizer.step();
                headOptimizer.step();
                lossSum += loss.item<float>() * batch.Count;
                seen += batch.Count;
                OnStep?.Invoke(epoch, seen, order.Count, lossSum / seen);
            }
            net.eval();
            var auc = ValidationAuc(net, validation);
            var improved = double.IsNaN(auc) || auc > best.Auc;
            if (improved) { best = (epoch, auc, net.Weights()); sinceBest = 0; }
            else sinceBest++;
            var seconds = clock.Elapsed.TotalSeconds;
            var monitor = Monitor.Count > 0 ? ValidationAuc(net, Monitor) : double.NaN;
            var report = new EpochReport(epoch, seen == 0 ? double.NaN : lossSum / seen, auc, seconds, seen, improved, monitor);
            epochs.Add(report);
            OnEpoch?.Invoke(report);
            if (!double.IsNaN(auc) && sinceBest >= options.Patience) break;
        }
        return new TrainResult(baseline, epochs, best.Epoch, best.Weights, trainable);
    }

    /// <summary>Mean training loss without augmentation or updates (for checks).</summary>
    public double Loss(IReadOnlyList<AlignedFace> faces, IReadOnlyList<string> identities, ArcFaceHead head)
    {
        var label = identities.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => (long)x.i);
        using var _ = no_grad();
        double sum = 0;
        for (var s = 0; s < faces.Count; s += options.BatchSize)
        {
            using var scope = NewDisposeScope();
            var batch = faces.Skip(s).Take(options.BatchSize).ToList();
            var loss = head.Loss(net.forward(FaceData.Batch(batch.Select(f => f.Rgba))), tensor(batch.Select(f => label[f.Identity]).ToArray()));
            sum += loss.item<float>() * batch.Count;
        }
        return sum / faces.Count;
    }

    /// <summary>Each identity's mean normalised embedding by the current net: the head starts where the classes already are,
    /// so the first steps refine the embedder instead of chasing random class vectors.</summary>
    public float[][] ClassCentres(IReadOnlyList<AlignedFace> faces, IReadOnlyList<string> identities)
    {
        net.eval();
        var embeddings = FaceData.Embed(net, [.. faces.Select(f => f.Rgba)]);
        return [.. identities.Select(id =>
        {
            var members = faces.Select((f, i) => (f, i)).Where(x => x.f.Identity == id).Select(x => embeddings[x.i]).ToList();
            var mean = new float[members[0].Length];
            foreach (var e in members) for (var k = 0; k < mean.Length; k++) mean[k] += e[k] / members.Count;
            return mean;
        })];
    }
}

/// <summary>ArcFace: logits s·cos(θ_y + m) for the true class and s·cos θ_j for the others, over normalised class vectors.</summary>
public sealed class ArcFaceHead : nn.Module
{
    private readonly TorchSharp.Modules.Parameter _weight;
    private readonly double _scale, _cosM, _sinM, _threshold, _mm;

    public ArcFaceHead(float[][] centres, double scale, double margin) : base("arcface")
    {
        var flat = centres.SelectMany(c => c).ToArray();
        _weight = new TorchSharp.Modules.Parameter(tensor(flat, [centres.Length, centres[0].Length]), requires_grad: true);
        register_parameter("weight", _weight);
        _scale = scale;
        _cosM = Math.Cos(margin);
        _sinM = Math.Sin(margin);
        _threshold = Math.Cos(Math.PI - margin);
        _mm = Math.Sin(Math.PI - margin) * margin;
    }

    public Tensor Loss(Tensor embeddings, Tensor labels)
    {
        var cos = nn.functional.normalize(embeddings, dim: 1).matmul(nn.functional.normalize(_weight, dim: 1).t()).clamp(-1 + 1e-7, 1 - 1e-7);
        var sin = (1 - cos.pow(2)).sqrt();
        var phi = cos * _cosM - sin * _sinM;
        phi = where(cos > _threshold, phi, cos - _mm); // past π - m, cos(θ + m) would rise again: use a linear penalty
        var onehot = nn.functional.one_hot(labels, cos.shape[1]).to_type(ScalarType.Float32);
        var logits = (onehot * phi + (1 - onehot) * cos) * _scale;
        return nn.functional.cross_entropy(logits, labels);
    }
}
