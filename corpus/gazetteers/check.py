#!/usr/bin/env python3
"""Validate the gazetteer files and rewrite them sorted (deterministic order).

Usage: python3 corpus/gazetteers/check.py [DIR]   (default: corpus/gazetteers)

Checks every entities-*.tsv (header, four TAB-separated columns, a known type, no duplicate canonical name,
no duplicate or space-padded alias, key=value attributes) and demonyms.tsv (two columns, the country is a
canonical entity name, no form listed twice). Warns when one alias (case- and accent-folded) points at two
entities. Rows are rewritten sorted by case-folded name; leading comment lines are kept. Exit status 1 on error.
"""
import sys, glob, os, collections, unicodedata
D = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
TYPES = {"Person","Organization","Country","Place","Project","Product","Policy","Event"}
HEADER = "name\ttype\taliases\tattributes"
names = {}
alias_owner = collections.defaultdict(set)
ok = True
def fold(s):
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()
for f in sorted(glob.glob(os.path.join(D, "entities-*.tsv"))):
    lines = open(f, encoding="utf-8").read().split("\n")
    comments, rows, header_seen = [], [], False
    for ln in lines:
        if not ln.strip(): continue
        if ln.startswith("#"):
            if not header_seen: comments.append(ln)
            continue
        if not header_seen:
            assert ln == HEADER, (f, ln); header_seen = True; continue
        cols = ln.split("\t")
        if len(cols) != 4:
            print(f"{f}: bad column count {len(cols)}: {ln!r}"); ok = False; continue
        name, typ, aliases, attrs = cols
        if typ not in TYPES: print(f"{f}: bad type {typ}: {name}"); ok = False
        if name in names: print(f"{f}: duplicate name {name} (also {names[name]})"); ok = False
        names[name] = f
        al = [a for a in aliases.split("|") if a] if aliases else []
        if len(set(al)) != len(al): print(f"{f}: duplicate alias in {name}"); ok=False
        for a in al:
            if a != a.strip() or not a: print(f"{f}: space alias {name!r} {a!r}"); ok=False
        for a in [name] + al:
            alias_owner[fold(a)].add(name)
        if attrs:
            for kv in attrs.split(";"):
                if "=" not in kv: print(f"{f}: bad attr {kv} in {name}"); ok=False
        rows.append("\t".join(cols))
    rows.sort(key=lambda r: (fold(r.split("\t")[0]), r))
    open(f, "w", encoding="utf-8").write("\n".join(comments + [HEADER] + rows) + "\n")
    print(f"{os.path.basename(f)}: {len(rows)}")
for a, owners in sorted(alias_owner.items()):
    if len(owners) > 1: print(f"WARN alias collision {a!r}: {sorted(owners)}")
# demonyms
f = os.path.join(D, "demonyms.tsv")
if os.path.exists(f):
    lines = open(f, encoding="utf-8").read().split("\n")
    comments, rows, hs = [], [], False
    seen = {}
    for ln in lines:
        if not ln.strip(): continue
        if ln.startswith("#"):
            if not hs: comments.append(ln)
            continue
        if not hs: assert ln == "forms\tcountry"; hs = True; continue
        cols = ln.split("\t")
        if len(cols) != 2: print("demonyms bad", ln); ok=False; continue
        if cols[1] not in names: print("demonym country not an entity:", cols[1]); ok=False
        for form in cols[0].split("|"):
            if form in seen: print("demonym dup form", form, cols[1], seen[form]); ok=False
            seen[form] = cols[1]
        rows.append(ln)
    rows.sort(key=lambda r: (fold(r.split("\t")[1]), r))
    open(f, "w", encoding="utf-8").write("\n".join(comments + ["forms\tcountry"] + rows) + "\n")
    print(f"demonyms.tsv: {len(rows)}")
print("total entities:", len(names))
sys.exit(0 if ok else 1)
