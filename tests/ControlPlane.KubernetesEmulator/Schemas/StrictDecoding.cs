using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ControlPlane.KubernetesEmulator.Http;
using k8s;

namespace ControlPlane.KubernetesEmulator.Schemas;

/// <summary>
/// <c>fieldValidation=Strict</c>, the default of kubectl and of server-side apply: a body is decoded into the kind's typed
/// model and a member the model does not have is a 400 naming the field, as the real API server answers
/// (<c>strict decoding error: unknown field "spec.replica"</c>).
/// </summary>
internal static class StrictDecoding
{
    // A copy of KubernetesClient's own serializer options (its converters for quantities, int-or-string and times), with
    // unknown members refused. Copied, never changed: the product in the same test process shares the original.
    private static readonly JsonSerializerOptions Strict = CopyOfClientOptions();

    public static void Check(Type model, JsonObject body)
    {
        try
        {
            body.Deserialize(model, Strict);
        }
        catch (JsonException error) when (error.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            throw ApiException.BadRequest($"strict decoding error: unknown field \"{FieldOf(error)}\"");
        }
        catch (JsonException error)
        {
            throw ApiException.BadRequest($"strict decoding error: {FieldOf(error)}: {error.Message}");
        }
    }

    /// <summary><c>$.spec.template.spec.foo</c> → <c>spec.template.spec.foo</c>; array indexes stay as the server prints them.</summary>
    private static string FieldOf(JsonException error) => (error.Path ?? "$").TrimStart('$').TrimStart('.');

    private static JsonSerializerOptions CopyOfClientOptions()
    {
        JsonSerializerOptions? copy = null;
        KubernetesJson.AddJsonOptions(options => copy = new JsonSerializerOptions(options));
        copy!.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        copy.MakeReadOnly(populateMissingResolver: true);
        return copy;
    }
}
