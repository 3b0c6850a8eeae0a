using System.Globalization;
using System.Text;
using System.Text.Json;
using ControlPlane.Domain.Billing;

namespace ControlPlane.Application.Billing;

/// <summary>
/// A statement as FinOps FOCUS 1.1 cost and usage rows (one per statement line), CSV with a header row. List, billed
/// and effective cost are equal: no discounts or commitments exist yet.
/// </summary>
public static class FocusExport
{
    public const string ContentType = "text/csv";
    public const string Provider = "ControlPlane GPU Cloud";

    public static readonly string[] Columns =
    [
        "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart",
        "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart",
        "ConsumedQuantity", "ConsumedUnit", "ContractedCost", "ContractedUnitPrice", "EffectiveCost", "InvoiceIssuerName", "ListCost",
        "ListUnitPrice", "PricingCategory", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "RegionId", "RegionName",
        "ResourceId", "ResourceName", "ResourceType", "ServiceCategory", "ServiceName", "SkuId", "SkuPriceId", "SubAccountId",
        "SubAccountName", "Tags",
    ];

    public static string ToCsv(StatementResponse statement, Guid tenantId)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', Columns).Append("\r\n");
        foreach (var line in statement.Lines)
        {
            var (category, service) = ServiceOf(line.Meter);
            var amount = Number(line.Amount);
            var sku = line.Meter + (line.Dimensions.Count == 0 ? "" : ":" + UsageDimensions.KeyOf(line.Dimensions).Replace('\n', ','));
            string[] values =
            [
                amount, tenantId.ToString(), statement.Tenant, statement.Currency, Time(statement.BillingPeriodEnd), Time(statement.BillingPeriodStart),
                "Usage", "", $"{line.Meter} {UsageDimensions.KeyOf(line.Dimensions).Replace('\n', ' ')}".Trim(), "Usage-Based",
                Time(line.PeriodEnd), Time(line.PeriodStart),
                Number(line.Quantity), line.Unit, amount, Number(line.UnitPrice), amount, Provider, amount,
                Number(line.UnitPrice), "Standard", Number(line.Quantity), line.Unit, Provider, Provider, "", "",
                "", "", "", category, service, sku, $"{sku}@v{line.PriceBookVersion.ToString(CultureInfo.InvariantCulture)}", tenantId.ToString(),
                statement.Tenant, JsonSerializer.Serialize(line.Dimensions),
            ];
            csv.AppendJoin(',', values.Select(Escape)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static (string Category, string Service) ServiceOf(string meter) => meter switch
    {
        Meters.GpuSeconds => ("Compute", "GPU Compute"),
        Meters.StorageByteHours => ("Storage", "Model Registry Storage"),
        Meters.EgressBytes => ("Networking", "Data Transfer"),
        _ => ("AI and Machine Learning", "Inference"),
    };

    private static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Escape(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
