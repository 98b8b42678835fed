"""Usage: python3 invoke.py HANDLER_FILE OUT_FILE < events.json

Runs the module's handler on each event of the JSON array on standard input,
as Lambda would, and writes a JSON array of outcomes to OUT_FILE
({"result": ...} or {"error": "..."}). Standard output is left to the
handler's own logging.
"""

import importlib.util
import json
import sys

spec = importlib.util.spec_from_file_location("app", sys.argv[1])
app = importlib.util.module_from_spec(spec)
spec.loader.exec_module(app)

outcomes = []
for event in json.load(sys.stdin):
    try:
        outcomes.append({"result": app.handler(event, None)})
    except Exception as err:  # noqa: BLE001 - every failure is an outcome to report
        outcomes.append({"error": f"{type(err).__name__}: {err}"})
with open(sys.argv[2], "w") as out:
    json.dump(outcomes, out)
