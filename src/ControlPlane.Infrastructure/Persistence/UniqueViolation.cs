using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ControlPlane.Infrastructure.Persistence;

/// <summary>A save refused by a unique index: a concurrent request created the same thing first (23505).</summary>
public static class UniqueViolation
{
    public static bool Is(Exception exception) =>
        exception is DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } };
}
