using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Gozon.AppHost.Identity;
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

    [Fact]
    public async Task The_edge_secrets_are_generated_once_into_the_state_folder_32_and_64_letters_and_digits_long()
    {
        var state = Directory.CreateTempSubdirectory("gozon-edge-").FullName;
        try
        {
            var first = EdgeSecrets.Add(DistributedApplication.CreateBuilder([$"--Gozon:StateDirectory={state}"]));
            var again = EdgeSecrets.Add(DistributedApplication.CreateBuilder([$"--Gozon:StateDirectory={state}"]));

            var gatewayKey = await first.GatewayKey.Resource.GetValueAsync(CancellationToken.None);
            var signingKey = await first.SigningKey.Resource.GetValueAsync(CancellationToken.None);
            Assert.Matches("^[A-Za-z0-9]{32}$", gatewayKey);
            Assert.Matches("^[A-Za-z0-9]{64}$", signingKey);
            Assert.True(first.GatewayKey.Resource.Secret && first.SigningKey.Resource.Secret);
            Assert.Equal(gatewayKey, await again.GatewayKey.Resource.GetValueAsync(CancellationToken.None));
            Assert.Equal(signingKey, await again.SigningKey.Resource.GetValueAsync(CancellationToken.None));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Theory]
    [InlineData(null, "false")]
    [InlineData("false", "false")]
    [InlineData("true", "true")]
    public async Task The_gateway_trusts_X_User_Id_only_when_the_AppHost_is_told_to(string? configured, string expected)
    {
        var state = Directory.CreateTempSubdirectory("gozon-edge-").FullName;
        try
        {
            string[] args = configured is null ? [$"--Gozon:StateDirectory={state}"] : [$"--Gozon:StateDirectory={state}", $"--{EdgeSecrets.TrustUserIdHeaderKey}={configured}"];
            var builder = DistributedApplication.CreateBuilder(args);
            var edge = EdgeSecrets.Add(builder);
            var gateway = builder.AddProject("gateway", Path.Combine(Gozon.Testing.RepositoryPaths.Root, "Gozon.Gateway", "Gozon.Gateway.csproj")).WithSignIn(edge);
            var orders = builder.AddProject("orders", Path.Combine(Gozon.Testing.RepositoryPaths.Root, "Gozon.Orders", "Gozon.Orders.csproj")).BehindGateway(edge);

            var gatewayEnvironment = await EnvironmentAsync(gateway.Resource);
            var ordersEnvironment = await EnvironmentAsync(orders.Resource);

            Assert.Equal(expected, gatewayEnvironment["Gozon__Identity__TrustUserIdHeader"]);
            Assert.Same(edge.SigningKey.Resource, gatewayEnvironment[EdgeSecrets.SigningKeyVariable]);
            Assert.Same(edge.GatewayKey.Resource, gatewayEnvironment[EdgeSecrets.GatewayKeyVariable]);
            // The services check the gateway's key; only the gateway can sign tokens.
            Assert.Same(edge.GatewayKey.Resource, ordersEnvironment[EdgeSecrets.GatewayKeyVariable]);
            Assert.DoesNotContain(EdgeSecrets.SigningKeyVariable, ordersEnvironment.Keys);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    private static async Task<Dictionary<string, object>> EnvironmentAsync(IResource resource)
    {
        var variables = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), resource, variables);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return variables;
    }
}
