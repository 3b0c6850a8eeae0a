namespace ControlPlane.Domain.Billing;

/// <summary>
/// The one rule that tells a placement's usage apart by variant while it is rolled out — the system metering writes by
/// it, ingestion checks by it, the rollout cost gate reads by it. Usage marked <c>variant=canary</c> is the canary's; all
/// other usage of the placement (unmarked, or marked stable) is the stable variant's. So the system metering marks only
/// the canary's GPU-seconds, and the stable Deployment's keep the shape they have outside rollouts (statements do not
/// split a placement's line in two because a rollout ran).
/// </summary>
public static class UsageVariants
{
    public const string Stable = "stable";
    public const string Canary = "canary";

    /// <summary>The values a <c>variant</c> dimension may take.</summary>
    public static bool IsKnown(string value) => value is Stable or Canary;

    /// <summary>The variant usage with these dimensions belongs to.</summary>
    public static string Of(IReadOnlyDictionary<string, string> dimensions) =>
        dimensions.TryGetValue(UsageDimensions.Variant, out var variant) && variant == Canary ? Canary : Stable;

    /// <summary>The dimensions of the canary's usage: the stable variant's, marked canary.</summary>
    public static IReadOnlyDictionary<string, string> MarkCanary(IReadOnlyDictionary<string, string> dimensions) =>
        new Dictionary<string, string>(dimensions, StringComparer.Ordinal) { [UsageDimensions.Variant] = Canary };
}
