using System.Net;

namespace ControlPlane.KubernetesEmulator.Faults;

/// <summary>
/// Failures and latency the emulator adds to matching requests, settable from any thread while requests
/// are in flight. Injected failures are answered with a real Status body, before authentication, the way
/// a failing load balancer or an overloaded API server answers. For refused connections see
/// <see cref="KubernetesApiEmulator.StopListeningAsync"/>.
/// </summary>
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<FailureRule> _failures = [];
    private readonly List<(RequestScope Scope, TimeSpan Delay)> _latencies = [];

    /// <summary>Fails the next <paramref name="count"/> matching requests, then lets requests through again.</summary>
    /// <param name="count">How many requests to fail.</param>
    /// <param name="status">The status to answer with.</param>
    /// <param name="scope">Which requests; all when null.</param>
    /// <param name="message">The Status body's message instead of the usual one for the status (e.g. a long 422).</param>
    /// <returns>The fault, whose <see cref="InjectedFault.Fired"/> tells how often it was applied.</returns>
    public InjectedFault FailNextRequests(int count, HttpStatusCode status, RequestScope? scope = null, string? message = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return Add(new FailureRule(scope ?? RequestScope.Everything, status, count, Fraction: 1, message, new InjectedFault()));
    }

    /// <summary>Fails about <paramref name="fraction"/> (0–1] of matching requests, at random, until <see cref="Clear"/>.</summary>
    public InjectedFault FailFractionOfRequests(double fraction, HttpStatusCode status, RequestScope? scope = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1);
        return Add(new FailureRule(scope ?? RequestScope.Everything, status, Remaining: null, fraction, Message: null, new InjectedFault()));
    }

    /// <summary>Fails every matching request until <see cref="Clear"/>.</summary>
    public InjectedFault FailAllRequests(HttpStatusCode status, RequestScope? scope = null) =>
        Add(new FailureRule(scope ?? RequestScope.Everything, status, Remaining: null, Fraction: 1, Message: null, new InjectedFault()));

    /// <summary>Delays every matching request by <paramref name="delay"/> until <see cref="Clear"/>; delays of overlapping scopes add up.</summary>
    public void AddLatency(TimeSpan delay, RequestScope? scope = null)
    {
        lock (_gate)
        {
            _latencies.Add((scope ?? RequestScope.Everything, delay));
        }
    }

    /// <summary>Removes every failure and latency rule.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _failures.Clear();
            _latencies.Clear();
        }
    }

    /// <summary>What to do to one request: how long to hold it, and which status (and message) to fail it with, if any.</summary>
    internal (TimeSpan Delay, int? FailWith, string? Message) Decide(string method, string path)
    {
        lock (_gate)
        {
            var delay = _latencies.Where(l => l.Scope.Matches(method, path)).Aggregate(TimeSpan.Zero, (sum, l) => sum + l.Delay);
            for (var i = 0; i < _failures.Count; i++)
            {
                var rule = _failures[i];
                if (!rule.Scope.Matches(method, path) || (rule.Fraction < 1 && Random.Shared.NextDouble() >= rule.Fraction))
                {
                    continue;
                }

                if (rule.Remaining is { } remaining)
                {
                    if (remaining == 1)
                    {
                        _failures.RemoveAt(i);
                    }
                    else
                    {
                        _failures[i] = rule with { Remaining = remaining - 1 };
                    }
                }

                rule.Fault.Fire();
                return (delay, (int)rule.Status, rule.Message);
            }

            return (delay, null, null);
        }
    }

    private InjectedFault Add(FailureRule rule)
    {
        lock (_gate)
        {
            _failures.Add(rule);
        }

        return rule.Fault;
    }

    private sealed record FailureRule(RequestScope Scope, HttpStatusCode Status, int? Remaining, double Fraction, string? Message, InjectedFault Fault);
}
