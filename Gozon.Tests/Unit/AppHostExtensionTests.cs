using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Gozon.AppHost.Lifecycle;

namespace Gozon.Tests.Unit;

public sealed class AppHostExtensionTests
{
    [Theory]
    [InlineData(0, 500)]
    [InlineData(1, 1000)]
    [InlineData(2, 2000)]
    [InlineData(4, 8000)]
    [InlineData(5, 10000)]
    [InlineData(40, 10000)]
    public void The_restart_delay_doubles_from_half_a_second_up_to_ten(int attempt, int expectedMilliseconds)
    {
        var policy = new RestartPolicyAnnotation(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), policy.DelayFor(attempt));
    }

    [Theory]
    [InlineData("--replicas=payments=3,orders=2", "payments", 3)]
    [InlineData("--replicas=payments=3,orders=2", "orders", 2)]
    [InlineData("--Gozon:Replicas:payments=4", "payments", 4)]
    public void Replicas_come_from_the_command_line(string argument, string project, int expected)
    {
        var builder = DistributedApplication.CreateBuilder([argument]);

        var resource = builder.AddProject(project, Path.Combine(Gozon.Testing.RepositoryPaths.Root, "Gozon.Orders", "Gozon.Orders.csproj"))
            .WithConfigurationOverrides().Resource;

        Assert.True(resource.TryGetLastAnnotation<ReplicaAnnotation>(out var replicas));
        Assert.Equal(expected, replicas.Replicas);
    }

    [Theory]
    [InlineData("--replicas=payments=0")]
    [InlineData("--replicas=payments=many")]
    [InlineData("--Gozon:Replicas:payments=17")]
    public void Impossible_replica_counts_are_refused_with_the_reason(string argument)
    {
        var builder = DistributedApplication.CreateBuilder([argument]);
        var project = builder.AddProject("payments", Path.Combine(Gozon.Testing.RepositoryPaths.Root, "Gozon.Payments", "Gozon.Payments.csproj"));

        var error = Assert.Throws<DistributedApplicationException>(() => project.WithConfigurationOverrides());
        Assert.Contains("from 1 to 16", error.Message, StringComparison.Ordinal);
    }
}
