using Lookalike.Training;
using Lookalike.Training.Onnx;
using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Models;
using TorchSharp;

if (args[0] == "bench") {
  Lookalike.Training.TorchSetup.Init(int.Parse(args[2])); Console.WriteLine($"malloc tuned {Lookalike.Training.TorchSetup.MallocTuned}");
  Console.WriteLine($"threads {torch.get_num_threads()}");
  {
    var ma = torch.randn(1024, 1024); var mb = torch.randn(1024, 1024);
    for (int r = 0; r < 3; r++) { var sw4 = System.Diagnostics.Stopwatch.StartNew(); for (int k = 0; k < 10; k++) using (var c = ma.matmul(mb)) {} Console.WriteLine($"matmul x10 {sw4.ElapsedMilliseconds} ms"); }
    var e = torch.randn(32, 128, 28, 28);
    for (int r = 0; r < 3; r++) { var sw4 = System.Diagnostics.Stopwatch.StartNew(); for (int k = 0; k < 10; k++) using (var c = e * 2f) {} Console.WriteLine($"mul x10 {sw4.ElapsedMilliseconds} ms"); }
    for (int r = 0; r < 3; r++) { var sw4 = System.Diagnostics.Stopwatch.StartNew(); for (int k = 0; k < 10; k++) e.mul_(1.0001f); Console.WriteLine($"mul_ inplace x10 {sw4.ElapsedMilliseconds} ms"); }
    var sw5 = System.Diagnostics.Stopwatch.StartNew(); double acc2 = 0; for (int k = 0; k < 100_000_000; k++) acc2 += k * 0.5; Console.WriteLine($"C# loop {sw5.ElapsedMilliseconds} ms {acc2}");
  }
  var xx = torch.randn(32, 128, 28, 28, requires_grad: true);
  var wd = torch.randn(128, 1, 3, 3, requires_grad: true);
  var wp = torch.randn(128, 128, 1, 1, requires_grad: true);
  for (int r = 0; r < 3; r++) {
    var sw2 = System.Diagnostics.Stopwatch.StartNew();
    var y1 = torch.nn.functional.conv2d(xx, wd, null, padding: new long[]{1,1}, groups: 128); var t1 = sw2.ElapsedMilliseconds; y1.sum().backward(); var t1b = sw2.ElapsedMilliseconds;
    sw2.Restart();
    var y2 = torch.nn.functional.conv2d(xx, wp, null); var t2 = sw2.ElapsedMilliseconds; y2.sum().backward(); var t2b = sw2.ElapsedMilliseconds;
    sw2.Restart();
    var xp = torch.nn.functional.pad(xx, new long[]{1,1,1,1}); torch.Tensor acc = null!;
    for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) { var term = xp[.., .., i..(i+28), j..(j+28)] * wd[.., 0, i, j].view(1, 128, 1, 1); acc = acc is null ? term : acc + term; }
    var t3 = sw2.ElapsedMilliseconds; acc.sum().backward(); var t3b = sw2.ElapsedMilliseconds;
    Console.WriteLine($"dw fw {t1} fw+bw {t1b} | pw fw {t2} fw+bw {t2b} | shift fw {t3} fw+bw {t3b} | diff {(acc - y1).abs().max().item<float>()}");
  }
  var net0 = new Lookalike.Training.Onnx.OnnxNet(Lookalike.Training.Onnx.OnnxFile.Load(args[1]));
  var xin = torch.randn(int.Parse(args[3]), 3, 112, 112);
  for (int r = 0; r < 6; r++) {
    using var scope3 = torch.NewDisposeScope();
    var sw3 = System.Diagnostics.Stopwatch.StartNew();
    using (torch.no_grad()) net0.forward(xin);
    var a1 = sw3.ElapsedMilliseconds; sw3.Restart();
    var yy = net0.forward(xin); var a2 = sw3.ElapsedMilliseconds; yy.sum().backward(); var a3 = sw3.ElapsedMilliseconds;
    Console.WriteLine($"net nograd {a1} grad fw {a2} fw+bw {a3}");
    net0.Profile = new(); using (torch.no_grad()) net0.forward(xin);
    foreach (var kv in net0.Profile.OrderByDescending(k => k.Value).Take(12)) Console.WriteLine($"  {kv.Key} {kv.Value:F1}");
    Console.WriteLine($"  total {net0.Profile.Values.Sum():F0}"); net0.Profile = null;
  }
  return;
}
var path = args[0];
torch.set_num_threads(2);
var f = OnnxFile.Load(path);
var net = new OnnxNet(f);
net.eval();
var store = new ModelStore();
using var pipeline = new FacePipeline(store);
var imgs = PersonFolders.Read("/work/shared/data/south-asian-celebs/images").Take(8).ToList();
var sw = System.Diagnostics.Stopwatch.StartNew();
var (faces, failed) = FaceData.Align(pipeline, imgs);
Console.WriteLine($"aligned {faces.Count} failed {failed.Count} {sw.ElapsedMilliseconds} ms");
sw.Restart();
var crops = faces.Select(x => x.Rgba).ToList();
var a = FaceData.Embed(net, crops);
Console.WriteLine($"torch {sw.ElapsedMilliseconds} ms");
var b = FaceData.EmbedOnnx(path, crops);
// raw compare
using var emb = new FaceEmbedder(path);
double maxd = 0;
foreach (var c in crops) {
  using var bm = new AlignedFace("", "", c).ToBitmap();
  var o = emb.Embed(bm);
  using var _ = torch.no_grad();
  var t = net.forward(FaceData.Batch([c])).data<float>().ToArray();
  maxd = Math.Max(maxd, o.Zip(t).Max(p => Math.Abs(p.First - p.Second)));
}
Console.WriteLine($"max abs diff raw {maxd}");

net.train();
var x = FaceData.Batch(Enumerable.Range(0, 32).Select(i => crops[i % crops.Count]));
foreach (var fz in new[]{"0","25","40","48"}) {
  var tr = net.FreezeUntil(fz);
  var opt = torch.optim.Adam(net.parameters().Where(p => p.requires_grad), 1e-5);
  for (int i = 0; i < 3; i++) { sw.Restart(); opt.zero_grad(); var y = net.forward(x); var fw = sw.ElapsedMilliseconds; var l = y.pow(2).mean(); l.backward(); opt.step(); Console.WriteLine($"freeze {fz} trainable {tr} step {i} fw {fw} total {sw.ElapsedMilliseconds} ms"); }
}
