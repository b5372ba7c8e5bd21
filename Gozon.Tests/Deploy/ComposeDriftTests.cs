using System.Text.RegularExpressions;
using Gozon.AppHost;
using Gozon.AppHost.Hosting;
using Gozon.AppHost.Publishing;

namespace Gozon.Tests.Deploy;

/// <summary>deploy/ is generated from the AppHost's topology; these fail when the checked-in files drift from it.</summary>
public sealed partial class ComposeDriftTests
{
    private static readonly string DeployDirectory = Path.Combine(BuildInfo.RepositoryRoot, "deploy");

    private static IReadOnlyList<(string RelativePath, string Content)> Generate()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        GozonTopology.Configure(builder);
        return ComposePublisher.Generate(builder);
    }

    [Fact]
    public void Checked_in_deploy_files_match_what_the_AppHost_generates()
    {
        foreach (var (relative, expected) in Generate())
        {
            var path = Path.Combine(DeployDirectory, relative);
            Assert.True(File.Exists(path), $"{path} is missing: run `dotnet run --project Gozon.AppHost -- publish`.");
            var actual = File.ReadAllText(path).ReplaceLineEndings("\n");
            Assert.True(expected == actual,
                $"{path} differs from what the AppHost generates: run `dotnet run --project Gozon.AppHost -- publish` and commit the result.");
        }
    }

    [Fact]
    public void Every_variable_the_compose_file_uses_is_set_in_the_env_file()
    {
        var compose = Generate().Single(f => f.RelativePath == ComposePublisher.ComposeFileName).Content;
        var env = File.ReadAllLines(Path.Combine(DeployDirectory, ComposePublisher.EnvFileName))
            .Where(l => !l.StartsWith('#') && l.Contains('=', StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var used = Variable().Matches(compose).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal(ComposePublisher.SecretKeys.Order(), used.Order());
        foreach (var key in used)
        {
            Assert.True(env.TryGetValue(key, out var value) && AlphaNumeric().IsMatch(value), $".env must set {key} (letters and digits).");
        }
    }

    [Fact]
    public void Every_project_has_a_Dockerfile_that_publishes_and_runs_it()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        GozonTopology.Configure(builder);
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            var assembly = Path.GetFileNameWithoutExtension(project.Metadata.ProjectPath);
            var dockerfile = File.ReadAllText(Path.Combine(DeployDirectory, $"{project.Name}.Dockerfile"));
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
