namespace ControlPlane.KubernetesEmulator.Faults;

/// <summary>One injected failure rule, so a test can assert that its fault actually happened.</summary>
public sealed class InjectedFault
{
    private int _fired;

    /// <summary>How many requests this fault failed so far.</summary>
    public int Fired => Volatile.Read(ref _fired);

    internal void Fire() => Interlocked.Increment(ref _fired);
}
