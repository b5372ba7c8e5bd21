using Gozon.Messaging.DeadLetters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Gozon.AppHost.Infrastructure;

public static class DeadLetterRedriveExtensions
{
    public const string CommandName = RedriveCommand.Name;

    /// <summary>
    /// A "Redrive dead letters" command on the broker in the dashboard: every Gozon queue gets its dead letters back
    /// (<see cref="DeadLetterRedrive"/>, the code behind the services' <c>redrive-dead-letters</c> command line).
    /// </summary>
    public static IResourceBuilder<T> WithDeadLetterRedrive<T>(this IResourceBuilder<T> rabbitmq)
        where T : IResourceWithConnectionString
    {
        ArgumentNullException.ThrowIfNull(rabbitmq);
        return rabbitmq.WithCommand(CommandName, "Redrive dead letters", async context =>
        {
            var logger = context.Services.GetRequiredService<ResourceLoggerService>().GetLogger(rabbitmq.Resource);
            try
            {
                var uri = await rabbitmq.Resource.ConnectionStringExpression.GetValueAsync(context.CancellationToken)
                    ?? throw new InvalidOperationException($"{rabbitmq.Resource.Name} has no connection string yet.");
                var factory = new ConnectionFactory { Uri = new Uri(uri), ClientProvidedName = "Gozon.AppHost (redrive)" };
                await using var connection = await factory.CreateConnectionAsync(context.CancellationToken);
                var moved = new List<string>();
                foreach (var queue in DeadLetterRedrive.Queues)
                {
                    var count = await DeadLetterRedrive.RedriveAsync(connection, queue, context.CancellationToken);
                    logger.LogInformation("Redrove {Count} dead letter(s) to {Queue}", count, queue);
                    moved.Add($"{count} to {queue}");
                }

                return new ExecuteCommandResult { Success = true, Message = $"Redrove {string.Join(", ", moved)}." };
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "Redriving dead letters failed");
                return CommandResults.Failure(exception.Message);
            }
        }, new CommandOptions
        {
            Description = "Send every dead-lettered message back to its queue, with fresh retry budgets.",
            ConfirmationMessage = "Send every dead letter back to its queue? Do it after fixing what made them fail.",
            IconName = "ArrowRedo",
            UpdateState = context => context.ResourceSnapshot.HealthStatus is Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
                ? ResourceCommandState.Enabled
                : ResourceCommandState.Disabled,
        });
    }
}
