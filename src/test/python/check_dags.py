"""Parses every DAG file of a folder as Airflow's DAG processor does; fails on any import error, and on any Airflow
Variable read while parsing (a DAG must read its Variables in templates, when a task runs).

    python check_dags.py DAG_FOLDER

Prints the JSON list of DAG ids found. Exit 1, with each error as `<Code>: message` on stderr, otherwise.
"""
from __future__ import annotations

import json
import sys


def refuse_variable(*args, **kwargs):
    raise RuntimeError(f"VariableReadAtParseTime: Variable.get{args} while the DAG file was being parsed; "
                       "read it in a template ({{ var.value.name }}) instead")


def main() -> int:
    import airflow.models
    import airflow.sdk

    airflow.models.Variable.get = staticmethod(refuse_variable)
    airflow.sdk.Variable.get = staticmethod(refuse_variable)
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=sys.argv[1])
    for path, error in sorted(bag.import_errors.items()):
        print(f"DagImportError: {path}: {error.strip().splitlines()[-1]}", file=sys.stderr)
    if bag.import_errors:
        return 1
    print(json.dumps(sorted(bag.dag_ids)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
