namespace Gozon.ServiceDefaults.Api;

/// <summary>
/// Text a client may store: no control characters (PostgreSQL refuses NUL in text, and the others have no place in a
/// product description) and no unpaired surrogate, which is not Unicode and cannot be encoded as UTF-8.
/// </summary>
public static class PlainText
{
    public static bool IsValid(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c))
            {
                return false;
            }

            if (char.IsSurrogate(c))
            {
                if (!char.IsSurrogatePair(text, i))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }
}
