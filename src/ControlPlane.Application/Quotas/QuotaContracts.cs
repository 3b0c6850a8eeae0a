namespace ControlPlane.Application.Quotas;

/// <summary>One quota of a tenant.</summary>
/// <param name="Resource">What is limited: gpu.&lt;model&gt;, mig.&lt;profile&gt;, placements, storage.bytes, gpu-hours.monthly or spend.monthly (currency minor units).</param>
/// <param name="Limit">The most the tenant may hold.</param>
/// <param name="Used">What the tenant holds now.</param>
/// <param name="Percentage">Used as a percentage of the limit (two decimals).</param>
/// <param name="UpdatedAt">Last change of limit or use (UTC).</param>
public sealed record QuotaResponse(string Resource, long Limit, long Used, decimal Percentage, DateTimeOffset UpdatedAt);

/// <summary>All quotas of a tenant. A resource without a quota cannot be used at all.</summary>
/// <param name="Tenant">The tenant's name.</param>
/// <param name="Items">One entry per limited resource, sorted by resource name.</param>
public sealed record QuotaListResponse(string Tenant, IReadOnlyList<QuotaResponse> Items);

/// <summary>Sets the limit of one resource.</summary>
/// <param name="Limit">A non-negative limit. Lowering it below current use keeps existing holdings but refuses new ones.</param>
public sealed record SetQuotaRequest(long? Limit);
