using Microsoft.Extensions.Configuration;

namespace Gozon.ServiceDefaults.Faults;

/// <summary>
/// A fault for proving delayed retries and the redrive: with <c>Gozon:Faults:FailHandlerAttempts=N</c> every message
/// handler of the service throws on a message's first N attempts, as a handler would whose dependency fails for a while.
/// A message an operator redrove from its dead-letter queue is spared, as it would be after the fix a redrive follows.
/// Off (0) by default.
/// </summary>
public sealed class FailingHandlers(IConfiguration configuration)
{
    public const string ConfigurationKey = "Gozon:Faults:FailHandlerAttempts";

    private readonly int _failedAttempts = configuration.GetValue<int>(ConfigurationKey);

    /// <summary>Throws while the message has failed fewer than the configured number of times.</summary>
    public void Reach(int earlierFailures, bool redriven)
    {
        if (!redriven && earlierFailures < _failedAttempts)
        {
            throw new InjectedHandlerFailureException(
                $"injected handler failure {earlierFailures + 1} of {_failedAttempts} ({ConfigurationKey})");
        }
    }
}

public sealed class InjectedHandlerFailureException(string message) : Exception(message);
