"""Runs the `kensa detect` benchmark; called by scripts/bench-detect.

Usage: bench_detect.py SMALL_DIR BIG_DIR OUT.md
Environment: KENSA (release binary), DUCKDB_PYTHON (venv python), RUNS.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

# The release build of the kensa CLI: what users run, not a library example.
KENSA = os.environ["KENSA"]
DUCKDB_PYTHON = os.environ["DUCKDB_PYTHON"]
RUNS = int(os.environ.get("RUNS", "3"))
NPROC = os.cpu_count() or 1

# The 11 ALM filters as SQL, written from the CloudFormation template's
# patterns (`*` at an end is LIKE's `%`).
DUCKDB_QUERY = r"""
import duckdb, json, sys
glob = sys.argv[1]
con = duckdb.connect()
con.execute("SET threads TO %d" % int(sys.argv[2]))
con.execute("SET enable_progress_bar = false")
record = ("STRUCT(eventName VARCHAR, eventSource VARCHAR, errorCode VARCHAR, "
          "errorMessage VARCHAR, requestParameters STRUCT(instanceType VARCHAR))")
row = con.execute(f'''
WITH e AS (
  SELECT unnest(Records, recursive := true)
  FROM read_json(?, columns = {{'Records': '{record}[]'}}, format = 'auto',
                 maximum_object_size = 67108864)
)
SELECT
  count(*),
  count(*) FILTER (WHERE eventName IN ('AuthorizeSecurityGroupIngress','AuthorizeSecurityGroupEgress',
      'RevokeSecurityGroupIngress','RevokeSecurityGroupEgress','CreateSecurityGroup','DeleteSecurityGroup')),
  count(*) FILTER (WHERE eventName IN ('RunInstances','RebootInstances','StartInstances','StopInstances','TerminateInstances')),
  count(*) FILTER (WHERE eventName = 'RunInstances' AND (instanceType LIKE '%.8xlarge' OR instanceType LIKE '%.4xlarge')),
  count(*) FILTER (WHERE eventName IN ('DeleteGroupPolicy','DeleteRolePolicy','DeleteUserPolicy','PutGroupPolicy',
      'PutRolePolicy','PutUserPolicy','CreatePolicy','DeletePolicy','CreatePolicyVersion','DeletePolicyVersion',
      'AttachRolePolicy','DetachRolePolicy','AttachUserPolicy','DetachUserPolicy','AttachGroupPolicy','DetachGroupPolicy')),
  count(*) FILTER (WHERE errorCode LIKE '%UnauthorizedOperation' OR errorCode LIKE 'AccessDenied%'),
  count(*) FILTER (WHERE eventName = 'ConsoleLogin' AND errorMessage = 'Failed authentication'),
  count(*) FILTER (WHERE eventName IN ('CreateVpc','DeleteVpc','ModifyVpcAttribute','AcceptVpcPeeringConnection',
      'CreateVpcPeeringConnection','DeleteVpcPeeringConnection','RejectVpcPeeringConnection','AttachClassicLinkVpc',
      'DetachClassicLinkVpc','DisableVpcClassicLink','EnableVpcClassicLink')),
  count(*) FILTER (WHERE eventName IN ('CreateCustomerGateway','DeleteCustomerGateway','AttachInternetGateway',
      'CreateInternetGateway','DeleteInternetGateway','DetachInternetGateway')),
  count(*) FILTER (WHERE eventName IN ('CreateNetworkAcl','CreateNetworkAclEntry','DeleteNetworkAcl',
      'DeleteNetworkAclEntry','ReplaceNetworkAclEntry','ReplaceNetworkAclAssociation')),
  count(*) FILTER (WHERE eventName IN ('CreateTrail','UpdateTrail','DeleteTrail','StartLogging','StopLogging')),
  count(*) FILTER (WHERE eventSource = 's3.amazonaws.com' AND eventName IN ('PutBucketAcl','PutBucketPolicy',
      'PutBucketCors','PutBucketLifecycle','PutBucketReplication','DeleteBucketPolicy','DeleteBucketCors',
      'DeleteBucketLifecycle','DeleteBucketReplication'))
FROM e
''', [glob]).fetchone()
counts = {f"ALM-{i}": n for i, n in enumerate(row[1:], start=1) if n}
print(json.dumps({"events": row[0], "alerts": counts}))
"""


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def measure(cmd, stdout_path=None, ok_codes=(0,)):
    """Wall seconds, CPU seconds, peak RSS (MiB) of cmd, via /usr/bin/time -v."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        out = open(stdout_path, "w") if stdout_path else subprocess.DEVNULL
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-v", "-o", tf.name, *cmd], stdout=out,
                              stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - start
        if stdout_path:
            out.close()
        if proc.returncode not in ok_codes:
            raise SystemExit(f"{cmd[:3]} exited {proc.returncode}: {proc.stderr[-2000:]}")
        fields = {}
        for line in tf.read().splitlines():
            if ":" in line:
                k, v = line.rsplit(":", 1)
                fields[k.strip()] = v.strip()
        cpu = float(fields["User time (seconds)"]) + float(fields["System time (seconds)"])
        rss = int(fields["Maximum resident set size (kbytes)"]) / 1024
        return wall, cpu, rss, proc.stderr


def data_set(path):
    with open(os.path.join(path, "expected.json")) as f:
        expected = json.load(f)
    files = []
    for root, _, names in os.walk(os.path.join(path, "AWSLogs")):
        files += [os.path.join(root, n) for n in names if n.endswith(".json.gz")]
    files.sort()
    listing = os.path.join(path, "files.list0")
    with open(listing, "wb") as f:
        f.write(b"\0".join(p.encode() for p in files) + b"\0")
    compressed = sum(os.path.getsize(p) for p in files)
    return {"path": path, "expected": expected, "files": len(files), "listing": listing,
            "compressed": compressed, "bytes": expected["uncompressed_bytes"], "events": expected["events"]}


def tools(ds):
    xargs = ["xargs", "-0", "-a", ds["listing"]]
    glob = os.path.join(ds["path"], "AWSLogs", "**", "*.json.gz")
    logs = os.path.join(ds["path"], "AWSLogs")
    kensa2 = [KENSA, "detect", logs, "--format", "jsonl"]
    kensa1 = [*kensa2, "--threads", "1"]
    return [
        ("kensa detect", 2, kensa2, (1,), "kensa"),
        ("kensa detect --threads 1", 1, kensa1, (1,), "kensa"),
        ("kensa detect --strict", 2, [*kensa2, "--strict"], (1,), "kensa"),
        ("gzip -dc", 1, [*xargs, "gzip", "-dc"], (0,), None),
        ("pigz -dc", 1, [*xargs, "pigz", "-dc"], (0,), None),
        ("libdeflate-gunzip -c", 1, [*xargs, "libdeflate-gunzip", "-c"], (0,), None),
        ("libdeflate-gunzip -c, 2 processes", 2, [*xargs, "-P", "2", "-n", "64", "libdeflate-gunzip", "-c"], (0,), None),
        ("DuckDB read_json + SQL", 2, [DUCKDB_PYTHON, "-c", DUCKDB_QUERY, glob, "2"], (0,), "duckdb"),
    ]


def kensa_counts(stdout_path):
    counts = {}
    with open(stdout_path) as f:
        for line in f:
            req = json.loads(line)["requirement"]
            counts[req] = counts.get(req, 0) + 1
    return counts


def run_all(ds):
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(RUNS):
            # Tools alternate within a round so machine noise hits all alike.
            for name, threads, cmd, ok, kind in tools(ds):
                # Every tool starts with the files in the page cache: the one
                # after DuckDB (100+ MiB) would otherwise read some from disk.
                subprocess.run(["xargs", "-0", "-a", ds["listing"], "cat"],
                               stdout=subprocess.DEVNULL, check=False)
                # Decompressors write to /dev/null, as the physical limit
                # should: writing a gigabyte to a file is not decompression.
                out = os.path.join(tmp, "out")
                wall, cpu, rss, err = measure(cmd, out if kind else None, ok)
                r = results.setdefault(name, {"threads": threads, "wall": [], "cpu": [], "rss": [], "counts": None})
                r["wall"].append(wall)
                r["cpu"].append(cpu)
                r["rss"].append(rss)
                if kind == "kensa":
                    r["counts"] = kensa_counts(out)
                elif kind == "duckdb":
                    with open(out) as f:
                        d = json.loads(f.read().strip().splitlines()[-1])
                    r["counts"] = d["alerts"]
                    r["events"] = d["events"]
                print(f"  {name:38s} {wall:7.2f} s  cpu {cpu:7.2f} s  rss {rss:7.1f} MiB", flush=True)
    return results


def load():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def main():
    small_dir, big_dir, out = sys.argv[1:4]
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_before = load()
    sets = []
    for d in (small_dir, big_dir):
        ds = data_set(d)
        print(f"data set {d}: {ds['files']} files, {ds['bytes'] / 1e6:.0f} MB, {ds['events']} events", flush=True)
        ds["results"] = run_all(ds)
        sets.append(ds)
    load_after = load()

    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    commit = sh("git", "rev-parse", "--short", "HEAD")
    if sh("git", "status", "--porcelain", "--untracked-files=no") not in ("", "unknown"):
        commit += " (with uncommitted changes)"
    duck_version = sh(DUCKDB_PYTHON, "-c", "import duckdb; print(duckdb.__version__)")

    def med(xs):
        return statistics.median(xs)

    big = sets[-1]
    L = [
        "# `kensa detect` benchmark",
        "",
        "Written by `scripts/bench-detect`; do not edit by hand. The data is generated by",
        "`crates/kensa-detect/examples/gen_cloudtrail.rs`: gzip files in CloudTrail's folder layout",
        "(`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz`), 50 to 1,550 records per file,",
        "about 1.3 KB per record, an everyday mix (S3 object reads, EC2 describes, STS, KMS, IAM reads,",
        "Lambda, DynamoDB, successful console sign-ins, throttling errors) and a few planted",
        "suspicious events per ALM rule. Every tool reads the same files.",
        "",
        "| | |",
        "| --- | --- |",
        f"| date | {started} |",
        f"| machine | {NPROC} cores, {cpu}, {platform.system()} {platform.release()} |",
        f"| kensa | {sh(KENSA, '--version')} (release build of the CLI), commit {commit} |",
        f"| DuckDB | {duck_version} (Python package, `SET threads TO 2`) |",
        f"| decompressors | {sh('gzip', '--version').splitlines()[0] if sh('gzip', '--version') != 'unknown' else 'gzip'}; "
        f"{sh('pigz', '--version') or 'pigz'}; libdeflate-gunzip (Debian libdeflate-tools) |",
        f"| runs | {RUNS} per tool and size, tools alternating, each after the files are read into the page cache; the median is shown |",
        f"| load average (1 min) | {load_before:.2f} before, {load_after:.2f} after |",
        "",
        "The machine is shared (2 cores, other engineers building and testing on it), so",
        "absolute times are noisy; the tools alternate so the noise hits all alike.",
        "",
    ]
    for ds in sets:
        L += [
            f"## {ds['bytes'] / 1e6:,.0f} MB uncompressed ({ds['compressed'] / 1e6:,.0f} MB gzip), "
            f"{ds['files']:,} files, {ds['events']:,} events",
            "",
            "| tool | threads | wall | MB/s (uncompressed) | events/s | CPU time | peak RSS | alerts as planted |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        want = ds["expected"]["expected_alerts"]
        for name, r in ds["results"].items():
            wall = med(r["wall"])
            if r["counts"] is None:
                check = "n/a"
            else:
                check = "yes" if r["counts"] == want else f"**no**: {r['counts']}"
            L.append(
                f"| {name} | {r['threads']} | {wall:.2f} s | {ds['bytes'] / 1e6 / wall:,.0f} | "
                f"{ds['events'] / wall:,.0f} | {med(r['cpu']):.2f} s | {med(r['rss']):.0f} MiB | {check} |"
            )
        L += ["", f"Planted alerts per requirement: `{json.dumps(want, sort_keys=True)}`.", ""]

    res = big["results"]
    k = med(res["kensa detect"]["wall"])
    k1 = med(res["kensa detect --threads 1"]["wall"])
    g = med(res["gzip -dc"]["wall"])
    ld1 = med(res["libdeflate-gunzip -c"]["wall"])
    ld2 = med(res["libdeflate-gunzip -c, 2 processes"]["wall"])
    pz = med(res["pigz -dc"]["wall"])
    dd = med(res["DuckDB read_json + SQL"]["wall"])
    fastest1 = min(g, pz, ld1)
    k1_cpu = med(res["kensa detect --threads 1"]["cpu"])
    ld1_cpu = med(res["libdeflate-gunzip -c"]["cpu"])
    # Per-round ratios: the two ran back to back, so a noisy round moves both.
    pair = [a / b for a, b in zip(res["kensa detect --threads 1"]["cpu"], res["libdeflate-gunzip -c"]["cpu"])]
    L += [
        "## Against the targets (largest set)",
        "",
        f"- **Decompression alone, in CPU time** (the steadier measure on a shared machine): kensa on one "
        f"thread uses {k1_cpu:.2f} s, libdeflate-gunzip {ld1_cpu:.2f} s: **{k1_cpu / ld1_cpu:.2f}x** "
        f"(median of the per-round ratios: {med(pair):.2f}x; lowest {min(pair):.2f}x). kensa inflates with the "
        "same libdeflate, so the rest is reading the file, cutting records and the prefilter. "
        "Target: within 1.25x of decompression alone.",
        f"- **Decompression alone** (the physical limit). kensa (2 threads) takes {k:.2f} s: "
        f"{k / g:.2f}x `gzip -dc` (1 thread, {g:.2f} s), {k / fastest1:.2f}x the fastest single-threaded "
        f"decompressor ({fastest1:.2f} s) and {k / ld2:.2f}x libdeflate-gunzip in 2 processes ({ld2:.2f} s), "
        f"the fairest like-for-like (same thread count). kensa on 1 thread: {k1:.2f} s, {k1 / fastest1:.2f}x the "
        "fastest 1-thread decompressor. Target: within 1.25x of decompression alone.",
        f"- **DuckDB**: {dd:.2f} s with 2 threads; kensa is **{dd / k:.1f}x faster** (target: 3x).",
        f"- **Memory**: kensa's peak RSS is {med(res['kensa detect']['rss']):.0f} MiB on the large set and "
        f"{med(sets[0]['results']['kensa detect']['rss']):.0f} MiB on the small one (bounded: per thread, one "
        f"file's gzip bytes and its inflated text, for files up to 32 MB gzip and 256 MB inflated; larger "
        f"ones stream through one record buffer); DuckDB's is {med(res['DuckDB read_json + SQL']['rss']):.0f} MiB.",
    ]
    if len(sets) == 2:
        s, b = sets
        ks = med(s["results"]["kensa detect"]["wall"])
        size_ratio = b["bytes"] / s["bytes"]
        L += [
            f"- **Linearity**: {s['bytes'] / 1e6:,.0f} MB → {b['bytes'] / 1e6:,.0f} MB ({size_ratio:.1f}x data): "
            f"kensa's time grows {k / ks:.2f}x ({s['bytes'] / 1e6 / ks:,.0f} → {b['bytes'] / 1e6 / k:,.0f} MB/s).",
        ]
    L += [
        "",
        "## Where kensa's time goes (perf profile, 2026-11-29, 1 GB set, one thread)",
        "",
        "Measured with `perf record` on the release build, by hand; not rewritten by this script. The",
        "shares move from run to run with the kernel's copy, which this shared machine makes noisy.",
        "",
        "| share | what |",
        "| ---: | --- |",
        "| 55 to 66% | libdeflate: inflating (`deflate_decompress_bmi2`), its CRC-32 and its Huffman tables |",
        "| 10 to 14% | `kensa_jsonscan::scan_avx512`: cutting records and finding `eventName`/`errorCode` |",
        "| 8 to 19% | the kernel copying files out of the page cache (`_copy_to_iter`; libdeflate-gunzip maps files and pays this as page faults and slower reads instead; kensa mapping them, with or without `MAP_POPULATE`, measured no faster over 30 alternating rounds) |",
        "| about 4% | per record: the prefilter's value lookups (1.5 to 2%), confirming key candidates (1%), the framer and record loop (1.5%), the rule tests and the second-stage search for other keys (0.5%) |",
        "",
        "Cut short by hand earlier the same day (a build of the `detect_dir` example that stops after",
        "inflating, or after framing), on the same files, medians of 6 alternating runs: reading and",
        "inflating alone used 0.555 s of CPU, the same as libdeflate-gunzip (0.555 s); cutting records and",
        "spotting keys added 0.11 s, the prefilter and everything after it 0.04 s. What separates kensa",
        "from decompression alone is the one scan over the inflated text. Since then the scanner rarely",
        "follows brackets one by one (the depth-th closing bracket, found with PDEP, is the end unless an",
        "opening one comes before it; about 10% faster on the criterion bench, same machine and hour), the",
        "second stage searches only the keys of the rules still possible, the rule tests are one mask",
        "for the cover keys, and a file is read with one `read` (`read_to_end` added a `statx`, an `lseek` and a `read` to find the end).",
        "",
        "Before this design (3.06 s of CPU on the same set, 5x libdeflate), an Aho-Corasick search for the rules'",
        "70 literals took 54% and a byte-at-a-time framer 18%. On 1 MB of cache-resident records the block",
        "scanner runs at 7.5 GiB/s with AVX-512BW (7.9 GiB/s in one call for the whole array) and 3.7 GiB/s",
        "with SSE2 (4.0 in one call), beside 25 GiB/s for one `memmem` pass in the same run",
        "(`cargo bench -p kensa-jsonscan`); the machine's speed moves all of these by up to 15% between runs.",
        "",
        "## How each tool is run",
        "",
        "- kensa: `kensa detect DIR --format jsonl` (release build; all 11 ALM rules; one file per thread,",
        "  rayon; each file read whole and inflated by libdeflate in one call, which also checks CRC and",
        "  size; records cut out 64 bytes at a time by `kensa-jsonscan` (AVX-512BW where the CPU has it,",
        "  else SSE2), which also finds the `eventName` and `errorCode` keys on the way; an exact prefilter",
        "  looks their values up and drops records no rule can match; a record that passes is searched",
        "  for the rules' other keys (`errorMessage`, ...) and only then parsed, keeping only the fields",
        "  the rules read). `--strict` parses every record in full.",
        "- gzip, pigz, libdeflate-gunzip: `xargs -0 TOOL -dc` (or `-c`) over the same file list, output to",
        "  `/dev/null`; \"2 processes\" is `xargs -P 2 -n 64`. pigz decompresses on one thread (its extra",
        "  threads only read, write and check).",
        "- DuckDB: `read_json` over the same glob with the `Records` column typed as a list of structs",
        "  holding only the fields the filters read (DuckDB's fastest form), `unnest`, and one",
        "  `count(*) FILTER (WHERE ...)` per ALM rule, in `scripts/bench_detect.py`.",
        "",
        "## Reproduce",
        "",
        "```sh",
        "scripts/bench-detect                          # 1 GB (and 250 MB for linearity), 3 runs",
        "scripts/bench-detect --size-mb 4000 --runs 1  # a few GB",
        "```",
        "",
    ]
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(L))


if __name__ == "__main__":
    main()
