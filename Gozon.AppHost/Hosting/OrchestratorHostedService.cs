using Gozon.AppHost.Hosting.Dcp;
using Microsoft.Extensions.Hosting;

namespace Gozon.AppHost.Hosting;

/// <summary>Starts the orchestrator with the host and stops every resource when the host stops.</summary>
internal sealed class OrchestratorHostedService(Orchestrator orchestrator, ResourceTablePrinter tablePrinter) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        tablePrinter.Attach();
        return orchestrator.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => orchestrator.StopAsync(cancellationToken);
}
