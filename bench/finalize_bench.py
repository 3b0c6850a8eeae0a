#!/usr/bin/env python3
"""Driver of bench/finalize.sh: files, sha256sum baseline, register, upload by plan, timed finalize with CPU from /proc."""
import argparse, concurrent.futures, hashlib, http.client, json, os, subprocess, time, urllib.parse, urllib.request

TCK = os.sysconf("SC_CLK_TCK")
GIB = 1024 ** 3


def cpu_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TCK  # utime + stime, seconds


def machine_busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / TCK, sum(v[:8]) / TCK


def call(api, method, path, token, body=None, expect=(200, 201)):
    request = urllib.request.Request(api + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=3600) as response:
            return json.load(response)
    except urllib.error.HTTPError as e:
        raise SystemExit(f"{method} {path}: {e.code} {e.read()[:500]}")


def put_range(url, path, start, length):
    target = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=3600)
    with open(path, "rb") as f:
        f.seek(start)
        remaining = length

        def body():
            nonlocal remaining
            while remaining > 0:
                chunk = f.read(min(remaining, 4 * 1024 * 1024))
                remaining -= len(chunk)
                yield chunk

        connection.request("PUT", target.path + "?" + target.query, body=body(), headers={"Content-Length": str(length)})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"PUT part of {path}: {response.status}")


def main():
    p = argparse.ArgumentParser()
    for a in ("--api", "--operator-secret", "--dir", "--api-pid", "--s3-pid", "--scale"):
        p.add_argument(a, required=True)
    args = p.parse_args()
    scale = float(args.scale)
    os.makedirs(args.dir, exist_ok=True)
    sizes = {"model-00001-of-00005.safetensors": int(6 * GIB * scale)}
    sizes.update({f"model-0000{i}-of-00005.safetensors": int(1 * GIB * scale) for i in range(2, 6)})
    for name, size in sizes.items():
        subprocess.run(f"head -c {size} /dev/urandom > {args.dir}/{name}", shell=True, check=True)
    total = sum(sizes.values())

    # Baseline: sha256sum over the same files (page cache warm for both: the files were just written, as s3rver's were).
    names = sorted(sizes)
    before = os.times()
    t0 = time.monotonic()
    out = subprocess.run(["sha256sum", *names], cwd=args.dir, check=True, capture_output=True, text=True).stdout
    sha_wall = time.monotonic() - t0
    after = os.times()
    sha_cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    digests = {line.split()[1]: "sha256:" + line.split()[0] for line in out.splitlines()}

    token = json.load(urllib.request.urlopen(urllib.request.Request(args.api + "/connect/token", data=urllib.parse.urlencode(
        {"grant_type": "client_credentials", "client_id": "operator", "client_secret": args.operator_secret}).encode())))["access_token"]
    call(args.api, "POST", "/v1/tenants", token, {"name": "bench", "displayName": "bench"})
    call(args.api, "PUT", "/v1/tenants/bench/quotas/storage.bytes", token, {"limit": 2 * total + GIB})
    call(args.api, "POST", "/v1/tenants/bench/models", token, {"name": "llm"})
    version = call(args.api, "POST", "/v1/tenants/bench/models/llm/versions", token, {
        "files": [{"path": f"weights/{n}", "digest": digests[n], "sizeBytes": sizes[n]} for n in names],
        "format": "safetensors", "quantization": "bf16"})
    jobs = []
    for upload in version["uploads"]:
        local = os.path.join(args.dir, upload["path"].split("/", 1)[1])
        if upload["method"] == "put":
            jobs.append((upload["url"], local, 0, sizes[os.path.basename(local)]))
        else:
            part = upload["partSizeBytes"]
            for p in upload["parts"]:
                start = (p["number"] - 1) * part
                jobs.append((p["url"], local, start, min(part, sizes[os.path.basename(local)] - start)))
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda j: put_range(*j), jobs))
    upload_wall = time.monotonic() - t0

    api_cpu, s3_cpu, (busy, all_) = cpu_of(args.api_pid), cpu_of(args.s3_pid), machine_busy()
    t0 = time.monotonic()
    done = call(args.api, "POST", f"/v1/tenants/bench/models/llm/versions/{version['version']}:finalize", token)
    wall = time.monotonic() - t0
    api_cpu, s3_cpu = cpu_of(args.api_pid) - api_cpu, cpu_of(args.s3_pid) - s3_cpu
    busy2, all2 = machine_busy()
    assert done["state"] == "ready", done
    mib = total / 1024 / 1024
    print(json.dumps({"bytes": total, "files": len(names), "uploadSeconds": round(upload_wall, 1), "finalizeSeconds": round(wall, 1),
                      "finalizeMiBps": round(mib / wall), "sha256sumSeconds": round(sha_wall, 1), "sha256sumMiBps": round(mib / sha_wall),
                      "sha256sumCpuSeconds": round(sha_cpu, 1), "ratio": round(sha_wall / wall, 2), "cpuRatio": round(sha_cpu / (api_cpu + s3_cpu), 2), "serviceCpuSeconds": round(api_cpu, 1),
                      "s3rverCpuSeconds": round(s3_cpu, 1), "machineBusyPercent": round(100 * (busy2 - busy) / (all2 - all_)),
                      "cores": os.cpu_count()}))
    print(f"| Finalize of a {total / GIB:.0f} GiB version, {len(names)} files, one of {max(sizes.values()) / 1024 ** 2:,.0f} MiB by multipart (s3rver) "
          f"| {wall:.0f} s, {mib / wall:.0f} MiB/s = {sha_wall / wall:.2f}× `sha256sum` ({mib / sha_wall:.0f} MiB/s, {sha_cpu:.0f} s CPU) "
          f"| service {api_cpu:.0f} s CPU + s3rver {s3_cpu:.0f} s CPU = {sha_cpu / (api_cpu + s3_cpu):.2f}× `sha256sum`'s CPU per byte; "
          f"machine {100 * (busy2 - busy) / (all2 - all_):.0f}% busy |")


if __name__ == "__main__":
    main()
