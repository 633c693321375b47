#!/usr/bin/env python3
"""Benchmark: kensa audit vs Prowler on the same emulated IAM account.

Starts a moto server on a free loopback port, seeds a large account through
boto3 (thousands of users and groups, with console passwords, access keys,
MFA devices and policies), then runs `kensa audit` and `prowler aws --service
iam` against the same endpoint, alternating, several times. Wall time and the
peak resident memory of each run come from os.wait4 on the tool's process
(so the measurement includes everything the tool does, Python start-up and
all). Results go to docs/benchmarks.md.

Run through scripts/bench, which builds kensa in release mode and installs
Prowler and moto into cached venvs.
"""
import argparse
import datetime
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import boto3


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto(moto_server, log):
    port = free_port()
    env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true", MOTO_EC2_LOAD_DEFAULT_AMIS="false")
    proc = subprocess.Popen([moto_server, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1)
            return proc, url
        except Exception:
            time.sleep(0.2)
    proc.kill()
    sys.exit("moto did not start")


def seed(url, users, groups):
    iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    duties = ["Administrators", "InfraAdmins", "SecurityAdmins", "IAMAdmins", "Operators"]
    names = duties + [f"App{i:04d}Apps" for i in range(groups - len(duties))]
    managed = ["AdministratorAccess", "IAMFullAccess", "ReadOnlyAccess", "PowerUserAccess", "SecurityAudit"]
    for i, g in enumerate(names):
        iam.create_group(GroupName=g)
        iam.attach_group_policy(GroupName=g, PolicyArn=f"arn:aws:iam::aws:policy/{managed[i % len(managed)]}")
    iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=True,
                                       RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
                                       AllowUsersToChangePassword=True, PasswordReusePrevention=24)
    for i in range(users):
        u = f"user{i:05d}"
        iam.create_user(UserName=u)
        iam.add_user_to_group(GroupName=names[i % len(names)], UserName=u)
        if i % 3 == 0:
            iam.create_login_profile(UserName=u, Password="Sheet-Password-1234!")
        if i % 2 == 0:
            iam.create_access_key(UserName=u)
        if i % 5 == 0:
            serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=u)["VirtualMFADevice"]["SerialNumber"]
            iam.enable_mfa_device(UserName=u, SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321")
        if i % 7 == 0:
            iam.put_user_policy(UserName=u, PolicyName="extra",
                                PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}')
    return len(names)


def measure(cmd, env, cwd):
    """Wall seconds, CPU seconds and peak RSS (MiB) of one run of cmd."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code, err


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout.strip().splitlines()[-1]
    except Exception as e:  # noqa: BLE001 - only for the report's version column
        return f"unknown ({e})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kensa", required=True)
    ap.add_argument("--prowler", required=True)
    ap.add_argument("--moto-server", required=True)
    ap.add_argument("--users", type=int, default=2000)
    ap.add_argument("--groups", type=int, default=400)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default="docs/benchmarks.md")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="kensa-bench-")
    log = open(os.path.join(work, "moto.log"), "w")
    proc, url = start_moto(args.moto_server, log)
    try:
        t0 = time.time()
        ngroups = seed(url, args.users, args.groups)
        seed_s = time.time() - t0
        print(f"seeded {args.users} users, {ngroups} groups in {seed_s:.0f}s", flush=True)

        env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                   AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=url)
        env.pop("AWS_PROFILE", None)
        kensa_cmd = [args.kensa, "audit", "--endpoint-url", url, "--region", "us-east-1",
                     "--format", "json", "--output", os.path.join(work, "kensa.json")]
        prowler_cmd = [args.prowler, "aws", "--service", "iam", "--region", "us-east-1",
                       "--output-formats", "json-ocsf", "--output-directory", os.path.join(work, "prowler"),
                       "--no-banner"]
        results = {"kensa": [], "prowler": []}
        for run in range(args.runs):
            for name, cmd in (("kensa", kensa_cmd), ("prowler", prowler_cmd)):
                wall, cpu, rss, code, err = measure(cmd, env, work)
                print(f"run {run + 1}: {name}: {wall:.2f}s wall, {cpu:.2f}s CPU, {rss:.0f} MiB, exit {code}", flush=True)
                if name == "kensa" and code not in (0, 1):
                    sys.exit(f"kensa failed ({code}): {err[-2000:]}")
                if name == "prowler" and code not in (0, 3):
                    sys.exit(f"prowler failed ({code}): {err[-2000:]}")
                results[name].append((wall, cpu, rss))
    finally:
        proc.kill()
        proc.wait()

    k_wall = statistics.median(w for w, _, _ in results["kensa"])
    p_wall = statistics.median(w for w, _, _ in results["prowler"])
    k_cpu = statistics.median(c for _, c, _ in results["kensa"])
    p_cpu = statistics.median(c for _, c, _ in results["prowler"])
    k_rss = max(r for _, _, r in results["kensa"])
    p_rss = max(r for _, _, r in results["prowler"])
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    runs_table = "\n".join(
        f"| {i + 1} | {results['kensa'][i][0]:.2f} s | {results['kensa'][i][1]:.2f} s | {results['kensa'][i][2]:.0f} MiB | "
        f"{results['prowler'][i][0]:.2f} s | {results['prowler'][i][1]:.2f} s | {results['prowler'][i][2]:.0f} MiB |"
        for i in range(args.runs))
    text = f"""# Benchmarks

## IAM audit: kensa vs Prowler on the same emulated account

Generated by `scripts/bench` ({now}) on {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}.
Both tools read the same moto server (one process, on loopback), seeded with {args.users} users and
{ngroups} groups: every user in a group, a third with a console password, half with an access key, a
fifth with an MFA device, a seventh with an inline policy; each group with an AWS managed policy.
kensa runs all its IAM checks (`kensa audit --region us-east-1 --format json`); Prowler runs its IAM
service checks (`prowler aws --service iam --region us-east-1 --output-formats json-ocsf`). The two
tools alternate, {args.runs} runs each, so machine noise hits both alike. Wall time is from start to
exit; CPU time and memory (peak resident set size) are the tool's own process, from os.wait4. Wall
time includes the emulator answering every call: moto is one Python process, and it is the
bottleneck for both tools (see the CPU column), so the wall-time ratio understates the difference
in the tools themselves.

| tool | version | median wall time | median CPU time | peak memory |
|---|---|---|---|---|
| kensa | {version([args.kensa, '--version'])} | {k_wall:.2f} s | {k_cpu:.2f} s | {k_rss:.0f} MiB |
| Prowler | {version([args.prowler, '--version'])} | {p_wall:.2f} s | {p_cpu:.2f} s | {p_rss:.0f} MiB |

Wall time: kensa is **{p_wall / k_wall:.1f}x faster**. CPU time: **{p_cpu / k_cpu:.1f}x less**. Memory:
**{p_rss / k_rss:.1f}x less**. (Targets: 10x faster, a tenth of the memory.)

| run | kensa wall | kensa CPU | kensa memory | Prowler wall | Prowler CPU | Prowler memory |
|---|---|---|---|---|---|---|
{runs_table}

## CloudTrail detection

`kensa detect` against decompression alone and DuckDB on generated CloudTrail logs:
[benchmarks-detect.md](benchmarks-detect.md) (`scripts/bench-detect`).
"""
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
