using Microsoft.Extensions.Configuration;
using Gozon.AppHost.Infrastructure;

namespace Gozon.AppHost.Identity;

/// <summary>
/// The secrets of sign-in at the gateway, generated on first use and kept in the state folder like the servers'
/// passwords: the key the gateway signs access tokens with; the key it shows Orders and Payments so that they take its
/// <c>X-User-Id</c> header and nobody else's; and the key Gozon.Web shows the gateway so that the shopper's address it
/// forwards counts for the per-address sign-in limit (every shopper's sign-in reaches the gateway from Gozon.Web).
/// </summary>
public sealed record EdgeSecrets(
    IResourceBuilder<ParameterResource> GatewayKey, IResourceBuilder<ParameterResource> SigningKey, IResourceBuilder<ParameterResource> FrontEndKey)
{
    public const string GatewayKeyName = "gateway-key";
    public const string SigningKeyName = "identity-signing-key";
    public const string FrontEndKeyName = "front-end-key";
    public const string GatewayKeyVariable = "Gozon__Gateway__Key";
    public const string SigningKeyVariable = "Gozon__Identity__SigningKey";
    public const string FrontEndKeyVariable = "Gozon__Identity__FrontEndKey";
    public const string TrustUserIdHeaderKey = "Gozon:Identity:TrustUserIdHeader";

    public static EdgeSecrets Add(IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var state = StateDirectory.For(builder);
        return new EdgeSecrets(
            builder.AddParameter(GatewayKeyName, state.GetOrCreateSecret(GatewayKeyName, 32), secret: true),
            builder.AddParameter(SigningKeyName, state.GetOrCreateSecret(SigningKeyName, 64), secret: true),
            builder.AddParameter(FrontEndKeyName, state.GetOrCreateSecret(FrontEndKeyName, 32), secret: true));
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
            .WithEnvironment(EdgeSecrets.FrontEndKeyVariable, secrets.FrontEndKey)
            .WithEnvironment("Gozon__Identity__TrustUserIdHeader", trust ? "true" : "false");
    }

    /// <summary>The shop: it signs shoppers in on their behalf, and vouches with its key for the address it forwards.</summary>
    public static IResourceBuilder<ProjectResource> AsSignInFrontEnd(this IResourceBuilder<ProjectResource> builder, EdgeSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(secrets);
        return builder.WithEnvironment(EdgeSecrets.FrontEndKeyVariable, secrets.FrontEndKey);
    }
}
