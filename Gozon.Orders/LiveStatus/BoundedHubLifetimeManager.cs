using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace Gozon.Orders.LiveStatus;

/// <summary>
/// SignalR's in-memory lifetime manager, except that a send never waits for a slow client. The default one writes to
/// every connection and returns a task that waits for the slowest: one client that stops reading holds up whoever
/// awaits it (the push loop) and, through it, every other subscriber. Here a send returns once every connection has
/// its copy or is waiting for room; a connection whose buffers stay full longer than
/// <see cref="LiveStatusOptions.SendTimeout"/>, or with more than <see cref="LiveStatusOptions.MaxPendingSends"/>
/// pushes waiting, is aborted (<see cref="HubConnectionContext.Abort"/>). Bytes per connection are already bounded by
/// SignalR's pipes; this bounds the pushes waiting in front of them and how long they wait.
/// Groups are kept here, because the default manager's are private and its group sends are the ones that wait.
/// </summary>
public sealed partial class BoundedHubLifetimeManager<THub>(
    IOptions<LiveStatusOptions> options,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : DefaultHubLifetimeManager<THub>(loggerFactory.CreateLogger<DefaultHubLifetimeManager<THub>>())
    where THub : Hub
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<BoundedHubLifetimeManager<THub>>();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Subscriber> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<Subscriber>> _groups = new(StringComparer.Ordinal);

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        lock (_lock)
        {
            _connections[connection.ConnectionId] = new Subscriber(connection);
        }

        return base.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        lock (_lock)
        {
            if (_connections.Remove(connection.ConnectionId, out var subscriber))
            {
                foreach (var group in subscriber.Groups)
                {
                    RemoveFromGroup(subscriber, group);
                }
            }
        }

        return base.OnDisconnectedAsync(connection);
    }

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            // A connection that has gone is not in the dictionary, so it cannot join afterwards.
            if (_connections.TryGetValue(connectionId, out var subscriber) && subscriber.Groups.Add(groupName))
            {
                if (!_groups.TryGetValue(groupName, out var members))
                {
                    _groups[groupName] = members = [];
                }

                members.Add(subscriber);
            }
        }

        return Task.CompletedTask;
    }

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_connections.TryGetValue(connectionId, out var subscriber) && subscriber.Groups.Remove(groupName))
            {
                RemoveFromGroup(subscriber, groupName);
            }
        }

        return Task.CompletedTask;
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(_ => true, methodName, args);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        Send(s => !excludedConnectionIds.Contains(s.Connection.ConnectionId), methodName, args);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(s => s.Connection.ConnectionId == connectionId, methodName, args);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(s => connectionIds.Contains(s.Connection.ConnectionId), methodName, args);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendGroupsAsync([groupName], methodName, args, cancellationToken);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(_ => true, methodName, args, groupNames);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        Send(s => !excludedConnectionIds.Contains(s.Connection.ConnectionId), methodName, args, [groupName]);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(s => s.Connection.UserIdentifier == userId, methodName, args);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(s => s.Connection.UserIdentifier is { } user && userIds.Contains(user), methodName, args);

    private void RemoveFromGroup(Subscriber subscriber, string groupName)
    {
        if (_groups.TryGetValue(groupName, out var members) && members.Remove(subscriber) && members.Count == 0)
        {
            _groups.Remove(groupName);
        }
    }

    /// <summary>
    /// Writes to every matching connection (each once, even if it is in several of the groups) and returns without
    /// waiting for any: a write that cannot complete at once is watched by <see cref="WatchAsync"/>.
    /// </summary>
    private Task Send(Func<Subscriber, bool> include, string methodName, object?[] args, IReadOnlyList<string>? groupNames = null)
    {
        List<Subscriber> targets;
        lock (_lock)
        {
            var candidates = groupNames is null
                ? _connections.Values
                : groupNames.SelectMany(g => _groups.GetValueOrDefault(g) ?? []).Distinct();
            targets = [.. candidates.Where(include)];
        }

        if (targets.Count == 0)
        {
            return Task.CompletedTask;
        }

        // Serialised once per protocol, whatever the number of connections.
        var message = new SerializedHubMessage(new InvocationMessage(methodName, args));
        foreach (var subscriber in targets)
        {
            if (Interlocked.Increment(ref subscriber.Pending) > options.Value.MaxPendingSends)
            {
                Interlocked.Decrement(ref subscriber.Pending);
                Drop(subscriber, DropReason.TooManyPending);
                continue;
            }

            var write = subscriber.Connection.WriteAsync(message);
            if (write.IsCompletedSuccessfully)
            {
                write.GetAwaiter().GetResult();
                Interlocked.Decrement(ref subscriber.Pending);
            }
            else
            {
                _ = WatchAsync(subscriber, write.AsTask());
            }
        }

        return Task.CompletedTask;
    }

    private async Task WatchAsync(Subscriber subscriber, Task write)
    {
        try
        {
            await write.WaitAsync(options.Value.SendTimeout, timeProvider);
        }
        catch (TimeoutException)
        {
            Drop(subscriber, DropReason.SendTimeout);
        }
        catch (Exception exception)
        {
            // SignalR's writes report their failures by aborting the connection; anything else is unexpected.
            LogWriteFailed(exception, subscriber.Connection.ConnectionId);
            subscriber.Connection.Abort();
        }
        finally
        {
            Interlocked.Decrement(ref subscriber.Pending);
        }
    }

    private void Drop(Subscriber subscriber, DropReason reason)
    {
        if (Interlocked.Exchange(ref subscriber.Dropped, 1) == 0)
        {
            LogDropped(subscriber.Connection.ConnectionId, reason, Volatile.Read(ref subscriber.Pending), options.Value.SendTimeout);
        }

        // Ends the pending flush too, so the writes queued behind it return at once.
        subscriber.Connection.Abort();
        // SignalR then still writes a close message behind the same full buffers and would wait on it; aborting the
        // request closes the socket now, which is what frees the buffers.
        subscriber.Connection.GetHttpContext()?.Abort();
    }

    [LoggerMessage(LogLevel.Warning,
        "Dropped hub connection {ConnectionId} ({Reason}): {Pending} push(es) waiting, send timeout {SendTimeout}; the client gets the current state when it subscribes again")]
    private partial void LogDropped(string connectionId, DropReason reason, int pending, TimeSpan sendTimeout);

    [LoggerMessage(LogLevel.Error, "Writing to hub connection {ConnectionId} failed; aborting it")]
    private partial void LogWriteFailed(Exception exception, string connectionId);

    private enum DropReason
    {
        SendTimeout,
        TooManyPending,
    }

    private sealed class Subscriber(HubConnectionContext connection)
    {
        public HubConnectionContext Connection { get; } = connection;

        /// <summary>The groups it is in; changed under the manager's lock only.</summary>
        public HashSet<string> Groups { get; } = new(StringComparer.Ordinal);

        public int Pending;
        public int Dropped;
    }
}
