namespace ControlPlane.Application.Placements;

/// <summary>
/// Bounds the admissions one replica runs at once. Admissions serialise on row locks anyway; letting dozens start
/// together only makes the lock holder wait for CPU behind requests that will queue on its lock, so each critical
/// section — and with it every admission — gets slower. Waiting here costs nothing but memory.
/// </summary>
public sealed class AdmissionGate
{
    private readonly SemaphoreSlim _slots = new(Math.Max(2, Environment.ProcessorCount * 2));

    public async Task<T> RunAsync<T>(Func<Task<T>> admission, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return await admission();
        }
        finally
        {
            _slots.Release();
        }
    }
}
