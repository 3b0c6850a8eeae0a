using System.Text.Json.Nodes;
using ControlPlane.KubernetesEmulator.Http;
using ControlPlane.KubernetesEmulator.Resources;

namespace ControlPlane.KubernetesEmulator.Schemas;

/// <summary>
/// Everything the API server checks of one kind's objects beyond type and name, as the kind's one registry entry (its
/// <see cref="ResourceType.Schema"/>): the shape of a body — decoded strictly into the kind's typed model
/// (<c>fieldValidation=Strict</c>, 400), or checked against a custom resource's structural schema (422) — and the kind's
/// own validation of what would be stored (required fields, value rules). A kind with neither is stored as sent, like a
/// schemaless custom resource.
/// </summary>
/// <param name="CheckShape">Throws the API server's error when a body does not have the kind's shape.</param>
/// <param name="Validate">
/// The kind's validation of what would be stored (the new object, and the live one for an update, null for a create).
/// </param>
internal sealed record ResourceSchema(Action<ResourceType, JsonObject> CheckShape, Func<JsonObject, JsonObject?, IEnumerable<FieldViolation>> Validate)
{
    public static readonly ResourceSchema Schemaless = new((_, _) => { }, (_, _) => []);

    /// <summary>A typed kind with no validation of its own beyond metadata.</summary>
    public static ResourceSchema Typed<T>() => Typed<T>((_, _) => []);

    /// <summary>A typed kind with its own validation.</summary>
    public static ResourceSchema Typed<T>(Func<JsonObject, JsonObject?, IEnumerable<FieldViolation>> validate) =>
        new((_, body) => StrictDecoding.Check(typeof(T), body), validate);

    /// <summary>A custom resource whose spec has a structural schema (the errors it collects are a 422 "Invalid").</summary>
    public static ResourceSchema Structural(Action<JsonNode?, List<(string Field, string Problem)>> spec) =>
        new((type, body) => CustomResourceSchemas.Check(type, body, spec), (_, _) => []);
}
