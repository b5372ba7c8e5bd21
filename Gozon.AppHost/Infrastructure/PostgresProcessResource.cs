namespace Gozon.AppHost.Infrastructure;

/// <summary>
/// PostgreSQL as a local process (Process mode): <c>Processes/postgres.sh</c> runs the machine's server binaries
/// on a cluster in the state folder. Its connection string has no database, like Aspire's container resource.
/// </summary>
public sealed class PostgresProcessResource(string name, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, "bash", workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    public const string UserName = "postgres";

    private readonly List<string> _databaseNames = [];

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The databases the start script creates when they are missing.</summary>
    public IReadOnlyList<string> DatabaseNames => _databaseNames;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.IPV4Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={PasswordParameter}");

    internal void AddDatabaseName(string databaseName) => _databaseNames.Add(databaseName);
}
