#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check discwright's JSON reports against docs/report-schema.json.

    check_report_schema.py SCHEMA [--require] PATH...

Every *.json file under each PATH (or each PATH that is a file) whose top
level is an object with a "schema" key starting with "discwright-" is a
report and must validate.  Prints one line per invalid report with the
failing key path, then "N reports valid, M invalid".  Exit 0 when all are
valid, 1 when one is not (or, with --require, when none was found), 77
when the jsonschema module is missing (a skip; CI=true makes it 1).
"""
import json
import os
import sys


def reports(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _dirs, files in os.walk(p):
                for f in sorted(files):
                    if f.endswith(".json"):
                        yield os.path.join(root, f)
        elif os.path.isfile(p):
            yield p


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    schema_path, rest = argv[1], argv[2:]
    require = "--require" in rest
    paths = [p for p in rest if p != "--require"]
    try:
        import jsonschema
    except ImportError:
        print("the python3 module jsonschema is missing (Debian: python3-jsonschema; "
              "./run.sh installs it)")
        return 1 if os.environ.get("CI") == "true" else 77
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    valid = invalid = 0
    for path in reports(paths):
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (ValueError, UnicodeDecodeError):
            continue  # not JSON: not a report (maps, profiles are JSON but have no "schema")
        if not isinstance(doc, dict) or not str(doc.get("schema", "")).startswith("discwright-"):
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errors:
            invalid += 1
            for e in errors[:5]:
                where = "/".join(str(x) for x in e.absolute_path) or "(top)"
                print(f"{path}: {where}: {e.message[:300]}")
        else:
            valid += 1
    print(f"{valid} reports valid, {invalid} invalid")
    if invalid:
        return 1
    if require and valid == 0:
        print("no report found to check")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
