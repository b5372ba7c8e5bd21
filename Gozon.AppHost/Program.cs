using Gozon.AppHost;
using Gozon.AppHost.Hosting;
using Gozon.AppHost.Publishing;

if (PublishCommand.IsPublish(args))
{
    return PublishCommand.Run(args, GozonTopology.Configure);
}

var builder = DistributedApplication.CreateBuilder(args);
GozonTopology.Configure(builder);
await builder.Build().RunAsync();
return 0;
