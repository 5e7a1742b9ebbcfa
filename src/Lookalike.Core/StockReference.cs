namespace Lookalike;

/// <summary>
/// The stock model's measured references, generated from the shared photos by docs/measure/stock-reference.cs
/// (docs/accuracy.md "Two numbers"): the different-person cosine distribution behind likeness, and the
/// open-set likelihood ratio behind match probabilities. Regenerate both when the model or its pipeline changes.
/// </summary>
internal static class StockReference
{
    // Declared before Likeness: static fields initialise in order.
    private static readonly float[] Cosines =
    [
        -0.4198f, -0.2341f, -0.2101f, -0.1950f, -0.1839f, -0.1748f, -0.1673f, -0.1607f, -0.1548f, -0.1496f, -0.1447f, -0.1402f,
        -0.1361f, -0.1321f, -0.1284f, -0.1249f, -0.1216f, -0.1185f, -0.1155f, -0.1127f, -0.1099f, -0.1073f, -0.1047f, -0.1021f,
        -0.0996f, -0.0973f, -0.0950f, -0.0929f, -0.0907f, -0.0886f, -0.0866f, -0.0846f, -0.0827f, -0.0807f, -0.0788f, -0.0770f,
        -0.0751f, -0.0734f, -0.0716f, -0.0699f, -0.0682f, -0.0665f, -0.0649f, -0.0632f, -0.0616f, -0.0599f, -0.0583f, -0.0568f,
        -0.0553f, -0.0537f, -0.0522f, -0.0507f, -0.0492f, -0.0478f, -0.0463f, -0.0449f, -0.0435f, -0.0421f, -0.0407f, -0.0392f,
        -0.0378f, -0.0365f, -0.0352f, -0.0338f, -0.0325f, -0.0312f, -0.0298f, -0.0285f, -0.0272f, -0.0259f, -0.0246f, -0.0233f,
        -0.0220f, -0.0207f, -0.0195f, -0.0182f, -0.0170f, -0.0157f, -0.0145f, -0.0132f, -0.0120f, -0.0108f, -0.0095f, -0.0083f,
        -0.0071f, -0.0059f, -0.0046f, -0.0035f, -0.0023f, -0.0011f, 0.0002f, 0.0014f, 0.0026f, 0.0038f, 0.0050f, 0.0062f,
        0.0074f, 0.0086f, 0.0098f, 0.0110f, 0.0122f, 0.0135f, 0.0147f, 0.0158f, 0.0171f, 0.0183f, 0.0195f, 0.0207f,
        0.0219f, 0.0231f, 0.0243f, 0.0255f, 0.0267f, 0.0280f, 0.0292f, 0.0304f, 0.0316f, 0.0328f, 0.0341f, 0.0354f,
        0.0367f, 0.0380f, 0.0392f, 0.0405f, 0.0418f, 0.0431f, 0.0444f, 0.0456f, 0.0469f, 0.0483f, 0.0496f, 0.0508f,
        0.0522f, 0.0535f, 0.0548f, 0.0562f, 0.0576f, 0.0590f, 0.0604f, 0.0618f, 0.0632f, 0.0647f, 0.0661f, 0.0676f,
        0.0691f, 0.0706f, 0.0721f, 0.0736f, 0.0752f, 0.0767f, 0.0782f, 0.0798f, 0.0814f, 0.0831f, 0.0848f, 0.0864f,
        0.0881f, 0.0898f, 0.0915f, 0.0933f, 0.0951f, 0.0969f, 0.0987f, 0.1006f, 0.1026f, 0.1046f, 0.1066f, 0.1086f,
        0.1108f, 0.1129f, 0.1151f, 0.1174f, 0.1197f, 0.1220f, 0.1245f, 0.1269f, 0.1294f, 0.1320f, 0.1347f, 0.1376f,
        0.1406f, 0.1438f, 0.1470f, 0.1503f, 0.1538f, 0.1576f, 0.1615f, 0.1659f, 0.1703f, 0.1750f, 0.1803f, 0.1859f,
        0.1921f, 0.1991f, 0.2070f, 0.2163f, 0.2273f, 0.2415f, 0.2601f, 0.2913f, 0.3006f, 0.3281f, 0.3523f, 0.3745f,
        0.4263f, 0.6885f,
    ];

    public static LikenessTable Likeness { get; } = new(LikenessTable.DefaultLevels, Cosines,
        "pairs of photos of two different people within 6 shared/data sets, mostly Western (celebs-24, lfw-gray, south-asian-celebs, deepface-pairs, jp-sample, jp-politicians)", 556765);

    public static OpenSetModel OpenSet { get; } = new(41.526027, -12.937558, false,
        "shared/data celebs-24 gallery split (468 photos, 24 identities; each photo left out in turn as a member query) + lfw-gray photos of people not in it (744 stranger queries)");
}
