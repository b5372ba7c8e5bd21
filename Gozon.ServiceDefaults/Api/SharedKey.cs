using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Gozon.ServiceDefaults.Api;

/// <summary>A secret one Gozon component shows another in a request header, compared in constant time.</summary>
public sealed class SharedKey(string key)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(key);

    /// <summary>True when <paramref name="request"/> carries the key, once, in <paramref name="headerName"/>; never for an empty key.</summary>
    public bool IsPresentedIn(HttpRequest request, string headerName) =>
        _key.Length > 0
        && request.Headers[headerName] is [{ } given]
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), _key);
}
