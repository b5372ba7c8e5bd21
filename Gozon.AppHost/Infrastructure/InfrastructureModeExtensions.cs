using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Gozon.AppHost.Infrastructure;

public static class InfrastructureModeExtensions
{
    public const string ConfigurationKey = "Gozon:Infrastructure";

    /// <summary>The configured mode, with <see cref="InfrastructureMode.Auto"/> resolved to the mode that will run.</summary>
    public static InfrastructureMode GetInfrastructureMode(this IDistributedApplicationBuilder builder, string postgresName, string rabbitMQName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var text = builder.Configuration[ConfigurationKey];
        var mode = InfrastructureMode.Auto;
        if (!string.IsNullOrWhiteSpace(text) && (!Enum.TryParse(text, ignoreCase: true, out mode) || !Enum.IsDefined(mode)))
        {
            throw new DistributedApplicationException(
                $"{ConfigurationKey} = '{text}' is not one of {string.Join(", ", Enum.GetNames<InfrastructureMode>())}.");
        }

        if (mode != InfrastructureMode.Auto)
        {
            return mode;
        }

        if (builder.Configuration.GetConnectionString(postgresName) is { Length: > 0 }
            && builder.Configuration.GetConnectionString(rabbitMQName) is { Length: > 0 })
        {
            return InfrastructureMode.External;
        }

        return ContainerRuntimeAnswers(builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? "docker")
            ? InfrastructureMode.Container
            : InfrastructureMode.Process;
    }

    /// <summary>Whether <c>docker info</c> (or the configured runtime's) answers within three seconds.</summary>
    private static bool ContainerRuntimeAnswers(string runtime)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(3)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // The runtime's CLI is not installed.
            return false;
        }
    }
}
