"""Reads a Lakecast warehouse with engines other than Spark and prints what they see, for EnginesIT to compare.

    python read_with_engines.py WAREHOUSE SPEC_JSON

SPEC_JSON maps each table to the columns to sample, e.g. {"endpoints": ["Id", "ChannelType"]}. Delta tables are read
with delta-rs (the deltalake package, through its DataFusion SQL) and with DuckDB (its delta extension). The events
store is Parquet partitioned by app_id and event_date: DuckDB reads it with hive partitioning, and PyArrow's dataset
(the reader delta-rs builds on) reads it too. Prints one JSON object: table -> engine -> {"count", "rows"}, where
rows are the sampled columns of every row as strings, sorted.
"""
from __future__ import annotations

import json
import sys

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
from deltalake import DeltaTable, QueryBuilder
from duckdb_extensions import import_extension

PARQUET_STORES = {"events"}


def as_strings(rows: list[tuple]) -> list[list[str | None]]:
    return sorted(([None if v is None else str(v) for v in row] for row in rows),
                  key=lambda r: [x or "" for x in r])


def quoted(columns: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def with_delta_rs(path: str, columns: list[str]) -> dict:
    table = DeltaTable(path)
    query = QueryBuilder().register("t", table)
    count = pa.table(query.execute("SELECT count(*) AS n FROM t").read_all()).column("n")[0].as_py()
    rows = pa.table(query.execute(f"SELECT {quoted(columns)} FROM t").read_all())
    return {"count": count, "rows": as_strings(list(zip(*(rows.column(c).to_pylist() for c in columns))))}


def with_pyarrow(path: str, columns: list[str]) -> dict:
    table = ds.dataset(path, format="parquet", partitioning="hive").to_table(columns=columns)
    return {"count": table.num_rows, "rows": as_strings(list(zip(*(table.column(c).to_pylist() for c in columns))))}


def with_duckdb(con: duckdb.DuckDBPyConnection, path: str, columns: list[str], parquet: bool) -> dict:
    source = (f"read_parquet('{path}/**/*.parquet', hive_partitioning = true)" if parquet
              else f"delta_scan('{path}')")
    count = con.sql(f"SELECT count(*) FROM {source}").fetchone()[0]
    return {"count": count, "rows": as_strings(con.sql(f"SELECT {quoted(columns)} FROM {source}").fetchall())}


def main() -> None:
    warehouse, spec = sys.argv[1], json.loads(sys.argv[2])
    con = duckdb.connect()
    import_extension("delta", con=con)
    con.load_extension("delta")
    out = {}
    for table, columns in spec.items():
        path = f"{warehouse}/{table}"
        parquet = table in PARQUET_STORES
        out[table] = {
            ("pyarrow" if parquet else "deltalake"): (with_pyarrow if parquet else with_delta_rs)(path, columns),
            "duckdb": with_duckdb(con, path, columns, parquet),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
