namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>Whether a Docker engine answers <c>docker info</c> within 3 seconds.</summary>
internal static class DockerDetector
{
    public static async Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
    {
        var docker = UnixEnvironment.FindOnPath("docker");
        if (docker is null)
        {
            return false;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            var (exitCode, _) = await UnixEnvironment.RunAsync(docker, ["info", "--format", "{{.ServerVersion}}"], timeout.Token).ConfigureAwait(false);
            return exitCode == 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
