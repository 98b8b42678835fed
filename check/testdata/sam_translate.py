"""Runs SAM's translator over templates, for check's tests.

Reads a JSON list of templates (YAML text) on standard input and writes a JSON
list with, for each, {"template": <the CloudFormation template>} or
{"error": <why the translator refused it>}. One process serves the whole batch:
importing samtranslator costs about a second.
"""

import json
import os
import sys

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from samtranslator.model.exceptions import InvalidDocumentException  # noqa: E402
from samtranslator.translator.transform import transform  # noqa: E402
from samtranslator.yaml_helper import yaml_parse  # noqa: E402


class NoManagedPolicies:
    """Stands in for the IAM lookup of managed policy ARNs."""

    def load(self):
        return {}


results = []
for source in json.load(sys.stdin):
    try:
        results.append({"template": transform(yaml_parse(source), {}, NoManagedPolicies())})
    except InvalidDocumentException as e:
        results.append({"error": " ".join(cause.message for cause in e.causes)})
    except Exception as e:  # the translator fails on some inputs without a message of its own
        results.append({"error": "%s: %s" % (type(e).__name__, e)})
json.dump(results, sys.stdout)
