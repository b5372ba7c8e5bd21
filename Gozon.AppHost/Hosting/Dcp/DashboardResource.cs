namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>The Aspire dashboard container, added automatically in Container mode.</summary>
internal sealed class DashboardResource() : Resource("dashboard")
{
}
