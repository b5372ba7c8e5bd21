using Gozon.AppHost.Hosting;

namespace Gozon.AppHost.Publishing;

/// <summary><c>dotnet run --project Gozon.AppHost -- publish [--output deploy]</c>: writes the compose deployment.</summary>
public static class PublishCommand
{
    public const string Verb = "publish";

    public static bool IsPublish(string[] args) => args is [Verb, ..];

    /// <summary>Runs the command; the remaining arguments configure the topology as for <c>dotnet run</c>.</summary>
    public static int Run(string[] args, Action<IDistributedApplicationBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configure);
        var output = Path.Combine(BuildInfo.RepositoryRoot, "deploy");
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] is "--output" or "-o" && i + 1 < args.Length)
            {
                output = Path.GetFullPath(args[++i]);
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        var builder = DistributedApplication.CreateBuilder(rest.ToArray());
        configure(builder);
        foreach (var path in ComposePublisher.Publish(builder, output))
        {
            Console.WriteLine($"wrote {path}");
        }

        return 0;
    }
}
