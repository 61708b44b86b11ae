#!/usr/bin/env python3
"""Seeds a broker store with benchmark nodes, straight into the `nodes` table (25,000 rows
through the API would take longer than the benchmark). Writes the node credentials it made.

    seed.py sqlite PATH OUTDIR [TOTAL]      seed.py postgres URL OUTDIR [TOTAL]

The network: 10 approved servers (bench-server-0 is the one whose netmap is timed), one
pending server (bench-server-new, approved during the fan-out run), 1,000 approved devices
and suspended devices up to TOTAL. Columns this script does not know (added by later
migrations) get their declared default, else 0 / false / NULL.
"""
import csv, hashlib, json, os, sqlite3, subprocess, sys, time, uuid

APPROVED_SERVERS, APPROVED_DEVICES = 10, 1000


def nodes(total):
    def node(i, kind, name, status):
        secret = f"hzd_bench{i:06d}"
        return dict(id=uuid.uuid4(), kind=kind, name=name, public_key=f"bench-key-{i:06d}=", status=status,
                    credential_hash=hashlib.sha256(secret.encode()).hexdigest(), secret=secret,
                    ipv4_address=f"100.{64 + i // 65536}.{i // 256 % 256}.{i % 256}", ipv6_address=f"fd00:bench::{i:x}".replace("bench", "b0"))
    out = [node(i, "server", f"bench-server-{i}", "approved") for i in range(APPROVED_SERVERS)]
    out.append(node(APPROVED_SERVERS, "server", "bench-server-new", "pending"))
    first_device = len(out)
    for i in range(first_device, total):
        status = "approved" if i < first_device + APPROVED_DEVICES else "suspended"
        out.append(node(i, "device", f"bench-device-{i}", status))
    return out


KNOWN = {"id", "kind", "name", "public_key", "status", "credential_hash", "endpoints", "created_at",
         "ipv4_address", "ipv6_address", "last_heartbeat_at", "name_key"}


def value(node, column, now, iso):
    known = {
        "id": str(node["id"]).upper() if not iso else str(node["id"]),
        "kind": node["kind"], "name": node["name"], "public_key": node["public_key"], "status": node["status"],
        "credential_hash": node["credential_hash"],
        "endpoints": json.dumps(["127.0.0.1:51820"]) if not iso else "{127.0.0.1:51820}",
        "created_at": now if not iso else iso,
        "ipv4_address": node["ipv4_address"], "ipv6_address": node["ipv6_address"],
        # Servers count as online: they "heartbeat" at seeding time (refreshed before each run).
        "last_heartbeat_at": (now if not iso else iso) if node["kind"] == "server" else None,
        "name_key": f"{node['kind']}/{node['name']}",
    }
    return known[column] if column in KNOWN else "__default__"


def seed_sqlite(path, total):
    db = sqlite3.connect(path, timeout=30)
    columns = db.execute("PRAGMA table_info(nodes)").fetchall()  # cid, name, type, notnull, default, pk
    now = time.time()
    rows, names = [], [c[1] for c in columns]
    all_nodes = nodes(total)
    for n in all_nodes:
        row = []
        for _, name, ctype, notnull, _, _ in columns:
            v = value(n, name, now, None)
            if v == "__default__":
                v = 0 if notnull else None
            row.append(v)
        rows.append(row)
    db.executemany(f"INSERT INTO nodes ({','.join(names)}) VALUES ({','.join('?' * len(names))})", rows)
    db.commit()
    return all_nodes


def psql(url, *args, stdin=None):
    return subprocess.run(["psql", "-qAtX", "-v", "ON_ERROR_STOP=1", url, *args], input=stdin, text=True,
                          check=True, capture_output=True).stdout


def seed_postgres(url, total, outdir):
    spec = psql(url, "-c", "SELECT column_name, is_nullable, column_default IS NOT NULL, data_type FROM information_schema.columns "
                           "WHERE table_name = 'nodes' ORDER BY ordinal_position")
    columns = [line.split("|") for line in spec.strip().splitlines()]
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    # Unknown columns with a default are left to it; unknown required ones get 0 / false.
    columns = [c for c in columns if c[0] in KNOWN or c[1] == "NO" and c[2] != "t"]
    names = [c[0] for c in columns]
    all_nodes = nodes(total)
    path = os.path.join(outdir, "nodes.csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        for n in all_nodes:
            row = []
            for name, nullable, _, dtype in columns:
                v = value(n, name, None, iso)
                if v == "__default__":
                    v = ("false" if dtype == "boolean" else "0") if nullable == "NO" else None
                row.append("" if v is None else v)
            w.writerow(row)
    psql(url, "-c", f"\\copy nodes ({','.join(names)}) FROM '{path}' WITH (FORMAT csv)")
    return all_nodes


def main():
    store, target, outdir = sys.argv[1:4]
    total = int(sys.argv[4]) if len(sys.argv) > 4 else 25000
    all_nodes = seed_sqlite(target, total) if store == "sqlite" else seed_postgres(target, total, outdir)
    def write(name, selected):
        with open(os.path.join(outdir, name), "w") as f:
            f.writelines(n["secret"] + "\n" for n in selected)
    write("all.txt", all_nodes)
    write("servers-all.txt", [n for n in all_nodes if n["kind"] == "server"])
    write("server.txt", all_nodes[:1])
    write("devices.txt", [n for n in all_nodes if n["kind"] == "device" and n["status"] == "approved"])
    with open(os.path.join(outdir, "new-server-id.txt"), "w") as f:
        f.write(str(all_nodes[APPROVED_SERVERS]["id"]) + "\n")
    print(f"seeded {len(all_nodes)} nodes into {store}")


if __name__ == "__main__":
    main()
