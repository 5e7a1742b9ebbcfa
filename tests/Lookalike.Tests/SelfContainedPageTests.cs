namespace Lookalike.Tests;

public class SelfContainedPageTests
{
    // Base64 of bytes that spell "http" and "//" somewhere inside, as a JPEG thumbnail may by chance.
    private const string Thumb = "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQJjJhttpJu4Ly9odHRwOi8vZXhhbXBsZS5jb20=";

    [Theory]
    [InlineData("<img src=\"http://example.com/a.png\">", "src=http://example.com/a.png")]
    [InlineData("<img src='//cdn.example.com/a.png'>", "src=//cdn.example.com/a.png")]
    [InlineData("<a href=https://example.com>x</a>", "href=https://example.com")]
    [InlineData("<svg><image href=\"face.jpg\"/></svg>", "href=face.jpg")]
    [InlineData("<link rel=\"stylesheet\" href=\"data:text/css,\">", "link: <link rel=\"stylesheet\" href=\"data:text/css,\">")]
    [InlineData("<script src=\"app.js\"></script>", "src=app.js")]
    [InlineData("<style>body{background:url(http://x/y.png)}</style>", "css url(http://x/y.png)")]
    [InlineData("<style>@import 'x.css';</style>", "css @import")]
    [InlineData("<div style=\"background:url('bg.png')\"></div>", "css url(bg.png)")]
    [InlineData("<script>fetch('/api/gallery')</script>", "script loads: fetch(")]
    [InlineData("<script>new XMLHttpRequest()</script>", "script loads: XMLHttpRequest")]
    public void An_external_reference_is_caught(string html, string expected) =>
        Assert.Contains(expected, SelfContainedPage.ExternalReferences($"<html><body><img src=\"{Thumb}\">{html}</body></html>"));

    [Fact]
    public void Letters_inside_base64_payloads_and_script_code_are_not_references()
    {
        var html = $"<html><head><style>.a{{background:url({Thumb})}}</style></head><body>" +
            $"<svg><image href=\"{Thumb}\" x=\"1\"/></svg><a href=\"#top\">top</a>" +
            "<script>const i=new Image();i.src=t.getAttribute('href');if(a<b&&c>d){}</script></body></html>";
        Assert.Contains("http", html); // the payload does hold the letters
        Assert.Empty(SelfContainedPage.ExternalReferences(html));
    }
}
