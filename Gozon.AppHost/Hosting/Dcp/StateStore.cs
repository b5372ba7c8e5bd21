using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>
/// The state folder that survives AppHost restarts: generated secrets (mode 0600) and chosen ports,
/// so connection strings stay the same from one run to the next.
/// </summary>
internal sealed partial class StateStore(string root, PortAllocator ports, ILogger<StateStore> logger)
{
    private readonly Lock _lock = new();

    public string Root { get; } = root;

    public string GetDirectory(string name)
    {
        EnsureRoot();
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public string GetOrCreateSecret(string name)
    {
        lock (_lock)
        {
            var dir = Path.Combine(GetDirectory("secrets"));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var path = Path.Combine(dir, name);
            if (File.Exists(path))
            {
                var existing = File.ReadAllText(path).Trim();
                if (existing.Length > 0)
                {
                    return existing;
                }
            }

            var secret = RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 24);
            WritePrivate(path, secret);
            return secret;
        }
    }

    /// <summary>The port stored under <paramref name="name"/> if it is still free, otherwise a new one (stored).</summary>
    public int GetOrCreatePort(string name)
    {
        lock (_lock)
        {
            var path = Path.Combine(GetDirectory("ports"), name);
            if (File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture, out var stored))
            {
                if (ports.TryClaim(stored))
                {
                    return stored;
                }

                LogPortTaken(name, stored);
            }

            var port = ports.Allocate();
            File.WriteAllText(path, port.ToString(CultureInfo.InvariantCulture));
            return port;
        }
    }

    private void EnsureRoot()
    {
        Directory.CreateDirectory(Root);
        if (!OperatingSystem.IsWindows())
        {
            // Temp folders are created 0700; postgres and rabbitmq users must be able to traverse.
            File.SetUnixFileMode(Root, (UnixFileMode)0b111_101_101);
        }
    }

    private static void WritePrivate(string path, string content)
    {
        if (OperatingSystem.IsWindows())
        {
            File.WriteAllText(path, content);
            return;
        }

        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored port {Port} for {Name} is in use; picking a new one (connection strings change)")]
    private partial void LogPortTaken(string name, int port);
}
