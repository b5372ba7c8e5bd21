using Gozon.AppHost;
using Gozon.AppHost.Hosting;

var builder = DistributedApplication.CreateBuilder(args);
GozonTopology.Configure(builder);
await builder.Build().RunAsync();
