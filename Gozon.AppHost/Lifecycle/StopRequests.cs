using System.Collections.Concurrent;

namespace Gozon.AppHost.Lifecycle;

/// <summary>
/// When each replica was last asked to stop (Aspire's stop command, from the dashboard or a resource command), so
/// that a restart the policy scheduled before the request does not undo it. A replica that is already dead never
/// shows a <c>Stopping</c> state, so the command itself is the only witness.
/// </summary>
internal sealed class StopRequests(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastRequest = new(StringComparer.Ordinal);

    public void Record(string replica) => _lastRequest[replica] = timeProvider.GetUtcNow();

    public bool RequestedSince(string replica, DateTimeOffset since) =>
        _lastRequest.TryGetValue(replica, out var at) && at >= since;

    /// <summary>Replaces the resource's stop command with one that records the request, then stops as before.</summary>
    public static void Observe(IResource resource, StopRequests requests)
    {
        var stop = resource.Annotations.OfType<ResourceCommandAnnotation>()
            .FirstOrDefault(command => command.Name == KnownResourceCommands.StopCommand);
        if (stop is null)
        {
            return;
        }

        resource.Annotations.Remove(stop);
        resource.Annotations.Add(new ResourceCommandAnnotation(
            stop.Name,
            stop.DisplayName,
            stop.UpdateState,
            context =>
            {
                requests.Record(context.ResourceName);
                return stop.ExecuteCommand(context);
            },
            stop.DisplayDescription,
            stop.Arguments,
            stop.ConfirmationMessage,
            stop.IconName,
            stop.IconVariant,
            stop.IsHighlighted,
            stop.Visibility,
            stop.ValidateArguments));
    }
}
