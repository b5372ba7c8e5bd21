using System.Diagnostics;
using Gozon.AppHost.Infrastructure;
using Gozon.Testing;
using Gozon.Tests.Infrastructure;
using Npgsql;
using RabbitMQ.Client;

namespace Gozon.Tests.Faults;

/// <summary>
/// A whole Gozon system of its own for one fault scenario (2 Orders + 2 Payments replicas, fresh databases),
/// so faults never disturb the shared system of the other tests. <see cref="Restarts"/> counts the replicas the
/// AppHost's restart policy brought back.
/// </summary>
public sealed class FaultSystem : IAsyncDisposable
{
    private FaultSystem(GozonApp app, HttpClient gateway)
    {
        App = app;
        Gateway = gateway;
    }

    public HttpClient Gateway { get; }

    public GozonApp App { get; }

    /// <summary>Service processes the restart policy restarted after they died.</summary>
    public int Restarts => App.Restarts;

    /// <param name="settings">Environment for one service's processes, e.g. <c>("payments", "Gozon__Faults__CrashAt", "…")</c>.</param>
    public static async Task<FaultSystem> StartAsync(string scenario, params (string Service, string Variable, string Value)[] settings)
    {
        var app = await GozonApp.StartAsync(new GozonAppOptions
        {
            Replicas = new Dictionary<string, int> { ["orders"] = 2, ["payments"] = 2 },
            Environment = settings,
            LogPath = Path.Combine(GozonAppFixture.TestResultsDirectory, $"faults-{scenario}.log"),
        });
        var gateway = app.CreateGatewayClient(TimeSpan.FromSeconds(15));
        return new FaultSystem(app, gateway);
    }

    public async Task WaitForHealthyAsync(string resource)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await App.WaitForHealthyAsync(resource, deadline.Token);
    }

    public async Task<NpgsqlDataSource> OpenDatabaseAsync(string name) =>
        NpgsqlDataSource.Create(await App.GetConnectionStringAsync(name));

    public async Task<IConnection> ConnectBrokerAsync() =>
        await new ConnectionFactory { Uri = new Uri(await App.GetConnectionStringAsync("rabbitmq")) }.CreateConnectionAsync();

    /// <summary>Runs the broker node's own <c>rabbitmqctl</c> (Process mode writes it into the node's state folder).</summary>
    public async Task<string> RabbitMqCtlAsync(params string[] arguments)
    {
        var ctl = Path.Combine(App.Model.Resources.OfType<RabbitMQProcessResource>().Single().WorkingDirectory, "rabbitmqctl");
        var start = new ProcessStartInfo(ctl) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{ctl} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await stdout
            : throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} failed: {await stderr}");
    }

    /// <summary>Deliveries consumers hold and have not settled yet, over the given queues (AMQP cannot tell).</summary>
    public async Task<long> UnacknowledgedAsync(IReadOnlyCollection<string> queues)
    {
        var listing = await RabbitMqCtlAsync("list_queues", "-q", "--no-table-headers", "name", "messages_unacknowledged");
        return listing.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t', StringSplitOptions.TrimEntries))
            .Where(fields => fields.Length == 2 && queues.Contains(fields[0]))
            .Sum(fields => long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        Gateway.Dispose();
        await App.DisposeAsync();
    }
}
