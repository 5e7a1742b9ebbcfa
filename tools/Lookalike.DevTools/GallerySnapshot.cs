using Microsoft.Data.Sqlite;

namespace Lookalike.DevTools;

/// <summary>A SQLite gallery as comparable text: two stores built from the same photos give equal lists.</summary>
public static class GallerySnapshot
{
    /// <summary>Every file row with its outcome and face embedding, as comparable text.</summary>
    public static List<string> Rows(string db)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT f.path || '|' || f.identity || '|' || f.sha256 || '|' || f.outcome || '|' || coalesce(hex(x.embedding), '-')
            FROM files f LEFT JOIN faces x ON x.path = f.path ORDER BY f.path
            """;
        var rows = new List<string>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) rows.Add(r.GetString(0));
        return rows;
    }
}
