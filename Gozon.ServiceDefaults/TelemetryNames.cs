namespace Microsoft.Extensions.Hosting;

/// <summary>Activity source and meter names are prefixed so the defaults can subscribe to all of them.</summary>
public static class TelemetryNames
{
    public const string GozonPrefix = "Gozon.";
}
