using System.Text.Json.Nodes;

namespace ControlPlane.KubernetesEmulator.Schemas;

/// <summary>
/// What the API server checks of one kind's objects beyond type and name: the typed model a body must decode into with
/// unknown members refused (<c>fieldValidation=Strict</c>), and the kind's own validation (required fields, value rules).
/// A kind without a model (a CRD the emulator knows no types for) is stored as sent, like a schemaless custom resource.
/// </summary>
/// <param name="Model">The KubernetesClient model (or a small record for a CRD) bodies are strictly decoded into.</param>
/// <param name="Validate">
/// The kind's validation of what would be stored (the new object, and the live one for an update, null for a create).
/// </param>
internal sealed record ResourceSchema(Type? Model, Func<JsonObject, JsonObject?, IEnumerable<FieldViolation>> Validate)
{
    public static readonly ResourceSchema Schemaless = new(null, (_, _) => []);

    /// <summary>A typed kind with no validation of its own beyond metadata.</summary>
    public static ResourceSchema Typed<T>() => new(typeof(T), (_, _) => []);

    /// <summary>A typed kind with its own validation.</summary>
    public static ResourceSchema Typed<T>(Func<JsonObject, JsonObject?, IEnumerable<FieldViolation>> validate) => new(typeof(T), validate);
}
