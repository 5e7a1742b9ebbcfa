namespace Lookalike;

/// <summary>
/// The stock+dlib model's measured references, generated from the shared photos by docs/measure/stock-reference.cs
/// (docs/accuracy.md "Two numbers"): the different-person cosine distribution behind likeness, and the
/// open-set likelihood ratio behind match probabilities. Regenerate both when the model or its pipeline changes.
/// </summary>
internal static class StockDlibReference
{
    // Declared before Likeness: static fields initialise in order.
    private static readonly float[] Cosines =
    [
        0.4812f, 0.5582f, 0.5676f, 0.5737f, 0.5781f, 0.5817f, 0.5847f, 0.5873f, 0.5896f, 0.5918f, 0.5937f, 0.5954f,
        0.5970f, 0.5986f, 0.6001f, 0.6015f, 0.6028f, 0.6041f, 0.6053f, 0.6064f, 0.6075f, 0.6085f, 0.6096f, 0.6106f,
        0.6116f, 0.6125f, 0.6134f, 0.6142f, 0.6151f, 0.6159f, 0.6168f, 0.6176f, 0.6184f, 0.6191f, 0.6199f, 0.6206f,
        0.6214f, 0.6221f, 0.6228f, 0.6235f, 0.6242f, 0.6249f, 0.6255f, 0.6262f, 0.6269f, 0.6275f, 0.6282f, 0.6288f,
        0.6294f, 0.6300f, 0.6306f, 0.6312f, 0.6318f, 0.6324f, 0.6330f, 0.6336f, 0.6341f, 0.6347f, 0.6353f, 0.6358f,
        0.6364f, 0.6369f, 0.6375f, 0.6380f, 0.6386f, 0.6391f, 0.6397f, 0.6402f, 0.6407f, 0.6413f, 0.6418f, 0.6423f,
        0.6429f, 0.6434f, 0.6439f, 0.6444f, 0.6450f, 0.6455f, 0.6460f, 0.6465f, 0.6470f, 0.6476f, 0.6481f, 0.6486f,
        0.6491f, 0.6496f, 0.6501f, 0.6506f, 0.6511f, 0.6516f, 0.6522f, 0.6527f, 0.6532f, 0.6537f, 0.6542f, 0.6547f,
        0.6552f, 0.6557f, 0.6562f, 0.6567f, 0.6572f, 0.6578f, 0.6583f, 0.6588f, 0.6593f, 0.6598f, 0.6604f, 0.6609f,
        0.6614f, 0.6619f, 0.6624f, 0.6629f, 0.6635f, 0.6640f, 0.6645f, 0.6651f, 0.6656f, 0.6661f, 0.6667f, 0.6672f,
        0.6678f, 0.6683f, 0.6689f, 0.6694f, 0.6700f, 0.6705f, 0.6711f, 0.6717f, 0.6722f, 0.6728f, 0.6734f, 0.6739f,
        0.6745f, 0.6751f, 0.6757f, 0.6763f, 0.6769f, 0.6775f, 0.6781f, 0.6787f, 0.6793f, 0.6799f, 0.6806f, 0.6812f,
        0.6818f, 0.6825f, 0.6832f, 0.6838f, 0.6845f, 0.6852f, 0.6858f, 0.6865f, 0.6872f, 0.6880f, 0.6887f, 0.6894f,
        0.6902f, 0.6909f, 0.6917f, 0.6924f, 0.6932f, 0.6940f, 0.6948f, 0.6956f, 0.6965f, 0.6973f, 0.6982f, 0.6991f,
        0.7000f, 0.7009f, 0.7019f, 0.7028f, 0.7038f, 0.7048f, 0.7059f, 0.7069f, 0.7080f, 0.7092f, 0.7104f, 0.7115f,
        0.7128f, 0.7142f, 0.7156f, 0.7170f, 0.7185f, 0.7200f, 0.7217f, 0.7235f, 0.7254f, 0.7274f, 0.7296f, 0.7320f,
        0.7346f, 0.7374f, 0.7405f, 0.7441f, 0.7483f, 0.7536f, 0.7606f, 0.7714f, 0.7747f, 0.7846f, 0.7934f, 0.8009f,
        0.8158f, 0.8852f,
    ];

    public static LikenessTable Likeness { get; } = new(LikenessTable.DefaultLevels, Cosines,
        "pairs of photos of two different people within 6 shared/data sets, mostly Western (celebs-24, lfw-gray, south-asian-celebs, deepface-pairs, jp-sample, jp-politicians)", 558661);

    public static OpenSetModel OpenSet { get; } = new(126.401667, -98.263692, false,
        "shared/data celebs-24 gallery split (469 photos, 24 identities; each photo left out in turn as a member query) + lfw-gray photos of people not in it (744 stranger queries)");
}
