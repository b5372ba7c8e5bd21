using System.Security.Cryptography;
using System.Text;

namespace Gozon.AppHost.Publishing;

/// <summary>A file of the compose deployment, relative to its folder.</summary>
public sealed record ComposeFile(string RelativePath, string Content);

/// <summary>
/// Stands in for Aspire.Hosting.Docker (not available here): turns Aspire's model of the Container-mode topology
/// into <c>docker-compose.yaml</c>, the PostgreSQL init script that creates every database with its service's own
/// role, RabbitMQ's boot script that creates the services' user, and a <c>.env</c> with generated passwords (created
/// when missing, completed when it lacks a key). Same resource names, connection-string and service-discovery keys and
/// <c>WaitFor</c> dependencies as <c>dotnet run</c>; inside the compose network every service listens on 8080 and
/// is found by its name (Docker DNS answers with every replica).
/// </summary>
public static class ComposePublisher
{
    public const string ComposeFileName = "docker-compose.yaml";
    public const string EnvFileName = ".env";
    public const string InitFileName = ComposeInitScripts.PostgresInitFile;
    public const string Command = "dotnet run --project Gozon.AppHost -- --publisher manifest --output-path ../deploy";

    /// <summary>The configure, write and read permission of the services' RabbitMQ user (a regular expression on names).</summary>
    public const string RabbitMQServicesPermissions = ComposeInitScripts.RabbitMQServicesPermissions;

    /// <summary>
    /// The secrets the compose file interpolates from <c>.env</c>: the servers' administrators, the services' passwords, then
    /// the secrets of Gozon's own settings (the gateway key, the token signing key).
    /// </summary>
    public static async Task<IReadOnlyList<ComposeSecret>> SecretsAsync(IEnumerable<IResource> resources, CancellationToken cancellationToken = default)
    {
        var list = resources.ToList();
        return
        [
            Password(ComposeServices.PostgresPasswordKey),
            .. ComposeModel.DatabaseOwners(list).Select(o => Password(ComposeModel.RolePasswordKey(o.Owner))),
            Password(ComposeServices.RabbitMQPasswordKey),
            Password(ComposeServices.RabbitMQServicesPasswordKey),
            .. await ComposeSettings.SecretsAsync(list.OfType<ProjectResource>(), cancellationToken).ConfigureAwait(false),
        ];

        static ComposeSecret Password(string key) => new(key, ComposeSettings.MinimumSecretLength);
    }

    /// <summary>The <c>.env</c> keys of the settings operators may flip there (their default is the model's value).</summary>
    public static IReadOnlyCollection<string> SwitchKeys => [.. ComposeSettings.Switches.Select(s => s.EnvKey)];

    /// <summary>Writes the files into <paramref name="outputDirectory"/>; returns the paths written.</summary>
    public static async Task<IReadOnlyList<string>> PublishAsync(
        IEnumerable<IResource> resources, string outputDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        var list = resources.ToList();
        var files = await GenerateAsync(list, cancellationToken).ConfigureAwait(false);
        var env = Path.Combine(outputDirectory, EnvFileName);
        var secrets = await SecretsAsync(list, cancellationToken).ConfigureAwait(false);
        // Passwords already in use by a stack's volumes must survive a regeneration: only missing keys are added.
        var envText = File.Exists(env)
            ? CompleteEnvFile(await File.ReadAllTextAsync(env, cancellationToken).ConfigureAwait(false), secrets)
            : GenerateEnvFile(secrets);
        if (envText is not null)
        {
            files = [.. files, new ComposeFile(EnvFileName, envText)];
        }

        var written = new List<string>();
        foreach (var file in files)
        {
            var path = Path.Combine(outputDirectory, file.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, file.Content, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            written.Add(path);
        }

        return written;
    }

    /// <summary>The generated files without <c>.env</c>: these are checked in and must not drift.</summary>
    public static async Task<IReadOnlyList<ComposeFile>> GenerateAsync(IEnumerable<IResource> resources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resources);
        // What Aspire leaves out of its own manifest (run-mode helpers such as a project's rebuilder) is not deployed.
        var list = resources.Where(r => !r.IsExcludedFromPublish()).ToList();
        return
        [
            new ComposeFile(ComposeFileName, await GenerateComposeAsync(list, cancellationToken).ConfigureAwait(false)),
            new ComposeFile(InitFileName, ComposeInitScripts.Postgres(list)),
            .. list.OfType<RabbitMQServerResource>().Take(1).Select(_ => new ComposeFile(ComposeInitScripts.RabbitMQBootFile, ComposeInitScripts.RabbitMQBoot())),
        ];
    }

    public static string GenerateEnvFile(IEnumerable<ComposeSecret> secrets)
    {
        var text = new StringBuilder()
            .Append($"# Secrets for {ComposeFileName}, generated once by `{Command}`\n")
            .Append("# (kept on later runs: the volumes were initialised with them). Never commit this file; .gitignore has it.\n")
            .Append("# Letters and digits only: the RabbitMQ passwords are used unescaped in amqp:// URIs.\n")
            .Append("COMPOSE_PROJECT_NAME=gozon\n");
        AppendSecrets(text, secrets);
        foreach (var flip in ComposeSettings.Switches)
        {
            text.Append(flip.Comment).Append('\n').Append($"#{flip.EnvKey}={flip.Example}\n");
        }

        return text.ToString();
    }

    /// <summary>An existing <c>.env</c> with the keys it lacks appended, or null when it has them all.</summary>
    public static string? CompleteEnvFile(string existing, IEnumerable<ComposeSecret> secrets)
    {
        var present = existing.ReplaceLineEndings("\n").Split('\n')
            .Where(l => !l.StartsWith('#') && l.Contains('=', StringComparison.Ordinal))
            .Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)].Trim())
            .ToHashSet(StringComparer.Ordinal);
        var missing = secrets.Where(s => !present.Contains(s.Key)).ToList();
        if (missing.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder(existing);
        if (existing.Length > 0 && !existing.EndsWith('\n'))
        {
            text.Append('\n');
        }

        text.Append($"# Added by a later `{Command}`\n");
        AppendSecrets(text, missing);
        return text.ToString();
    }

    private static void AppendSecrets(StringBuilder text, IEnumerable<ComposeSecret> secrets)
    {
        foreach (var secret in secrets)
        {
            text.Append(secret.Key).Append('=')
                .Append(RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", secret.Length)).Append('\n');
        }
    }

    private static async Task<string> GenerateComposeAsync(IReadOnlyList<IResource> resources, CancellationToken cancellationToken)
    {
        var pools = DeployPools.For(resources);
        var y = new YamlWriter()
            .Line(0, $"# Generated from Gozon.AppHost's Aspire model (Container mode) by `{Command}`.")
            .Line(0, "# Do not edit: Gozon.Tests/Deploy fails when this file differs from what the AppHost generates.")
            .Line(0, "# Run: cd deploy && docker compose up --build   (Compose v2; v1: docker-compose up --build)")
            .Line(0, "# Secrets come from .env. Scale: docker compose up -d --scale payments=3 (orders too).")
            .Line(0, $"# {pools.Summary}")
            .Line(0, "services:");
        foreach (var resource in resources)
        {
            switch (resource)
            {
                case PostgresServerResource postgres:
                    var owners = ComposeModel.DatabaseOwners(resources).Where(o => o.Database.Parent == postgres).Select(o => o.Owner);
                    await ComposeServices.WritePostgresAsync(y, postgres, owners, cancellationToken).ConfigureAwait(false);
                    break;
                case RabbitMQServerResource rabbitmq:
                    ComposeServices.WriteRabbitMQ(y, rabbitmq);
                    break;
                case ProjectResource project:
                    var settings = await ComposeSettings.ForAsync(project, cancellationToken).ConfigureAwait(false);
                    ComposeServices.WriteProject(y, project, pools.SettingsFor(project), settings);
                    break;
                case PostgresDatabaseResource or ParameterResource:
                    break; // databases: the init script; parameters (generated passwords): .env
                default:
                    throw new DistributedApplicationException(
                        $"The compose publisher does not know resource '{resource.Name}' ({resource.GetType().Name}).");
            }
        }

        ComposeServices.WriteDashboard(y);
        y.Line(0, "volumes:");
        foreach (var resource in resources.Where(r => r is ContainerResource && r.TryGetContainerMounts(out _)))
        {
            y.Line(1, $"{ComposeServices.VolumeName(resource)}: {{}}");
        }

        return y.ToString();
    }
}
