namespace ControlPlane.KubernetesEmulator.Schemas;

/// <summary>One field the API server's validation refuses, with its cause reason (<c>FieldValueRequired</c>, <c>FieldValueInvalid</c>).</summary>
internal sealed record FieldViolation(string Field, string Reason, string Problem)
{
    public static FieldViolation Required(string field, string? detail = null) =>
        new(field, "FieldValueRequired", detail is null ? "Required value" : "Required value: " + detail);

    public static FieldViolation Invalid(string field, string value, string detail) =>
        new(field, "FieldValueInvalid", $"Invalid value: \"{value}\": {detail}");

    /// <summary>As the real server prints it in a Status message: <c>spec.selector: Required value</c>.</summary>
    public override string ToString() => $"{Field}: {Problem}";
}
