using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace Gozon.AppHost.Infrastructure;

/// <summary>
/// Where Process mode keeps PostgreSQL's cluster, RabbitMQ's node and their passwords between runs
/// (<c>Gozon:StateDirectory</c>, default <c>.gozon/state</c> in the repository).
/// </summary>
public sealed class StateDirectory
{
    public const string ConfigurationKey = "Gozon:StateDirectory";

    private StateDirectory(string path) => Path = path;

    public string Path { get; }

    public static StateDirectory For(IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configured = builder.Configuration[ConfigurationKey];
        var path = string.IsNullOrWhiteSpace(configured)
            ? System.IO.Path.Combine(builder.AppHostDirectory, "..", ".gozon", "state")
            : configured;
        return new StateDirectory(System.IO.Path.GetFullPath(path));
    }

    /// <summary>A folder for one resource's files, created when missing.</summary>
    public string GetDirectory(string resourceName) =>
        Directory.CreateDirectory(System.IO.Path.Combine(Path, resourceName)).FullName;

    /// <summary>
    /// A password generated on first use and kept (mode 0600) so that later runs reach the same data.
    /// Letters and digits only: it goes unescaped into connection strings and URIs. 24 of them (142 bits) for a
    /// password; a key that signs tokens with HMAC-SHA256 asks for at least 32.
    /// </summary>
    public string GetOrCreateSecret(string name, int length = 24)
    {
        var file = System.IO.Path.Combine(Directory.CreateDirectory(System.IO.Path.Combine(Path, "secrets")).FullName, name);
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } existing)
        {
            return existing;
        }

        var secret = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);
        File.WriteAllText(file, secret);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return secret;
    }
}
