namespace ControlPlane.Application.Billing;

/// <summary>The thresholds a budget has reached, each recorded once per month whatever replica sees it first.</summary>
public interface IBudgetAlertLog
{
    /// <summary>Records the threshold in the current transaction; false when it was already recorded this month.</summary>
    Task<bool> RecordOnceAsync(Guid tenantId, DateOnly month, int threshold, decimal spend, DateTimeOffset at, CancellationToken cancellationToken);
}
