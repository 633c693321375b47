"""Validates kensa's OCSF output against the OCSF schema.

Reads a JSON array of events on standard input. Each must be a Compliance
Finding (class 2003) of the OCSF version its metadata names, as the PyPI
package pydantic-ocsf models it from the schema files it ships (the OCSF
schema's own export, 1.0.0 to 1.7.0): required attributes, types and enum
values. pydantic-ocsf accepts attributes the schema does not define, so this
script also rejects those, anywhere but in `unmapped` (OCSF's place for
them). Profile attributes are not in the class's model; `cloud` (the cloud
profile, which the events must then list in `metadata.profiles`) is checked
against the Cloud object instead.

Prints one line per problem and exits 1 when there is any, 0 otherwise.
"""

import importlib
import json
import sys

from pydantic import BaseModel, ValidationError

# Attributes a profile adds to the event, and the object each one is.
PROFILE_ATTRIBUTES = {"cloud": ("cloud", "Cloud")}
FREE_FORM = {"unmapped"}


def unknown_attributes(model, path):
    """Paths of attributes the schema does not define, inside `model`."""
    found = []
    extra = model.__pydantic_extra__ or {}
    # The generic `object` type has no attributes of its own: anything goes.
    if type(model).__name__ != "Object":
        found += [f"{path}.{name}" for name in extra if name not in FREE_FORM]
    for name, value in model:
        if name in FREE_FORM:
            continue
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, BaseModel):
                found += unknown_attributes(item, f"{path}.{name}")
    return found


def problems_of(index, event):
    where = f"event {index}"
    if event.get("class_uid") != 2003:
        return [f"{where}: class_uid is {event.get('class_uid')!r}, not 2003"]
    version = event.get("metadata", {}).get("version", "")
    try:
        module = importlib.import_module(f"ocsf.v{version.replace('.', '_')}")
    except ImportError:
        return [f"{where}: OCSF version {version!r} is not one pydantic-ocsf knows"]
    problems = []
    finding_class = module.events.ComplianceFinding
    class_attributes = {
        k: v for k, v in event.items() if k not in PROFILE_ATTRIBUTES
    }
    # pydantic-ocsf 3.0.0 resolves the type of a finding's `status_id` to
    # another object's enum of the same name (0, 1, 2, 3, 99); the class's
    # own enum (New, In Progress, Suppressed, Resolved, Archived, Other) is
    # right, so the status pair is checked against that one here.
    status_id = class_attributes.pop("status_id", None)
    status = class_attributes.pop("status", None)
    if status_id is not None:
        own = {member.value: member for member in finding_class.StatusId}
        if status_id not in own:
            problems.append(f"{where}: status_id {status_id!r} is not one of {sorted(own)}")
        elif status_id != 99 and (status or "").upper().replace(" ", "_") != own[status_id].name:
            problems.append(f"{where}: status {status!r} does not match status_id {status_id}")
    try:
        model = finding_class.model_validate(class_attributes)
        problems += [f"{where}: unknown attribute {p}" for p in unknown_attributes(model, "")]
    except ValidationError as error:
        problems.append(f"{where}: {error}")
    for attribute, (profile, object_name) in PROFILE_ATTRIBUTES.items():
        if attribute not in event:
            continue
        if profile not in event.get("metadata", {}).get("profiles", []):
            problems.append(f"{where}: {attribute} without the {profile} profile in metadata.profiles")
        try:
            value = getattr(module.objects, object_name).model_validate(event[attribute])
            problems += [
                f"{where}: unknown attribute {p}"
                for p in unknown_attributes(value, f".{attribute}")
            ]
        except ValidationError as error:
            problems.append(f"{where}: {attribute}: {error}")
    return problems


def main():
    events = json.load(sys.stdin)
    if not isinstance(events, list) or not events:
        print("expected a non-empty JSON array of events")
        return 1
    problems = [p for i, e in enumerate(events) for p in problems_of(i, e)]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
