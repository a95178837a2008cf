#!/usr/bin/env python3
"""Helpers of tools/bench.d/query: load the benchmark graph into a kg database,
time kg (CLI cold, in-process warm, GraphView primitives), and compare the
checksums with the peers' results. Usage:

  query_lib.py load KG DB DATADIR          kg import if it exists, else a direct SQLite load
  query_lib.py run KG VIEWBENCH QUERYBENCH DB DATADIR BENCHDIR SCALE   JSON lines on stdout
  query_lib.py report SCALE RESULTS.jsonl PEERS.jsonl       markdown table on stdout
"""
import csv, hashlib, json, os, resource, sqlite3, statistics, subprocess, sys, time

REPS = int(os.environ.get("REPS", "5"))
COLD_REPS = int(os.environ.get("COLD_REPS", "3"))
CAP_S = float(os.environ.get("CAP_S", "120"))


def children_cpu_ms():
    """CPU time (user + system) of the finished child processes so far: with 2 shared cores
    wall-clock times of short processes swing with the load; CPU time much less."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r.ru_utime + r.ru_stime) * 1000


def checksum(text):
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def canonical(kind, rows):
    """rows: list of lists of strings (CSV rows without header)."""
    if kind == "row":
        return "|".join(rows[0]) if rows else ""
    if kind == "set":
        return "\n".join(sorted(r[0] for r in rows))
    if kind == "rows":
        return "\n".join("|".join(r) for r in rows)
    return rows[0][0] if rows else ""


def kg_has_command(kg, name):
    out = subprocess.run([kg, "--help"], capture_output=True, text=True).stdout
    return any(line.split()[:1] == [name] for line in out.splitlines())


def load(kg, db, datadir):
    for f in (db, db + "-wal", db + "-shm", db + ".view"):
        if os.path.exists(f):
            os.remove(f)
    t0 = time.perf_counter()
    if kg_has_command(kg, "import"):
        subprocess.run([kg, "--db", db, "import", "--nodes", os.path.join(datadir, "nodes.csv"),
                        "--relationships", os.path.join(datadir, "edges.csv")], check=True)
        how = "kg import"
    else:
        # Bench-only loader: the kg schema written directly (node id = csv id + 1,
        # the csv id kept as property `id`), until `kg import` exists.
        subprocess.run([kg, "--db", db, "init"], check=True, capture_output=True)
        con = sqlite3.connect(db)
        con.execute("PRAGMA synchronous=OFF")
        with open(os.path.join(datadir, "nodes.csv"), newline="") as f:
            rows = csv.reader(f)
            next(rows)
            nodes = [(int(i) + 1, name, label, int(i)) for i, label, name in rows]
        con.executemany("INSERT INTO nodes(id, name, props) VALUES (?, ?, json_object('id', ?, 'name', ?))",
                        ((i, name, i - 1, name) for i, name, _, _ in nodes))
        con.executemany("INSERT INTO node_labels(label, node_id) VALUES (?, ?)",
                        ((label, i) for i, _, label, _ in nodes))
        with open(os.path.join(datadir, "edges.csv"), newline="") as f:
            rows = csv.reader(f)
            next(rows)
            con.executemany("INSERT INTO rels(src, dst, type) VALUES (?, ?, ?)",
                            ((int(s) + 1, int(d) + 1, t) for s, d, t in rows))
        con.execute("UPDATE meta SET value = value + 1 WHERE key = 'graph_version'")
        con.commit()
        con.execute("ANALYZE")
        con.close()
        how = "bench loader (python sqlite3)"
    return round(time.perf_counter() - t0, 2), how


def queries_of(benchdir, datadir):
    with open(os.path.join(benchdir, "queries.json")) as f:
        queries = json.load(f)["queries"]
    with open(os.path.join(datadir, "params.json")) as f:
        params = json.load(f)
    with open(os.path.join(datadir, "pairs.txt")) as f:
        pairs = [line.split()[:2] for line in f if not line.startswith("#")]
    return queries, params, pairs


def cypher_literal(value):
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return json.dumps(value)


def bind(text, args):
    """Replaces $param by a literal (kg query takes no parameters on the CLI yet)."""
    for name in sorted(args, key=len, reverse=True):
        text = text.replace("$" + name, cypher_literal(args[name]))
    return text


def kg_query(kg, db, text):
    """One cold execution: a fresh `kg query` process. Returns (wall ms, cpu ms, csv rows)."""
    c0, t0 = children_cpu_ms(), time.perf_counter()
    p = subprocess.run([kg, "--db", db, "query", "--format", "csv", text], capture_output=True,
                       text=True, timeout=CAP_S)
    wall, cpu = (time.perf_counter() - t0) * 1000, children_cpu_ms() - c0
    if p.returncode != 0:
        raise RuntimeError(p.stderr.strip()[:300])
    return wall, cpu, list(csv.reader(p.stdout.splitlines()))[1:]


def kg_query_warm(querybench, db, text, view=False):
    """Median of REPS in-process executions after one warm-up (kg_query_bench; with
    view=True the engine expands through the GraphView, tools/kg/view_graph.h)."""
    flags = ["--view"] if view else []
    p = subprocess.run([querybench, "--db", db, "--reps", str(REPS + 1), *flags, text], capture_output=True,
                       text=True, timeout=CAP_S * (REPS + 1))
    if p.returncode != 0:
        raise RuntimeError(p.stderr.strip()[:300])
    times = [float(line.split()[-1]) for line in p.stderr.splitlines()
             if line.startswith("kg: query repeat ")][1:]
    return statistics.median(times)


def run_cli(kg, querybench, db, benchdir, datadir, scale):
    """Every query of queries.json ("opencypher") through kg's query engine: cold = one
    `kg query --format csv` process per execution (Q5/Q5b: one per pair, summed), warm =
    in-process repetition (Q5/Q5b: sum of the per-pair medians)."""
    queries, params, pairs = queries_of(benchdir, datadir)
    only = os.environ.get("KG_QUERIES", "").split(",") if os.environ.get("KG_QUERIES") else None
    for q in queries:
        if only and q["id"] not in only:
            continue
        rec = {"system": "kg-cli", "scale": scale, "query": q["id"], "status": "ok"}
        if q["result"] == "pairs":
            texts = [bind(q["opencypher"], {"src": a, "dst": b}) for a, b in pairs]
        else:
            texts = [bind(q["opencypher"], {k: params[v] for k, v in q["args"].items()})]
        try:
            times, cpus = [], []
            for _ in range(COLD_REPS):
                total, total_cpu, per_text = 0.0, 0.0, []
                for text in texts:
                    wall, cpu, rows = kg_query(kg, db, text)
                    total += wall
                    total_cpu += cpu
                    per_text.append(rows)
                times.append(total)
                cpus.append(total_cpu)
            if q["result"] == "pairs":
                result = ",".join(rows[0][0] if rows else "-1" for rows in per_text)
            else:
                result = canonical(q["result"], per_text[0])
            rec.update(cold_median_ms=round(statistics.median(times), 3),
                       cold_cpu_median_ms=round(statistics.median(cpus), 3), cold_reps=COLD_REPS,
                       result_checksum=checksum(result),
                       result=result if len(result) <= 160 else f"{result.count(chr(10)) + 1} rows")
            if os.environ.get("KG_WARM", "1") == "1":
                rec.update(warm_median_ms=round(sum(kg_query_warm(querybench, db, t) for t in texts), 3),
                           warm_reps=REPS)
                rec.update(warm_view_median_ms=round(
                    sum(kg_query_warm(querybench, db, t, view=True) for t in texts), 3))
        except Exception as e:  # noqa: BLE001 - one failing query must not stop the others
            timeout = isinstance(e, subprocess.TimeoutExpired)
            rec.update(status="timeout" if timeout else "error", cap_s=CAP_S,
                       note=None if timeout else f"{type(e).__name__}: {e}"[:300])
        rec.update(loadavg_1m=round(os.getloadavg()[0], 2))
        print(json.dumps(rec), flush=True)


def run_view(viewbench, db, datadir, scale):
    """The same queries as direct GraphView calls: warm (in-process) and cold (one process each)."""
    warm = {}
    p = subprocess.run([viewbench, "--db", db, "--data", datadir, "--reps", str(REPS)],
                       capture_output=True, text=True, check=True)
    for line in p.stdout.splitlines():
        r = json.loads(line)
        warm[r["query"]] = r
    for qid, r in warm.items():
        cold_wall, cold_cpu, cold_inner = [], [], []
        for _ in range(COLD_REPS):
            c0, t0 = children_cpu_ms(), time.perf_counter()
            c = subprocess.run([viewbench, "--db", db, "--data", datadir, "--query", qid, "--reps", "1",
                                "--no-warmup"], capture_output=True, text=True, check=True)
            cold_wall.append((time.perf_counter() - t0) * 1000)
            cold_cpu.append(children_cpu_ms() - c0)
            cold_inner.append(json.loads(c.stdout)["times_ms"][0])
        result = r["result"]
        print(json.dumps({
            "system": "kg-view", "scale": scale, "query": qid, "status": "ok",
            "median_ms": round(statistics.median(r["times_ms"]), 3), "reps": len(r["times_ms"]),
            "cold_process_median_ms": round(statistics.median(cold_wall), 3),
            "cold_process_cpu_median_ms": round(statistics.median(cold_cpu), 3),
            "cold_query_median_ms": round(statistics.median(cold_inner), 3),
            "view_open_ms": round(r["open_view_ms"], 3), "view_source": r["view_source"],
            "result_checksum": checksum(result),
            "result": result if len(result) <= 160 else f"{result.count(chr(10)) + 1} rows",
            "loadavg_1m": round(os.getloadavg()[0], 2)}), flush=True)


def latest(path, scale):
    """Latest run's line per (system, query) of a peers' JSONL file."""
    best = {}
    if not os.path.exists(path):
        return best
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if r.get("scale") == scale:
                best[(r["system"], r["query"])] = r
    return best


def fmt(ms):
    if ms is None:
        return "—"
    return f"{ms:,.3g}" if ms < 100 else f"{ms:,.0f}"


def report(scale, ours_path, peer_paths):
    ours = latest(ours_path, scale)
    peers = {}
    for path in peer_paths:
        peers.update(latest(path, scale))
    qids = ["Q1", "Q2", "Q3", "Q4", "Q5", "Q5b", "Q6", "Q7"]
    systems = ["kuzu", "sqlite", "igraph", "networkx"]
    print(f"| query | kg query cold (CLI) | kg query warm | kg query warm, view expand | kg view warm "
          "| kg view cold (process) | " + " | ".join(systems) + " | checksums |")
    print("|---" * (7 + len(systems)) + "|")
    for q in qids:
        cli, view = ours.get(("kg-cli", q), {}), ours.get(("kg-view", q), {})
        sums = {r.get("result_checksum") for (s, qq), r in peers.items() if qq == q and r.get("status") == "ok"}
        mine = {r.get("result_checksum") for r in (cli, view) if r.get("status") == "ok"}
        agree = "—" if not mine else ("ok" if mine <= sums and len(sums) == 1 else "**MISMATCH**")
        cells = [fmt(cli.get("cold_median_ms")) if cli.get("status") == "ok" else (cli.get("status") or "—"),
                 fmt(cli.get("warm_median_ms")), fmt(cli.get("warm_view_median_ms")),
                 fmt(view.get("median_ms")), fmt(view.get("cold_process_median_ms"))]
        for s in systems:
            r = peers.get((s, q))
            cells.append(fmt(r["median_ms"]) if r and r.get("status") == "ok" else (r or {}).get("status", "—"))
        print(f"| {q} | " + " | ".join(cells) + f" | {agree} |")


def main():
    cmd = sys.argv[1]
    if cmd == "load":
        load_s, how = load(*sys.argv[2:5])
        print(json.dumps({"load_s": load_s, "how": how}))
    elif cmd == "run":
        kg, viewbench, querybench, db, datadir, benchdir, scale = sys.argv[2:9]
        if os.environ.get("KG_VIEW", "1") == "1":
            run_view(viewbench, db, datadir, scale)
        if os.environ.get("KG_CLI", "auto") != "0":
            probe = subprocess.run([kg, "--db", db, "query", "--format", "csv", "RETURN 1"],
                                   capture_output=True, text=True)
            if probe.returncode == 0:
                run_cli(kg, querybench, db, benchdir, datadir, scale)
            else:
                print(f"query_lib: kg query does not work yet ({probe.stderr.strip()[:120]}); "
                      "CLI timings skipped", file=sys.stderr)
    elif cmd == "report":
        report(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
