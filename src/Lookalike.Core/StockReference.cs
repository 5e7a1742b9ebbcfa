namespace Lookalike;

/// <summary>
/// The stock model's measured references, generated from the shared photos by docs/measure/stock-reference.cs
/// (docs/accuracy.md "Two numbers"): the different-person cosine distribution behind likeness, and the
/// open-set likelihood ratio behind match probabilities. Regenerate both when the stock model or its pipeline changes.
/// </summary>
internal static class StockReference
{
    // Declared before Likeness: static fields initialise in order.
    private static readonly float[] Cosines =
    [
        -0.4199f, -0.2343f, -0.2103f, -0.1948f, -0.1836f, -0.1747f, -0.1671f, -0.1605f, -0.1544f, -0.1493f, -0.1444f, -0.1402f,
        -0.1361f, -0.1322f, -0.1284f, -0.1249f, -0.1215f, -0.1184f, -0.1154f, -0.1125f, -0.1097f, -0.1071f, -0.1045f, -0.1021f,
        -0.0996f, -0.0973f, -0.0949f, -0.0928f, -0.0907f, -0.0885f, -0.0865f, -0.0845f, -0.0825f, -0.0806f, -0.0787f, -0.0768f,
        -0.0750f, -0.0732f, -0.0715f, -0.0698f, -0.0681f, -0.0664f, -0.0648f, -0.0631f, -0.0615f, -0.0599f, -0.0583f, -0.0568f,
        -0.0552f, -0.0536f, -0.0521f, -0.0507f, -0.0492f, -0.0477f, -0.0463f, -0.0449f, -0.0434f, -0.0420f, -0.0406f, -0.0392f,
        -0.0378f, -0.0364f, -0.0350f, -0.0337f, -0.0324f, -0.0310f, -0.0297f, -0.0284f, -0.0271f, -0.0259f, -0.0246f, -0.0233f,
        -0.0220f, -0.0208f, -0.0195f, -0.0183f, -0.0170f, -0.0157f, -0.0145f, -0.0133f, -0.0120f, -0.0108f, -0.0095f, -0.0083f,
        -0.0071f, -0.0058f, -0.0046f, -0.0034f, -0.0022f, -0.0010f, 0.0002f, 0.0014f, 0.0026f, 0.0038f, 0.0050f, 0.0062f,
        0.0074f, 0.0086f, 0.0099f, 0.0111f, 0.0123f, 0.0135f, 0.0147f, 0.0159f, 0.0171f, 0.0183f, 0.0196f, 0.0208f,
        0.0220f, 0.0232f, 0.0244f, 0.0256f, 0.0268f, 0.0281f, 0.0293f, 0.0305f, 0.0318f, 0.0329f, 0.0342f, 0.0354f,
        0.0367f, 0.0380f, 0.0393f, 0.0406f, 0.0419f, 0.0431f, 0.0444f, 0.0457f, 0.0469f, 0.0483f, 0.0496f, 0.0509f,
        0.0523f, 0.0536f, 0.0549f, 0.0562f, 0.0577f, 0.0590f, 0.0604f, 0.0617f, 0.0631f, 0.0645f, 0.0660f, 0.0674f,
        0.0689f, 0.0704f, 0.0719f, 0.0734f, 0.0750f, 0.0765f, 0.0781f, 0.0797f, 0.0812f, 0.0829f, 0.0845f, 0.0862f,
        0.0879f, 0.0896f, 0.0914f, 0.0931f, 0.0948f, 0.0967f, 0.0985f, 0.1004f, 0.1024f, 0.1044f, 0.1064f, 0.1085f,
        0.1106f, 0.1127f, 0.1150f, 0.1172f, 0.1194f, 0.1218f, 0.1243f, 0.1267f, 0.1292f, 0.1319f, 0.1346f, 0.1373f,
        0.1404f, 0.1435f, 0.1468f, 0.1501f, 0.1535f, 0.1573f, 0.1613f, 0.1655f, 0.1700f, 0.1749f, 0.1803f, 0.1860f,
        0.1922f, 0.1991f, 0.2071f, 0.2164f, 0.2278f, 0.2417f, 0.2604f, 0.2915f, 0.3011f, 0.3274f, 0.3527f, 0.3742f,
        0.4277f, 0.6420f,
    ];

    public static LikenessTable Likeness { get; } = new(LikenessTable.DefaultLevels, Cosines,
        "pairs of photos of two different people within 6 shared/data sets, mostly Western (celebs-24, lfw-gray, south-asian-celebs, deepface-pairs, jp-sample, jp-politicians)", 555133);

    public static OpenSetModel OpenSet { get; } = new(36.137474, -10.675015, false,
        "shared/data celebs-24 gallery split (468 photos, 24 identities; each photo left out in turn as a member query) + lfw-gray photos of people not in it (744 stranger queries)");
}
