using Lookalike.Pictures;

namespace Lookalike.Tests;

/// <summary>The map's sample of a large gallery (issue #14 item 4): bounded, deterministic, stratified by person.</summary>
public class MapSampleTests
{
    /// <summary>Person k (1..10) has k faces; ids are unique, in an order that is not the people's.</summary>
    private static List<(long Id, string Identity)> Gallery() =>
        [.. Enumerable.Range(1, 10).SelectMany(k => Enumerable.Range(0, k).Select(j => ((long)(k * 100 + j) * 7919 % 100_003, $"person {k}")))];

    [Fact]
    public void A_gallery_within_the_limit_is_shown_whole()
    {
        var faces = Gallery();
        Assert.Equal(faces.Select(f => f.Id).Order(), GalleryMap.Sample(faces, 55));
        Assert.Equal(faces.Select(f => f.Id).Order(), GalleryMap.Sample(faces, 1000));
    }

    [Fact]
    public void A_larger_gallery_gives_each_person_the_same_share_and_always_the_same_sample()
    {
        var faces = Gallery();
        var sample = GalleryMap.Sample(faces, 20);
        Assert.Equal(20, sample.Count);
        Assert.Equal(sample.Order(), sample);
        Assert.Equal(sample, GalleryMap.Sample([.. faces.AsEnumerable().Reverse()], 20)); // the order rows come in does not matter
        var perPerson = sample.GroupBy(id => faces.Single(f => f.Id == id).Identity).ToDictionary(g => g.Key, g => g.Count());
        // 2 faces each fit (1 + 9·2 = 19), the last place goes to one person with more.
        Assert.Equal(1, perPerson["person 1"]);
        Assert.Equal(10, perPerson.Count);
        Assert.Equal(8, perPerson.Values.Count(c => c == 2));
        Assert.Equal(1, perPerson.Values.Count(c => c == 3));

        // Not even 2 faces of everyone fit: 2 faces each (1 of person 1) of as many people as fit, so people still pair up.
        var few = GalleryMap.Sample(faces, 9);
        Assert.Equal(9, few.Count);
        var fewPerPerson = few.GroupBy(id => faces.Single(f => f.Id == id).Identity).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(fewPerPerson.Count(kv => kv.Value == (kv.Key == "person 1" ? 1 : 2)) >= fewPerPerson.Count - 1, string.Join(", ", fewPerPerson));
        Assert.Equal(fewPerPerson.Count, GalleryMap.Sample(faces, 9).GroupBy(id => faces.Single(f => f.Id == id).Identity).Count());
        Assert.Empty(GalleryMap.Sample(faces, 0));
    }

    [Fact]
    public void A_persons_sampled_faces_spread_over_their_faces()
    {
        List<(long, string)> faces = [.. Enumerable.Range(0, 100).Select(i => ((long)i, "one")), .. Enumerable.Range(100, 100).Select(i => ((long)i, "two"))];
        var sample = GalleryMap.Sample(faces, 10);
        Assert.Equal([10, 30, 50, 70, 90, 110, 130, 150, 170, 190], sample);
    }
}
