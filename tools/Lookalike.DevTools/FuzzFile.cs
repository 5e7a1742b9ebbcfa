namespace Lookalike.DevTools;

/// <summary>One generated file: where it is and what was done to it.</summary>
public sealed record FuzzFile(string RelativePath, string Kind, bool ValidPhoto);
