using Microsoft.Extensions.Configuration;
using Gozon.AppHost.Infrastructure;

namespace Gozon.AppHost.Identity;

/// <summary>
/// The two secrets of sign-in at the gateway, generated on first use and kept in the state folder like the servers'
/// passwords: the key the gateway signs access tokens with, and the key it shows Orders and Payments so that they
/// take its <c>X-User-Id</c> header and nobody else's.
/// </summary>
public sealed record EdgeSecrets(IResourceBuilder<ParameterResource> GatewayKey, IResourceBuilder<ParameterResource> SigningKey)
{
    public const string GatewayKeyName = "gateway-key";
    public const string SigningKeyName = "identity-signing-key";
    public const string GatewayKeyVariable = "Gozon__Gateway__Key";
    public const string SigningKeyVariable = "Gozon__Identity__SigningKey";
    public const string TrustUserIdHeaderKey = "Gozon:Identity:TrustUserIdHeader";

    public static EdgeSecrets Add(IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var state = StateDirectory.For(builder);
        return new EdgeSecrets(
            builder.AddParameter(GatewayKeyName, state.GetOrCreateSecret(GatewayKeyName, 32), secret: true),
            builder.AddParameter(SigningKeyName, state.GetOrCreateSecret(SigningKeyName, 64), secret: true));
    }
}

public static class EdgeSecretsExtensions
{
    /// <summary>A service behind the gateway: it accepts the caller named by the gateway only.</summary>
    public static IResourceBuilder<ProjectResource> BehindGateway(this IResourceBuilder<ProjectResource> builder, EdgeSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(secrets);
        return builder.WithEnvironment(EdgeSecrets.GatewayKeyVariable, secrets.GatewayKey);
    }

    /// <summary>
    /// The gateway: it signs tokens, shows the services its key, and trusts a client's <c>X-User-Id</c> only when
    /// <c>Gozon:Identity:TrustUserIdHeader</c> is true in the AppHost's configuration (<c>./run.sh --Gozon:Identity:TrustUserIdHeader=true</c>).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSignIn(this IResourceBuilder<ProjectResource> builder, EdgeSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(secrets);
        var trust = builder.ApplicationBuilder.Configuration.GetValue(EdgeSecrets.TrustUserIdHeaderKey, false);
        return builder
            .WithEnvironment(EdgeSecrets.GatewayKeyVariable, secrets.GatewayKey)
            .WithEnvironment(EdgeSecrets.SigningKeyVariable, secrets.SigningKey)
            .WithEnvironment("Gozon__Identity__TrustUserIdHeader", trust ? "true" : "false");
    }
}
