using System.Diagnostics;
using ControlPlane.Application.Slos;
using ControlPlane.Domain.Slos;

namespace ControlPlane.UnitTests.Slos;

/// <summary>
/// The generated rules against the real promtool (Debian's prometheus package, installed by .ci/run): every group
/// passes `promtool check rules`, and `promtool test rules` runs the page alert on synthetic series.
/// </summary>
public sealed class PromtoolRuleTests : IDisposable
{
    private const string Promtool = "/usr/bin/promtool";
    private const string Pod = "chat-7d9f8b6c5-abc12";
    private readonly string _dir = Directory.CreateTempSubdirectory("slo-rules-").FullName;

    public static TheoryData<string> Indicators => new() { "availability:otel-http", "latency:otel-http", "availability:vllm", "latency:vllm", "availability:triton", "latency:triton" };

    [Theory]
    [MemberData(nameof(Indicators))]
    public void Every_generated_group_passes_promtool_check_rules(string indicator)
    {
        var (kind, preset) = (Enum.Parse<SloIndicatorKind>(indicator.Split(':')[0], ignoreCase: true), indicator.Split(':')[1] switch
        {
            "otel-http" => MetricsPreset.OtelHttp, "vllm" => MetricsPreset.Vllm, _ => MetricsPreset.Triton,
        });
        var slo = Slo.Define(Guid.NewGuid(), "acme", "chat-slo", "chat", 99.5, "28d",
            new SloIndicator(kind, preset, kind == SloIndicatorKind.Latency ? 0.3 : null, null), [], DateTimeOffset.UtcNow);
        var groups = SloRules.For(slo);
        Assert.Equal(2, groups.Count);
        Assert.Equal(8, groups[0].Rules.Count); // seven burn-rate windows and the 28-day window
        Assert.Equal(4, groups[1].Rules.Count);
        var file = Write("rules.yaml", RulesFile.ToYaml(groups));
        var (exit, output) = Run("check", "rules", file);
        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS: 12 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Promtool_proves_the_page_alert_fires_for_a_fast_burn_and_not_at_the_allowed_rate()
    {
        // 30-day availability SLO at 99.5%: 0.5% of requests may fail. 1,000 requests a minute.
        var slo = Slo.Define(Guid.NewGuid(), "acme", "chat-availability", "chat", 99.5, "30d",
            new SloIndicator(SloIndicatorKind.Availability, MetricsPreset.OtelHttp, null, null), [], DateTimeOffset.UtcNow);
        var groups = SloRules.For(slo);
        Write("rules.yaml", RulesFile.ToYaml(groups));
        var summary = groups[1].Rules.Single(r => r.Labels["burn"] == "page-1h").Annotations!["summary"];
        var summary6h = groups[1].Rules.Single(r => r.Labels["burn"] == "page-6h").Annotations!["summary"];
        var summary1d = groups[1].Rules.Single(r => r.Labels["burn"] == "ticket-1d").Annotations!["summary"];
        var summary3d = groups[1].Rules.Single(r => r.Labels["burn"] == "ticket-3d").Annotations!["summary"];
        // Another tenant's pod of the same name fails everything: it must not count.
        var test = $$"""
            rule_files: [rules.yaml]
            evaluation_interval: 1m
            tests:
              - name: a 15x burn (7.5% errors) pages
                interval: 1m
                input_series:
                  - series: 'http_server_request_duration_seconds_count{namespace="t-acme",pod="{{Pod}}",http_response_status_code="500"}'
                    values: '0+75x120'
                  - series: 'http_server_request_duration_seconds_count{namespace="t-acme",pod="{{Pod}}",http_response_status_code="200"}'
                    values: '0+925x120'
                alert_rule_test:
                  - eval_time: 90m
                    alertname: {{SloRules.AlertName}}
                    exp_alerts:
                      - exp_labels: {burn: page-1h, placement: chat, severity: page, slo: chat-availability, tenant: acme}
                        exp_annotations: {summary: "{{summary}}"}
                      - exp_labels: {burn: page-6h, placement: chat, severity: page, slo: chat-availability, tenant: acme}
                        exp_annotations: {summary: "{{summary6h}}"}
                      - exp_labels: {burn: ticket-1d, placement: chat, severity: ticket, slo: chat-availability, tenant: acme}
                        exp_annotations: {summary: "{{summary1d}}"}
                      - exp_labels: {burn: ticket-3d, placement: chat, severity: ticket, slo: chat-availability, tenant: acme}
                        exp_annotations: {summary: "{{summary3d}}"}
              - name: errors at the allowed rate (1x) and another tenant's failures page nobody
                interval: 1m
                input_series:
                  - series: 'http_server_request_duration_seconds_count{namespace="t-acme",pod="{{Pod}}",http_response_status_code="500"}'
                    values: '0+4x120'
                  - series: 'http_server_request_duration_seconds_count{namespace="t-acme",pod="{{Pod}}",http_response_status_code="200"}'
                    values: '0+996x120'
                  - series: 'http_server_request_duration_seconds_count{namespace="t-other",pod="{{Pod}}",http_response_status_code="500"}'
                    values: '0+1000x120'
                  - series: 'http_server_request_duration_seconds_count{namespace="t-acme",pod="chat-cpu-7d9f8b6c5-abc12",http_response_status_code="500"}'
                    values: '0+1000x120'
                alert_rule_test:
                  - eval_time: 90m
                    alertname: {{SloRules.AlertName}}
                    exp_alerts: []
            """;
        var file = Write("test.yaml", test);
        var (exit, output) = Run("test", "rules", file);
        Assert.True(exit == 0, output);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private (int Exit, string Output) Run(params string[] args)
    {
        Assert.True(File.Exists(Promtool), $"{Promtool} is missing: install Debian's prometheus package (.ci/run does)");
        var start = new ProcessStartInfo(Promtool) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "promtool did not finish within a minute");
        return (process.ExitCode, stdout.Result + stderr.Result + "\n--- rules ---\n" + File.ReadAllText(Path.Combine(_dir, "rules.yaml")));
    }
}
