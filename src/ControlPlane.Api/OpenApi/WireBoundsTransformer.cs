using System.ComponentModel.DataAnnotations;
using ControlPlane.Api.Http;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Common;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ControlPlane.Api.OpenApi;

/// <summary>
/// States the bounds the service enforces, from the constants its validators use. A field that declares its own bound
/// (<c>[MaxLength(Tenant.DisplayNameMaxLength)]</c>, <c>[Range(1, PlacementValidation.MaxReplicas)]</c>, which the framework
/// turns into maxLength/minimum/maximum) keeps it; pagination and path parameters get theirs from the API's conventions;
/// everything else gets the floor every input passes (<see cref="InputShape"/>): text of at most
/// <see cref="StorableText.MaxLength"/> characters, lists and maps of at most <see cref="InputShape.MaxItems"/> entries,
/// integers within their type.
/// </summary>
internal sealed class WireBoundsTransformer : IOpenApiSchemaTransformer
{
    /// <summary>Path parameters that name a resource: DNS-1123 labels, as <see cref="ResourceName"/> validates them.</summary>
    private static readonly HashSet<string> ResourceNameParameters =
        ["tenant", "serviceAccount", "placement", "cluster", "pool", "model", "alias", "slo"];

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var parameter = context.ParameterDescription;
        if (parameter is not null && schema.Type?.HasFlag(JsonSchemaType.String) == true)
        {
            if (parameter.Source == BindingSource.Path && ResourceNameParameters.Contains(parameter.Name))
            {
                schema.MaxLength ??= ResourceName.MaxLength;
                schema.Pattern ??= ResourceName.Pattern;
            }
        }

        if (parameter?.Name == "pageSize")
        {
            schema.Minimum ??= "1";
            schema.Maximum ??= Invariant(PageRequest.MaxPageSize);
        }

        var property = context.JsonPropertyInfo;
        if (property?.DeclaringType is { IsGenericType: true } declaring && declaring.GetGenericTypeDefinition() == typeof(Page<>)
            && property.Name == "items")
        {
            schema.MaxItems ??= PageRequest.MaxPageSize;
        }

        var maxLength = property?.AttributeProvider?.GetCustomAttributes(typeof(MaxLengthAttribute), true).OfType<MaxLengthAttribute>().FirstOrDefault();
        ApplyFloors(schema, maxLength?.Length);
        return Task.CompletedTask;
    }

    private static void ApplyFloors(OpenApiSchema schema, int? declaredEntries)
    {
        var type = schema.Type ?? 0;
        if (type.HasFlag(JsonSchemaType.String) && schema.Enum is not { Count: > 0 } && schema.Const is null)
        {
            schema.MaxLength ??= StorableText.MaxLength;
        }

        if (type.HasFlag(JsonSchemaType.Integer))
        {
            var (minimum, maximum) = schema.Format == "int64" ? (Invariant(long.MinValue), Invariant(long.MaxValue))
                : (Invariant(int.MinValue), Invariant(int.MaxValue));
            schema.Format ??= "int32";
            schema.Minimum ??= minimum;
            schema.Maximum ??= maximum;
        }

        if (type.HasFlag(JsonSchemaType.Array))
        {
            schema.MaxItems ??= declaredEntries ?? InputShape.MaxItems;
        }

        if (type.HasFlag(JsonSchemaType.Object) && schema.AdditionalProperties is not null)
        {
            schema.MaxProperties ??= declaredEntries ?? InputShape.MaxItems;
            schema.MaxLength = null; // the framework writes a map's [MaxLength] as maxLength, which bounds only strings
        }

        // Items and map values are schemas of their own that no property describes: bound them here.
        if (schema.Items is OpenApiSchema items)
        {
            ApplyFloors(items, null);
        }

        if (schema.AdditionalProperties is OpenApiSchema values)
        {
            ApplyFloors(values, null);
        }
    }

    private static string Invariant(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
