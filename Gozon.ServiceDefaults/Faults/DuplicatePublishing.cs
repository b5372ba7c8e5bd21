using Microsoft.Extensions.Configuration;

namespace Gozon.ServiceDefaults.Faults;

/// <summary>
/// A fault for proving idempotency: with <c>Gozon:Faults:PublishTwice=true</c> every outbox message goes to the
/// broker twice with the same message id, so every consumer receives every message twice. Off by default.
/// </summary>
public sealed class DuplicatePublishing(IConfiguration configuration)
{
    public const string ConfigurationKey = "Gozon:Faults:PublishTwice";

    public bool IsEnabled { get; } = configuration.GetValue<bool>(ConfigurationKey);
}
