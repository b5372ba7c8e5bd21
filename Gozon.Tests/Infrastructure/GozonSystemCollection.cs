namespace Gozon.Tests.Infrastructure;

/// <summary>Every end-to-end test class joins this collection and shares one running system.</summary>
[CollectionDefinition(Name)]
public sealed class GozonSystemCollection : ICollectionFixture<GozonAppFixture>
{
    public const string Name = "Gozon system";
}
