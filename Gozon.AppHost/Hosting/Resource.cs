namespace Gozon.AppHost.Hosting;

/// <summary>Base class holding the relations every resource can have.</summary>
public abstract class Resource(string name) : IResource
{
    private readonly List<IResource> _references = [];
    private readonly List<IResource> _waitFor = [];

    public string Name { get; } = ValidateName(name);

    /// <summary>Resources whose connection information is injected into this one.</summary>
    public IReadOnlyList<IResource> References => _references;

    /// <summary>Resources that must be healthy before this one starts.</summary>
    public IReadOnlyList<IResource> WaitForResources => _waitFor;

    internal void AddReference(IResource resource)
    {
        if (!_references.Contains(resource))
        {
            _references.Add(resource);
        }
    }

    internal void AddWaitFor(IResource resource)
    {
        if (!_waitFor.Contains(resource))
        {
            _waitFor.Add(resource);
        }
    }

    public override string ToString() => Name;

    private static string ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw new ArgumentException($"Resource name '{name}' may only contain lower-case letters, digits and '-'.", nameof(name));
        }

        return name;
    }
}
