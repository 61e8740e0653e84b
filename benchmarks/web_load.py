"""Load on the web application: 50 concurrent clients on loopback against `cakupan serve`.

A bounded number of requests, a mix of the overview page, a regency drill-down, the map and
the coverage API. Reported: p50 / p95 / p99 latency and throughput with the cache warm, the
same on a freshly started server (cold cache), and the first overview after an import.
Baseline (same run): the overview's service call in-process, no HTTP and no cache.
Goal: p95 <= 150 ms at 50 clients with a warm cache.

Environment: BENCH_WAREHOUSE (default: the run's bench warehouse), BENCH_WEB_CLIENTS (50),
BENCH_WEB_REQUESTS (2000 warm, a quarter of it on a fresh server).
"""

from __future__ import annotations

import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from record import record

CLIENTS = int(os.environ.get("BENCH_WEB_CLIENTS", "50"))
REQUESTS = int(os.environ.get("BENCH_WEB_REQUESTS", "2000"))
HEADERS: dict[str, str] = {}
"""Every request carries an API token of a benchmark account (the server needs an account)."""


def _account(warehouse: Path) -> dict[str, str]:
    """An admin account for the benchmark (once) and a fresh API token for this run."""
    from cakupan.services import users
    from cakupan.store import open_store

    store = open_store(warehouse)
    try:
        if not any(a.username == "bench" for a in users.accounts(store)):
            users.add_user(store, "bench", "admin", password=users.one_time_password() + "-bench")
        return {"Authorization": "Bearer " + users.create_token(store, "bench", "web_load benchmark")}
    finally:
        store.close()


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(warehouse: Path, cache: int):
    port = _port()
    env = {**os.environ, "CAKUPAN_WEB_CACHE": str(cache)}
    cakupan = Path(sys.executable).with_name("cakupan")
    proc = subprocess.Popen([str(cakupan), "serve", "--port", str(port), "-w", str(warehouse)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start: " + proc.stderr.read().decode()[-500:])


def _mix(regencies: list[str]) -> list[str]:
    rng = random.Random(7)
    paths = []
    for i in range(10_000):
        kind = i % 4
        paths.append(["/?period=2021-11", f"/wilayah/{rng.choice(regencies)}?period=2021-11",
                      "/peta?period=2021-11", "/api/v1/coverage?period=2021-11&by=regency"][kind])
    return paths


def _load(url: str, paths: list[str], total: int) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = iter(range(total))

    def client() -> None:
        with httpx.Client(base_url=url, timeout=120, headers=HEADERS) as c:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                t = time.perf_counter()
                try:
                    ok = c.get(paths[i % len(paths)]).status_code == 200
                except httpx.HTTPError:
                    ok = False
                dt = time.perf_counter() - t
                with lock:
                    latencies.append(dt)
                    errors[0] += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100)
    return {"requests": len(latencies), "errors": errors[0], "p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000,
            "p99_ms": q[98] * 1000, "throughput_rps": len(latencies) / wall}


def _baseline(warehouse: Path) -> float:
    """The overview's service call in-process on the same warehouse: no HTTP, no cache."""
    from cakupan.services import EVERYONE
    from cakupan.services.coverage import overview
    from cakupan.settings import load
    from cakupan.warehouse import open_warehouse

    wh = open_warehouse(load("duckdb", warehouse))
    times = []
    for _ in range(3):
        t = time.perf_counter()
        overview(wh, EVERYONE, "2021-11", "id")
        times.append(time.perf_counter() - t)
    wh.close()
    return statistics.median(times)


def _line(name: str, r: dict) -> str:
    return (f"[web] {name}: {r['requests']:,} requests, {CLIENTS} clients: p50 {r['p50_ms']:.0f} ms, "
            f"p95 {r['p95_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms, {r['throughput_rps']:.1f} req/s, "
            f"errors {r['errors']}")


def main(warehouse: Path | None = None) -> dict:
    warehouse = Path(warehouse or os.environ["BENCH_WAREHOUSE"])
    from cakupan.regions import children

    regencies = children("33", 2) + children("34", 2)
    paths = _mix(regencies)
    base = _baseline(warehouse)
    HEADERS.update(_account(warehouse))
    out: dict = {"baseline_overview_s": base}
    proc, url = _start(warehouse, 512)
    try:
        httpx.get(url + "/?period=2021-11", timeout=300, headers=HEADERS)          # first page: fills the cache
        for path in set(paths):
            httpx.get(url + path, timeout=300, headers=HEADERS)
        warm = _load(url, paths, REQUESTS)
        out["warm"] = warm
        print(_line("warm cache", warm))
        # the first overview after an import (the import invalidates every cached figure)
        body = b"NIK,NAMA,TGL LAHIR\n3374010101800001,Budi Santoso,01-01-1980\n"
        r = httpx.post(url + "/daftar", data={"source": f"bench-{int(time.time())}"},
                       files={"file": ("daftar.csv", body, "text/csv")}, timeout=60, follow_redirects=False,
                       headers=HEADERS)
        job = r.headers["location"].rsplit("/", 1)[-1]
        while httpx.get(f"{url}/api/v1/jobs/{job}", headers=HEADERS).json()["status"] not in ("done", "failed"):
            time.sleep(0.1)
        t = time.perf_counter()
        httpx.get(url + "/?period=2021-11", timeout=300, headers=HEADERS)
        out["first_page_after_import_s"] = time.perf_counter() - t
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    proc, url = _start(warehouse, 512)
    try:  # a fresh server: each distinct page is computed once, concurrent askers wait for it
        cold = _load(url, paths, max(REQUESTS // 4, CLIENTS))
        out["cold"] = cold
        print(_line("cold cache (a fresh server)", cold))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(f"[web] first overview after an import: {out['first_page_after_import_s'] * 1000:.0f} ms")
    print(f"[web] baseline: the overview's service call in-process (no HTTP, no cache) {base * 1000:.0f} ms; "
          f"ratio warm p95 / baseline = {out['warm']['p95_ms'] / 1000 / base:.2f}x, "
          f"cold p50 / baseline = {out['cold']['p50_ms'] / 1000 / base:.2f}x")
    goal = out["warm"]["p95_ms"] <= 150
    record("web", "warm p95", out["warm"]["p95_ms"] / 1000, "overview service call in-process", base,
           extra={"warm": out["warm"], "goal_p95_ms": 150, "goal_ok": goal})
    record("web", "cold p50", out["cold"]["p50_ms"] / 1000, "overview service call in-process", base,
           extra={"cold": out["cold"], "first_page_after_import_s": out["first_page_after_import_s"]})
    print(f"[web] goal p95 <= 150 ms at {CLIENTS} clients with a warm cache: {'OK' if goal else 'MISSED'}")
    return out


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
