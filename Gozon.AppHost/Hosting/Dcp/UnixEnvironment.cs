using System.Diagnostics;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>Root detection, <c>chown</c> and locating binaries on PATH.</summary>
internal static class UnixEnvironment
{
    public static bool IsRoot => OperatingSystem.IsLinux() && (Environment.IsPrivilegedProcess || NativeMethods.GetEffectiveUserId() == 0);

    public static string? FindOnPath(string fileName)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                     .Concat(["/usr/local/sbin", "/usr/sbin", "/sbin"]))
        {
            var candidate = Path.Combine(dir, fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Recursively gives <paramref name="directory"/> to <paramref name="user"/> (only meaningful as root).</summary>
    public static async Task ChownAsync(string directory, string user, CancellationToken cancellationToken)
    {
        var result = await RunAsync("chown", ["-R", $"{user}:{user}", directory], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new DistributedApplicationException($"chown -R {user} {directory} failed: {result.Output}");
        }
    }

    /// <summary>Runs a short command to completion and returns its exit code and combined output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken, IDictionary<string, string?>? environment = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            psi.Environment[key] = value;
        }

        using var process = Process.Start(psi) ?? throw new DistributedApplicationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, (await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false)));
    }
}
