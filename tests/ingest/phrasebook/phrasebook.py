#!/usr/bin/env python3
# phrasebook.py KG CORPUS MIN: the phrasebook check (tests/ingest/phrasebook/README.md). Prints the misses and
# the unexpected relationships; exits 1 when the share of expected relationships found is below MIN.
import os, re, subprocess, sys, tempfile
if len(sys.argv) != 4:
    sys.exit("usage: phrasebook.py KG CORPUS MIN")
kg, corpus, floor = sys.argv[1], sys.argv[2], float(sys.argv[3])
here = os.path.dirname(os.path.abspath(__file__))
tsvs = [os.path.join(here, "en.tsv"), os.path.join(here, "fr.tsv")]
sym = {"COMPETES_WITH", "PARTNER_OF"}
tmpdir = tempfile.TemporaryDirectory()
tmp = tmpdir.name
cases = []
for tsv in tsvs:
    lang = os.path.basename(tsv)[:2]
    for i, line in enumerate(open(tsv, encoding="utf-8")):
        line = line.rstrip("\n")
        if not line or line.startswith("#"): continue
        sent, exp = line.split("\t")
        p = os.path.join(tmp, f"{lang}_{i:03d}.txt")
        with open(p, "w", encoding="utf-8") as f:
            f.write(("Titre de test" if lang == "fr" else "Test headline") + "\n\n" + sent + "\n")
        cases.append((p, lang, sent, [tuple(x.split("|")) for x in exp.split(";") if x]))
out = ""
for lg in ("en", "fr"):
    files = [c[0] for c in cases if c[1] == lg]
    if files:
        out += subprocess.run([kg, "ingest", "--dry-run", "--explain", "--lang", lg, "--corpus", corpus] + files,
                              capture_output=True, text=True).stdout
found = {}
cur = None
for l in out.splitlines():
    if l.startswith("== "): cur = l[3:].strip(); found[cur] = []; continue
    m = re.match(r"\s+(.+?) -\[(\w+)\]-> (.+?)(?: \{.*\})?  \(rule ([^)]+)\)$", l)
    if m and cur: found[cur].append((m.group(1), m.group(2), m.group(3), m.group(4)))
tot = hit = extra = 0
by_lang = {}
for p, lang, sent, exp in cases:
    got = found.get(p, [])
    def match(e, g):
        if g[1] not in e[1].split('/'): return False
        ok = lambda a, b: a == "@" or a.lower() == b.lower()
        if ok(e[0], g[0]) and ok(e[2], g[2]): return True
        return e[1] in sym and ok(e[0], g[2]) and ok(e[2], g[0])
    miss = [e for e in exp if not any(match(e, g) for g in got)]
    wrong = [g for g in got if not any(match(e, g) for e in exp)]
    t, h = len(exp), len(exp) - len(miss)
    tot += t; hit += h; extra += len(wrong)
    bl = by_lang.setdefault(lang, [0, 0, 0]); bl[0] += t; bl[1] += h; bl[2] += len(wrong)
    if miss or wrong:
        print(f"[{lang}] {sent}")
        for e in miss: print(f"     MISS {e[0]} {e[1]} {e[2]}")
        for g in wrong: print(f"     EXTRA {g[0]} {g[1]} {g[2]} ({g[3]})")
for lang, (t, h, x) in sorted(by_lang.items()):
    print(f"{lang}: {h}/{t} expected found, {x} extra")
share = hit / tot if tot else 0.0
print(f"all: {hit}/{tot} expected found ({share:.2f}), {extra} extra")
if share < floor:
    print(f"phrasebook: {share:.2f} of the expected relationships found, below the floor {floor}")
    sys.exit(1)
