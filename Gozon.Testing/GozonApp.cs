using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gozon.Testing;

/// <summary>
/// The Gozon AppHost started by <see cref="DistributedApplicationTestingBuilder"/>, the same program as
/// <c>dotnet run --project Gozon.AppHost</c>, with what harnesses need on top: every service healthy before it
/// returns, per-replica processes for faults and memory figures, Aspire's resource commands, and a count of the
/// replicas the restart policy brought back.
/// </summary>
public sealed class GozonApp : IAsyncDisposable
{
    private static readonly string[] Services = ["orders", "payments", "gateway", "web"];
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromMinutes(2);

    private readonly DistributedApplication _app;
    private readonly string _stateDirectory;
    private readonly string? _logPath;
    private readonly CancellationTokenSource _stopWatching = new();
    private readonly ConcurrentDictionary<string, string?> _lastStates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IResource> _instances = new(StringComparer.Ordinal);
    private readonly Task _watching;
    private int _restarts;
    private readonly Lazy<SignedInShoppers> _shoppers;

    private GozonApp(DistributedApplication app, string stateDirectory, string? logPath)
    {
        _app = app;
        _stateDirectory = stateDirectory;
        _shoppers = new(() => new SignedInShoppers(GetEndpoint("gateway"), TimeProvider.System));
        _logPath = logPath;
        _watching = WatchAsync(_stopWatching.Token);
    }

    public DistributedApplication Application => _app;

    public DistributedApplicationModel Model => _app.Services.GetRequiredService<DistributedApplicationModel>();

    /// <summary>Service replicas that came back after dying (terminal state, then starting again).</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    public static async Task<GozonApp> StartAsync(GozonAppOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var state = Directory.CreateTempSubdirectory("gozon-test-").FullName;
        // PostgreSQL and RabbitMQ drop to their own users in Process mode: they must be able to enter the folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(state, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        if (options.LogPath is { } log)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(log))!);
            File.Delete(log);
        }

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Gozon_AppHost>(
            [.. options.ToArguments(state)], cancellationToken);
        if (options.LogPath is { } path)
        {
            builder.Services.AddLogging(logging => logging
                .ClearProviders()
                .SetMinimumLevel(LogLevel.Information)
                // Every failed probe while a resource starts is an error with a stack trace; the resource states say enough.
                .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical)
                .AddProvider(new FileLoggerProvider(path)));
        }

        var app = await builder.BuildAsync(cancellationToken);
        var gozon = new GozonApp(app, state, options.LogPath);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.StartupTimeout);
            await app.StartAsync(deadline.Token);
            foreach (var service in Services)
            {
                await gozon.WaitForHealthyAsync(service, deadline.Token);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or DistributedApplicationException)
        {
            var tail = gozon.LogTail(50);
            await gozon.DisposeAsync();
            throw new InvalidOperationException(
                $"The Gozon system did not become healthy within {options.StartupTimeout} (log: {options.LogPath ?? "console"}).{Environment.NewLine}{tail}",
                exception);
        }

        return gozon;
    }

    public Uri GetEndpoint(string resourceName) => _app.GetEndpoint(resourceName, "http");

    /// <summary>A plain client for a project's endpoint: no resilience handler, so tests see every answer as it is.</summary>
    public HttpClient CreateHttpClient(string resourceName) => new() { BaseAddress = GetEndpoint(resourceName) };

    /// <summary>The system's shoppers as the gateway knows them: registered and signed in on first use.</summary>
    public SignedInShoppers Shoppers => _shoppers.Value;

    /// <summary>
    /// A client of the gateway whose requests name their shopper with <c>X-User-Id</c>, as before sign-in: each is sent with
    /// that shopper's bearer token instead (see <see cref="SignedInShoppers"/>). UTF-8 request headers, so tests can also send
    /// the malformed (non-ASCII) input the API must reject.
    /// </summary>
    public HttpClient CreateGatewayClient(TimeSpan timeout) =>
        new(Shoppers.CreateHandler(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8 }))
        {
            BaseAddress = GetEndpoint("gateway"),
            Timeout = timeout,
        };

    /// <summary>
    /// A client that reaches a service replica directly, as the gateway does: with the gateway's key, so <c>X-User-Id</c> counts.
    /// </summary>
    public HttpClient CreateTrustedServiceClient(Uri replica)
    {
        // UTF-8 request headers, like the gateway client's, so bad-input tests can send non-ASCII user ids.
        var client = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8 }) { BaseAddress = replica };
        client.DefaultRequestHeaders.Add(GatewayKeyHeader, GatewayKey);
        return client;
    }

    public const string GatewayKeyHeader = Gozon.ServiceDefaults.Api.GatewayKeyOptions.HeaderName;

    /// <summary>The key the gateway shows the services (generated into this run's state folder by the AppHost).</summary>
    public string GatewayKey => Secret(Gozon.AppHost.Identity.EdgeSecrets.GatewayKeyName);

    /// <summary>Gozon.Web's key, which makes the gateway count a sign-in against the forwarded shopper's address.</summary>
    public string FrontEndKey => Secret(Gozon.AppHost.Identity.EdgeSecrets.FrontEndKeyName);

    /// <summary>The key the gateway signs its tokens with.</summary>
    public string SigningKey => Secret(Gozon.AppHost.Identity.EdgeSecrets.SigningKeyName);

    private string Secret(string name) => File.ReadAllText(Path.Combine(_stateDirectory, "secrets", name)).Trim();

    public async Task<string> GetConnectionStringAsync(string resourceName, CancellationToken cancellationToken = default) =>
        await _app.GetConnectionStringAsync(resourceName, cancellationToken)
        ?? throw new InvalidOperationException($"Resource '{resourceName}' has no connection string.");

    /// <summary>The replicas of a resource, in a stable order, with their current snapshots.</summary>
    public IReadOnlyList<ResourceReplica> Replicas(string resourceName) =>
        [.. InstanceIds(Resource(resourceName)).Select(id =>
            new ResourceReplica(id, _app.ResourceNotifications.TryGetCurrentState(id, out var update) ? update.Snapshot : null))];

    /// <summary>SIGKILLs one replica's service process; the AppHost's restart policy brings it back.</summary>
    public void Kill(string resourceName, int replica = 0)
    {
        var target = Replicas(resourceName)[replica];
        var pid = target.ServiceProcessId ?? throw new InvalidOperationException($"{target.Id} has no process.");
        KillProcess(pid, entireProcessTree: false);
    }

    /// <summary>
    /// Aspire's stop command on every replica; returns when all have stopped. DCP gives a process a grace period
    /// after SIGTERM and reports a failure when it is over: a replica still running then is killed, as an operator
    /// would after <c>docker stop</c>'s timeout.
    /// </summary>
    public async Task StopAsync(string resourceName, CancellationToken cancellationToken = default)
    {
        var anyDead = Replicas(resourceName).Any(r => r.IsStopped);
        await StopOnceAsync(resourceName, cancellationToken);
        if (anyDead)
        {
            await StayStoppedAsync(resourceName, cancellationToken);
        }
    }

    private async Task StopOnceAsync(string resourceName, CancellationToken cancellationToken)
    {
        var commands = _app.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(Resource(resourceName), KnownResourceCommands.StopCommand, cancellationToken);
        if (!result.Success)
        {
            foreach (var replica in Replicas(resourceName).Where(r => !r.IsStopped))
            {
                if (replica.LauncherProcessId is { } pid)
                {
                    Console.Error.WriteLine($"{replica.Id} outlived its stop ({result.Message}); killing process {pid} and its children");
                    KillProcess(pid, entireProcessTree: true);
                }
            }
        }

        await WaitUntilAsync(resourceName, replicas => replicas.All(r => r.IsStopped), cancellationToken);
    }

    /// <summary>
    /// A replica that had died before the stop may have a restart pending in the AppHost's policy; one that comes
    /// back within its longest back-off is stopped again (now from a running state, which the policy respects).
    /// </summary>
    private async Task StayStoppedAsync(string resourceName, CancellationToken cancellationToken)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(TimeSpan.FromSeconds(12));
        try
        {
            await WaitUntilAsync(resourceName, replicas => !replicas.All(r => r.IsStopped), window.Token);
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return; // stayed stopped
        }

        await WaitForHealthyAsync(resourceName, cancellationToken);
        await StopOnceAsync(resourceName, cancellationToken);
    }

    /// <summary>Aspire's start command on every replica; returns when all are healthy.</summary>
    public async Task StartAsync(string resourceName, CancellationToken cancellationToken = default)
    {
        await ExecuteCommandAsync(resourceName, KnownResourceCommands.StartCommand, cancellationToken);
        await WaitForHealthyAsync(resourceName, cancellationToken);
    }

    /// <summary>Returns when every replica of the resource is running and healthy.</summary>
    public Task WaitForHealthyAsync(string resourceName, CancellationToken cancellationToken = default) =>
        WaitUntilAsync(resourceName, replicas => replicas.Count >= ExpectedReplicas(resourceName) && replicas.All(r => r.IsHealthy), cancellationToken);

    private int ExpectedReplicas(string resourceName) =>
        Resource(resourceName).TryGetLastAnnotation<ReplicaAnnotation>(out var replicas) ? replicas.Replicas : 1;

    /// <summary>The last lines of the harness log, for failure messages.</summary>
    public string LogTail(int lines) =>
        _logPath is not null && File.Exists(_logPath)
            ? string.Join(Environment.NewLine, File.ReadLines(_logPath).TakeLast(lines))
            : "(no log file)";

    public async ValueTask DisposeAsync()
    {
        await _stopWatching.CancelAsync();
        await _watching;
        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
            _stopWatching.Dispose();
            DeleteState();
        }
    }

    private static void KillProcess(int pid, bool entireProcessTree)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill(entireProcessTree);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }

    private IResource Resource(string resourceName) =>
        Model.Resources.SingleOrDefault(r => string.Equals(r.Name, resourceName, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"The AppHost has no resource '{resourceName}'.", nameof(resourceName));

    // DCP names each replica "<name>-<suffix>"; the ids are learnt from the notifications, watched since before the start.
    private IEnumerable<string> InstanceIds(IResource resource) =>
        _instances.Where(instance => ReferenceEquals(instance.Value, resource)).Select(instance => instance.Key).Order(StringComparer.Ordinal);

    /// <summary>Runs one of the resource's commands, as the dashboard's button would; returns the command's message.</summary>
    public async Task<string?> ExecuteCommandAsync(string resourceName, string command, CancellationToken cancellationToken = default)
    {
        var commands = _app.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(Resource(resourceName), command, cancellationToken);
        return result.Success
            ? result.Message
            : throw new InvalidOperationException($"{command} on '{resourceName}' failed: {result.Message}");
    }

    /// <summary>Waits for the condition on the resource's replicas, for two minutes at most unless the caller's token ends it sooner.</summary>
    private async Task WaitUntilAsync(string resourceName, Func<IReadOnlyList<ResourceReplica>, bool> condition, CancellationToken cancellationToken)
    {
        if (condition(Replicas(resourceName)))
        {
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(WaitTimeout);
        try
        {
            await foreach (var update in _app.ResourceNotifications.WatchAsync(deadline.Token))
            {
                _instances[update.ResourceId] = update.Resource;
                if (string.Equals(update.Resource.Name, resourceName, StringComparison.OrdinalIgnoreCase) && condition(Replicas(resourceName)))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var states = string.Join(", ", Replicas(resourceName).Select(r => $"{r.Id}: {r.Snapshot?.State?.Text} {r.Snapshot?.HealthStatus}"));
            throw new TimeoutException($"'{resourceName}' did not reach the expected state within {WaitTimeout} ({states}).");
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in _app.ResourceNotifications.WatchAsync(cancellationToken))
            {
                _instances[update.ResourceId] = update.Resource;
                if (update.Resource is not ProjectResource)
                {
                    continue;
                }

                var state = update.Snapshot.State?.Text;
                var previous = _lastStates.GetValueOrDefault(update.ResourceId);
                _lastStates[update.ResourceId] = state;
                if (previous is not null && KnownResourceStates.TerminalStates.Contains(previous)
                    && state is not null && !KnownResourceStates.TerminalStates.Contains(state))
                {
                    Interlocked.Increment(ref _restarts);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private void DeleteState()
    {
        try
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A process that outlived the AppHost still holds a file; the temp cleaner will get it.
            Console.Error.WriteLine($"Could not delete {_stateDirectory}: {ex.Message}");
        }
    }
}
