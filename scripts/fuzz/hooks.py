"""Rules of the Switchboard API that OpenAPI 3.0 cannot state, told to schemathesis.

Generated requests that break one of them are left out, so "a schema-valid request was
refused" only reports refusals the document does not explain. Each rule is enforced by the
gateway's validators (400 with field errors) and described in the field's description.
"""
import re
import uuid
from datetime import datetime, timedelta, timezone

import schemathesis

# Attribute keys: `keys matching ...` in the schema's description (OpenAPI 3.0 has no propertyNames).
ATTRIBUTE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}\Z")
# Refused as a key anywhere (the API document's description): Object.prototype's members and `prototype`.
RESERVED_KEYS = {
    "__proto__", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__",
    "constructor", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString",
    "toString", "valueOf", "prototype",
}
# Refused in any string or key: U+0000 and unpaired surrogates (the store cannot hold them).
UNSTORABLE_TEXT = re.compile("[\x00\ud800-\udfff]")


def _storable(value):
    """No reserved key and no unstorable text, at any depth."""
    if isinstance(value, str):
        return not UNSTORABLE_TEXT.search(value)
    if isinstance(value, dict):
        return all(
            key not in RESERVED_KEYS and _storable(key) and _storable(nested) for key, nested in value.items()
        )
    if isinstance(value, list):
        return all(_storable(item) for item in value)
    return True


def _attribute_keys_valid(value):
    if isinstance(value, dict):
        attributes = value.get("attributes")
        if isinstance(attributes, dict) and not all(
            ATTRIBUTE_KEY.match(key) and key not in RESERVED_KEYS for key in attributes
        ):
            return False
        return all(_attribute_keys_valid(nested) for nested in value.values())
    if isinstance(value, list):
        return all(_attribute_keys_valid(item) for item in value)
    return True


def _block_end_in_window(body):
    """A block's `until` lies in the future and at most 366 days ahead (the window moves with the clock)."""
    if not isinstance(body, dict) or not isinstance(body.get("until"), str):
        return True
    try:
        until = datetime.fromisoformat(body["until"].replace("Z", "+00:00"))
    except ValueError:
        return True  # not a time at all: the schema's business
    now = datetime.now(timezone.utc)
    return until.tzinfo is not None and now < until <= now + timedelta(days=366)


@schemathesis.hook
def filter_body(context, body):
    return _storable(body) and _attribute_keys_valid(body) and _block_end_in_window(body)


@schemathesis.hook
def filter_query(context, query):
    return _storable(query)


@schemathesis.hook
def filter_path_parameters(context, path_parameters):
    return _storable(path_parameters)


# A client sends a fresh Idempotency-Key per call and the same one only to retry that call; a
# generated key repeats ("0"), which would replay an earlier call's answer to a different one.
@schemathesis.hook
def map_headers(context, headers):
    if headers and "Idempotency-Key" in headers:
        headers["Idempotency-Key"] = f"{headers['Idempotency-Key'][:150]}-{uuid.uuid4()}"
    return headers
