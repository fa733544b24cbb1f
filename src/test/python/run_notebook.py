"""Executes a notebook with nbclient, as CI does, and prints the text it output.

    python run_notebook.py NOTEBOOK name=value...

Each name=value sets a parameter: a cell assigning them is inserted after the cell tagged "parameters" (papermill's
convention), with the value as a Python string. Fails (exit 1) when the notebook in git carries outputs or execution
counts (they must stay stripped), or when any cell raises. Prints a JSON list of every cell's text outputs, in order.
The notebook file itself is never rewritten.
"""
from __future__ import annotations

import json
import pathlib
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main() -> int:
    path = pathlib.Path(sys.argv[1])
    params = dict(arg.split("=", 1) for arg in sys.argv[2:])
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
    if dirty:
        print(f"NotebookNotStripped: {path}: cells {dirty} carry outputs or execution counts; strip them before "
              "committing", file=sys.stderr)
        return 1
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if params:
        if not tagged:
            print(f"NotebookParameters: {path}: no cell is tagged 'parameters'", file=sys.stderr)
            return 1
        source = "\n".join(f"{name} = {value!r}" for name, value in params.items())
        nb.cells.insert(tagged[0] + 1, nbformat.v4.new_code_cell(source))
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as e:
        print(f"NotebookCellFailed: {path}: {e}", file=sys.stderr)
        return 1
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                texts.append(output["text"])
            elif "data" in output and "text/plain" in output["data"]:
                texts.append(output["data"]["text/plain"])
    print(json.dumps(texts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
