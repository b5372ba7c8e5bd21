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
    public async Task Every_variable_the_compose_file_uses_is_set_in_the_env_file()
    {
        var (files, resources, deploy) = await GenerateAsync();
        var compose = files.Single(f => f.RelativePath == ComposePublisher.ComposeFileName).Content;
        var env = (await File.ReadAllLinesAsync(Path.Combine(deploy, ComposePublisher.EnvFileName)))
            .Where(l => !l.StartsWith('#') && l.Contains('=', StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var used = Variable().Matches(compose).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal(ComposePublisher.SecretKeys(resources).Order(), used.Order());
        foreach (var key in used)
        {
            Assert.True(env.TryGetValue(key, out var value) && AlphaNumeric().IsMatch(value), $".env must set {key} (letters and digits).");
        }
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

    [GeneratedRegex(@"\$\{([A-Z_]+)")]
    private static partial Regex Variable();

    [GeneratedRegex("^[A-Za-z0-9]+$")]
    private static partial Regex AlphaNumeric();
}
