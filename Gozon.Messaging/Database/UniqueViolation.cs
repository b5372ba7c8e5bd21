using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Gozon.Messaging.Database;

public static class UniqueViolation
{
    /// <summary>The save lost a race on a unique key (idempotency key, account id): the row exists already.</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
