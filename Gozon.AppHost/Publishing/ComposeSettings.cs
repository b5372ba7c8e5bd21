using Gozon.AppHost.Identity;

namespace Gozon.AppHost.Publishing;

/// <summary>A secret the compose file takes from <c>.env</c>, and how many random letters and digits it gets there.</summary>
public sealed record ComposeSecret(string Key, int Length);

/// <summary>A setting operators flip in <c>.env</c> (<see cref="EnvKey"/>); a new <c>.env</c> shows it set to <see cref="Example"/>, commented out, under <see cref="Comment"/>.</summary>
public sealed record ComposeSwitch(string Variable, string EnvKey, string Example, string Comment);

/// <summary>
/// Gozon's own settings that the model gives a project (<c>WithEnvironment("Gozon__…", …)</c>: the gateway key, the token
/// signing key, the trust switch), as compose writes them. A secret parameter comes from <c>.env</c>, which must set it;
/// a switch takes the model's value as its default and can be flipped in <c>.env</c> without regenerating; any other
/// value is written as it is.
/// </summary>
internal static class ComposeSettings
{
    public const string Prefix = "Gozon__";

    /// <summary>The passwords' length; a secret whose model value is longer (the 64-character signing key) keeps its length.</summary>
    public const int MinimumSecretLength = 32;

    /// <summary>The settings operators flip in <c>.env</c>; a new <c>.env</c> lists each, commented out.</summary>
    public static IReadOnlyList<ComposeSwitch> Switches { get; } =
    [
        new(EdgeSecrets.TrustUserIdHeaderKey.Replace(":", "__", StringComparison.Ordinal), "GOZON_TRUST_USER_ID_HEADER", "true",
            """
            # INSECURE, for local experiments and old clients only: the gateway takes a client's X-User-Id header
            # (or the hub's ?userId=) in place of a token, so anyone can act as any user. Then: docker compose up -d
            """),
    ];

    // Compose is a deployment whatever mode the model was built in: its callbacks answer as for Aspire's own publishers.
    private static readonly DistributedApplicationExecutionContext Publish = new(DistributedApplicationOperation.Publish);

    /// <summary>The project's <c>Gozon__*</c> environment in the model, in the order it was added.</summary>
    public static async Task<IReadOnlyList<(string Key, object Value)>> ForAsync(ProjectResource project, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, object>(StringComparer.Ordinal);
        var context = new EnvironmentCallbackContext(Publish, project, variables, cancellationToken);
        foreach (var callback in project.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context).ConfigureAwait(false);
        }

        return variables.Where(v => v.Key.StartsWith(Prefix, StringComparison.Ordinal)).Select(v => (v.Key, v.Value)).ToList();
    }

    /// <summary>What the compose file says for a setting: an interpolation from <c>.env</c>, or the text itself.</summary>
    public static string ComposeValue(string key, object value) => value switch
    {
        ParameterResource { Secret: true } secret => $"${{{SecretKey(secret)}:?set it in .env}}",
        string text when Switches.FirstOrDefault(s => s.Variable == key) is { } flip => $"${{{flip.EnvKey}:-{Escape(text)}}}",
        string text => Escape(text),
        _ => throw new DistributedApplicationException(
            $"Setting '{key}' is a {value.GetType().Name}; the compose publisher writes secret parameters and plain text only."),
    };

    /// <summary><c>gateway-key</c> → <c>GOZON_GATEWAY_KEY</c>.</summary>
    public static string SecretKey(ParameterResource parameter) => "GOZON_" + parameter.Name.Replace('-', '_').ToUpperInvariant();

    /// <summary>Every secret parameter the projects' settings use, once each, as long as its model value (32 at least).</summary>
    public static async Task<IReadOnlyList<ComposeSecret>> SecretsAsync(IEnumerable<ProjectResource> projects, CancellationToken cancellationToken)
    {
        var secrets = new List<ComposeSecret>();
        foreach (var project in projects)
        {
            foreach (var (_, value) in await ForAsync(project, cancellationToken).ConfigureAwait(false))
            {
                if (value is ParameterResource { Secret: true } parameter && secrets.All(s => s.Key != SecretKey(parameter)))
                {
                    // Only the length is read: the deployment gets values of its own, never the AppHost's.
                    var length = (await parameter.GetValueAsync(cancellationToken).ConfigureAwait(false))?.Length ?? 0;
                    secrets.Add(new ComposeSecret(SecretKey(parameter), Math.Max(MinimumSecretLength, length)));
                }
            }
        }

        return secrets;
    }

    // Compose interpolates '$' in values; "$$" is a literal one.
    private static string Escape(string text) => text.Replace("$", "$$", StringComparison.Ordinal);
}
