using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

// Open-loop, constant-rate load: request i is due at start + i/rate whatever happened to earlier requests, so a slow
// server cannot slow the generator down (no coordinated omission). Latency is measured from the request's due time
// to the end of its response body; requests that cannot start within 1 s of their due time are still sent and counted.
//
//   FixedRate --url URL --rate N --duration S [--warmup S] [--method GET|POST] [--header "Name: value"]...
//             [--body TEXT --content-type TYPE] [--connections N] [--timeout S]
//
// Prints one line of key=value pairs: rate, sent, ok, non2xx, errors, p50_ms..max_ms (from the due time), service_p50_ms and
// service_p99_ms (from the moment the request was handed to HttpClient), achieved_rps.
var options = Options.Parse(args);
using var handler = new SocketsHttpHandler
{
    MaxConnectionsPerServer = options.Connections,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    UseProxy = false,
    UseCookies = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
};
using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds) };

// Warm-up at the same rate, results discarded (JIT, connection pool, server caches).
if (options.WarmupSeconds > 0)
{
    await RunAsync(client, options, options.WarmupSeconds);
}

var result = await RunAsync(client, options, options.DurationSeconds);
Console.WriteLine(result.Format(options.Rate));
return result.Sent == 0 || result.Errors > 0 || result.Non2xx > 0 ? 2 : 0;

static async Task<Result> RunAsync(HttpClient client, Options options, double seconds)
{
    var count = (int)Math.Round(options.Rate * seconds);
    var latencies = new double[count];
    var serviceTimes = new double[count];
    var statuses = new int[count];
    var tasks = new Task[count];
    var ticksPerRequest = Stopwatch.Frequency / options.Rate;
    var clock = Stopwatch.StartNew();

    // A dedicated thread schedules (thread-pool timers would add their own queueing delay on a busy two-core box) and
    // starts each request itself, so the synchronous part of SendAsync (writing the request) runs on time. It sleeps
    // in 1 ms steps without spinning, so a request leaves up to ~1 ms after its due time; that delay is part of the
    // reported latency (which counts from the due time) but not of the service time.
    var scheduler = new Thread(() =>
    {
        var next = 0;
        while (next < count)
        {
            var now = clock.ElapsedTicks;
            while (next < count && (long)(next * ticksPerRequest) <= now)
            {
                var index = next++;
                tasks[index] = SendAsync(client, options, (long)(index * ticksPerRequest), clock, latencies, serviceTimes, statuses, index);
            }

            if (next < count)
            {
                Thread.Sleep(1);
            }
        }
    })
    { IsBackground = true, Priority = ThreadPriority.AboveNormal, Name = "scheduler" };
    scheduler.Start();
    await Task.Run(scheduler.Join);

    var scheduleEnd = clock.Elapsed.TotalSeconds;
    // Bounded drain: the HttpClient timeout ends every request.
    await Task.WhenAll(tasks);
    var elapsed = clock.Elapsed.TotalSeconds;
    return Result.From(latencies, serviceTimes, statuses, scheduleEnd, elapsed);
}

static async Task SendAsync(HttpClient client, Options options, long dueTicks, Stopwatch clock, double[] latencies, double[] serviceTimes, int[] statuses, int index)
{
    var sentTicks = clock.ElapsedTicks;
    try
    {
        using var request = new HttpRequestMessage(new HttpMethod(options.Method), options.Url);
        foreach (var (name, value) in options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (options.Body is not null)
        {
            request.Content = new StringContent(options.Body, Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(options.ContentType);
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        statuses[index] = (int)response.StatusCode;
    }
    catch (HttpRequestException)
    {
        statuses[index] = -1;
    }
    catch (TaskCanceledException)
    {
        statuses[index] = -2;
    }

    var doneTicks = clock.ElapsedTicks;
    latencies[index] = (doneTicks - dueTicks) * 1000.0 / Stopwatch.Frequency;
    serviceTimes[index] = (doneTicks - sentTicks) * 1000.0 / Stopwatch.Frequency;
}

internal sealed record Result(int Sent, int Ok, int Non2xx, int Errors, double P50, double P90, double P99, double P999, double Max,
    double ServiceP50, double ServiceP99, double AchievedRps, double ScheduleSeconds)
{
    public static Result From(double[] latencies, double[] serviceTimes, int[] statuses, double scheduleSeconds, double elapsedSeconds)
    {
        var sorted = (double[])latencies.Clone();
        Array.Sort(sorted);
        var service = (double[])serviceTimes.Clone();
        Array.Sort(service);
        var ok = statuses.Count(s => s is >= 200 and < 300);
        var errors = statuses.Count(s => s < 0);
        return new Result(latencies.Length, ok, latencies.Length - ok - errors, errors,
            Percentile(sorted, 0.50), Percentile(sorted, 0.90), Percentile(sorted, 0.99), Percentile(sorted, 0.999),
            sorted.Length == 0 ? 0 : sorted[^1],
            Percentile(service, 0.50), Percentile(service, 0.99), latencies.Length / elapsedSeconds, scheduleSeconds);
    }

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    public string Format(double rate) => string.Create(CultureInfo.InvariantCulture,
        $"rate={rate} sent={Sent} ok={Ok} non2xx={Non2xx} errors={Errors} p50_ms={P50:F2} p90_ms={P90:F2} p99_ms={P99:F2} " +
        $"p999_ms={P999:F2} max_ms={Max:F2} service_p50_ms={ServiceP50:F2} service_p99_ms={ServiceP99:F2} achieved_rps={AchievedRps:F0} schedule_s={ScheduleSeconds:F2}");
}

internal sealed class Options
{
    public string Url { get; private set; } = "";
    public double Rate { get; private set; } = 1000;
    public double DurationSeconds { get; private set; } = 15;
    public double WarmupSeconds { get; private set; } = 3;
    public string Method { get; private set; } = "GET";
    public List<(string Name, string Value)> Headers { get; } = [];
    public string? Body { get; private set; }
    public string ContentType { get; private set; } = "application/x-www-form-urlencoded";
    public int Connections { get; private set; } = 256;
    public double TimeoutSeconds { get; private set; } = 10;

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--url": options.Url = value; break;
                case "--rate": options.Rate = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--duration": options.DurationSeconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--warmup": options.WarmupSeconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--method": options.Method = value; break;
                case "--body": options.Body = value; break;
                case "--content-type": options.ContentType = value; break;
                case "--connections": options.Connections = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--timeout": options.TimeoutSeconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--header":
                    var colon = value.IndexOf(':', StringComparison.Ordinal);
                    options.Headers.Add((value[..colon].Trim(), value[(colon + 1)..].Trim()));
                    break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }

            i++;
        }

        if (options.Url.Length == 0 || options.Rate <= 0 || options.DurationSeconds <= 0)
        {
            throw new ArgumentException("usage: FixedRate --url URL --rate N --duration S [--warmup S] [--method M] [--header H]... [--body B]");
        }

        return options;
    }
}
