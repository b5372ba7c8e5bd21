using System.Text;

namespace Gozon.AppHost.Publishing;

/// <summary>Just enough YAML for a compose file: indented lines of single-quoted scalars.</summary>
internal sealed class YamlWriter
{
    private readonly StringBuilder _text = new();

    public YamlWriter Line(int indent, string text)
    {
        _text.Append(' ', indent * 2).Append(text).Append('\n');
        return this;
    }

    /// <summary>A single-quoted scalar: no escapes except <c>''</c>, so backslashes reach the shell as written.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public override string ToString() => _text.ToString();
}
