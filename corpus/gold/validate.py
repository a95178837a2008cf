#!/usr/bin/env python3
"""Check the gold files in this directory (or those given) against their articles.

For each gold file: valid JSON; every relation's src/dst is an entity (optional relations may also use
optional entities); relation types are the scored ones; quote speakers and `about` targets are entities;
evidence phrases, aliases, quote starts and amount evidence occur in the article text (HTML tags removed,
entities unescaped, whitespace folded). Prints one line per file and exits non-zero on any problem.
"""
import glob, html, json, os, re, sys

TYPES = {"FUNDS", "PARTNER_OF", "INTEGRATES", "DEVELOPS", "OWNS", "FOUNDED", "LEADS", "ANNOUNCED",
         "REVOKED", "ACQUIRES", "COMPETES_WITH", "LOCATED_IN", "USES"}
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def fold(s):
    return " ".join(s.split())


def check(path):
    problems = []
    gold = json.load(open(path, encoding="utf-8"))
    article = os.path.join(REPO, gold["article"])
    raw = open(article, encoding="utf-8").read()
    if article.endswith(".html"):
        raw = re.sub(r"<[^>]+>", " ", raw)
    text = fold(html.unescape(raw))
    has = lambda s: fold(s) in text
    names = {e["name"] for e in gold["entities"]}
    all_names = names | {e["name"] for e in gold.get("optional_entities", [])}
    for e in gold["entities"] + gold.get("optional_entities", []):
        problems += [f"alias not in text: {e['name']}: {a}" for a in e["aliases"] if not has(a)]
    for key, allowed in (("relations", names), ("optional_relations", all_names), ("negative_relations", all_names)):
        for r in gold.get(key, []):
            if r["type"] not in TYPES:
                problems.append(f"{key}: unknown type {r['type']}")
            problems += [f"{key}: {r[k]} is not an entity" for k in ("src", "dst") if r[k] not in allowed]
            if not has(r["evidence"]):
                problems.append(f"{key}: evidence not in text: {r['evidence']}")
    for q in gold.get("quotes", []):
        if q["speaker"] not in names:
            problems.append(f"quote speaker {q['speaker']} is not an entity")
        if not has(q["text_start"]):
            problems.append(f"quote not in text: {q['text_start']}")
        problems += [f"quote about {a} is not an entity" for a in q["about"] if a not in names]
    for a in gold.get("amounts", []):
        if not has(a["evidence"]):
            problems.append(f"amount evidence not in text: {a['evidence']}")
        problems += [f"amount about {x} is not an entity" for x in a["about"] if x not in names]
    print(f"{os.path.basename(path)}: {len(gold['entities'])} entities, {len(gold['relations'])} relations, "
          f"{len(gold.get('quotes', []))} quotes, {len(gold.get('amounts', []))} amounts"
          + ("" if not problems else f", {len(problems)} PROBLEMS"))
    for p in problems:
        print("  " + p)
    return not problems


def main():
    files = sys.argv[1:] or sorted(glob.glob(os.path.join(HERE, "*.json")))
    ok = all([check(f) for f in files])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
