namespace ControlPlane.Application.Billing;

/// <summary>Serialises writers of the price book, so that versions are numbered and ordered without gaps.</summary>
public interface IPriceBookWriters
{
    /// <summary>Waits for the other writers; the turn lasts until the current transaction ends (readers are not blocked).</summary>
    Task TakeTurnAsync(CancellationToken cancellationToken);
}
