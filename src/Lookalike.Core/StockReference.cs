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
        -0.4199f, -0.2340f, -0.2098f, -0.1945f, -0.1834f, -0.1744f, -0.1668f, -0.1602f, -0.1542f, -0.1491f, -0.1442f, -0.1400f,
        -0.1360f, -0.1321f, -0.1283f, -0.1248f, -0.1214f, -0.1183f, -0.1153f, -0.1125f, -0.1097f, -0.1070f, -0.1045f, -0.1020f,
        -0.0995f, -0.0972f, -0.0948f, -0.0926f, -0.0905f, -0.0884f, -0.0863f, -0.0844f, -0.0824f, -0.0805f, -0.0786f, -0.0768f,
        -0.0749f, -0.0732f, -0.0714f, -0.0697f, -0.0680f, -0.0663f, -0.0647f, -0.0630f, -0.0614f, -0.0599f, -0.0583f, -0.0567f,
        -0.0551f, -0.0535f, -0.0520f, -0.0506f, -0.0491f, -0.0477f, -0.0463f, -0.0448f, -0.0434f, -0.0419f, -0.0405f, -0.0391f,
        -0.0377f, -0.0363f, -0.0350f, -0.0337f, -0.0323f, -0.0310f, -0.0297f, -0.0284f, -0.0271f, -0.0258f, -0.0245f, -0.0232f,
        -0.0220f, -0.0207f, -0.0195f, -0.0182f, -0.0169f, -0.0157f, -0.0145f, -0.0132f, -0.0120f, -0.0108f, -0.0095f, -0.0083f,
        -0.0071f, -0.0058f, -0.0046f, -0.0034f, -0.0022f, -0.0010f, 0.0002f, 0.0014f, 0.0026f, 0.0038f, 0.0051f, 0.0062f,
        0.0075f, 0.0087f, 0.0099f, 0.0111f, 0.0123f, 0.0135f, 0.0147f, 0.0159f, 0.0171f, 0.0184f, 0.0196f, 0.0208f,
        0.0220f, 0.0232f, 0.0244f, 0.0256f, 0.0268f, 0.0280f, 0.0293f, 0.0305f, 0.0318f, 0.0330f, 0.0342f, 0.0355f,
        0.0368f, 0.0380f, 0.0393f, 0.0406f, 0.0419f, 0.0432f, 0.0444f, 0.0457f, 0.0470f, 0.0483f, 0.0496f, 0.0509f,
        0.0522f, 0.0535f, 0.0548f, 0.0562f, 0.0576f, 0.0590f, 0.0604f, 0.0617f, 0.0631f, 0.0645f, 0.0660f, 0.0674f,
        0.0689f, 0.0704f, 0.0719f, 0.0734f, 0.0750f, 0.0765f, 0.0781f, 0.0797f, 0.0812f, 0.0829f, 0.0846f, 0.0862f,
        0.0879f, 0.0896f, 0.0914f, 0.0931f, 0.0948f, 0.0967f, 0.0985f, 0.1004f, 0.1024f, 0.1044f, 0.1064f, 0.1084f,
        0.1106f, 0.1127f, 0.1149f, 0.1172f, 0.1195f, 0.1218f, 0.1242f, 0.1266f, 0.1292f, 0.1318f, 0.1345f, 0.1372f,
        0.1403f, 0.1434f, 0.1466f, 0.1500f, 0.1534f, 0.1572f, 0.1611f, 0.1653f, 0.1698f, 0.1746f, 0.1801f, 0.1858f,
        0.1920f, 0.1988f, 0.2069f, 0.2163f, 0.2276f, 0.2417f, 0.2601f, 0.2914f, 0.3008f, 0.3260f, 0.3517f, 0.3729f,
        0.4251f, 0.6420f,
    ];

    public static LikenessTable Likeness { get; } = new(LikenessTable.DefaultLevels, Cosines,
        "pairs of photos of two different people within 6 shared/data sets, mostly Western (celebs-24, lfw-gray, south-asian-celebs, deepface-pairs, jp-sample, jp-politicians)", 555133);

    public static OpenSetModel OpenSet { get; } = new(36.499272, -10.721086, false,
        "shared/data celebs-24 gallery split (468 photos, 24 identities; each photo left out in turn as a member query) + lfw-gray photos of people not in it (744 stranger queries)");
}
