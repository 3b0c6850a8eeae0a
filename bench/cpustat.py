#!/usr/bin/env python3
"""CPU accounting for bench/run.sh, from /proc.

  cpustat.py snap FILE                       record per-process utime+stime and the machine's busy/idle ticks
  cpustat.py diff FILE SERVICE_PID BASELINE_PID REQUESTS
                                             CPU used since the snapshot, split into service, baseline, postgres,
                                             load generator (wrk / FixedRate) and everything else on the machine;
                                             prints key=value (percent of one core, and service ms of CPU per request)
"""
import json, os, sys, time

TCK = os.sysconf("SC_CLK_TCK")
# With PG_POSTMASTER_PID only that cluster counts as PostgreSQL (other test databases on the machine are "other").
POSTMASTER = os.environ.get("PG_POSTMASTER_PID", "")


def machine():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v[:8]) - idle, idle


def processes():
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            uid = os.stat(f"/proc/{pid}").st_uid
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        ticks = int(fields[11]) + int(fields[12])
        if pid == POSTMASTER:
            ticks += int(fields[13]) + int(fields[14])  # backends it reaped
        out[pid] = {"ticks": ticks, "cmd": cmd, "uid": uid, "ppid": fields[1]}
    return out


def snap(path):
    busy, idle = machine()
    json.dump({"t": time.time(), "busy": busy, "idle": idle, "procs": processes()}, open(path, "w"))


def diff(path, service, baseline, requests):
    before = json.load(open(path))
    busy, _ = machine()
    secs = time.time() - before["t"]
    try:
        import pwd
        pg_uid = pwd.getpwnam("postgres").pw_uid
    except (KeyError, ImportError):
        pg_uid = -1
    groups = {"service": 0, "baseline": 0, "postgres": 0, "loadgen": 0}
    now = processes()
    if POSTMASTER:
        # A backend that ended since the snapshot is in the postmaster's reaped-children time with its whole life: take
        # off what it had used before the snapshot (a restarted service closes its pool's backends; that counted them twice).
        groups["postgres"] -= sum(p["ticks"] for pid, p in before["procs"].items() if p.get("ppid") == POSTMASTER and pid not in now)
    for pid, p in now.items():
        delta = p["ticks"] - before["procs"].get(pid, {"ticks": 0})["ticks"]
        if pid == service:
            groups["service"] += delta
        elif pid == baseline:
            groups["baseline"] += delta
        elif (pid == POSTMASTER or p.get("ppid") == POSTMASTER) if POSTMASTER else (p["uid"] == pg_uid and "postgres" in p["cmd"]):
            groups["postgres"] += delta
        elif p["cmd"].startswith("wrk ") or "FixedRate.dll" in p["cmd"]:
            groups["loadgen"] += delta
    total = busy - before["busy"]
    # The load generator exits before the diff: its CPU is then only in the machine total. Count it from the
    # caller's reaped-children time instead when given (LOADGEN_TICKS).
    groups["loadgen"] += int(os.environ.get("LOADGEN_TICKS", "0"))
    groups["other"] = max(0, total - sum(groups.values()))
    pct = {k: 100.0 * v / TCK / secs for k, v in groups.items()}
    n = int(requests)
    per_req = (1000.0 * groups["service"] / TCK / n) if n else 0.0
    per_req_base = (1000.0 * groups["baseline"] / TCK / n) if n else 0.0
    print(" ".join(f"{k}={v:.0f}" for k, v in pct.items())
          + f" service_ms_per_req={per_req:.3f} baseline_ms_per_req={per_req_base:.3f} pg_ms_per_req="
          + f"{(1000.0 * groups['postgres'] / TCK / n) if n else 0:.3f}")


if __name__ == "__main__":
    if sys.argv[1] == "snap":
        snap(sys.argv[2])
    else:
        diff(*sys.argv[2:6])
