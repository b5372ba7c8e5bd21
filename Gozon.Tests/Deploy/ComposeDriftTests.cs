using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Gozon.AppHost.Publishing;

namespace Gozon.Tests.Deploy;

/// <summary>deploy/ is generated from the AppHost's Aspire model; these fail when the checked-in files drift from it.</summary>
public sealed partial class ComposeDriftTests
{
    private static readonly string Regenerate = $"run `{ComposePublisher.Command}` and commit the result";

    // The model of Program.cs as `--publisher manifest` sees it: Container mode, nothing started.
    private static async Task<(IReadOnlyList<ComposeFile> Files, IReadOnlyList<IResource> Resources, string DeployDirectory)> GenerateAsync()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Gozon_AppHost>(
            [$"--{Gozon.AppHost.Infrastructure.InfrastructureModeExtensions.ConfigurationKey}=Container"]);
        var resources = builder.Resources.ToList();
        var deploy = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "deploy"));
        return (await ComposePublisher.GenerateAsync(resources), resources, deploy);
    }

    [Fact]
    public async Task Checked_in_deploy_files_match_what_the_AppHost_generates()
    {
        var (files, _, deploy) = await GenerateAsync();
        foreach (var file in files)
        {
            var path = Path.Combine(deploy, file.RelativePath);
            Assert.True(File.Exists(path), $"{path} is missing: {Regenerate}.");
            var actual = (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n");
            Assert.True(file.Content == actual, $"{path} differs from what the AppHost generates: {Regenerate}.");
        }
    }

    [Fact]
    public async Task Every_variable_the_compose_file_uses_is_a_generated_secret_or_a_switch_with_a_default()
    {
        var (files, resources, _) = await GenerateAsync();
        var compose = files.Single(f => f.RelativePath == ComposePublisher.ComposeFileName).Content;
        var secrets = await ComposePublisher.SecretsAsync(resources);

        var used = Variable().Matches(compose).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.Equal(secrets.Select(s => s.Key).Concat(ComposePublisher.SwitchKeys).Order(), used.Order());
        foreach (var secret in secrets)
        {
            Assert.Contains($"${{{secret.Key}:?set it in .env}}", compose, StringComparison.Ordinal);
        }

        foreach (var key in ComposePublisher.SwitchKeys)
        {
            Assert.Matches($@"\$\{{{key}:-[^}}]+\}}", compose);
        }
    }

    [Fact]
    public async Task A_new_env_file_sets_every_secret_to_random_letters_and_digits_of_its_length()
    {
        var (_, resources, _) = await GenerateAsync();
        var secrets = await ComposePublisher.SecretsAsync(resources);

        var env = Parse(ComposePublisher.GenerateEnvFile(secrets));
        var again = Parse(ComposePublisher.GenerateEnvFile(secrets));

        Assert.Equal(32, secrets.Single(s => s.Key == "GOZON_GATEWAY_KEY").Length);
        Assert.Equal(64, secrets.Single(s => s.Key == "GOZON_IDENTITY_SIGNING_KEY").Length);
        Assert.Equal(32, secrets.Single(s => s.Key == "GOZON_FRONT_END_KEY").Length);
        foreach (var secret in secrets)
        {
            Assert.True(env.TryGetValue(secret.Key, out var value) && AlphaNumeric().IsMatch(value) && value.Length == secret.Length,
                $".env must set {secret.Key} to {secret.Length} letters and digits.");
            Assert.NotEqual(value, again[secret.Key]);
        }

        // Off unless an operator uncomments it: the insecure switch is there to be found, not set.
        Assert.DoesNotContain("GOZON_TRUST_USER_ID_HEADER", env.Keys);
        Assert.Contains("\n#GOZON_TRUST_USER_ID_HEADER=true\n", ComposePublisher.GenerateEnvFile(secrets), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_env_file_from_before_sign_in_keeps_its_passwords_and_gets_the_new_secrets()
    {
        var (_, resources, _) = await GenerateAsync();
        var secrets = await ComposePublisher.SecretsAsync(resources);
        const string before = """
            COMPOSE_PROJECT_NAME=gozon
            POSTGRES_PASSWORD=ldT4cj3KbRkwS7wWrBoWCO4UFxLgk5Vi
            POSTGRES_ORDERS_PASSWORD=AQWyfxlJOyA2ShU8tdYdsEYJpRWBq9cn
            POSTGRES_PAYMENTS_PASSWORD=t5zDfy9P1k348s7vE6keOLCO1iMpp2rk
            RABBITMQ_PASSWORD=KgAW05POHo47X8ePSF8UrH5x2cnGQzkF
            RABBITMQ_SERVICES_PASSWORD=4MXpowZauUYEOeu9RuyMS8YvjEvrVvCz

            """;

        var completed = ComposePublisher.CompleteEnvFile(before, secrets);

        Assert.NotNull(completed);
        Assert.StartsWith(before, completed, StringComparison.Ordinal);
        Assert.Equal(["POSTGRES_GATEWAY_PASSWORD", "GOZON_GATEWAY_KEY", "GOZON_IDENTITY_SIGNING_KEY", "GOZON_FRONT_END_KEY"],
            Parse(completed).Keys.Except(Parse(before).Keys));
        Assert.Null(ComposePublisher.CompleteEnvFile(completed, secrets));
    }

    [Fact]
    public async Task The_env_file_is_never_committed()
    {
        var (_, _, deploy) = await GenerateAsync();
        var ignored = await File.ReadAllLinesAsync(Path.Combine(deploy, "..", ".gitignore"));

        Assert.Contains("deploy/.env", ignored);
    }

    [Fact]
    public async Task Every_project_has_a_Dockerfile_that_publishes_and_runs_it()
    {
        var (_, resources, deploy) = await GenerateAsync();
        var projects = resources.OfType<ProjectResource>().ToList();
        Assert.NotEmpty(projects);
        foreach (var project in projects)
        {
            var assembly = Path.GetFileNameWithoutExtension(project.GetProjectMetadata().ProjectPath);
            var dockerfile = await File.ReadAllTextAsync(Path.Combine(deploy, $"{project.Name}.Dockerfile"));
            Assert.Contains($"dotnet publish {assembly}/{assembly}.csproj", dockerfile, StringComparison.Ordinal);
            Assert.Contains($"ENTRYPOINT [\"dotnet\", \"{assembly}.dll\"]", dockerfile, StringComparison.Ordinal);
            Assert.Contains("USER $APP_UID", dockerfile, StringComparison.Ordinal);
        }
    }

    private static Dictionary<string, string> Parse(string env) => env.ReplaceLineEndings("\n").Split('\n')
        .Where(l => !l.StartsWith('#') && l.Contains('=', StringComparison.Ordinal))
        .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);

    [GeneratedRegex(@"\$\{([A-Z_]+)")]
    private static partial Regex Variable();

    [GeneratedRegex("^[A-Za-z0-9]+$")]
    private static partial Regex AlphaNumeric();
}
