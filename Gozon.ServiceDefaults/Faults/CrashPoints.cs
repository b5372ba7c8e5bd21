using System.Collections.Frozen;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Gozon.ServiceDefaults.Faults;

/// <summary>
/// Named places where the process may die on purpose, to prove that nothing is lost when it dies there.
/// Off unless <c>Gozon:Faults:CrashAt</c> names them (env <c>Gozon__Faults__CrashAt</c>), e.g.
/// <c>payments.pay-order.after-commit-before-ack:0.05</c>, several separated by <c>;</c>. A crash is
/// <see cref="Environment.FailFast(string)"/>: no finally blocks, no disposal, no graceful shutdown.
/// </summary>
public sealed partial class CrashPoints(IConfiguration configuration, ILogger<CrashPoints> logger)
{
    public const string ConfigurationKey = "Gozon:Faults:CrashAt";

    /// <summary>Orders: the order and its PayOrder are committed, the HTTP response is not sent.</summary>
    public const string OrderCommittedBeforeResponse = "orders.after-commit-before-response";

    /// <summary>Either outbox publisher: the broker confirmed the batch, the rows are not marked published.</summary>
    public const string OutboxConfirmedBeforeMarked = "outbox.after-confirm-before-mark";

    private readonly FrozenDictionary<string, double> _points = Parse(configuration[ConfigurationKey]);

    /// <summary>Consumers: the handler's transaction committed, the message is not acked.</summary>
    public static string ConsumerCommittedBeforeAck(string queue) => $"{queue}.after-commit-before-ack";

    public bool IsEnabled => _points.Count > 0;

    /// <summary>Dies here with the configured probability; free when no crash point is configured.</summary>
    public void Reach(string point)
    {
        if (_points.Count == 0 || !_points.TryGetValue(point, out var probability) || Random.Shared.NextDouble() >= probability)
        {
            return;
        }

        LogCrashing(point, probability);
        Environment.FailFast($"Crash point '{point}' ({ConfigurationKey})");
    }

    /// <summary>Reads <c>name:probability[;name:probability…]</c>; a typo fails the start, never silently does nothing.</summary>
    public static FrozenDictionary<string, double> Parse(string? specification)
    {
        var points = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var entry in (specification ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = entry.LastIndexOf(':');
            if (separator <= 0
                || !double.TryParse(entry[(separator + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var probability)
                || probability is < 0 or > 1)
            {
                throw new InvalidOperationException(
                    $"{ConfigurationKey}: '{entry}' is not 'crash-point:probability' with a probability from 0 to 1.");
            }

            points[entry[..separator]] = probability;
        }

        return points.ToFrozenDictionary(StringComparer.Ordinal);
    }

    [LoggerMessage(LogLevel.Critical, "Crash point {Point} reached (probability {Probability}): exiting now")]
    private partial void LogCrashing(string point, double probability);
}
