using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ControlPlane.Application.Slos;

/// <summary>
/// Writes rule groups as a Prometheus rules file (YAML, what <c>promtool check rules</c> and <c>rule_files</c> read).
/// Every scalar is a double-quoted string with JSON escapes, which YAML reads identically, so no value can break the structure.
/// </summary>
public static class RulesFile
{
    public const string MediaType = "application/yaml";

    private static readonly JsonSerializerOptions Quoting = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string ToYaml(IReadOnlyList<PrometheusRuleGroup> groups)
    {
        var yaml = new StringBuilder();
        if (groups.Count == 0)
        {
            return "groups: []\n";
        }

        yaml.Append("groups:\n");
        foreach (var group in groups)
        {
            yaml.Append("  - name: ").Append(Quote(group.Name)).Append('\n');
            if (group.Interval is not null)
            {
                yaml.Append("    interval: ").Append(Quote(group.Interval)).Append('\n');
            }

            yaml.Append("    rules:\n");
            foreach (var rule in group.Rules)
            {
                yaml.Append(rule.Record is not null ? "      - record: " + Quote(rule.Record) : "      - alert: " + Quote(rule.Alert!)).Append('\n');
                yaml.Append("        expr: ").Append(Quote(rule.Expr)).Append('\n');
                Map(yaml, "labels", rule.Labels);
                Map(yaml, "annotations", rule.Annotations);
            }
        }

        return yaml.ToString();
    }

    private static void Map(StringBuilder yaml, string name, IReadOnlyDictionary<string, string>? values)
    {
        if (values is null || values.Count == 0)
        {
            return;
        }

        yaml.Append("        ").Append(name).Append(":\n");
        foreach (var (key, value) in values)
        {
            yaml.Append("          ").Append(Quote(key)).Append(": ").Append(Quote(value)).Append('\n');
        }
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value, Quoting);
}
