using Npgsql;

namespace ControlPlane.Infrastructure.Persistence;

/// <summary>
/// Tells a database failure that a retry can fix (the server is down, restarting, overloaded, or a transaction lost a
/// race it could not retry) from one that a retry would repeat (a bug, a constraint, a value out of range).
/// </summary>
public static class TransientDatabaseFailure
{
    /// <summary>SQLSTATEs that say "not now" rather than "never" (see the PostgreSQL error-code appendix).</summary>
    private static readonly string[] TransientStates =
    [
        PostgresErrorCodes.SerializationFailure, // 40001, after the in-process retries (TransactionExtensions)
        PostgresErrorCodes.DeadlockDetected, // 40P01
        PostgresErrorCodes.LockNotAvailable, // 55P03, lock_timeout
        PostgresErrorCodes.QueryCanceled, // 57014, statement_timeout (a caller's own cancellation surfaces as OperationCanceledException)
        PostgresErrorCodes.AdminShutdown, // 57P01
        PostgresErrorCodes.CrashShutdown, // 57P02
        PostgresErrorCodes.CannotConnectNow, // 57P03, starting up or shutting down
        PostgresErrorCodes.TooManyConnections, // 53300
        "53200", // out_of_memory
        PostgresErrorCodes.DiskFull, // 53100
    ];

    /// <summary>True when <paramref name="exception"/> or one it wraps is a serialization failure (40001) or a deadlock (40P01).</summary>
    public static bool IsSerializationConflict(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="exception"/> or one it wraps is a transient database failure.</summary>
    public static bool Is(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    // Class 08: connection exceptions reported by the server itself.
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || TransientStates.Contains(postgres.SqlState);
                case NpgsqlException npgsql when npgsql.IsTransient:
                    // Raised on the client side: connection refused or reset, pool exhausted, command timeout.
                    return true;
            }
        }

        return false;
    }
}
